// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/etcd/EtcdKv.h"

#include <QObject>
#include <QTest>

#include <optional>

namespace lbdeck::test {

// Runs one asynchronous call to completion in a test: await<T>([&](auto cb) { client.get(..., cb); }).
template<typename T>
Result<T> await(const std::function<void(QObject*, Callback<T>)>& start, int timeoutMs = 10000)
{
    QObject context;
    std::optional<Result<T>> out;
    start(&context, [&out](const Result<T>& r) { out.emplace(r); });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, timeoutMs))
        return makeError(ErrorCode::Timeout, QStringLiteral("test: no callback within %1 ms").arg(timeoutMs));
    if (!out)
        return makeError(ErrorCode::Timeout, QStringLiteral("test: no callback within %1 ms").arg(timeoutMs));
    return *out;
}

inline QString describe(const Error& e)
{
    return e.toString();
}

template<typename T>
QByteArray why(const Result<T>& r)
{
    return r.ok() ? QByteArray("ok") : r.error().toString().toUtf8();
}

} // namespace lbdeck::test

// Evaluates its argument once (it is usually a call with side effects) and fails with the error text.
#define VERIFY_OK(expr)                                                                                      \
    do {                                                                                                     \
        const auto& verifyOkResult_ = (expr);                                                                \
        QVERIFY2(verifyOkResult_.ok(), ::lbdeck::test::why(verifyOkResult_).constData());                    \
    } while (false)
