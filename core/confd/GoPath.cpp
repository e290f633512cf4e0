// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "GoPath.h"

#include "core/engine/template/GoPath.h"
#include "core/engine/template/GoString.h"

namespace lbdeck::confd {

// The template engine already has Go's path package; these are its byte-string faces, for the
// file backend, which works on file names and YAML keys as std::string. fromGoBytes/toGoBytes keep
// bytes that are not UTF-8 as they are.
namespace {

QString fromBytes(std::string_view s)
{
    return tmpl::fromGoBytes(QByteArrayView(s.data(), qsizetype(s.size())));
}

std::string toBytes(const QString& s)
{
    return tmpl::toGoBytes(s).toStdString();
}

} // namespace

std::string goCleanPath(std::string_view path)
{
    return toBytes(tmpl::GoPath::clean(fromBytes(path)));
}

std::string goJoinPath(std::string_view a, std::string_view b)
{
    if (a.empty() && b.empty())
        return {};
    if (a.empty())
        return goCleanPath(b);
    if (b.empty())
        return goCleanPath(a);
    std::string joined(a);
    joined += '/';
    joined += b;
    return goCleanPath(joined);
}

std::optional<bool> goMatchPattern(std::string_view pattern, std::string_view name)
{
    switch (tmpl::GoPath::match(fromBytes(pattern), fromBytes(name))) {
    case tmpl::GoPath::MatchResult::Match:
        return true;
    case tmpl::GoPath::MatchResult::NoMatch:
        return false;
    case tmpl::GoPath::MatchResult::BadPattern:
        break;
    }
    return std::nullopt;
}

} // namespace lbdeck::confd
