// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Store.h"
#include "Value.h"
#include "core/util/Result.h"

#include <QString>
#include <QStringList>

#include <memory>

namespace lbdeck::tmpl {

struct Program;

// A confd template: Go's text/template language with confd's functions (getvs, gets, getv, ls, base...).
// Parsed once, rendered many times, from any thread; rendering is pure (no I/O except getenv).
// Errors read like Go's: "template: nginx.tmpl:3:14: function \"nope\" not defined".
class Template
{
public:
    static Result<Template> parse(const QString& name, const QString& text);
    // The same from the bytes of a template file (GoString.h: bytes that are not UTF-8 survive).
    static Result<Template> parseBytes(const QString& name, QByteArrayView text);

    // Renders the template over store with dot (Go's data; confd passes nil).
    Result<QString> render(const Store& store, const Value& dot = {}) const;
    // The output as the bytes confd writes (GoString.h).
    Result<QByteArray> renderBytes(const Store& store, const Value& dot = {}) const;

    QString name() const;
    // The names of the templates the text defines, the top-level one included, sorted.
    QStringList templateNames() const;

private:
    explicit Template(std::shared_ptr<const Program> program);

    std::shared_ptr<const Program> m_program; // Shared with copies; immutable.
};

} // namespace lbdeck::tmpl
