// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Template.h"

#include "Executor.h"
#include "GoString.h"
#include "Parser.h"
#include "Program.h"

namespace lbdeck::tmpl {

Template::Template(std::shared_ptr<const Program> program)
    : m_program(std::move(program))
{}

Result<Template> Template::parse(const QString& name, const QString& text)
{
    auto program = Parser::parse(name, text);
    if (!program)
        return program.error();
    return Template(std::move(*program));
}

Result<Template> Template::parseBytes(const QString& name, QByteArrayView text)
{
    return parse(name, fromGoBytes(text));
}

Result<QByteArray> Template::renderBytes(const Store& store, const Value& dot) const
{
    Result<QString> text = render(store, dot);
    if (!text)
        return text.error();
    return toGoBytes(*text);
}

Result<QString> Template::render(const Store& store, const Value& dot) const
{
    Executor executor(*m_program, store);
    return executor.execute(dot);
}

QString Template::name() const
{
    return m_program->name;
}

QStringList Template::templateNames() const
{
    QStringList names;
    for (const auto& [name, tree] : m_program->trees)
        names.append(name);
    names.sort();
    return names;
}

} // namespace lbdeck::tmpl
