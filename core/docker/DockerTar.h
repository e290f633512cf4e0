// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QString>

namespace lbdeck::docker {

// A ustar archive holding one regular file, for PUT /containers/{id}/archive: the engine uploads a
// rendered nginx.conf this way. fileName is relative ("nginx.conf", "conf.d/lb.conf"), at most 255
// bytes of UTF-8 with no ".." component; mode is the permission bits (0644). Pure and
// deterministic: the same arguments give the same bytes.
Result<QByteArray> makeTar(const QString& fileName, const QByteArray& content, int mode = 0644, int uid = 0,
                           int gid = 0, qint64 mtime = 0);

} // namespace lbdeck::docker
