// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NginxHighlighter.h"

#include <QGuiApplication>
#include <QPalette>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

bool isDark()
{
    const QPalette p = QGuiApplication::palette();
    return p.color(QPalette::Base).lightness() < 128;
}

QTextCharFormat themed(const QColor& light, const QColor& dark, bool bold = false)
{
    QTextCharFormat f;
    f.setForeground(isDark() ? dark : light);
    if (bold)
        f.setFontWeight(QFont::Bold);
    return f;
}

} // namespace

NginxHighlighter::NginxHighlighter(QTextDocument* document, Mode mode)
    : QSyntaxHighlighter(document)
    , m_mode(mode)
{
    m_comment = themed(QColor(0x6a, 0x73, 0x7d), QColor(0x8b, 0x94, 0x9e));
    m_comment.setFontItalic(true);
    m_added = themed(QColor(0x11, 0x63, 0x29), QColor(0x7e, 0xe7, 0x87));
    m_removed = themed(QColor(0xb3, 0x1d, 0x28), QColor(0xff, 0x7b, 0x72));
    m_hunk = themed(QColor(0x6f, 0x42, 0xc1), QColor(0xd2, 0xa8, 0xff), true);
    // Order matters: later rules paint over earlier ones.
    m_rules.append({QRegularExpression(uR"(^\s*([a-z_]+))"_s),
                    themed(QColor(0x00, 0x5c, 0xc5), QColor(0x79, 0xc0, 0xff), true)});
    m_rules.append({QRegularExpression(uR"(\b(upstream|server|location|http|events)\b)"_s),
                    themed(QColor(0x8a, 0x3f, 0x00), QColor(0xff, 0xa6, 0x57), true)});
    m_rules.append({QRegularExpression(uR"(\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b|\[[0-9a-fA-F:]+\](:\d+)?)"_s),
                    themed(QColor(0x0a, 0x30, 0x69), QColor(0xa5, 0xd6, 0xff))});
    m_rules.append(
        {QRegularExpression(uR"("[^"]*")"_s), themed(QColor(0x0a, 0x60, 0x20), QColor(0xa5, 0xe8, 0x9c))});
}

void NginxHighlighter::highlightBlock(const QString& text)
{
    if (m_mode == Mode::Diff) {
        if (text.startsWith(u"@@"_s))
            setFormat(0, int(text.size()), m_hunk);
        else if (text.startsWith(u'+'))
            setFormat(0, int(text.size()), m_added);
        else if (text.startsWith(u'-'))
            setFormat(0, int(text.size()), m_removed);
        return;
    }
    for (const Rule& rule : std::as_const(m_rules)) {
        for (auto it = rule.pattern.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            const int group = m.lastCapturedIndex() >= 1 && rule.pattern.pattern().startsWith(u"^"_s) ? 1 : 0;
            setFormat(int(m.capturedStart(group)), int(m.capturedLength(group)), rule.format);
        }
    }
    const qsizetype hash = text.indexOf(u'#');
    if (hash >= 0 && text.left(hash).count(u'"') % 2 == 0)
        setFormat(int(hash), int(text.size() - hash), m_comment);
}

} // namespace lbdeck
