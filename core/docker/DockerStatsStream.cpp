// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DockerStatsStream.h"

#include "DockerCodec.h"
#include "core/util/Logging.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {
// Docker samples once a second; this long without one means the connection is dead.
constexpr std::chrono::seconds StatsIdleTimeout{30};
} // namespace

DockerStatsStream::DockerStatsStream(DockerClient* client, QString container, QObject* parent)
    : DockerJsonStream(client, u"container %1, stats"_s.arg(container), parent)
    , m_container(std::move(container))
{
    setIdleTimeout(StatsIdleTimeout);
}

QByteArray DockerStatsStream::path() const
{
    return "/containers/" + QUrl::toPercentEncoding(m_container) + "/stats?stream=true";
}

void DockerStatsStream::handleObject(const QJsonObject& object)
{
    Result<StatsSample> sample = docker::parseStats(object);
    if (!sample) {
        // One bad sample is not worth the stream: the next one comes in a second.
        qCWarning(lcDocker) << where() << sample.error().message;
        return;
    }
    Q_EMIT sampleReceived(*sample);
}

} // namespace lbdeck
