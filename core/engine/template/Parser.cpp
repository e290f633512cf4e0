// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Parser.h"

#include "DepthGuard.h"
#include "Functions.h"
#include "GoLiteral.h"
#include "GoQuote.h"

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

namespace {

// Go allows 10000 nested parentheses; a C++ stack wants less, and no real template comes close.
constexpr int kMaxDepth = 200;

bool isEmptyTree(const ListNode& list)
{
    for (const NodePtr& n : list.nodes) {
        if (n->type != NodeType::Text || !static_cast<const TextNode&>(*n).text.trimmed().isEmpty())
            return false;
    }
    return true;
}

} // namespace

Parser::Parser(Program& program)
    : m_program(program)
    , m_tokens(program.text)
    , m_vars{u"$"_s}
{}

Result<std::shared_ptr<const Program>> Parser::parse(const QString& name, const QString& text)
{
    auto program = std::make_shared<Program>();
    program->name = name;
    program->text = text;
    Parser parser(*program);
    parser.parseTop();
    if (parser.m_failed)
        return makeError(ErrorCode::Template, parser.m_error, name);
    return std::shared_ptr<const Program>(std::move(program));
}

QStringView Parser::textOf(const Token& token) const
{
    return QStringView(m_program.text).sliced(token.pos, token.length);
}

// Go reports at the most recently lexed token; the column is this port's addition.
void Parser::errorf(const QString& message)
{
    if (m_failed)
        return;
    m_failed = true;
    m_error = u"template: %1: %2"_s.arg(m_program.location(m_tokens.last().pos), message);
}

QString Parser::describe(const Token& token) const
{
    if (token.type == TokenType::Eof)
        return u"EOF"_s;
    if (token.type == TokenType::Error)
        return token.error;
    const QStringView text = textOf(token);
    if (token.type > TokenType::Keyword)
        return u"<%1>"_s.arg(text);
    if (text.size() > 10)
        return GoQuote::quote(text.first(10)) + u"..."_s;
    return GoQuote::quote(text);
}

void Parser::unexpected(const Token& token, QStringView context)
{
    if (token.type == TokenType::Error) {
        QString extra;
        if (m_actionPos >= 0 && m_program.line(m_actionPos) != m_program.line(token.pos)) {
            extra = u" in action started at %1:%2"_s.arg(m_program.name).arg(m_program.line(m_actionPos));
            if (token.error.endsWith(u" action"))
                extra = extra.sliced(10); // not "action in action"
        }
        errorf(token.error + extra);
        return;
    }
    errorf(u"unexpected %1 in %2"_s.arg(describe(token), context));
}

bool Parser::expect(TokenType type, QStringView context, Token* token)
{
    const Token t = m_tokens.nextNonSpace();
    if (t.type != type) {
        unexpected(t, context);
        return false;
    }
    if (token)
        *token = t;
    return true;
}

void Parser::addTree(const QString& name, std::unique_ptr<ListNode> root)
{
    auto it = m_program.trees.find(name);
    if (it == m_program.trees.end() || isEmptyTree(*it->second)) {
        m_program.trees[name] = std::move(root);
        return;
    }
    if (!isEmptyTree(*root))
        errorf(u"template: multiple definition of template "_s + GoQuote::quote(name));
}

void Parser::parseTop()
{
    auto root = std::make_unique<ListNode>(m_tokens.peek().pos);
    while (!m_failed && m_tokens.peek().type != TokenType::Eof) {
        if (m_tokens.peek().type == TokenType::LeftDelim) {
            const Token delim = m_tokens.next();
            if (m_tokens.nextNonSpace().type == TokenType::Define) {
                parseDefinition();
                continue;
            }
            m_tokens.backup2(delim);
        }
        NodePtr n = textOrAction();
        if (m_failed)
            return;
        if (n->type == NodeType::End || n->type == NodeType::Else) {
            errorf(u"unexpected "_s + n->toString());
            return;
        }
        root->nodes.push_back(std::move(n));
    }
    if (!m_failed)
        addTree(m_program.name, std::move(root));
}

void Parser::parseDefinition()
{
    const Token token = m_tokens.nextNonSpace();
    if (token.type != TokenType::String && token.type != TokenType::RawString) {
        unexpected(token, u"define clause");
        return;
    }
    const auto name = GoLiteral::unquote(textOf(token));
    if (!name) {
        errorf(u"invalid syntax"_s);
        return;
    }
    if (!expect(TokenType::RightDelim, u"define clause"))
        return;
    auto root = subTemplate(u"define clause");
    if (root)
        addTree(*name, std::move(root));
}

// The body of a {{define}} or {{block}}: Go parses it as a tree of its own, with fresh variables.
std::unique_ptr<ListNode> Parser::subTemplate(QStringView context)
{
    const QStringList vars = std::exchange(m_vars, QStringList{u"$"_s});
    const int rangeDepth = std::exchange(m_rangeDepth, 0);
    NodePtr end;
    auto root = itemList(end);
    m_vars = vars;
    m_rangeDepth = rangeDepth;
    if (!root)
        return nullptr;
    if (end->type != NodeType::End) {
        errorf(u"unexpected %1 in %2"_s.arg(end->toString(), context));
        return nullptr;
    }
    return root;
}

std::unique_ptr<ListNode> Parser::itemList(NodePtr& end)
{
    auto list = std::make_unique<ListNode>(m_tokens.peekNonSpace().pos);
    while (!m_failed && m_tokens.peekNonSpace().type != TokenType::Eof) {
        NodePtr n = textOrAction();
        if (m_failed)
            return nullptr;
        if (n->type == NodeType::End || n->type == NodeType::Else) {
            end = std::move(n);
            return list;
        }
        list->nodes.push_back(std::move(n));
    }
    errorf(u"unexpected EOF"_s);
    return nullptr;
}

NodePtr Parser::textOrAction()
{
    const Token token = m_tokens.nextNonSpace();
    switch (token.type) {
    case TokenType::Text:
        return std::make_unique<TextNode>(token.pos, textOf(token));
    case TokenType::LeftDelim: {
        m_actionPos = token.pos;
        NodePtr n = action();
        m_actionPos = -1;
        return n;
    }
    default:
        unexpected(token, u"input");
        return nullptr;
    }
}

NodePtr Parser::action()
{
    const Token token = m_tokens.nextNonSpace();
    switch (token.type) {
    case TokenType::Block:
        return blockControl();
    case TokenType::Break:
        return loopControl(NodeType::Break, token.pos);
    case TokenType::Continue:
        return loopControl(NodeType::Continue, token.pos);
    case TokenType::Else:
        return elseControl();
    case TokenType::End: {
        Token end;
        if (!expect(TokenType::RightDelim, u"end", &end))
            return nullptr;
        return std::make_unique<SimpleNode>(NodeType::End, end.pos);
    }
    case TokenType::If:
        return parseControl(NodeType::If, u"if");
    case TokenType::Range:
        return parseControl(NodeType::Range, u"range");
    case TokenType::Template:
        return templateControl();
    case TokenType::With:
        return parseControl(NodeType::With, u"with");
    default:
        break;
    }
    m_tokens.backup();
    const Token first = m_tokens.peek();
    auto pipe = pipeline(u"command", TokenType::RightDelim); // its variables live until {{end}}
    if (!pipe)
        return nullptr;
    return std::make_unique<ActionNode>(first.pos, std::move(pipe));
}

NodePtr Parser::loopControl(NodeType type, qsizetype pos)
{
    const QStringView name = type == NodeType::Break ? u"{{break}}" : u"{{continue}}";
    const Token token = m_tokens.nextNonSpace();
    if (token.type != TokenType::RightDelim) {
        unexpected(token, name);
        return nullptr;
    }
    if (m_rangeDepth == 0) {
        errorf(name.toString() + u" outside {{range}}"_s);
        return nullptr;
    }
    return std::make_unique<SimpleNode>(type, pos);
}

std::unique_ptr<PipeNode> Parser::pipeline(QStringView context, TokenType end)
{
    auto pipe = std::make_unique<PipeNode>(m_tokens.peekNonSpace().pos);
    for (bool more = true; more && !m_failed;) {
        more = false;
        const Token v = m_tokens.peekNonSpace();
        if (v.type != TokenType::Variable)
            break;
        m_tokens.next();
        // Spaces are tokens, so "$x foo" needs three tokens of look-ahead to tell from "$x := foo".
        const Token afterVariable = m_tokens.peek();
        const Token following = m_tokens.peekNonSpace();
        if (following.type == TokenType::Assign || following.type == TokenType::Declare) {
            pipe->isAssign = following.type == TokenType::Assign;
            m_tokens.nextNonSpace();
            pipe->decl.push_back(std::make_unique<VariableNode>(v.pos, textOf(v)));
            m_vars.append(textOf(v).toString());
        } else if (following.type == TokenType::Char && textOf(following) == u",") {
            m_tokens.nextNonSpace();
            pipe->decl.push_back(std::make_unique<VariableNode>(v.pos, textOf(v)));
            m_vars.append(textOf(v).toString());
            if (context == u"range" && pipe->decl.size() < 2) {
                const TokenType t = m_tokens.peekNonSpace().type;
                if (t == TokenType::Variable || t == TokenType::RightDelim || t == TokenType::RightParen) {
                    more = true; // the second variable of a range
                    continue;
                }
                errorf(u"range can only initialize variables"_s);
                return nullptr;
            }
            errorf(u"too many declarations in "_s + context.toString());
            return nullptr;
        } else if (afterVariable.type == TokenType::Space) {
            m_tokens.backup3(v, afterVariable);
        } else {
            m_tokens.backup2(v);
        }
    }
    while (!m_failed) {
        const Token token = m_tokens.nextNonSpace();
        if (token.type == end) {
            checkPipeline(*pipe, context);
            return m_failed ? nullptr : std::move(pipe);
        }
        switch (token.type) {
        case TokenType::Bool:
        case TokenType::CharConstant:
        case TokenType::Complex:
        case TokenType::Dot:
        case TokenType::Field:
        case TokenType::Identifier:
        case TokenType::Number:
        case TokenType::Nil:
        case TokenType::RawString:
        case TokenType::String:
        case TokenType::Variable:
        case TokenType::LeftParen: {
            m_tokens.backup();
            auto cmd = command();
            if (!cmd)
                return nullptr;
            pipe->cmds.push_back(std::move(cmd));
            break;
        }
        default:
            unexpected(token, context);
            return nullptr;
        }
    }
    return nullptr;
}

void Parser::checkPipeline(const PipeNode& pipe, QStringView context)
{
    if (pipe.cmds.empty()) {
        errorf(u"missing value for "_s + context.toString());
        return;
    }
    for (std::size_t i = 1; i < pipe.cmds.size(); ++i) {
        switch (pipe.cmds[i]->args[0]->type) {
        case NodeType::Bool:
        case NodeType::Dot:
        case NodeType::Nil:
        case NodeType::Number:
        case NodeType::String:
            errorf(u"non executable command in pipeline stage %1"_s.arg(i + 1));
            return;
        default:
            break;
        }
    }
}

NodePtr Parser::parseControl(NodeType type, QStringView context)
{
    const DepthGuard depth(m_depth, kMaxDepth);
    if (depth.exceeded()) {
        errorf(u"max nesting depth exceeded"_s);
        return nullptr;
    }
    const qsizetype varMark = m_vars.size(); // the pipeline's variables end at {{end}}
    auto branch = std::make_unique<BranchNode>(type, 0);
    branch->pipe = pipeline(context, TokenType::RightDelim);
    if (!branch->pipe)
        return nullptr;
    if (type == NodeType::Range)
        ++m_rangeDepth;
    NodePtr next;
    branch->list = itemList(next);
    if (type == NodeType::Range)
        --m_rangeDepth;
    if (!branch->list)
        return nullptr;
    if (next->type == NodeType::Else) {
        // "{{else if x}}" is "{{else}}{{if x}}...{{end}}" with the inner {{end}} shared. Go 1.19 has
        // no "{{else with}}" (Go 1.23 added it).
        const bool chained = type == NodeType::If && m_tokens.peek().type == TokenType::If;
        if (chained) {
            m_tokens.next();
            branch->elseList = std::make_unique<ListNode>(next->pos);
            NodePtr inner = parseControl(type, context);
            if (!inner)
                return nullptr;
            branch->elseList->nodes.push_back(std::move(inner));
        } else {
            NodePtr end;
            branch->elseList = itemList(end);
            if (!branch->elseList)
                return nullptr;
            if (end->type != NodeType::End) {
                errorf(u"expected end; found "_s + end->toString());
                return nullptr;
            }
        }
    }
    m_vars.resize(varMark);
    // Go places the branch at its pipeline.
    auto placed = std::make_unique<BranchNode>(type, branch->pipe->pos);
    placed->pipe = std::move(branch->pipe);
    placed->list = std::move(branch->list);
    placed->elseList = std::move(branch->elseList);
    return placed;
}

NodePtr Parser::elseControl()
{
    const Token following = m_tokens.peekNonSpace();
    if (following.type == TokenType::If)
        return std::make_unique<ElseNode>(following.pos);
    Token token;
    if (!expect(TokenType::RightDelim, u"else", &token))
        return nullptr;
    return std::make_unique<ElseNode>(token.pos);
}

bool Parser::templateName(const Token& token, QStringView context, QString& name)
{
    if (token.type != TokenType::String && token.type != TokenType::RawString) {
        unexpected(token, context);
        return false;
    }
    const auto unquoted = GoLiteral::unquote(textOf(token));
    if (!unquoted) {
        errorf(u"invalid syntax"_s);
        return false;
    }
    name = *unquoted;
    return true;
}

NodePtr Parser::blockControl()
{
    const DepthGuard depth(m_depth, kMaxDepth);
    if (depth.exceeded()) {
        errorf(u"max nesting depth exceeded"_s);
        return nullptr;
    }
    const Token token = m_tokens.nextNonSpace();
    QString name;
    if (!templateName(token, u"block clause", name))
        return nullptr;
    auto pipe = pipeline(u"block clause", TokenType::RightDelim);
    if (!pipe)
        return nullptr;
    auto root = subTemplate(u"block clause");
    if (!root)
        return nullptr;
    addTree(name, std::move(root));
    if (m_failed)
        return nullptr;
    return std::make_unique<TemplateNode>(token.pos, name, std::move(pipe));
}

NodePtr Parser::templateControl()
{
    const Token token = m_tokens.nextNonSpace();
    QString name;
    if (!templateName(token, u"template clause", name))
        return nullptr;
    std::unique_ptr<PipeNode> pipe;
    if (m_tokens.nextNonSpace().type != TokenType::RightDelim) {
        m_tokens.backup();
        pipe = pipeline(u"template clause", TokenType::RightDelim);
        if (!pipe)
            return nullptr;
    }
    return std::make_unique<TemplateNode>(token.pos, name, std::move(pipe));
}

std::unique_ptr<CommandNode> Parser::command()
{
    auto cmd = std::make_unique<CommandNode>(m_tokens.peekNonSpace().pos);
    for (;;) {
        m_tokens.peekNonSpace();
        NodePtr op = operand();
        if (m_failed)
            return nullptr;
        if (op)
            cmd->args.push_back(std::move(op));
        const Token token = m_tokens.next();
        if (token.type == TokenType::Space)
            continue;
        if (token.type == TokenType::RightDelim || token.type == TokenType::RightParen) {
            m_tokens.backup();
        } else if (token.type != TokenType::Pipe) {
            unexpected(token, u"operand");
            return nullptr;
        }
        break;
    }
    if (cmd->args.empty()) {
        errorf(u"empty command"_s);
        return nullptr;
    }
    return cmd;
}

NodePtr Parser::operand()
{
    NodePtr node = term();
    if (!node || m_tokens.peek().type != TokenType::Field)
        return node;
    const qsizetype pos = m_tokens.peek().pos;
    QStringList fields;
    while (m_tokens.peek().type == TokenType::Field)
        fields.append(textOf(m_tokens.next()).sliced(1).toString());
    switch (node->type) {
    case NodeType::Field:
        return std::make_unique<FieldNode>(pos, node->toString() + u'.' + fields.join(u'.'));
    case NodeType::Variable:
        return std::make_unique<VariableNode>(pos, node->toString() + u'.' + fields.join(u'.'));
    case NodeType::Bool:
    case NodeType::String:
    case NodeType::Number:
    case NodeType::Nil:
    case NodeType::Dot:
        errorf(u"unexpected . after term "_s + GoQuote::quote(node->toString()));
        return nullptr;
    default: {
        auto chain = std::make_unique<ChainNode>(pos, std::move(node));
        chain->fields = fields;
        return chain;
    }
    }
}

NodePtr Parser::term()
{
    const Token token = m_tokens.nextNonSpace();
    const QStringView text = textOf(token);
    switch (token.type) {
    case TokenType::Identifier: {
        const FunctionSpec* function = Functions::find(text);
        if (!function) {
            errorf(u"function %1 not defined"_s.arg(GoQuote::quote(text)));
            return nullptr;
        }
        return std::make_unique<IdentifierNode>(token.pos, text.toString(), function);
    }
    case TokenType::Dot:
        return std::make_unique<SimpleNode>(NodeType::Dot, token.pos);
    case TokenType::Nil:
        return std::make_unique<SimpleNode>(NodeType::Nil, token.pos);
    case TokenType::Variable: {
        auto variable = std::make_unique<VariableNode>(token.pos, text);
        if (!m_vars.contains(variable->ident[0])) {
            errorf(u"undefined variable "_s + GoQuote::quote(variable->ident[0]));
            return nullptr;
        }
        return variable;
    }
    case TokenType::Field:
        return std::make_unique<FieldNode>(token.pos, text);
    case TokenType::Bool:
        return std::make_unique<BoolNode>(token.pos, text == u"true");
    case TokenType::CharConstant:
    case TokenType::Complex:
    case TokenType::Number: {
        auto number = std::make_unique<NumberNode>(token.pos, text.toString());
        const QString error = GoLiteral::parseNumber(*number, token.type == TokenType::CharConstant);
        if (!error.isEmpty()) {
            errorf(error);
            return nullptr;
        }
        return number;
    }
    case TokenType::LeftParen: {
        const DepthGuard depth(m_depth, kMaxDepth);
        if (depth.exceeded()) {
            errorf(u"max expression depth exceeded"_s);
            return nullptr;
        }
        return pipeline(u"parenthesized pipeline", TokenType::RightParen);
    }
    case TokenType::String:
    case TokenType::RawString: {
        const auto unquoted = GoLiteral::unquote(text);
        if (!unquoted) {
            errorf(u"invalid syntax"_s);
            return nullptr;
        }
        return std::make_unique<StringNode>(token.pos, text.toString(), *unquoted);
    }
    default:
        m_tokens.backup();
        return nullptr;
    }
}

} // namespace lbdeck::tmpl
