// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Functions.h"
#include "KeyStore.h"
#include "Node.h"
#include "Program.h"
#include "Value.h"
#include "core/util/Result.h"

#include <QString>

#include <span>
#include <vector>

namespace lbdeck::tmpl {

// One render of a Program: Go's exec.go state, function for function, so that output and error texts
// follow Go. Errors are values; depth, steps and output size are bounded so bad input cannot hang or
// exhaust memory.
class Executor
{
public:
    Executor(const Program& program, const Store& store);

    Result<QString> execute(const Value& dot);

private:
    enum class Flow : quint8
    {
        Normal,
        Break,
        Continue,
        Failed
    };
    struct Variable
    {
        QString name;
        Value value;
    };
    using Args = std::span<const NodePtr>;

    Flow walk(const Value& dot, const Node* node);
    Flow walkList(const Value& dot, const ListNode* list);
    Flow walkIfOrWith(const Value& dot, const BranchNode* node);
    Flow walkRange(const Value& dot, const BranchNode* node);
    Flow walkTemplate(const Value& dot, const TemplateNode* node);
    Flow rangeIteration(const BranchNode* node, qsizetype mark, const Value& index, const Value& elem);

    bool evalPipeline(const Value& dot, const PipeNode* pipe, Value& out);
    bool evalCommand(const Value& dot, const CommandNode* cmd, const Value* final, Value& out);
    bool evalArg(const Value& dot, ArgType type, const Node* n, Value& out);
    bool evalFieldNode(const Value& dot, const FieldNode* field, Args args, const Value* final, Value& out);
    bool evalChainNode(const Value& dot, const ChainNode* chain, Args args, const Value* final, Value& out);
    bool evalVariableNode(const VariableNode* variable, Args args, const Value* final, Value& out);
    bool evalFieldChain(Value receiver, std::span<const QString> ident, Args args, const Value* final,
                        Value& out);
    bool evalField(const QString& name, Args args, const Value* final, const Value& receiver, Value& out);
    bool evalFunction(const Value& dot, const IdentifierNode* node, const Node* cmd, Args args,
                      const Value* final, Value& out);
    bool evalCall(const Value& dot, const FunctionSpec& function, const Node* node, const QString& name,
                  Args args, const Value* final, Value& out);
    bool validateType(const Value& value, ArgType type, Value& out);
    bool idealConstant(const NumberNode* number, Value& out);
    bool notAFunction(Args args, const Value* final);
    bool varValue(const QString& name, Value& out);
    bool setVar(const QString& name, const Value& value);
    bool printValue(const Node* node, const Value& value);
    bool checkOutput();

    void at(const Node* node) { m_node = node; }
    bool fail(const QString& message);

    const Program& m_program; // Not owned.
    KeyStore m_store;
    CallContext m_context;
    QString m_out;
    std::vector<Variable> m_vars;
    const Node* m_node = nullptr;
    QString m_templateName;
    int m_templateDepth = 0;
    int m_depth = 0;
    qint64 m_steps = 0;
    QString m_error;
};

} // namespace lbdeck::tmpl
