// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace lbdeck::tmpl {

struct FunctionSpec;

enum class NodeType : quint8
{
    Text,
    Action,
    Bool,
    Chain,
    Command,
    Dot,
    Else, // transient: never in a finished tree
    End,  // transient: never in a finished tree
    Field,
    Identifier,
    If,
    List,
    Nil,
    Number,
    Pipe,
    Range,
    String,
    Template,
    Variable,
    With,
    Break,
    Continue,
};

// A node of Go's parse tree. pos is the UTF-16 offset of the node in the template text; toString() is
// Go's String(), the source form an error message quotes.
struct Node
{
    Node(NodeType t, qsizetype p)
        : type(t)
        , pos(p)
    {}
    virtual ~Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    QString toString() const;
    virtual void writeTo(QString& out) const = 0;

    const NodeType type;
    const qsizetype pos;
};

using NodePtr = std::unique_ptr<Node>;

struct ListNode final : Node
{
    explicit ListNode(qsizetype p)
        : Node(NodeType::List, p)
    {}
    void writeTo(QString& out) const override;
    std::vector<NodePtr> nodes;
};

struct TextNode final : Node
{
    TextNode(qsizetype p, QStringView t)
        : Node(NodeType::Text, p)
        , text(t)
    {}
    void writeTo(QString& out) const override { out += text; }
    QStringView text; // into the template text, which the Program owns
};

struct VariableNode;
struct CommandNode;

struct PipeNode final : Node
{
    explicit PipeNode(qsizetype p)
        : Node(NodeType::Pipe, p)
    {}
    void writeTo(QString& out) const override;
    bool isAssign = false;
    std::vector<std::unique_ptr<VariableNode>> decl;
    std::vector<std::unique_ptr<CommandNode>> cmds;
};

struct ActionNode final : Node
{
    ActionNode(qsizetype p, std::unique_ptr<PipeNode> pp)
        : Node(NodeType::Action, p)
        , pipe(std::move(pp))
    {}
    void writeTo(QString& out) const override;
    std::unique_ptr<PipeNode> pipe;
};

struct CommandNode final : Node
{
    explicit CommandNode(qsizetype p)
        : Node(NodeType::Command, p)
    {}
    void writeTo(QString& out) const override;
    std::vector<NodePtr> args;
};

struct IdentifierNode final : Node
{
    IdentifierNode(qsizetype p, QString name, const FunctionSpec* f)
        : Node(NodeType::Identifier, p)
        , ident(std::move(name))
        , function(f)
    {}
    void writeTo(QString& out) const override { out += ident; }
    QString ident;
    const FunctionSpec* function; // resolved while parsing, as Go checks it there
};

struct VariableNode final : Node
{
    VariableNode(qsizetype p, QStringView name)
        : Node(NodeType::Variable, p)
        , ident(name.toString().split(u'.'))
    {}
    void writeTo(QString& out) const override { out += ident.join(u'.'); }
    QStringList ident; // "$x", then field names
};

struct SimpleNode final : Node // Dot, Nil, Break, Continue, End
{
    SimpleNode(NodeType t, qsizetype p)
        : Node(t, p)
    {}
    void writeTo(QString& out) const override;
};

struct ElseNode final : Node
{
    explicit ElseNode(qsizetype p)
        : Node(NodeType::Else, p)
    {}
    void writeTo(QString& out) const override { out += u"{{else}}"; }
};

struct FieldNode final : Node
{
    FieldNode(qsizetype p, QStringView name)
        : Node(NodeType::Field, p)
        , ident(name.sliced(1).toString().split(u'.'))
    {}
    void writeTo(QString& out) const override;
    QStringList ident;
};

struct ChainNode final : Node
{
    ChainNode(qsizetype p, NodePtr n)
        : Node(NodeType::Chain, p)
        , node(std::move(n))
    {}
    void writeTo(QString& out) const override;
    NodePtr node;
    QStringList fields;
};

struct BoolNode final : Node
{
    BoolNode(qsizetype p, bool v)
        : Node(NodeType::Bool, p)
        , value(v)
    {}
    void writeTo(QString& out) const override { out += value ? u"true" : u"false"; }
    bool value;
};

struct NumberNode final : Node
{
    NumberNode(qsizetype p, QString t)
        : Node(NodeType::Number, p)
        , text(std::move(t))
    {}
    void writeTo(QString& out) const override { out += text; }
    bool isInt = false;
    bool isUint = false;
    bool isFloat = false;
    bool isChar = false;
    qint64 intValue = 0;
    double floatValue = 0;
    QString text;
};

struct StringNode final : Node
{
    StringNode(qsizetype p, QString q, QString t)
        : Node(NodeType::String, p)
        , quoted(std::move(q))
        , text(std::move(t))
    {}
    void writeTo(QString& out) const override { out += quoted; }
    QString quoted;
    QString text;
};

struct BranchNode final : Node // If, Range, With
{
    BranchNode(NodeType t, qsizetype p)
        : Node(t, p)
    {}
    void writeTo(QString& out) const override;
    std::unique_ptr<PipeNode> pipe;
    std::unique_ptr<ListNode> list;
    std::unique_ptr<ListNode> elseList;
};

struct TemplateNode final : Node
{
    TemplateNode(qsizetype p, QString n, std::unique_ptr<PipeNode> pp)
        : Node(NodeType::Template, p)
        , name(std::move(n))
        , pipe(std::move(pp))
    {}
    void writeTo(QString& out) const override;
    QString name;
    std::unique_ptr<PipeNode> pipe;
};

} // namespace lbdeck::tmpl
