// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "DockerJsonStream.h"

#include <QDateTime>
#include <QMap>
#include <QSet>
#include <QStringList>

namespace lbdeck {

// GET /events: what happens to containers, images, networks, as Docker reports it
// ({"Type": "container", "Action": "start", "Actor": {...}, "time": ..., "timeNano": ...}).
// After a drop it asks again from the time of the last event delivered, so the events in the gap
// arrive late instead of never; the ones already delivered are not repeated.
class DockerEventStream : public DockerJsonStream
{
    Q_OBJECT
public:
    DockerEventStream(DockerClient* client, QMap<QString, QStringList> filters, const QDateTime& since,
                      QObject* parent = nullptr);

    // Nanoseconds since the epoch of the last event delivered; 0 before the first.
    qint64 lastEventTimeNano() const { return m_lastTimeNano; }

Q_SIGNALS:
    void eventReceived(const QJsonObject& event);

protected:
    QByteArray path() const override;
    void handleObject(const QJsonObject& event) override;

private:
    QMap<QString, QStringList> m_filters;
    qint64 m_sinceNano = 0;
    qint64 m_lastTimeNano = 0;
    // Events delivered at m_lastTimeNano: `since` includes that instant, so they come again.
    QSet<QByteArray> m_seenAtLast;
};

} // namespace lbdeck
