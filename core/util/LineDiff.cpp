// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "LineDiff.h"

#include <QList>

#include <vector>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

enum class Op
{
    Equal,
    Delete,
    Insert
};

struct Edit
{
    Op op;
    int a; // line in before (Equal, Delete)
    int b; // line in after (Equal, Insert)
};

// Edits beyond this and the diff is summarized instead: the trace grows with the square of it.
constexpr int MaxEdits = 2000;

// Myers' greedy algorithm. The trace keeps, for each d, only the diagonals -d..d that step can
// reach (d^2 entries in all, not d * (n + m)). Empty and tooLarge when over MaxEdits.
std::vector<Edit> diffLines(const QList<QByteArray>& a, const QList<QByteArray>& b, bool& tooLarge)
{
    const int n = int(a.size());
    const int m = int(b.size());
    const int max = qMin(n + m, MaxEdits);
    const int offset = max + 1;
    std::vector<int> v(size_t(2 * max + 3), 0);
    std::vector<std::vector<int>> trace; // trace[d][k + d] = v[k] before step d
    int found = -1;
    for (int d = 0; d <= max && found < 0; ++d) {
        trace.emplace_back(v.begin() + (offset - d), v.begin() + (offset + d + 1));
        for (int k = -d; k <= d; k += 2) {
            int x = (k == -d || (k != d && v[size_t(offset + k - 1)] < v[size_t(offset + k + 1)]))
                        ? v[size_t(offset + k + 1)]
                        : v[size_t(offset + k - 1)] + 1;
            int y = x - k;
            while (x < n && y < m && a[x] == b[y]) {
                ++x;
                ++y;
            }
            v[size_t(offset + k)] = x;
            if (x >= n && y >= m) {
                found = d;
                break;
            }
        }
    }
    tooLarge = found < 0;
    if (tooLarge)
        return {};
    std::vector<Edit> edits;
    int x = n;
    int y = m;
    for (int d = found; d > 0; --d) {
        const std::vector<int>& pv = trace[size_t(d)];
        auto at = [&](int k) { return pv[size_t(k + d)]; };
        const int k = x - y;
        const bool down = k == -d || (k != d && at(k - 1) < at(k + 1));
        const int prevK = down ? k + 1 : k - 1;
        const int prevX = at(prevK);
        const int prevY = prevX - prevK;
        while (x > prevX && y > prevY) {
            --x;
            --y;
            edits.push_back({Op::Equal, x, y});
        }
        if (down)
            edits.push_back({Op::Insert, x, --y});
        else
            edits.push_back({Op::Delete, --x, y});
    }
    while (x > 0 && y > 0) {
        --x;
        --y;
        edits.push_back({Op::Equal, x, y});
    }
    return {edits.rbegin(), edits.rend()};
}

// When every line of `small` appears in `big` in order, the diff is only insertions (or only
// deletions): found in one pass, whatever the number of lines — the usual shape of a config
// change where backends come or go.
bool subsequenceEdits(const QList<QByteArray>& small, const QList<QByteArray>& big, bool bigIsAfter,
                      std::vector<Edit>& edits)
{
    std::vector<Edit> out;
    qsizetype i = 0;
    for (qsizetype j = 0; j < big.size(); ++j) {
        if (i < small.size() && small[i] == big[j]) {
            out.push_back(bigIsAfter ? Edit{Op::Equal, int(i), int(j)} : Edit{Op::Equal, int(j), int(i)});
            ++i;
        } else {
            out.push_back(bigIsAfter ? Edit{Op::Insert, int(i), int(j)} : Edit{Op::Delete, int(j), int(i)});
        }
    }
    if (i != small.size())
        return false;
    edits = std::move(out);
    return true;
}

QList<QByteArray> splitLines(const QByteArray& text)
{
    QList<QByteArray> lines = text.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

} // namespace

QString unifiedDiff(const QByteArray& before, const QByteArray& after, const QString& beforeName,
                    const QString& afterName, int context)
{
    if (before == after)
        return QString();
    const QList<QByteArray> a = splitLines(before);
    const QList<QByteArray> b = splitLines(after);
    // Common head and tail lines first: a config change is usually one block (a server line
    // added or gone), and Myers then only sees that block.
    qsizetype head = 0;
    while (head < a.size() && head < b.size() && a[head] == b[head])
        ++head;
    qsizetype tail = 0;
    while (tail < a.size() - head && tail < b.size() - head &&
           a[a.size() - 1 - tail] == b[b.size() - 1 - tail])
        ++tail;
    bool tooLarge = false;
    std::vector<Edit> edits;
    for (qsizetype i = 0; i < head; ++i)
        edits.push_back({Op::Equal, int(i), int(i)});
    const QList<QByteArray> midA = a.mid(head, a.size() - head - tail);
    const QList<QByteArray> midB = b.mid(head, b.size() - head - tail);
    if (midA.isEmpty() || midB.isEmpty()) {
        for (qsizetype i = 0; i < midA.size(); ++i)
            edits.push_back({Op::Delete, int(head + i), int(head)});
        for (qsizetype i = 0; i < midB.size(); ++i)
            edits.push_back({Op::Insert, int(head + midA.size()), int(head + i)});
    } else {
        std::vector<Edit> mid;
        const bool simple = midA.size() <= midB.size() ? subsequenceEdits(midA, midB, true, mid)
                                                       : subsequenceEdits(midB, midA, false, mid);
        if (!simple)
            mid = diffLines(midA, midB, tooLarge);
        for (Edit e : mid) {
            e.a += int(head);
            e.b += int(head);
            edits.push_back(e);
        }
    }
    for (qsizetype i = 0; i < tail; ++i)
        edits.push_back({Op::Equal, int(a.size() - tail + i), int(b.size() - tail + i)});
    QString out = u"--- %1\n+++ %2\n"_s.arg(beforeName, afterName);
    if (tooLarge)
        return out + u"@@ more than %1 lines changed: %2 lines before, %3 after @@\n"_s.arg(MaxEdits)
                         .arg(a.size())
                         .arg(b.size());
    const int total = int(edits.size());
    int i = 0;
    while (i < total) {
        while (i < total && edits[size_t(i)].op == Op::Equal)
            ++i;
        if (i >= total)
            break;
        // A hunk: from `context` lines before this change to `context` lines after the last change
        // that is no more than 2*context equal lines away from the previous one.
        const int start = qMax(0, i - context);
        int end = i;
        int lastChange = i;
        while (end < total) {
            if (edits[size_t(end)].op != Op::Equal)
                lastChange = end;
            else if (end - lastChange > 2 * context)
                break;
            ++end;
        }
        end = qMin(total, lastChange + context + 1);
        int aStart = -1, bStart = -1, aCount = 0, bCount = 0;
        QString body;
        for (int j = start; j < end; ++j) {
            const Edit& e = edits[size_t(j)];
            if (e.op != Op::Insert) {
                if (aStart < 0)
                    aStart = e.a;
                ++aCount;
            }
            if (e.op != Op::Delete) {
                if (bStart < 0)
                    bStart = e.b;
                ++bCount;
            }
            const QChar sign = e.op == Op::Equal ? u' ' : e.op == Op::Delete ? u'-' : u'+';
            body += sign + QString::fromUtf8(e.op == Op::Insert ? b[e.b] : a[e.a]) + u'\n';
        }
        if (aStart < 0)
            aStart = edits[size_t(start)].a;
        if (bStart < 0)
            bStart = edits[size_t(start)].b;
        out += u"@@ -%1,%2 +%3,%4 @@\n"_s.arg(aCount ? aStart + 1 : aStart)
                   .arg(aCount)
                   .arg(bCount ? bStart + 1 : bStart)
                   .arg(bCount);
        out += body;
        i = end;
    }
    return out;
}

} // namespace lbdeck
