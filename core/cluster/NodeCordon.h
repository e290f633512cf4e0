// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ProfileStore.h"
#include "core/util/Result.h"

namespace lbdeck {

class NodeConnection;

// Cordons (or uncordons) a node: at once in the running session (placement and the Overview read
// node->profile()), then in the stored profile named profileName, so that it persists. The session
// keeps the change even when saving fails; the error says so.
Result<void> setNodeCordoned(NodeConnection* node, const QString& profileName, bool cordoned,
                             const ProfileStore& store = ProfileStore());

} // namespace lbdeck
