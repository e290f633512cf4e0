// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/docker/DockerTypes.h"

#include <QAbstractTableModel>

#include <optional>

namespace lbdeck {

// Every container of one node, as `docker ps -a` and `docker stats` show them together: the list
// comes from GET /containers/json, CPU and memory from each container's stats stream. Both update
// rows in place (dataChanged on the cells that moved; inserts and removals only for containers
// that came or went), never a reset.
class NodeContainersModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        Image,
        State,
        Uptime,
        Ports,
        Cpu,
        Memory,
        ColumnCount
    };
    enum Role
    {
        IdRole = Qt::UserRole + 1,
        NameRole,
        RunningRole,
        CpuRole,     // double percent (of one CPU, as `docker stats`), invalid before a sample
        MemoryRole,  // qint64 bytes without the page cache, invalid before a sample
        SamplesRole, // int: stats samples received since the container was last (re)started
        SortRole     // numbers for the numeric columns, text otherwise
    };

    explicit NodeContainersModel(QObject* parent = nullptr);

    // The node's containers now; rows keep their place, new ones are appended.
    void setContainers(const QList<ContainerSummary>& containers);
    // A stats sample for the container with this id (ignored if it is not a row).
    void setSample(const QString& id, const StatsSample& sample);
    int rowOf(const QString& id) const;
    // Also by its name (without Docker's '/'); -1 when none.
    int rowOfName(const QString& name) const;
    const ContainerSummary& container(int row) const { return m_rows.at(row).summary; }
    QList<ContainerSummary> containers() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString formatBytes(qint64 bytes);
    static QString formatPorts(const QList<PortBinding>& ports);

private:
    struct Row
    {
        ContainerSummary summary;
        std::optional<StatsSample> sample;
        int samples = 0;
    };
    QVariant display(const Row& row, int column) const;

    QList<Row> m_rows;
};

} // namespace lbdeck
