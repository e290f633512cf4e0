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

// Edits beyond this and the diff is summarized instead: the time grows with lines times edits.
constexpr int MaxEdits = 2000;

// Myers' O(ND) diff in linear space: find the middle snake of the shortest edit script by running
// the greedy search from both ends at once, then solve the two halves the same way. Memory is a
// few arrays of n + m ints whatever the number of edits (keeping the whole trace of the greedy
// search costs d^2: 4 MB for a 1,000-server burst). Sets tooLarge when an edit script would be
// longer than MaxEdits.
class Differ
{
public:
    Differ(const QList<QByteArray>& a, const QList<QByteArray>& b)
        : m_a(a)
        , m_b(b)
    {}
    bool tooLarge = false;
    std::vector<Edit> edits;

    void diff(int a0, int a1, int b0, int b1)
    {
        if (tooLarge)
            return;
        while (a0 < a1 && b0 < b1 && m_a[a0] == m_b[b0])
            edits.push_back({Op::Equal, a0++, b0++});
        int common = 0;
        while (a1 - common > a0 && b1 - common > b0 && m_a[a1 - 1 - common] == m_b[b1 - 1 - common])
            ++common;
        a1 -= common;
        b1 -= common;
        if (a0 == a1) {
            for (int y = b0; y < b1; ++y)
                edits.push_back({Op::Insert, a0, y});
        } else if (b0 == b1) {
            for (int x = a0; x < a1; ++x)
                edits.push_back({Op::Delete, x, b0});
        } else {
            int x = 0;
            int y = 0;
            if (middleSnake(a0, a1, b0, b1, x, y)) {
                diff(a0, x, b0, y);
                diff(x, a1, y, b1);
            } else if (!tooLarge) { // nothing in common
                for (int i = a0; i < a1; ++i)
                    edits.push_back({Op::Delete, i, b0});
                for (int j = b0; j < b1; ++j)
                    edits.push_back({Op::Insert, a1, j});
            }
        }
        for (int i = 0; i < common; ++i)
            edits.push_back({Op::Equal, a1 + i, b1 + i});
    }

private:
    // Where the forward and the reverse search meet: a split point (x, y) on an optimal path.
    bool middleSnake(int a0, int a1, int b0, int b1, int& splitX, int& splitY)
    {
        const int n = a1 - a0;
        const int m = b1 - b0;
        const int maxD = (n + m + 1) / 2;
        const int offset = maxD;
        const int length = 2 * maxD + 2;
        std::vector<int> v1(size_t(length), -1);
        std::vector<int> v2(size_t(length), -1);
        v1[size_t(offset + 1)] = 0;
        v2[size_t(offset + 1)] = 0;
        const int delta = n - m;
        const bool front = (delta % 2) != 0; // the forward path meets the reverse one
        int k1start = 0, k1end = 0, k2start = 0, k2end = 0;
        for (int d = 0; d < maxD; ++d) {
            if (2 * d > MaxEdits) { // the script is at least 2d edits long
                tooLarge = true;
                return false;
            }
            for (int k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
                const int i1 = offset + k1;
                int x1 = (k1 == -d || (k1 != d && v1[size_t(i1 - 1)] < v1[size_t(i1 + 1)]))
                             ? v1[size_t(i1 + 1)]
                             : v1[size_t(i1 - 1)] + 1;
                int y1 = x1 - k1;
                while (x1 < n && y1 < m && m_a[a0 + x1] == m_b[b0 + y1]) {
                    ++x1;
                    ++y1;
                }
                v1[size_t(i1)] = x1;
                if (x1 > n) {
                    k1end += 2;
                } else if (y1 > m) {
                    k1start += 2;
                } else if (front) {
                    const int i2 = offset + delta - k1;
                    if (i2 >= 0 && i2 < length && v2[size_t(i2)] != -1 && x1 >= n - v2[size_t(i2)]) {
                        splitX = a0 + x1;
                        splitY = b0 + y1;
                        return true;
                    }
                }
            }
            for (int k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
                const int i2 = offset + k2;
                int x2 = (k2 == -d || (k2 != d && v2[size_t(i2 - 1)] < v2[size_t(i2 + 1)]))
                             ? v2[size_t(i2 + 1)]
                             : v2[size_t(i2 - 1)] + 1;
                int y2 = x2 - k2;
                while (x2 < n && y2 < m && m_a[a1 - 1 - x2] == m_b[b1 - 1 - y2]) {
                    ++x2;
                    ++y2;
                }
                v2[size_t(i2)] = x2;
                if (x2 > n) {
                    k2end += 2;
                } else if (y2 > m) {
                    k2start += 2;
                } else if (!front) {
                    const int i1 = offset + delta - k2;
                    if (i1 >= 0 && i1 < length && v1[size_t(i1)] != -1) {
                        const int x1 = v1[size_t(i1)];
                        const int y1 = offset + x1 - i1;
                        if (x1 >= n - x2) {
                            splitX = a0 + x1;
                            splitY = b0 + y1;
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    const QList<QByteArray>& m_a;
    const QList<QByteArray>& m_b;
};

std::vector<Edit> diffLines(const QList<QByteArray>& a, const QList<QByteArray>& b, bool& tooLarge)
{
    Differ differ(a, b);
    differ.diff(0, int(a.size()), 0, int(b.size()));
    tooLarge = differ.tooLarge;
    return tooLarge ? std::vector<Edit>() : std::move(differ.edits);
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
