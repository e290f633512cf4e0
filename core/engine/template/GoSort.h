// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QtGlobal>

#include <bit>
#include <utility>

namespace lbdeck::tmpl {

// Go 1.19's sort.Sort (pattern-defeating quicksort), step for step. It is not stable, so equal
// elements end up in the order Go leaves them only if every comparison and swap is the one Go makes:
// confd's sortByLength and sortKVByLength sort with it. Data has less(i, j) and swap(i, j).
template<typename Data>
class GoSort
{
public:
    static void sort(Data& data, qsizetype n)
    {
        if (n <= 1)
            return;
        GoSort s{data};
        s.pdqsort(0, n, std::bit_width(quint64(n)));
    }

private:
    enum class Hint
    {
        Unknown,
        Increasing,
        Decreasing
    };

    explicit GoSort(Data& data)
        : d(data)
    {}

    bool less(qsizetype i, qsizetype j) { return d.less(i, j); }
    void swap(qsizetype i, qsizetype j) { d.swap(i, j); }

    void insertionSort(qsizetype a, qsizetype b)
    {
        for (qsizetype i = a + 1; i < b; ++i) {
            for (qsizetype j = i; j > a && less(j, j - 1); --j)
                swap(j, j - 1);
        }
    }

    void siftDown(qsizetype lo, qsizetype hi, qsizetype first)
    {
        qsizetype root = lo;
        for (;;) {
            qsizetype child = 2 * root + 1;
            if (child >= hi)
                return;
            if (child + 1 < hi && less(first + child, first + child + 1))
                ++child;
            if (!less(first + root, first + child))
                return;
            swap(first + root, first + child);
            root = child;
        }
    }

    void heapSort(qsizetype a, qsizetype b)
    {
        const qsizetype first = a;
        const qsizetype hi = b - a;
        for (qsizetype i = (hi - 1) / 2; i >= 0; --i)
            siftDown(i, hi, first);
        for (qsizetype i = hi - 1; i >= 0; --i) {
            swap(first, first + i);
            siftDown(0, i, first);
        }
    }

    void pdqsort(qsizetype a, qsizetype b, int limit)
    {
        constexpr qsizetype maxInsertion = 12;
        bool wasBalanced = true;
        bool wasPartitioned = true;
        for (;;) {
            const qsizetype length = b - a;
            if (length <= maxInsertion) {
                insertionSort(a, b);
                return;
            }
            if (limit == 0) {
                heapSort(a, b);
                return;
            }
            if (!wasBalanced) {
                breakPatterns(a, b);
                --limit;
            }
            auto [pivot, hint] = choosePivot(a, b);
            if (hint == Hint::Decreasing) {
                reverseRange(a, b);
                pivot = (b - 1) - (pivot - a);
                hint = Hint::Increasing;
            }
            if (wasBalanced && wasPartitioned && hint == Hint::Increasing && partialInsertionSort(a, b))
                return;
            if (a > 0 && !less(a - 1, pivot)) {
                a = partitionEqual(a, b, pivot);
                continue;
            }
            const auto [mid, alreadyPartitioned] = partition(a, b, pivot);
            wasPartitioned = alreadyPartitioned;
            const qsizetype leftLen = mid - a;
            const qsizetype rightLen = b - mid;
            const qsizetype balanceThreshold = length / 8;
            if (leftLen < rightLen) {
                wasBalanced = leftLen >= balanceThreshold;
                pdqsort(a, mid, limit);
                a = mid + 1;
            } else {
                wasBalanced = rightLen >= balanceThreshold;
                pdqsort(mid + 1, b, limit);
                b = mid;
            }
        }
    }

    std::pair<qsizetype, bool> partition(qsizetype a, qsizetype b, qsizetype pivot)
    {
        swap(a, pivot);
        qsizetype i = a + 1;
        qsizetype j = b - 1;
        while (i <= j && less(i, a))
            ++i;
        while (i <= j && !less(j, a))
            --j;
        if (i > j) {
            swap(j, a);
            return {j, true};
        }
        swap(i, j);
        ++i;
        --j;
        for (;;) {
            while (i <= j && less(i, a))
                ++i;
            while (i <= j && !less(j, a))
                --j;
            if (i > j)
                break;
            swap(i, j);
            ++i;
            --j;
        }
        swap(j, a);
        return {j, false};
    }

    qsizetype partitionEqual(qsizetype a, qsizetype b, qsizetype pivot)
    {
        swap(a, pivot);
        qsizetype i = a + 1;
        qsizetype j = b - 1;
        for (;;) {
            while (i <= j && !less(a, i))
                ++i;
            while (i <= j && less(a, j))
                --j;
            if (i > j)
                break;
            swap(i, j);
            ++i;
            --j;
        }
        return i;
    }

    bool partialInsertionSort(qsizetype a, qsizetype b)
    {
        constexpr int maxSteps = 5;
        constexpr qsizetype shortestShifting = 50;
        qsizetype i = a + 1;
        for (int step = 0; step < maxSteps; ++step) {
            while (i < b && !less(i, i - 1))
                ++i;
            if (i == b)
                return true;
            if (b - a < shortestShifting)
                return false;
            swap(i, i - 1);
            if (i - a >= 2) {
                for (qsizetype j = i - 1; j >= 1; --j) { // Go's bound is 1, not a
                    if (!less(j, j - 1))
                        break;
                    swap(j, j - 1);
                }
            }
            if (b - i >= 2) {
                for (qsizetype j = i + 1; j < b; ++j) {
                    if (!less(j, j - 1))
                        break;
                    swap(j, j - 1);
                }
            }
        }
        return false;
    }

    void breakPatterns(qsizetype a, qsizetype b)
    {
        const qsizetype length = b - a;
        if (length < 8)
            return;
        quint64 random = quint64(length); // Go's xorshift, seeded with the length
        const quint64 modulus = quint64(1) << std::bit_width(quint64(length));
        for (qsizetype idx = a + (length / 4) * 2 - 1; idx <= a + (length / 4) * 2 + 1; ++idx) {
            random ^= random << 13;
            random ^= random >> 17;
            random ^= random << 5;
            auto other = qsizetype(random & (modulus - 1));
            if (other >= length)
                other -= length;
            swap(idx, a + other);
        }
    }

    std::pair<qsizetype, Hint> choosePivot(qsizetype a, qsizetype b)
    {
        constexpr qsizetype shortestNinther = 50;
        constexpr int maxSwaps = 4 * 3;
        const qsizetype l = b - a;
        int swaps = 0;
        qsizetype i = a + l / 4 * 1;
        qsizetype j = a + l / 4 * 2;
        qsizetype k = a + l / 4 * 3;
        if (l >= 8) {
            if (l >= shortestNinther) {
                i = median(i - 1, i, i + 1, swaps);
                j = median(j - 1, j, j + 1, swaps);
                k = median(k - 1, k, k + 1, swaps);
            }
            j = median(i, j, k, swaps);
        }
        if (swaps == 0)
            return {j, Hint::Increasing};
        if (swaps == maxSwaps)
            return {j, Hint::Decreasing};
        return {j, Hint::Unknown};
    }

    void order2(qsizetype& a, qsizetype& b, int& swaps)
    {
        if (less(b, a)) {
            ++swaps;
            std::swap(a, b);
        }
    }

    qsizetype median(qsizetype a, qsizetype b, qsizetype c, int& swaps)
    {
        order2(a, b, swaps);
        order2(b, c, swaps);
        order2(a, b, swaps);
        return b;
    }

    void reverseRange(qsizetype a, qsizetype b)
    {
        for (qsizetype i = a, j = b - 1; i < j; ++i, --j)
            swap(i, j);
    }

    Data& d;
};

} // namespace lbdeck::tmpl
