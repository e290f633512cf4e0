// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Program.h"

#include "Value.h"

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

const ListNode* Program::tree(const QString& templateName) const
{
    const auto it = trees.find(templateName);
    return it == trees.end() ? nullptr : it->second.get();
}

int Program::line(qsizetype pos) const
{
    return 1 + int(QStringView(text).first(std::min(pos, text.size())).count(u'\n'));
}

QString Program::location(qsizetype pos) const
{
    const QStringView before = QStringView(text).first(std::min(pos, text.size()));
    const qsizetype lineStart = before.lastIndexOf(u'\n') + 1;
    const qsizetype column = Value::utf8Length(before.sliced(lineStart));
    return u"%1:%2:%3"_s.arg(name).arg(line(pos)).arg(column);
}

} // namespace lbdeck::tmpl
