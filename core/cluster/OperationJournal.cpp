// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "OperationJournal.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace lbdeck {

OperationJournal::OperationJournal(QString path)
    : m_path(std::move(path))
{}

QString OperationJournal::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/pending-stops.json"_s;
}

QList<OperationJournal::Entry> OperationJournal::entries() const
{
    QFile f(m_path);
    QList<Entry> out;
    if (!f.open(QIODevice::ReadOnly))
        return out;
    for (const QJsonValue& v : QJsonDocument::fromJson(f.readAll()).array()) {
        const QJsonObject o = v.toObject();
        out.append({o.value(u"node"_s).toString(), o.value(u"container"_s).toString(),
                    o.value(u"key"_s).toString().toUtf8()});
    }
    return out;
}

Result<void> OperationJournal::write(const QList<Entry>& entries) const
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QJsonArray array;
    for (const Entry& e : entries)
        array.append(QJsonObject{
            {u"node"_s, e.node}, {u"container"_s, e.container}, {u"key"_s, QString::fromUtf8(e.key)}});
    QSaveFile f(m_path);
    if (!f.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::Io, f.errorString(), m_path);
    f.write(QJsonDocument(array).toJson(QJsonDocument::Compact));
    if (!f.commit())
        return makeError(ErrorCode::Io, f.errorString(), m_path);
    return {};
}

Result<void> OperationJournal::add(const Entry& entry)
{
    QList<Entry> all = entries();
    if (!all.contains(entry))
        all.append(entry);
    return write(all);
}

Result<void> OperationJournal::remove(const Entry& entry)
{
    QList<Entry> all = entries();
    all.removeAll(entry);
    return write(all);
}

} // namespace lbdeck
