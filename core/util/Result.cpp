// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Result.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Unknown:
        return u"error"_s;
    case ErrorCode::InvalidArgument:
        return u"invalid argument"_s;
    case ErrorCode::Network:
        return u"network error"_s;
    case ErrorCode::Timeout:
        return u"timeout"_s;
    case ErrorCode::Canceled:
        return u"canceled"_s;
    case ErrorCode::Tls:
        return u"TLS error"_s;
    case ErrorCode::Protocol:
        return u"protocol error"_s;
    case ErrorCode::Http:
        return u"HTTP error"_s;
    case ErrorCode::NotFound:
        return u"not found"_s;
    case ErrorCode::Conflict:
        return u"conflict"_s;
    case ErrorCode::Unauthenticated:
        return u"not authenticated"_s;
    case ErrorCode::PermissionDenied:
        return u"permission denied"_s;
    case ErrorCode::Compacted:
        return u"revision compacted"_s;
    case ErrorCode::Unavailable:
        return u"unavailable"_s;
    case ErrorCode::Io:
        return u"I/O error"_s;
    case ErrorCode::Process:
        return u"process error"_s;
    case ErrorCode::Validation:
        return u"invalid value"_s;
    case ErrorCode::Template:
        return u"template error"_s;
    }
    return u"error"_s;
}

QString Error::toString() const
{
    if (where.isEmpty())
        return message;
    return u"%1: %2"_s.arg(where, message);
}

Error makeError(ErrorCode code, QString message, QString where, int status)
{
    return Error{code, std::move(message), std::move(where), status};
}

} // namespace lbdeck
