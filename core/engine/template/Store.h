// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QMap>
#include <QString>

namespace lbdeck::tmpl {

// confd's key store: absolute keys ("/test/apache-8001") -> values, the resource's prefix stripped.
using Store = QMap<QString, QString>;

} // namespace lbdeck::tmpl
