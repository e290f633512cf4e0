// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>

namespace lbdeck::tmpl {

// Go's path package (slash-separated paths, as etcd keys are): Clean, Base, Dir and Match.
class GoPath
{
public:
    enum class MatchResult
    {
        NoMatch,
        Match,
        BadPattern
    };

    static QString clean(QStringView path);
    static QString base(QStringView path);
    static QString dir(QStringView path);
    // path.Match: '*' and '?' never match '/', "[a-z]" and "[^a]" are classes, '\\' escapes.
    static MatchResult match(QStringView pattern, QStringView name);
    // The literal text every name matching pattern starts with, for a prefix scan of a sorted store.
    static QStringView literalPrefix(QStringView pattern);
};

} // namespace lbdeck::tmpl
