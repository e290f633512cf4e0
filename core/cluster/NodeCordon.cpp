// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "NodeCordon.h"

#include "NodeConnection.h"

using namespace Qt::StringLiterals;

namespace lbdeck {

Result<void> setNodeCordoned(NodeConnection* node, const QString& profileName, bool cordoned,
                             const ProfileStore& store)
{
    if (!node)
        return makeError(ErrorCode::InvalidArgument, u"no node to cordon"_s);
    node->setCordoned(cordoned);
    const QString name = node->profile().name;
    const QString what = cordoned ? u"cordoned"_s : u"uncordoned"_s;
    Result<ClusterProfile> profile = store.load(profileName);
    if (!profile) {
        Error e = profile.error();
        e.message = u"%1 is %2 for this session only: profile %3 cannot be read (%4)"_s.arg(
            name, what, profileName, e.message);
        return e;
    }
    bool found = false;
    for (NodeProfile& n : profile->nodes) {
        if (n.name == name) {
            n.cordoned = cordoned;
            found = true;
        }
    }
    if (!found)
        return makeError(ErrorCode::NotFound,
                         u"%1 is %2 for this session only: the stored profile %3 has no such node"_s.arg(
                             name, what, profileName));
    if (Result<void> saved = store.save(*profile); !saved) {
        Error e = saved.error();
        e.message = u"%1 is %2 for this session only: %3"_s.arg(name, what, e.message);
        return e;
    }
    return {};
}

} // namespace lbdeck
