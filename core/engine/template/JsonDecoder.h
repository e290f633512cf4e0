// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Value.h"
#include "core/util/Result.h"

namespace lbdeck::tmpl {

// json.Unmarshal into map[string]interface{} or []interface{}: numbers become float64 as in Go, null
// becomes nil, and the wrong top-level type is Go's "cannot unmarshal" error.
class JsonDecoder
{
public:
    static Result<Value> object(const QString& text);
    static Result<Value> array(const QString& text);
};

} // namespace lbdeck::tmpl
