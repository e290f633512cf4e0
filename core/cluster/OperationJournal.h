// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QList>
#include <QString>

namespace lbdeck {

// Stops that were started and not finished, on disk (XDG data dir), so that a stop interrupted by
// a crash or a closed window is completed by the next resync instead of leaving an orphan
// container behind. Written atomically; holds no secret.
class OperationJournal
{
public:
    struct Entry
    {
        QString node;
        QString container;
        QByteArray key;
        bool operator==(const Entry&) const = default;
    };

    explicit OperationJournal(QString path = defaultPath());
    static QString defaultPath();

    Result<void> add(const Entry& entry);
    Result<void> remove(const Entry& entry);
    QList<Entry> entries() const;
    const QString& path() const { return m_path; }

private:
    Result<void> write(const QList<Entry>& entries) const;
    QString m_path;
};

} // namespace lbdeck
