// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace lbdeck {

// How every asynchronous core call answers: once, with a value or an error.
template<typename T>
using Callback = std::function<void(const Result<T>&)>;

// Success or failure alone, the value dropped.
template<typename T>
Result<void> toVoid(const Result<T>& r)
{
    return r ? Result<void>() : Result<void>(r.error());
}

// A callback for a response body that parses it into T; a parse error is reported at `where`
// (the endpoint and the subject of the call), a transport error as it came.
template<typename T, typename Parse>
Callback<QByteArray> decodeWith(Callback<T> callback, Parse parse, QString where)
{
    return [callback = std::move(callback), parse, where = std::move(where)](const Result<QByteArray>& body) {
        if (!body) {
            callback(body.error());
            return;
        }
        Result<T> decoded = parse(*body);
        if (!decoded) {
            Error e = decoded.error();
            e.where = where;
            callback(e);
            return;
        }
        callback(decoded);
    };
}

} // namespace lbdeck
