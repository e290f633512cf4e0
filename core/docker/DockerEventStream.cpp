// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "DockerEventStream.h"

#include "DockerCodec.h"
#include "core/util/Logging.h"

#include <QJsonDocument>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

// Docker's `since` takes seconds with an optional fraction of up to nine digits.
QByteArray unixTimestamp(qint64 nanos)
{
    return QByteArray::number(nanos / 1000000000) + '.' +
           QByteArray::number(nanos % 1000000000).rightJustified(9, '0');
}

} // namespace

DockerEventStream::DockerEventStream(DockerClient* client, QMap<QString, QStringList> filters,
                                     const QDateTime& since, QObject* parent)
    : DockerJsonStream(client, u"events"_s, parent)
    , m_filters(std::move(filters))
    , m_sinceNano(since.isValid() ? since.toMSecsSinceEpoch() * 1000000 : 0)
{}

QByteArray DockerEventStream::path() const
{
    QByteArray p = "/events";
    QByteArrayList query;
    if (!m_filters.isEmpty())
        query << "filters=" + QUrl::toPercentEncoding(QString::fromUtf8(docker::filtersJson(m_filters)));
    const qint64 from = qMax(m_sinceNano, m_lastTimeNano);
    if (from > 0)
        query << "since=" + unixTimestamp(from);
    if (!query.isEmpty())
        p += '?' + query.join('&');
    return p;
}

void DockerEventStream::handleObject(const QJsonObject& event)
{
    // timeNano is exact as a JSON integer (Qt keeps it as qint64); older daemons send only time.
    qint64 nanos = event.value(u"timeNano"_s).toInteger(0);
    if (nanos <= 0)
        nanos = event.value(u"time"_s).toInteger(0) * 1000000000;
    if (nanos < 0) {
        qCWarning(lcDocker) << where() << "event with a negative time, ignored";
        return;
    }
    if (nanos > 0) {
        if (nanos < m_lastTimeNano)
            return; // replayed from before the last one delivered
        const QByteArray key = QJsonDocument(event).toJson(QJsonDocument::Compact);
        if (nanos == m_lastTimeNano) {
            if (m_seenAtLast.contains(key))
                return;
        } else {
            m_lastTimeNano = nanos;
            m_seenAtLast.clear();
        }
        m_seenAtLast.insert(key);
    }
    Q_EMIT eventReceived(event);
}

} // namespace lbdeck
