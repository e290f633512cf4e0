// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "HttpMessage.h"

namespace lbdeck {

void HttpHeaders::add(QByteArray name, QByteArray value)
{
    m_headers.append({std::move(name), std::move(value)});
}

void HttpHeaders::set(const QByteArray& name, QByteArray value)
{
    m_headers.removeIf([&](const auto& h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
    m_headers.append({name, std::move(value)});
}

QByteArray HttpHeaders::value(const QByteArray& name) const
{
    for (const auto& h : m_headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

bool HttpHeaders::contains(const QByteArray& name) const
{
    for (const auto& h : m_headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool HttpHeaders::hasToken(const QByteArray& name, const QByteArray& token) const
{
    for (const auto& h : m_headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        const QList<QByteArray> parts = h.second.split(',');
        for (const QByteArray& part : parts) {
            if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
                return true;
        }
    }
    return false;
}

} // namespace lbdeck
