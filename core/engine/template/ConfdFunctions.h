// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Functions.h"

#include <span>

namespace lbdeck::tmpl {

// confd's template functions (resource/template/template_funcs.go) and its store functions (memkv),
// with confd's Go signatures, results and error texts. The functions that ask the system (lookupIP,
// lookupSRV, fileExists) are in ConfdLookup.
class ConfdFunctions
{
public:
    static std::span<const FunctionSpec> functions();
};

} // namespace lbdeck::tmpl
