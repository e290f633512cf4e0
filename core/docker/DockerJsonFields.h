// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QStringList>

#include <optional>

// Field readers for Docker's JSON. Docker leaves empty things out or writes null for them, so an
// absent or null field reads as empty; a field of the wrong type is a protocol error, never a guess.
namespace lbdeck::docker {

Error protocolError(const QString& why);

// The first error among several decoded fields, in the order given.
template<typename... R>
std::optional<Error> firstError(const R&... results)
{
    std::optional<Error> e;
    ((e || results.ok() ? void() : void(e = results.error())), ...);
    return e;
}

Result<QString> optString(const QJsonObject& o, const QString& key);
Result<QString> reqString(const QJsonObject& o, const QString& key); // present and not empty
Result<qint64> optCount(const QJsonObject& o, const QString& key);   // a non-negative number
Result<bool> optBool(const QJsonObject& o, const QString& key);
Result<QJsonObject> optObject(const QJsonObject& o, const QString& key);
Result<QStringList> optStringList(const QJsonObject& o, const QString& key);
Result<QMap<QString, QString>> optLabels(const QJsonObject& o, const QString& key);
Result<QJsonArray> parseArray(const QByteArray& body);

} // namespace lbdeck::docker
