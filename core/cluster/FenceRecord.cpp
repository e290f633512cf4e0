// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "FenceRecord.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace lbdeck {

QString FenceRecord::movedTo() const
{
    const QString port = movedAddress.section(u':', -1);
    return port.isEmpty() ? movedNode : u"%1:%2"_s.arg(movedNode, port);
}

QByteArray FenceRecord::toJson() const
{
    const QJsonObject o{{u"node"_s, node},
                        {u"container"_s, container},
                        {u"key"_s, QString::fromUtf8(key)},
                        {u"address"_s, address},
                        {u"movedNode"_s, movedNode},
                        {u"movedName"_s, movedName},
                        {u"movedAddress"_s, movedAddress},
                        {u"at"_s, at.toUTC().toString(Qt::ISODate)}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Result<FenceRecord> FenceRecord::fromJson(const QByteArray& json)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (!doc.isObject())
        return makeError(ErrorCode::Protocol,
                         u"a fence record is not a JSON object: %1"_s.arg(err.errorString()));
    const QJsonObject o = doc.object();
    FenceRecord r;
    r.node = o.value(u"node"_s).toString();
    r.container = o.value(u"container"_s).toString();
    r.key = o.value(u"key"_s).toString().toUtf8();
    r.address = o.value(u"address"_s).toString();
    r.movedNode = o.value(u"movedNode"_s).toString();
    r.movedName = o.value(u"movedName"_s).toString();
    r.movedAddress = o.value(u"movedAddress"_s).toString();
    r.at = QDateTime::fromString(o.value(u"at"_s).toString(), Qt::ISODate);
    if (r.node.isEmpty() || r.container.isEmpty())
        return makeError(ErrorCode::Protocol, u"a fence record names no node or container"_s);
    return r;
}

Result<QByteArray> fencePrefix(const QByteArray& backendPrefix)
{
    QByteArray inner = backendPrefix;
    while (inner.startsWith('/'))
        inner.remove(0, 1);
    while (inner.endsWith('/'))
        inner.chop(1);
    QByteArray out = "/lbdeck-fenced/";
    if (!inner.isEmpty())
        out += inner + '/';
    if (out.startsWith(backendPrefix))
        return makeError(ErrorCode::InvalidArgument,
                         u"the backend prefix %1 covers %2, where lbdeck records fenced containers: choose a "
                         u"narrower prefix, like the seed's /test/"_s.arg(QString::fromUtf8(backendPrefix),
                                                                          QString::fromUtf8(out)));
    return out;
}

Result<QByteArray> fenceKey(const QByteArray& backendPrefix, const QString& node, const QString& container)
{
    Result<QByteArray> prefix = fencePrefix(backendPrefix);
    if (!prefix)
        return prefix.error();
    return *prefix + node.toUtf8() + '/' + container.toUtf8();
}

} // namespace lbdeck
