// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Value.h"

#include <QString>

#include <span>

namespace lbdeck::tmpl {

// One fmt.Sprint or fmt.Sprintf run: Go's pp and fmt types folded together, writing into out.
class GoPrinter
{
public:
    explicit GoPrinter(QString& out)
        : m_out(out)
    {}

    void clearFlags() { m_f = Flags{}; }
    void printArg(const Value& v, char32_t verb);
    void doPrintf(QStringView format, std::span<const Value> args);

private:
    struct Flags
    {
        bool plus = false, minus = false, sharp = false, space = false, zero = false;
        bool plusV = false, sharpV = false;
        bool widPresent = false, precPresent = false;
        int wid = 0, prec = 0;
    };

    void printValue(const Value& v, char32_t verb, int depth);
    void badVerb(const Value& v, char32_t verb);
    void writePadding(qsizetype n);
    void pad(QStringView s);
    void fmtInteger(quint64 u, int base, bool isSigned, char32_t verb, const char16_t* digits);
    void fmtIntegerVerb(qint64 v, char32_t verb, const Value& arg);
    void fmtUnicode(quint64 u);
    void fmtFloat(double v, char fmt, int prec);
    void fmtString(const QString& s, char32_t verb, const Value& arg);
    void fmtSx(const QString& s, const char16_t* digits);
    QStringView truncate(QStringView s) const;

    QString& m_out; // Not owned.
    Flags m_f;
};

} // namespace lbdeck::tmpl
