// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "EngineConfig.h"
#include "ValueSet.h"
#include "core/etcd/EtcdTypes.h"
#include "core/etcd/PrefixMirror.h"

#include <QMap>

namespace lbdeck {

struct Rejection
{
    QString key;
    QString value; // shortened, printable
    QString reason;
};

// What may reach a config from one source, and what was left out and why.
struct ValidatedSource
{
    QByteArray prefix;
    QMap<QString, QString> accepted;   // full key -> value as it goes into the config
    QMap<QString, Rejection> rejected; // full key -> why it was left out
    QMap<QString, Rejection> warnings; // full key -> accepted verbatim, but nginx may misread it
    ValueSet values;                   // the accepted values, sorted, with how many keys hold each
    qint64 revision = 0;
};

// Checks one value against its source's rules: the normalized value, or why it is refused.
Result<QString> validateValue(QByteArrayView value, SourceKind kind);
ValidatedSource validateSource(const EngineSource& source, const QMap<QByteArray, KeyValue>& entries,
                               qint64 revision);
// Brings a validated source up to date with changes from its mirror; returns the values it newly
// refused. Cost follows the size of the change, not of the prefix.
QList<Rejection> applyChanges(ValidatedSource& validated, const EngineSource& source,
                              const QList<KvChange>& changes, qint64 revision);

} // namespace lbdeck
