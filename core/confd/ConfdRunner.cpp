// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ConfdRunner.h"

#include "ConfdLog.h"
#include "core/engine/template/GoPath.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace lbdeck::confd {

namespace {

// filepath.Walk order: lexical, depth first; names matched as filepath.Match(pattern, base name).
void walk(const QString& dir, const QString& pattern, QStringList& out)
{
    const QFileInfoList entries = QDir(dir).entryInfoList(
        QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDir::Name);
    for (const QFileInfo& e : entries) {
        const bool match = tmpl::GoPath::match(pattern, e.fileName()) == tmpl::GoPath::MatchResult::Match;
        if (e.isDir() && !e.isSymLink()) {
            walk(e.filePath(), pattern, out);
            continue;
        }
        if (match && !e.isDir())
            out << e.filePath();
    }
}

} // namespace

ConfdRunner::ConfdRunner(ConfdOptions options, Backend* backend, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_backend(backend)
{
    m_settings.prefix = m_options.prefix;
    m_settings.templateDir = m_options.templateDir();
    m_settings.noop = m_options.noop;
    m_settings.syncOnly = m_options.syncOnly;
    m_settings.keepStageFile = m_options.keepStageFile;
    m_interval.setSingleShot(true);
    connect(&m_interval, &QTimer::timeout, this, &ConfdRunner::runPass);
    connect(m_backend, &Backend::changed, this, [this] {
        if (!m_watching || m_stopping)
            return;
        if (m_running) {
            m_again = true;
            return;
        }
        runPass();
    });
    connect(m_backend, &Backend::watchFailed, this, [](const QString& error) { ConfdLog::error(error); });
}

Result<std::vector<TemplateResource>> ConfdRunner::loadResources() const
{
    std::vector<TemplateResource> out;
    ConfdLog::debug(u"Loading template resources from confdir "_s + m_options.confdir);
    if (!QFileInfo::exists(m_options.confdir)) {
        ConfdLog::warning(
            u"Cannot load template resources: confdir '%1' does not exist"_s.arg(m_options.confdir));
        return out;
    }
    const QString configDir = m_options.configDir();
    if (!QFileInfo(configDir).isDir())
        return makeError(ErrorCode::NotFound, u"lstat %1: no such file or directory"_s.arg(configDir));
    QStringList paths;
    walk(configDir, u"*toml"_s, paths);
    if (paths.isEmpty())
        ConfdLog::warning(u"Found no templates"_s);
    Error lastError;
    bool failed = false;
    for (const QString& p : std::as_const(paths)) {
        ConfdLog::debug(u"Found template: "_s + p);
        Result<TemplateResource> t = TemplateResource::load(p, m_settings);
        if (!t) {
            lastError = t.error();
            failed = true;
            continue;
        }
        out.push_back(std::move(*t));
    }
    if (failed)
        return lastError;
    return out;
}

void ConfdRunner::start()
{
    if (m_options.watch && !m_options.onetime) {
        QList<QByteArray> keys;
        Result<std::vector<TemplateResource>> resources = loadResources();
        if (!resources) {
            ConfdLog::fatal(resources.error().message);
            QMetaObject::invokeMethod(
                this, [this] { Q_EMIT finished(1); }, Qt::QueuedConnection);
            return;
        }
        for (const TemplateResource& t : *resources)
            keys += t.backendKeys();
        if (Result<void> w = m_backend->watch(keys); !w) {
            ConfdLog::fatal(w.error().message);
            QMetaObject::invokeMethod(
                this, [this] { Q_EMIT finished(1); }, Qt::QueuedConnection);
            return;
        }
        m_watched = std::make_shared<std::vector<TemplateResource>>(std::move(*resources));
        m_watching = true;
    }
    QMetaObject::invokeMethod(this, &ConfdRunner::runPass, Qt::QueuedConnection);
}

void ConfdRunner::stop()
{
    m_stopping = true;
    m_interval.stop();
    if (!m_running)
        Q_EMIT finished(0);
}

void ConfdRunner::runPass()
{
    if (m_stopping)
        return;
    m_running = true;
    m_again = false;
    if (m_watched) {
        processNext(m_watched, 0, 0, {});
        return;
    }
    Result<std::vector<TemplateResource>> resources = loadResources();
    if (!resources) {
        // confd: log.Fatal, in every mode.
        ConfdLog::fatal(resources.error().message);
        m_running = false;
        Q_EMIT finished(1);
        return;
    }
    auto shared = std::make_shared<std::vector<TemplateResource>>(std::move(*resources));
    processNext(shared, 0, 0, {});
}

void ConfdRunner::processNext(std::shared_ptr<std::vector<TemplateResource>> resources, size_t index,
                              int failures, QString lastError)
{
    if (index >= resources->size() || m_stopping) {
        passFinished(failures, lastError);
        return;
    }
    const TemplateResource& t = (*resources)[index];
    ConfdLog::debug(u"Retrieving keys from store"_s);
    ConfdLog::debug(u"Key prefix set to "_s + t.prefix());
    m_backend->getValues(
        t.backendKeys(), this,
        [this, resources, index, failures, lastError](const Result<KeyValues>& values) mutable {
            const TemplateResource& r = (*resources)[index];
            Result<void> done = values ? r.apply(*values) : Result<void>(values.error());
            if (!done) {
                ConfdLog::error(done.error().message);
                ++failures;
                lastError = done.error().message;
            }
            processNext(resources, index + 1, failures, lastError);
        });
}

void ConfdRunner::passFinished(int failures, const QString& lastError)
{
    m_running = false;
    ++m_passes;
    Q_EMIT passDone(failures);
    if (m_stopping) {
        Q_EMIT finished(0);
        return;
    }
    if (m_options.onetime) {
        if (failures > 0)
            ConfdLog::fatal(lastError);
        Q_EMIT finished(failures > 0 ? 1 : 0);
        return;
    }
    if (m_watching) {
        if (m_again)
            QMetaObject::invokeMethod(this, &ConfdRunner::runPass, Qt::QueuedConnection);
        return;
    }
    m_interval.start(std::chrono::seconds(qMax(1, m_options.interval)));
}

} // namespace lbdeck::confd
