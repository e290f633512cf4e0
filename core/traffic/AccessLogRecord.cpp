// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "AccessLogRecord.h"

namespace lbdeck::traffic {

bool AccessLogRecord::retried() const
{
    for (qsizetype i = 1; i < attempts.size(); ++i) {
        if (attempts.at(i).group == attempts.at(i - 1).group)
            return true;
    }
    return false;
}

} // namespace lbdeck::traffic
