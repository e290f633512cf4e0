// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace lbdeck {

enum class ErrorCode
{
    Unknown,
    InvalidArgument, // the caller passed something unusable (bad URL, bad key)
    Network,         // connection refused, reset, host unreachable
    Timeout,
    Canceled,
    Tls,
    Protocol, // the peer answered something that is not what the protocol allows
    Http,     // a well-formed HTTP error status without a more specific meaning
    NotFound, // key, container, file that does not exist
    Conflict, // compare-and-swap lost, container in the wrong state
    Unauthenticated,
    PermissionDenied,
    Compacted, // the requested revision is gone from the server's history
    Unavailable,
    Io,
    Process, // a child process failed to start or exited non-zero
    Validation,
    Template,
};

QString errorCodeName(ErrorCode code);

// An error an operator can act on: what failed, where (endpoint, key, file), and the server's own code.
struct Error
{
    ErrorCode code = ErrorCode::Unknown;
    QString message;
    QString where;
    int status = 0; // HTTP status, gRPC code, or exit code, when there is one

    QString toString() const;
};

Error makeError(ErrorCode code, QString message, QString where = {}, int status = 0);

// Errors are values: a Result holds either a T or an Error, never both, never neither.
template<typename T = void>
class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_value(std::move(value))
    {} // NOLINT(google-explicit-constructor)
    Result(Error error)
        : m_value(std::move(error))
    {} // NOLINT(google-explicit-constructor)

    bool ok() const { return m_value.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(m_value); }
    const T& value() const& { return std::get<0>(m_value); }
    T&& value() && { return std::get<0>(std::move(m_value)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<1>(m_value); }
    T valueOr(T fallback) const { return ok() ? value() : std::move(fallback); }

private:
    std::variant<T, Error> m_value;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
    {} // NOLINT(google-explicit-constructor)

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

} // namespace lbdeck
