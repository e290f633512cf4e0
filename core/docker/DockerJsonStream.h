// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>

namespace lbdeck {

class DockerClient;
class HttpReply;

// A long-lived Docker GET that answers with JSON objects, one a line, for as long as it runs
// (events, stats). Lines may arrive split across chunks or several in one. After a drop it
// reconnects with backoff, asking the subclass for the path to resume from; a 4xx answer (the
// container is gone, a filter is wrong) ends it for good with failed().
class DockerJsonStream : public QObject
{
    Q_OBJECT
public:
    ~DockerJsonStream() override;

    void start();
    void stop();
    bool isConnected() const { return m_connected; }
    int reconnects() const { return m_reconnects; }

Q_SIGNALS:
    void connectionChanged(bool connected, const QString& error);
    // No more reconnects: the daemon refused the stream itself.
    void failed(const QString& error, int status);

protected:
    DockerJsonStream(DockerClient* client, QString subject, QObject* parent);
    // Unversioned path and query for the next connection.
    virtual QByteArray path() const = 0;
    virtual void handleObject(const QJsonObject& object) = 0;
    // A stream that should never be quiet this long is treated as dropped (0: may be quiet forever).
    void setIdleTimeout(std::chrono::milliseconds timeout) { m_idleTimeout = timeout; }
    QString where() const;

private:
    void open();
    void onHeaders();
    void onData(const QByteArray& data);
    void onFinished();
    void scheduleReconnect(const QString& why);
    void dropStream();
    void setConnected(bool connected, const QString& error);

    QPointer<DockerClient> m_client;
    QString m_subject;
    HttpReply* m_reply = nullptr; // Owned.
    QByteArray m_buffer;
    QByteArray m_errorBody;
    std::chrono::milliseconds m_idleTimeout{0};
    QTimer m_retry;
    int m_backoffMs = 0;
    int m_reconnects = 0;
    bool m_stopped = true;
    bool m_connected = false;
};

} // namespace lbdeck
