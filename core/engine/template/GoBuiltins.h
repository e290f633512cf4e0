// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Functions.h"

#include <span>

namespace lbdeck::tmpl {

// text/template's predefined functions: and or not len index slice print printf println eq ne lt le gt ge
// html js urlquery call.
class GoBuiltins
{
public:
    static std::span<const FunctionSpec> functions();
};

} // namespace lbdeck::tmpl
