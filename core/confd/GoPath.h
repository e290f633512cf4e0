// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lbdeck::confd {

// Go's path.Clean: one slash between elements, no "." elements, ".." resolved; "" becomes ".".
std::string goCleanPath(std::string_view path);

// Go's path.Join(a, b): the non-empty elements joined by "/", then cleaned ("" when both are empty).
std::string goJoinPath(std::string_view a, std::string_view b);

// Go's filepath.Match on Unix: does name match the shell pattern ('*', '?', '[...]' with '^' for
// negation, '\\' escapes)? nullopt for a malformed pattern (Go's ErrBadPattern, "syntax error in
// pattern"), which Go reports only when the match reaches the malformed part or fails.
std::optional<bool> goMatchPattern(std::string_view pattern, std::string_view name);

} // namespace lbdeck::confd
