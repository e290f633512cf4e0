// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Lexer.h"
#include "Node.h"
#include "Program.h"
#include "TokenStream.h"
#include "core/util/Result.h"

#include <QStringList>

#include <memory>

namespace lbdeck::tmpl {

// Go's text/template/parse parser, function for function, so that templates parse and fail as in Go.
// Errors stop the parse and are values; nesting is bounded so bad input cannot exhaust the stack.
class Parser
{
public:
    static Result<std::shared_ptr<const Program>> parse(const QString& name, const QString& text);

private:
    explicit Parser(Program& program);

    void errorf(const QString& message);
    void unexpected(const Token& token, QStringView context);
    bool expect(TokenType type, QStringView context, Token* token = nullptr);
    QString describe(const Token& token) const;
    QStringView textOf(const Token& token) const;

    void parseTop();
    void parseDefinition();
    std::unique_ptr<ListNode> itemList(NodePtr& end);
    NodePtr textOrAction();
    NodePtr action();
    NodePtr loopControl(NodeType type, qsizetype pos);
    std::unique_ptr<PipeNode> pipeline(QStringView context, TokenType end);
    void checkPipeline(const PipeNode& pipe, QStringView context);
    NodePtr parseControl(NodeType type, QStringView context);
    NodePtr elseControl();
    NodePtr blockControl();
    NodePtr templateControl();
    bool templateName(const Token& token, QStringView context, QString& name);
    std::unique_ptr<CommandNode> command();
    NodePtr operand();
    NodePtr term();
    std::unique_ptr<ListNode> subTemplate(QStringView context);
    void addTree(const QString& name, std::unique_ptr<ListNode> root);

    Program& m_program; // Not owned.
    TokenStream m_tokens;
    QStringList m_vars;
    int m_rangeDepth = 0;
    int m_depth = 0; // nested controls and parentheses
    qsizetype m_actionPos = -1;
    bool m_failed = false;
    QString m_error;
};

} // namespace lbdeck::tmpl
