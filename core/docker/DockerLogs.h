// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "DockerLogFrames.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace lbdeck {

class DockerClient;
class HttpReply;

// Follows a container's log (`docker logs -f -t --tail N`): GET /containers/{id}/logs?follow=1
// &stdout=1&stderr=1&timestamps=1&tail=N on the client's streaming request, after an inspect that
// says whether the body is multiplexed (no TTY) or raw. Lines come as they are written, from the
// event loop; deleting this object (or its client) ends the request and nothing more is emitted.
// A dropped connection is resumed with backoff from the last line's timestamp (since=), skipping
// lines already delivered; the daemon ending the stream means the container stopped (ended());
// a 4xx answer (no such container) ends it for good (failed()).
class DockerLogStream : public QObject
{
    Q_OBJECT
public:
    // tail: lines of history before following (< 0: all of it).
    DockerLogStream(DockerClient* client, QString container, int tail = 200, QObject* parent = nullptr);
    ~DockerLogStream() override;

    void start();
    void stop();
    const QString& container() const { return m_container; }
    bool isFollowing() const { return m_following; }
    int reconnects() const { return m_reconnects; }

Q_SIGNALS:
    void linesReceived(const QList<lbdeck::LogLine>& lines);
    // Connected (the daemon answered 200) or not; error says why it dropped.
    void followingChanged(bool following, const QString& error);
    // The daemon closed the stream: the container is not running (any more).
    void ended(const QString& why);
    // No more reconnects: the daemon refused (status: its HTTP status).
    void failed(const QString& error, int status);

private:
    void inspectThenOpen();
    void open(bool tty);
    void onHeaders();
    void onData(const QByteArray& data);
    void onFinished();
    void deliver(QList<LogLine> lines);
    void scheduleReconnect(const QString& why);
    void dropStream();
    void setFollowing(bool following, const QString& error);
    QByteArray query() const;
    QString where() const;

    QPointer<DockerClient> m_client;
    QString m_container;
    int m_tail;
    HttpReply* m_reply = nullptr; // Owned.
    docker::LogFrameDecoder m_decoder;
    QByteArray m_errorBody;
    QTimer m_retry;
    qint64 m_lastNano = 0; // the newest line delivered
    int m_seenAtLast = 0;  // lines delivered with that timestamp (since= includes it)
    int m_skipAtLast = 0;  // of those, still to skip on the current connection
    int m_backoffMs = 0;
    int m_reconnects = 0;
    quint64 m_generation = 0; // tells a stale inspect answer from the current one
    bool m_stopped = true;
    bool m_following = false;
};

} // namespace lbdeck
