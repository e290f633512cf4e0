// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "Backend.h"

#include "core/util/Result.h"

#include <QByteArray>

namespace lbdeck::confd {

// confd's file backend reading one file's bytes: yaml.v2's Unmarshal into a
// map[interface{}]interface{} (first document only; duplicate keys and "<<" merge keys as yaml.v2
// applies them), then nodeWalk from "/": nested maps join their keys with path.Join, list items
// get their index as key, strings, ints, bools and floats become text, anything else is skipped.
// Adds to (and overrides keys in) `into`. A syntax error, a non-map document or a key that is
// not a string (confd itself panics on one) is an error; its message does not name the file.
Result<void> flattenYaml(const QByteArray& data, KeyValues& into);

} // namespace lbdeck::confd
