// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <string>

namespace lbdeck::confd {

// A YAML scalar as gopkg.in/yaml.v2 decodes it into an interface{} (resolve.go), reduced to what
// confd's file backend can see: the Go type, and the text confd's nodeWalk writes for it.
struct YamlScalar
{
    enum class Kind
    {
        Null,   // nil: confd skips it
        String, // string (timestamps too: yaml.v2 keeps them as strings in an interface{})
        Int,    // int: strconv.Itoa
        Uint,   // uint64 (an int beyond int64): confd skips it
        Bool,   // bool: "true" / "false"
        Float,  // float64: strconv.FormatFloat(f, 'f', -1, 64)
        Merge,  // the plain key "<<"
    };
    Kind kind = Kind::Null;
    std::string text;  // the value as confd writes it; the raw bytes for a String
    std::string error; // set when an explicit tag does not fit the value (yaml.v2 fails the decode)
};

// Resolves a scalar. tag is yaml-cpp's Node::Tag(): "?" for a plain scalar (resolved by yaml.v2's
// implicit rules), "!" for a quoted or block scalar (always a string), "tag:yaml.org,2002:int"
// and friends for an explicit tag, anything else for a custom tag (a string).
YamlScalar resolveYamlScalar(const std::string& tag, const std::string& value);

// strconv.FormatFloat(f, 'f', -1, 64): the shortest decimal that reads back as f, never an
// exponent; "+Inf", "-Inf", "NaN".
std::string formatGoFloat(double f);

} // namespace lbdeck::confd
