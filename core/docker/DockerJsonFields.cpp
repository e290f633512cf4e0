// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DockerJsonFields.h"

#include <QJsonDocument>

#include <cmath>

using namespace Qt::StringLiterals;

namespace lbdeck::docker {

Error protocolError(const QString& why)
{
    return makeError(ErrorCode::Protocol, u"unexpected answer from Docker: %1"_s.arg(why));
}

// Optional string: absent or null is "", any other type is an error.
Result<QString> optString(const QJsonObject& o, const QString& key)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return QString();
    if (!v.isString())
        return protocolError(u"\"%1\" is not a string"_s.arg(key));
    return v.toString();
}

Result<QString> reqString(const QJsonObject& o, const QString& key)
{
    const QJsonValue v = o.value(key);
    if (!v.isString() || v.toString().isEmpty())
        return protocolError(u"\"%1\" is missing or not a string"_s.arg(key));
    return v.toString();
}

// Optional non-negative integer (Docker's counters and sizes); absent or null is 0.
Result<qint64> optCount(const QJsonObject& o, const QString& key)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return qint64(0);
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 0 || !std::isfinite(d) || d > 9.2e18)
        return protocolError(u"\"%1\" is not a non-negative number"_s.arg(key));
    return qint64(d);
}

Result<bool> optBool(const QJsonObject& o, const QString& key)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return false;
    if (!v.isBool())
        return protocolError(u"\"%1\" is not a boolean"_s.arg(key));
    return v.toBool();
}

// Absent and null are an empty object (Docker writes null for an empty map).
Result<QJsonObject> optObject(const QJsonObject& o, const QString& key)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return QJsonObject();
    if (!v.isObject())
        return protocolError(u"\"%1\" is not an object"_s.arg(key));
    return v.toObject();
}

Result<QStringList> optStringList(const QJsonObject& o, const QString& key)
{
    const QJsonValue v = o.value(key);
    QStringList out;
    if (v.isUndefined() || v.isNull())
        return out;
    if (!v.isArray())
        return protocolError(u"\"%1\" is not an array"_s.arg(key));
    for (const QJsonValue& item : v.toArray()) {
        if (!item.isString())
            return protocolError(u"\"%1\" holds a non-string"_s.arg(key));
        out.append(item.toString());
    }
    return out;
}

Result<QMap<QString, QString>> optLabels(const QJsonObject& o, const QString& key)
{
    Result<QJsonObject> obj = optObject(o, key);
    if (!obj)
        return obj.error();
    QMap<QString, QString> out;
    for (auto it = obj->begin(); it != obj->end(); ++it) {
        if (!it.value().isString())
            return protocolError(u"label \"%1\" is not a string"_s.arg(it.key()));
        out.insert(it.key(), it.value().toString());
    }
    return out;
}

Result<QJsonArray> parseArray(const QByteArray& body)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError)
        return protocolError(u"invalid JSON (%1 at offset %2)"_s.arg(pe.errorString()).arg(pe.offset));
    if (!doc.isArray())
        return protocolError(u"expected a JSON array"_s);
    return doc.array();
}

} // namespace lbdeck::docker
