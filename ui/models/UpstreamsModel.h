// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QAbstractTableModel>
#include <QPointer>
#include <QStringList>

namespace lbdeck {

class EngineLink;
class UpstreamProber;

// The servers nginx really serves now (the last config the engine confirmed), what etcd wants next,
// and a health probe of each: the seed's `grep -A6 'upstream backend' nginx.conf` and browser
// check, live.
class UpstreamsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Server,
        Live,
        Wanted,
        Health,
        Latency,
        ColumnCount
    };
    enum Role
    {
        HealthyRole = Qt::UserRole + 1
    };

    explicit UpstreamsModel(QObject* parent = nullptr);
    void setSources(EngineLink* engine, UpstreamProber* prober); // Not owned.
    // Applies a new view of live/wanted servers row by row (public for tests).
    void update(const QStringList& live, const QStringList& wanted);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString server;
        bool live = false;
        bool wanted = false;
    };
    void refreshFromEngine();

    QPointer<EngineLink> m_engine;
    QPointer<UpstreamProber> m_prober;
    QList<Row> m_rows; // sorted by server
};

} // namespace lbdeck
