// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "JsonDecoder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

namespace {

Value fromJson(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return Value(v.toBool());
    case QJsonValue::Double:
        return Value(v.toDouble());
    case QJsonValue::String:
        return Value(v.toString());
    case QJsonValue::Array: {
        const QJsonArray array = v.toArray();
        std::vector<Value> items;
        items.reserve(std::size_t(array.size()));
        for (const QJsonValue& item : array)
            items.push_back(fromJson(item));
        return Value::list(std::move(items));
    }
    case QJsonValue::Object: {
        const QJsonObject object = v.toObject();
        std::vector<Value::Entry> entries;
        entries.reserve(std::size_t(object.size()));
        for (auto it = object.begin(); it != object.end(); ++it)
            entries.emplace_back(it.key(), fromJson(it.value()));
        return Value::map(std::move(entries));
    }
    default:
        return Value();
    }
}

QString jsonTypeName(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return u"bool"_s;
    case QJsonValue::Double:
        return u"number"_s;
    case QJsonValue::String:
        return u"string"_s;
    case QJsonValue::Array:
        return u"array"_s;
    case QJsonValue::Object:
        return u"object"_s;
    default:
        return u"null"_s;
    }
}

// Qt only parses an object or array at the top, so the text is wrapped in an array.
Result<QJsonValue> parse(const QString& text)
{
    if (text.trimmed().isEmpty())
        return makeError(ErrorCode::Template, u"unexpected end of JSON input"_s);
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(u"[%1\n]"_s.arg(text).toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || doc.array().size() != 1) {
        const int offset = std::max(0, error.offset - 1);
        return makeError(ErrorCode::Template,
                         u"invalid JSON at offset %1: %2"_s.arg(offset).arg(error.errorString()));
    }
    return doc.array().at(0);
}

Result<Value> decode(const QString& text, QJsonValue::Type wanted, const QString& goType)
{
    const auto parsed = parse(text);
    if (!parsed)
        return parsed.error();
    if (parsed->type() == QJsonValue::Null)
        return wanted == QJsonValue::Object ? Value::map({}) : Value::list({});
    if (parsed->type() != wanted)
        return makeError(ErrorCode::Template, u"json: cannot unmarshal %1 into Go value of type %2"_s.arg(
                                                  jsonTypeName(*parsed), goType));
    return fromJson(*parsed);
}

} // namespace

Result<Value> JsonDecoder::object(const QString& text)
{
    return decode(text, QJsonValue::Object, u"map[string]interface {}"_s);
}

Result<Value> JsonDecoder::array(const QString& text)
{
    return decode(text, QJsonValue::Array, u"[]interface {}"_s);
}

} // namespace lbdeck::tmpl
