// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>
#include <QStringView>

namespace lbdeck::tmpl {

// The escapers behind text/template's html, js and urlquery builtins (Go's HTMLEscapeString,
// JSEscapeString and url.QueryEscape), on Go strings as GoString.h holds them: a raw byte of an
// invalid UTF-8 sequence is passed through as Go passes it.
class GoEscape
{
public:
    static QString html(QStringView s);
    static QString js(QStringView s);
    static QString urlQuery(QStringView s);
};

} // namespace lbdeck::tmpl
