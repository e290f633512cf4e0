// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "DockerJsonStream.h"
#include "DockerTypes.h"

namespace lbdeck {

// GET /containers/{id}/stats?stream=true: a sample a second while the container runs. A container
// that is not running gives samples with an invalid read time and zero counters, as Docker sends
// them; a removed one ends the stream with failed() (404).
class DockerStatsStream : public DockerJsonStream
{
    Q_OBJECT
public:
    DockerStatsStream(DockerClient* client, QString container, QObject* parent = nullptr);

    const QString& container() const { return m_container; }

Q_SIGNALS:
    void sampleReceived(const lbdeck::StatsSample& sample);

protected:
    QByteArray path() const override;
    void handleObject(const QJsonObject& object) override;

private:
    QString m_container;
};

} // namespace lbdeck
