// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ClusterEvents.h"

#include "EngineLink.h"
#include "NodeInventory.h"

#include <QDateTime>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

constexpr qsizetype MaxShown = 300;
constexpr int MaxOwnWrites = 1000;
constexpr int ShownPerBurst = 10;

// etcd values and Docker names are untrusted text: one line, printable, bounded.
QString shown(const QString& text)
{
    QString out;
    out.reserve(qMin(text.size(), MaxShown + 1));
    for (const QChar c : text) {
        if (out.size() >= MaxShown) {
            out += u'…';
            break;
        }
        out += c.isPrint() ? c : u' ';
    }
    return out.simplified();
}

QString shown(const QByteArray& value)
{
    return u"\"%1\""_s.arg(shown(QString::fromUtf8(value)));
}

} // namespace

ClusterEvents::ClusterEvents(QObject* parent)
    : QObject(parent)
{
    m_flush.setSingleShot(true);
    connect(&m_flush, &QTimer::timeout, this, &ClusterEvents::flushPending);
}

void ClusterEvents::watchEngine(EngineLink* engine)
{
    m_engine = engine;
    m_engineSeen = false;
    connect(engine, &EngineLink::updated, this, &ClusterEvents::readEngineStatus);
}

void ClusterEvents::readEngineStatus()
{
    if (!m_engine)
        return;
    const QJsonObject status = m_engine->status();
    const QJsonArray ledger = status.value(u"ledger"_s).toArray();
    const qint64 newest = ledger.isEmpty() ? 0 : ledger.last().toObject().value(u"id"_s).toInteger();
    const QJsonObject nginx = status.value(u"nginx"_s).toObject();
    const qint64 outside = nginx.value(u"outsideReloads"_s).toInteger(-1);
    if (!m_engineSeen) {
        // What the engine did before this window looked is in the ledger view, not news.
        m_engineSeen = true;
        m_lastLedgerId = newest;
        m_outsideReloads = outside;
        return;
    }
    if (newest < m_lastLedgerId) // another engine (or a restarted one): its ids start again
        m_lastLedgerId = 0;
    for (const QJsonValue& v : ledger) {
        const QJsonObject entry = v.toObject();
        if (entry.value(u"id"_s).toInteger() > m_lastLedgerId)
            logLedgerEntry(entry);
    }
    m_lastLedgerId = qMax(m_lastLedgerId, newest);
    if (outside > m_outsideReloads && m_outsideReloads >= 0) {
        const QJsonObject last = nginx.value(u"lastOutsideReload"_s).toObject();
        QStringList workers;
        for (const QJsonValue& w : last.value(u"workers"_s).toArray())
            workers << QString::number(w.toInteger());
        const qint64 times = outside - m_outsideReloads;
        Q_EMIT logMessage(
            (last.value(u"restart"_s).toBool()
                 ? tr("nginx was restarted outside the engine%1 (master PID %2)")
                       .arg(times > 1 ? tr(", %1 times").arg(times) : QString())
                       .arg(nginx.value(u"masterPid"_s).toInteger())
                 : tr("nginx was reloaded outside the engine%1 (new workers %2)")
                       .arg(times > 1 ? tr(", %1 times").arg(times) : QString(), workers.join(u", "_s))) +
                tr(" — it reread the config file the engine wrote, config %1").arg(m_engine->configHash()),
            false);
    }
    if (outside >= 0)
        m_outsideReloads = outside;
}

void ClusterEvents::logLedgerEntry(const QJsonObject& e)
{
    const QString outcome = e.value(u"outcome"_s).toString();
    const QString config =
        tr("config %1 (revision %2)").arg(e.value(u"hash"_s).toString(), e.value(u"revision"_s).toString());
    const QString check = shown(e.value(u"checkOutput"_s).toString());
    const QString checked = check.isEmpty() ? QString() : tr("; nginx -t: %1").arg(check);
    if (outcome == u"applied"_s) {
        QStringList change;
        const QJsonArray added = e.value(u"added"_s).toArray();
        const QJsonArray removed = e.value(u"removed"_s).toArray();
        for (const QJsonValue& v : added)
            change << u"+"_s + shown(v.toString());
        for (const QJsonValue& v : removed)
            change << u"−"_s + shown(v.toString());
        if (change.size() > ShownPerBurst) { // a thousand backends are a count, not a line of them
            const qsizetype rest = change.size() - ShownPerBurst;
            change = change.mid(0, ShownPerBurst);
            change << tr("and %1 more (+%2 −%3 in all)").arg(rest).arg(added.size()).arg(removed.size());
        }
        Q_EMIT logMessage(
            tr("Reload: applied %1%2%3")
                .arg(config, change.isEmpty() ? QString() : u": "_s + change.join(u' '), checked),
            false);
        return;
    }
    if (outcome == u"check failed"_s) {
        Q_EMIT logMessage(tr("Reload refused: %1 failed its check, the running config stays; nginx -t: %2")
                              .arg(config, check.isEmpty() ? shown(e.value(u"message"_s).toString()) : check),
                          true);
        return;
    }
    Q_EMIT logMessage(
        tr("Reload %1: %2: %3%4").arg(outcome, config, shown(e.value(u"message"_s).toString()), checked),
        true);
}

void ClusterEvents::watchBackends(PrefixMirror* mirror)
{
    m_mirror = mirror;
    m_baselined = mirror->isLoaded();
    m_revision = mirror->revision();
    connect(mirror, &PrefixMirror::changed, this, &ClusterEvents::onBackendsChanged);
    connect(mirror, &PrefixMirror::resynced, this, [this](const QString&, qint64 revision) {
        m_baselined = true;
        m_revision = qMax(m_revision, revision);
    });
}

void ClusterEvents::noteOwnWrite(const QByteArray& key, qint64 revision)
{
    if (revision <= 0)
        return;
    // Seen already and held: it was the app's, drop it.
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
        if (it->key == key && revision > it->from && revision <= it->to) {
            m_pending.erase(it);
            return;
        }
    }
    if (m_own.size() >= MaxOwnWrites)
        m_own.clear(); // never seen by the watch (another prefix?): do not grow without end
    m_own.insert(key, revision);
}

bool ClusterEvents::takeOwn(const QByteArray& key, qint64 from, qint64 to)
{
    for (auto it = m_own.find(key); it != m_own.end() && it.key() == key; ++it) {
        if (it.value() > from && it.value() <= to) {
            m_own.erase(it);
            return true;
        }
    }
    return false;
}

void ClusterEvents::onBackendsChanged(const QList<KvChange>& changes, qint64 revision)
{
    const qint64 from = m_revision;
    m_revision = qMax(m_revision, revision);
    if (!m_baselined || !m_mirror)
        return; // the first read: what etcd held before, not a change
    const qint64 due = QDateTime::currentMSecsSinceEpoch() + OwnWriteWindow.count();
    for (const KvChange& c : changes) {
        const QString key = shown(QString::fromUtf8(c.key));
        Pending p;
        p.key = c.key;
        if (c.after) {
            // A put: its revision is known exactly.
            const qint64 at = m_mirror->entries().value(c.key).modRevision;
            p.from = at > 0 ? at - 1 : from;
            p.to = at > 0 ? at : m_revision;
            p.text =
                c.before
                    ? tr("etcd: %1 changed outside lbdeck: %2 → %3 (revision %4)")
                          .arg(key, shown(*c.before), shown(*c.after))
                          .arg(at)
                    : tr("etcd: %1 = %2 set outside lbdeck (revision %3)").arg(key, shown(*c.after)).arg(at);
        } else {
            p.from = from;
            p.to = m_revision;
            p.text = tr("etcd: %1 deleted outside lbdeck (was %2)")
                         .arg(key, shown(c.before.value_or(QByteArray())));
        }
        if (takeOwn(p.key, p.from, p.to))
            continue;
        p.dueMs = due;
        m_pending.append(p);
    }
    // The app's writes from before this batch were shown by an earlier one: none will match now.
    for (auto it = m_own.begin(); it != m_own.end();)
        it = it.value() <= from ? m_own.erase(it) : std::next(it);
    if (!m_pending.isEmpty() && !m_flush.isActive())
        m_flush.start(OwnWriteWindow);
}

void ClusterEvents::flushPending()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // A burst (a script, a restore) is a few lines and a count, not thousands of rows.
    int shownNow = 0;
    qint64 more = 0;
    qint64 firstMore = 0;
    qint64 lastMore = 0;
    while (!m_pending.isEmpty() && m_pending.first().dueMs <= now) {
        const Pending p = m_pending.takeFirst();
        if (shownNow < ShownPerBurst) {
            Q_EMIT logMessage(p.text, false);
            ++shownNow;
            continue;
        }
        firstMore = more == 0 ? p.from + 1 : qMin(firstMore, p.from + 1);
        lastMore = qMax(lastMore, p.to);
        ++more;
    }
    if (more > 0)
        Q_EMIT logMessage(tr("etcd: %1 more changes under %2 outside lbdeck (revisions %3–%4)")
                              .arg(more)
                              .arg(m_mirror ? shown(QString::fromUtf8(m_mirror->prefix())) : QString())
                              .arg(firstMore)
                              .arg(lastMore),
                          false);
    if (!m_pending.isEmpty())
        m_flush.start(int(qMax<qint64>(1, m_pending.first().dueMs - now)));
}

void ClusterEvents::watchNodes(NodeInventory* inventory)
{
    connect(inventory, &NodeInventory::containerEvent, this, &ClusterEvents::onContainerEvent);
}

void ClusterEvents::onContainerEvent(const QString& node, const QJsonObject& event)
{
    if (event.value(u"Type"_s).toString() != u"container"_s)
        return;
    const QString action = event.value(u"Action"_s).toString();
    const QJsonObject attributes = event.value(u"Actor"_s).toObject().value(u"Attributes"_s).toObject();
    QString name = attributes.value(u"name"_s).toString();
    if (name.isEmpty())
        name = event.value(u"Actor"_s).toObject().value(u"ID"_s).toString().left(12);
    const QString where = tr("Node %1: container %2").arg(shown(node), shown(name));
    if (action == u"start"_s) {
        Q_EMIT logMessage(
            tr("%1 started (image %2)").arg(where, shown(attributes.value(u"image"_s).toString())), false);
    } else if (action == u"die"_s) {
        const QString code = attributes.value(u"exitCode"_s).toString();
        Q_EMIT logMessage(tr("%1 exited with code %2").arg(where, code.isEmpty() ? u"?"_s : shown(code)),
                          false);
    } else if (action == u"oom"_s) {
        Q_EMIT logMessage(tr("%1 ran out of memory (OOM)").arg(where), true);
    }
}

} // namespace lbdeck
