// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Node.h"

#include <QString>

#include <atomic>
#include <memory>
#include <unordered_map>

namespace lbdeck::tmpl {

// One parsed template text: the top-level template and every {{define}} and {{block}} in it. The
// nodes point into text, so a Program is immutable and shared between renders.
struct Program
{
    QString name;
    QString text;
    std::unordered_map<QString, std::unique_ptr<ListNode>> trees;
    // The size of the last output: the next render reserves it instead of growing its string 20 times.
    mutable std::atomic<qsizetype> outputSizeHint = 0;

    const ListNode* tree(const QString& templateName) const;
    // "name:line:col" as Go's ErrorContext: 1-based line, 0-based column in UTF-8 bytes.
    QString location(qsizetype pos) const;
    int line(qsizetype pos) const;
};

} // namespace lbdeck::tmpl
