// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>

namespace lbdeck::tmpl {

// Go's strconv.FormatFloat(v, fmt, prec, 64): the digits Go prints for %v, %g, %e and %f, including the
// shortest representation that reads back to the same double.
class FloatFormat
{
public:
    // fmt is one of 'e', 'E', 'f', 'g', 'G'; prec -1 asks for the shortest form.
    static QString format(double v, char fmt, int prec);
};

} // namespace lbdeck::tmpl
