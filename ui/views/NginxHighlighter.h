// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>

namespace lbdeck {

// nginx.conf colours (directives, blocks, strings, comments, numbers/addresses), and diff colours
// for unified diffs — taken from the palette so they read in light and dark themes alike.
class NginxHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    enum class Mode
    {
        Config,
        Diff
    };
    explicit NginxHighlighter(QTextDocument* document, Mode mode = Mode::Config);

protected:
    void highlightBlock(const QString& text) override;

private:
    struct Rule
    {
        QRegularExpression pattern;
        QTextCharFormat format;
    };
    Mode m_mode;
    QList<Rule> m_rules;
    QTextCharFormat m_comment;
    QTextCharFormat m_added;
    QTextCharFormat m_removed;
    QTextCharFormat m_hunk;
};

} // namespace lbdeck
