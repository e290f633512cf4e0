// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Callback.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>

namespace lbdeck::confd {

// Absolute key -> value, bytes exactly as the backend holds them (confd's map[string]string).
using KeyValues = QMap<QByteArray, QByteArray>;

// A confd backend (confd's StoreClient): where a template resource's keys are read from.
// Follows the lifetime rule of core/http/HttpClient.h: a result is always delivered from the event
// loop, never from inside the call; a destroyed context, or a destroyed backend, means no callback.
class Backend : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // confd's GetValues: every key that starts with one of keys (a byte prefix, as confd's etcd
    // and file backends match: "/app" also matches "/apple").
    virtual void getValues(const QList<QByteArray>& keys, QObject* context, Callback<KeyValues> callback) = 0;
    // Starts watching keys (byte prefixes); changed() is emitted when any of them may have changed.
    // A backend that cannot watch says why.
    virtual Result<void> watch(const QList<QByteArray>& keys) = 0;
    // What confd logs as "Backend source(s) set to ...": the files, the nodes.
    virtual QString sources() const = 0;

Q_SIGNALS:
    void changed();
    void watchFailed(const QString& error);
};

} // namespace lbdeck::confd
