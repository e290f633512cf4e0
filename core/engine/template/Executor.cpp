// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Executor.h"

#include "DepthGuard.h"
#include "GoFormat.h"
#include "GoLiteral.h"
#include "GoQuote.h"

#include <QVarLengthArray>

using namespace Qt::StringLiterals;

namespace lbdeck::tmpl {

namespace {

// Go allows 100000 nested template calls; a C++ stack does not, and a config template needs few.
constexpr int kMaxTemplateDepth = 100;
constexpr int kMaxDepth = 1000;                    // nested controls and pipelines across all calls
constexpr qint64 kMaxSteps = 10'000'000;           // walked nodes and loop iterations
constexpr qsizetype kMaxOutput = 32 * 1024 * 1024; // characters
constexpr qsizetype kMaxString = 16 * 1024 * 1024; // characters in one function result

std::span<const QString> identSpan(const QStringList& list, qsizetype from)
{
    return {list.constData() + from, std::size_t(list.size() - from)};
}

} // namespace

Executor::Executor(const Program& program, const Store& store)
    : m_program(program)
    , m_store(store)
    , m_context{m_store}
{}

Result<QString> Executor::execute(const Value& dot)
{
    m_templateName = m_program.name;
    m_vars.push_back({u"$"_s, dot});
    m_out.reserve(
        std::max(m_program.text.size() * 2, m_program.outputSizeHint.load(std::memory_order_relaxed)));
    const ListNode* root = m_program.tree(m_program.name);
    if (!root)
        fail(GoQuote::quote(m_program.name) + u" is an incomplete or empty template"_s);
    else
        walk(dot, root);
    if (!m_error.isEmpty())
        return makeError(ErrorCode::Template, m_error, m_program.name);
    m_program.outputSizeHint.store(m_out.size() + m_out.size() / 8, std::memory_order_relaxed);
    return std::move(m_out);
}

bool Executor::fail(const QString& message)
{
    if (!m_error.isEmpty())
        return false;
    if (!m_node) {
        m_error = u"template: %1: %2"_s.arg(m_templateName, message);
    } else {
        m_error = u"template: %1: executing %2 at <%3>: %4"_s.arg(
            m_program.location(m_node->pos), GoQuote::quote(m_templateName), m_node->toString(), message);
    }
    return false;
}

bool Executor::checkOutput()
{
    if (m_out.size() <= kMaxOutput)
        return true;
    return fail(u"output exceeds %1 characters"_s.arg(kMaxOutput));
}

Executor::Flow Executor::walk(const Value& dot, const Node* node)
{
    at(node);
    if (++m_steps > kMaxSteps) {
        fail(u"execution exceeds %1 steps"_s.arg(kMaxSteps));
        return Flow::Failed;
    }
    switch (node->type) {
    case NodeType::Action: {
        const auto* action = static_cast<const ActionNode*>(node);
        Value value;
        if (!evalPipeline(dot, action->pipe.get(), value))
            return Flow::Failed;
        // A declaration prints nothing; its variable lives until the enclosing {{end}}.
        if (action->pipe->decl.empty() && !printValue(node, value))
            return Flow::Failed;
        return Flow::Normal;
    }
    case NodeType::Break:
        return Flow::Break;
    case NodeType::Continue:
        return Flow::Continue;
    case NodeType::If:
    case NodeType::With:
        return walkIfOrWith(dot, static_cast<const BranchNode*>(node));
    case NodeType::List:
        return walkList(dot, static_cast<const ListNode*>(node));
    case NodeType::Range:
        return walkRange(dot, static_cast<const BranchNode*>(node));
    case NodeType::Template:
        return walkTemplate(dot, static_cast<const TemplateNode*>(node));
    case NodeType::Text:
        m_out += static_cast<const TextNode*>(node)->text;
        return checkOutput() ? Flow::Normal : Flow::Failed;
    default:
        fail(u"unknown node: "_s + node->toString());
        return Flow::Failed;
    }
}

Executor::Flow Executor::walkList(const Value& dot, const ListNode* list)
{
    for (const NodePtr& n : list->nodes) {
        const Flow flow = walk(dot, n.get());
        if (flow != Flow::Normal)
            return flow;
    }
    return Flow::Normal;
}

bool Executor::printValue(const Node* node, const Value& value)
{
    at(node);
    if (value.isNil())
        m_out += u"<no value>";
    else
        GoFormat::appendValue(m_out, value);
    return checkOutput();
}

Executor::Flow Executor::walkIfOrWith(const Value& dot, const BranchNode* node)
{
    const DepthGuard depth(m_depth, kMaxDepth);
    if (depth.exceeded()) {
        fail(u"exceeded maximum nesting depth (%1)"_s.arg(kMaxDepth));
        return Flow::Failed;
    }
    const std::size_t mark = m_vars.size();
    Value value;
    if (!evalPipeline(dot, node->pipe.get(), value))
        return Flow::Failed;
    Flow flow = Flow::Normal;
    if (value.truth())
        flow = walk(node->type == NodeType::With ? value : dot, node->list.get());
    else if (node->elseList)
        flow = walk(dot, node->elseList.get());
    m_vars.resize(mark);
    return flow;
}

Executor::Flow Executor::rangeIteration(const BranchNode* node, qsizetype mark, const Value& index,
                                        const Value& elem)
{
    const PipeNode* pipe = node->pipe.get();
    const auto& decl = pipe->decl;
    if (!decl.empty()) {
        if (!pipe->isAssign)
            m_vars[std::size_t(mark) - 1].value = elem; // lexically the last variable
        else if (!setVar(decl[0]->ident[0], decl.size() > 1 ? index : elem))
            return Flow::Failed;
    }
    if (decl.size() > 1) {
        if (!pipe->isAssign)
            m_vars[std::size_t(mark) - 2].value = index;
        else if (!setVar(decl[1]->ident[0], elem))
            return Flow::Failed;
    }
    if (++m_steps > kMaxSteps) {
        fail(u"execution exceeds %1 steps"_s.arg(kMaxSteps));
        return Flow::Failed;
    }
    const Flow flow = walk(elem, node->list.get());
    m_vars.resize(std::size_t(mark));
    return flow;
}

Executor::Flow Executor::walkRange(const Value& dot, const BranchNode* node)
{
    at(node);
    const DepthGuard depth(m_depth, kMaxDepth);
    if (depth.exceeded()) {
        fail(u"exceeded maximum nesting depth (%1)"_s.arg(kMaxDepth));
        return Flow::Failed;
    }
    const std::size_t outerMark = m_vars.size();
    Value value;
    if (!evalPipeline(dot, node->pipe.get(), value))
        return Flow::Failed;
    const auto mark = qsizetype(m_vars.size());
    bool ran = false;
    Flow flow = Flow::Normal;
    auto step = [&](const Value& index, const Value& elem) {
        ran = true;
        flow = rangeIteration(node, mark, index, elem);
        if (flow == Flow::Continue)
            flow = Flow::Normal;
        return flow == Flow::Normal;
    };
    switch (value.kind()) {
    case Value::Kind::List: {
        for (qsizetype i = 0; i < value.size() && step(Value(i), value.at(i));) {
            ++i;
        }
        break;
    }
    case Value::Kind::Map:
        for (const Value::Entry& e : value.entries()) {
            if (!step(Value(e.first), e.second.boxed()))
                break;
        }
        break;
    case Value::Kind::Nil:
        break; // like an empty map
    default:
        fail(u"range can't iterate over "_s + GoFormat::sprintf(u"%v", std::span<const Value>(&value, 1)));
        return Flow::Failed;
    }
    if (flow == Flow::Failed)
        return Flow::Failed;
    Flow elseFlow = Flow::Normal;
    if (!ran && node->elseList) {
        elseFlow = walk(dot, node->elseList.get());
        if (elseFlow == Flow::Failed)
            return Flow::Failed;
    }
    m_vars.resize(outerMark);
    // As in Go, a {{break}} from the else list ends this range; a {{continue}} goes to the outer one.
    return elseFlow == Flow::Continue ? Flow::Continue : Flow::Normal;
}

Executor::Flow Executor::walkTemplate(const Value& dot, const TemplateNode* node)
{
    at(node);
    const ListNode* tree = m_program.tree(node->name);
    if (!tree) {
        fail(u"template %1 not defined"_s.arg(GoQuote::quote(node->name)));
        return Flow::Failed;
    }
    if (m_templateDepth == kMaxTemplateDepth) {
        fail(u"exceeded maximum template depth (%1)"_s.arg(kMaxTemplateDepth));
        return Flow::Failed;
    }
    const DepthGuard depth(m_depth, kMaxDepth);
    if (depth.exceeded()) {
        fail(u"exceeded maximum nesting depth (%1)"_s.arg(kMaxDepth));
        return Flow::Failed;
    }
    Value newDot;
    if (!evalPipeline(dot, node->pipe.get(), newDot)) // its variables persist
        return Flow::Failed;
    // No dynamic scoping: the called template sees only $.
    std::vector<Variable> vars = std::exchange(m_vars, {{u"$"_s, newDot}});
    QString name = std::exchange(m_templateName, node->name);
    ++m_templateDepth;
    const Flow flow = walk(newDot, tree);
    --m_templateDepth;
    m_templateName = std::move(name);
    m_vars = std::move(vars);
    return flow == Flow::Failed ? Flow::Failed : Flow::Normal;
}

bool Executor::evalPipeline(const Value& dot, const PipeNode* pipe, Value& out)
{
    if (!pipe) {
        out = Value();
        return true;
    }
    at(pipe);
    const DepthGuard depth(m_depth, kMaxDepth);
    if (depth.exceeded())
        return fail(u"exceeded maximum nesting depth (%1)"_s.arg(kMaxDepth));
    Value value;
    bool have = false;
    for (const auto& cmd : pipe->cmds) {
        Value result;
        if (!evalCommand(dot, cmd.get(), have ? &value : nullptr,
                         result)) // the previous value is the last arg
            return false;
        value = std::move(result);
        have = true;
    }
    value = value.boxed(false); // Go unwraps an interface {} result ("lovely!")
    for (const auto& variable : pipe->decl) {
        if (pipe->isAssign) {
            if (!setVar(variable->ident[0], value))
                return false;
        } else {
            m_vars.push_back({variable->ident[0], value});
        }
    }
    out = std::move(value);
    return true;
}

bool Executor::notAFunction(Args args, const Value* final)
{
    if (args.size() > 1 || final)
        return fail(u"can't give argument to non-function "_s + args[0]->toString());
    return true;
}

bool Executor::evalCommand(const Value& dot, const CommandNode* cmd, const Value* final, Value& out)
{
    const Node* first = cmd->args[0].get();
    const Args args(cmd->args);
    switch (first->type) {
    case NodeType::Field:
        return evalFieldNode(dot, static_cast<const FieldNode*>(first), args, final, out);
    case NodeType::Chain:
        return evalChainNode(dot, static_cast<const ChainNode*>(first), args, final, out);
    case NodeType::Identifier:
        return evalFunction(dot, static_cast<const IdentifierNode*>(first), cmd, args, final, out);
    case NodeType::Pipe:
        // A parenthesized pipeline holds all its arguments; there must be no final one.
        return notAFunction(args, final) && evalPipeline(dot, static_cast<const PipeNode*>(first), out);
    case NodeType::Variable:
        return evalVariableNode(static_cast<const VariableNode*>(first), args, final, out);
    default:
        break;
    }
    at(first);
    if (!notAFunction(args, final))
        return false;
    switch (first->type) {
    case NodeType::Bool:
        out = Value(static_cast<const BoolNode*>(first)->value);
        return true;
    case NodeType::Dot:
        out = dot;
        return true;
    case NodeType::Nil:
        return fail(u"nil is not a command"_s);
    case NodeType::Number:
        return idealConstant(static_cast<const NumberNode*>(first), out);
    case NodeType::String:
        out = Value(static_cast<const StringNode*>(first)->text);
        return true;
    default:
        return fail(u"can't evaluate command "_s + GoQuote::quote(first->toString()));
    }
}

bool Executor::idealConstant(const NumberNode* number, Value& out)
{
    at(number);
    const QString error = GoLiteral::idealConstant(*number, out);
    return error.isEmpty() || fail(error);
}

bool Executor::validateType(const Value& value, ArgType type, Value& out)
{
    const QString error = Functions::convert(value, type, out);
    return error.isEmpty() || fail(error);
}

bool Executor::evalFieldNode(const Value& dot, const FieldNode* field, Args args, const Value* final,
                             Value& out)
{
    at(field);
    return evalFieldChain(dot, identSpan(field->ident, 0), args, final, out);
}

bool Executor::evalChainNode(const Value& dot, const ChainNode* chain, Args args, const Value* final,
                             Value& out)
{
    at(chain);
    if (chain->node->type == NodeType::Nil)
        return fail(u"indirection through explicit nil in "_s + chain->toString());
    Value receiver;
    if (!evalArg(dot, ArgType::Any, chain->node.get(), receiver))
        return false;
    return evalFieldChain(receiver, identSpan(chain->fields, 0), args, final, out);
}

bool Executor::evalVariableNode(const VariableNode* variable, Args args, const Value* final, Value& out)
{
    at(variable);
    Value value;
    if (!varValue(variable->ident[0], value))
        return false;
    if (variable->ident.size() == 1) {
        if (!notAFunction(args, final))
            return false;
        out = std::move(value);
        return true;
    }
    return evalFieldChain(value, identSpan(variable->ident, 1), args, final, out);
}

bool Executor::evalFieldChain(Value receiver, std::span<const QString> ident, Args args, const Value* final,
                              Value& out)
{
    const std::size_t n = ident.size();
    for (std::size_t i = 0; i + 1 < n; ++i) {
        Value next;
        if (!evalField(ident[i], {}, nullptr, receiver, next))
            return false;
        receiver = std::move(next);
    }
    return evalField(ident[n - 1], args, final, receiver, out);
}

bool Executor::evalField(const QString& name, Args args, const Value* final, const Value& receiver,
                         Value& out)
{
    if (receiver.isNil()) {
        if (receiver.isBoxed()) // a nil interface {}, not a missing value
            return fail(u"nil pointer evaluating interface {}.%1"_s.arg(name));
        out = Value(); // Go's missingkey=default: a missing value, printed as "<no value>"
        return true;
    }
    const bool hasArgs = args.size() > 1 || final;
    if (receiver.kind() == Value::Kind::KVPair) {
        if (name == u"Depth") { // memkv.KVPair's one method
            const qsizetype numIn = qsizetype(args.empty() ? 0 : args.size() - 1) + (final ? 1 : 0);
            if (numIn != 0)
                return fail(u"wrong number of args for Depth: want 0 got %1"_s.arg(numIn));
            out = Value(receiver.kvKey().count(u'/'));
            return true;
        }
        if (name == u"Key" || name == u"Value") {
            if (hasArgs)
                return fail(name + u" has arguments but cannot be invoked as function"_s);
            out = Value(name == u"Key" ? receiver.kvKey() : receiver.kvValue());
            return true;
        }
    } else if (receiver.kind() == Value::Kind::Map) {
        if (hasArgs)
            return fail(name + u" is not a method but has arguments"_s);
        const Value* found = receiver.find(name);
        out = found ? found->boxed() : Value();
        return true;
    }
    return fail(u"can't evaluate field %1 in type %2"_s.arg(name, receiver.isBoxed() ? u"interface {}"_s
                                                                                     : receiver.typeName()));
}

bool Executor::evalFunction(const Value& dot, const IdentifierNode* node, const Node* cmd, Args args,
                            const Value* final, Value& out)
{
    at(node);
    return evalCall(dot, *node->function, cmd, node->ident, args, final, out);
}

bool Executor::evalCall(const Value& dot, const FunctionSpec& function, const Node* node, const QString& name,
                        Args args, const Value* final, Value& out)
{
    const Args real = args.empty() ? args : args.subspan(1); // args[0] is the function itself
    const auto numIn = qsizetype(real.size()) + (final ? 1 : 0);
    qsizetype numFixed = qsizetype(real.size());
    if (function.variadic) {
        numFixed = function.paramCount - 1;
        if (numIn < numFixed)
            return fail(u"wrong number of args for %1: want at least %2 got %3"_s.arg(
                name, QString::number(numFixed), QString::number(real.size())));
    } else if (numIn != function.paramCount) {
        return fail(u"wrong number of args for %1: want %2 got %3"_s.arg(
            name, QString::number(function.paramCount), QString::number(numIn)));
    }

    if (function.special != FunctionSpec::Special::None) {
        // and/or stop at the first value that decides, and return that value.
        const bool isOr = function.special == FunctionSpec::Special::Or;
        Value v;
        for (const NodePtr& arg : real) {
            if (!evalArg(dot, ArgType::Any, arg.get(), v))
                return false;
            if (v.truth() == isOr) {
                out = std::move(v);
                return true;
            }
        }
        if (final)
            v = *final;
        out = std::move(v);
        return true;
    }

    QVarLengthArray<Value, 4> argv;
    qsizetype i = 0;
    for (; i < numFixed && i < qsizetype(real.size()); ++i) {
        Value a;
        if (!evalArg(dot, function.params[std::size_t(i)], real[std::size_t(i)].get(), a))
            return false;
        argv.append(std::move(a));
    }
    const ArgType last =
        function.paramCount > 0 ? function.params[std::size_t(function.paramCount - 1)] : ArgType::Any;
    if (function.variadic) {
        for (; i < qsizetype(real.size()); ++i) {
            Value a;
            if (!evalArg(dot, last, real[std::size_t(i)].get(), a))
                return false;
            argv.append(std::move(a));
        }
    }
    if (final) {
        ArgType type = last;
        if (function.variadic && numIn - 1 < numFixed)
            type = function.params[std::size_t(numIn - 1)];
        Value a;
        if (!validateType(*final, type, a))
            return false;
        argv.append(std::move(a));
    }
    auto result =
        function.impl(m_context, std::span<const Value>(argv.constData(), std::size_t(argv.size())));
    if (!result) {
        at(node);
        return fail(u"error calling %1: %2"_s.arg(name, result.error().message));
    }
    if (result->isString() && result->toString().size() > kMaxString) {
        at(node);
        return fail(
            u"error calling %1: result exceeds %2 characters"_s.arg(name, QString::number(kMaxString)));
    }
    out = std::move(*result);
    return true;
}

bool Executor::evalArg(const Value& dot, ArgType type, const Node* n, Value& out)
{
    at(n);
    Value v;
    switch (n->type) {
    case NodeType::Dot:
        return validateType(dot, type, out);
    case NodeType::Nil:
        if (type == ArgType::String || type == ArgType::Int)
            return fail(u"cannot assign nil to "_s + Functions::typeName(type));
        return validateType(Value(), type, out);
    case NodeType::Field:
        return evalFieldNode(dot, static_cast<const FieldNode*>(n), {}, nullptr, v) &&
               validateType(v, type, out);
    case NodeType::Variable:
        return evalVariableNode(static_cast<const VariableNode*>(n), {}, nullptr, v) &&
               validateType(v, type, out);
    case NodeType::Pipe:
        return evalPipeline(dot, static_cast<const PipeNode*>(n), v) && validateType(v, type, out);
    case NodeType::Identifier: {
        const auto* ident = static_cast<const IdentifierNode*>(n);
        return evalFunction(dot, ident, ident, {}, nullptr, v) && validateType(v, type, out);
    }
    case NodeType::Chain:
        return evalChainNode(dot, static_cast<const ChainNode*>(n), {}, nullptr, v) &&
               validateType(v, type, out);
    default:
        break;
    }
    // A literal: Go checks its syntax against the parameter type.
    if (n->type == NodeType::Number && type == ArgType::Any)
        return idealConstant(static_cast<const NumberNode*>(n), out);
    const QString error = GoLiteral::argument(*n, type, out);
    return error.isEmpty() || fail(error);
}

bool Executor::varValue(const QString& name, Value& out)
{
    for (auto it = m_vars.rbegin(); it != m_vars.rend(); ++it) {
        if (it->name == name) {
            out = it->value;
            return true;
        }
    }
    return fail(u"undefined variable: "_s + name);
}

bool Executor::setVar(const QString& name, const Value& value)
{
    for (auto it = m_vars.rbegin(); it != m_vars.rend(); ++it) {
        if (it->name == name) {
            it->value = value;
            return true;
        }
    }
    return fail(u"undefined variable: "_s + name);
}

} // namespace lbdeck::tmpl
