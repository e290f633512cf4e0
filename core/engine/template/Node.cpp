// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Node.h"

#include "GoQuote.h"

namespace lbdeck::tmpl {

QString Node::toString() const
{
    QString out;
    writeTo(out);
    return out;
}

void ListNode::writeTo(QString& out) const
{
    for (const NodePtr& n : nodes)
        n->writeTo(out);
}

void PipeNode::writeTo(QString& out) const
{
    if (!decl.empty()) {
        for (std::size_t i = 0; i < decl.size(); ++i) {
            if (i > 0)
                out += u", ";
            decl[i]->writeTo(out);
        }
        out += u" := "; // Go prints ":=" for assignments too
    }
    for (std::size_t i = 0; i < cmds.size(); ++i) {
        if (i > 0)
            out += u" | ";
        cmds[i]->writeTo(out);
    }
}

void ActionNode::writeTo(QString& out) const
{
    out += u"{{";
    pipe->writeTo(out);
    out += u"}}";
}

void CommandNode::writeTo(QString& out) const
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (i > 0)
            out += u' ';
        if (args[i]->type == NodeType::Pipe) {
            out += u'(';
            args[i]->writeTo(out);
            out += u')';
        } else {
            args[i]->writeTo(out);
        }
    }
}

void SimpleNode::writeTo(QString& out) const
{
    switch (type) {
    case NodeType::Dot:
        out += u'.';
        break;
    case NodeType::Nil:
        out += u"nil";
        break;
    case NodeType::Break:
        out += u"{{break}}";
        break;
    case NodeType::Continue:
        out += u"{{continue}}";
        break;
    case NodeType::End:
        out += u"{{end}}";
        break;
    default:
        break;
    }
}

void FieldNode::writeTo(QString& out) const
{
    for (const QString& id : ident) {
        out += u'.';
        out += id;
    }
}

void ChainNode::writeTo(QString& out) const
{
    if (node->type == NodeType::Pipe) {
        out += u'(';
        node->writeTo(out);
        out += u')';
    } else {
        node->writeTo(out);
    }
    for (const QString& field : fields) {
        out += u'.';
        out += field;
    }
}

void BranchNode::writeTo(QString& out) const
{
    out += type == NodeType::If ? u"{{if " : type == NodeType::Range ? u"{{range " : u"{{with ";
    pipe->writeTo(out);
    out += u"}}";
    list->writeTo(out);
    if (elseList) {
        out += u"{{else}}";
        elseList->writeTo(out);
    }
    out += u"{{end}}";
}

void TemplateNode::writeTo(QString& out) const
{
    out += u"{{template ";
    out += GoQuote::quote(name);
    if (pipe) {
        out += u' ';
        pipe->writeTo(out);
    }
    out += u"}}";
}

} // namespace lbdeck::tmpl
