// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Callback.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace lbdeck {

struct DockerVersion
{
    QString version;    // "28.2.2"
    QString apiVersion; // the newest API the daemon speaks: "1.50"
    QString minApiVersion;
    QString os;
    QString arch;
    QString kernel;
};

// A published port: hostIp:hostPort on the Docker host -> containerPort/protocol in the container.
// hostIp empty: every address of the host.
struct PortBinding
{
    QString hostIp;
    quint16 hostPort = 0;
    quint16 containerPort = 0;
    QString protocol = QStringLiteral("tcp");
    bool operator==(const PortBinding&) const = default;
};

struct ContainerState
{
    QString status; // created, running, paused, restarting, removing, exited, dead
    bool running = false;
    int exitCode = 0;
    QDateTime startedAt; // invalid when it never started
};

// GET /containers/{id}/json, the parts lbdeck uses.
struct ContainerInfo
{
    QString id;
    QString name;    // without Docker's leading '/'
    QString image;   // as the container was created from it ("lbdeck/backend:test")
    QString imageId; // "sha256:..."
    ContainerState state;
    QMap<QString, QString> labels;
    QList<PortBinding> ports; // published now; for a container that is not running, the configured ones
    QStringList env;          // "KEY=value"
    bool tty = false;
};

// One row of GET /containers/json.
struct ContainerSummary
{
    QString id;
    QStringList names; // without the leading '/'
    QString image;
    QString state;  // "running"
    QString status; // "Up 3 minutes"
    QMap<QString, QString> labels;
    QList<PortBinding> ports; // published only
    QDateTime created;
};

// What POST /containers/create gets. The restart policy is always "no": lbdeck (like the seed's
// systemd units) decides when a backend runs, not the daemon.
struct ContainerSpec
{
    QString image;
    QStringList cmd; // empty: the image's CMD
    QStringList env; // "KEY=value"
    QMap<QString, QString> labels;
    QString hostname;
    QList<PortBinding> ports;
};

struct ImageSummary
{
    QString id;
    QStringList repoTags;
    qint64 size = 0;
    QDateTime created;
};

// The two streams of a container's logs or an exec, separated.
struct StreamOutput
{
    QByteArray stdOut;
    QByteArray stdErr;
};

struct ExecResult
{
    int exitCode = -1;
    QByteArray stdOut;
    QByteArray stdErr;
};

struct ExecState
{
    bool running = false;
    int exitCode = -1; // -1 while it runs
    QString containerId;
};

// One sample of GET /containers/{id}/stats, reduced to what the views chart.
struct StatsSample
{
    QDateTime read;
    double cpuPercent = 0;  // of one CPU, times the CPUs online (as `docker stats` shows it)
    qint64 memoryUsage = 0; // without the page cache, as `docker stats` shows it
    qint64 memoryLimit = 0;
    qint64 networkRxBytes = 0; // all interfaces
    qint64 networkTxBytes = 0;
    int onlineCpus = 0;
};

} // namespace lbdeck
