// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/etcd/PrefixMirror.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace lbdeck {

class EngineLink;
class EtcdLiveness;
class NodeInventory;
class UpstreamProber;

// Every backend, one row each, in key order: each key under the prefix, and each lbdeck container
// that runs without one. For each, the four facts that must agree — running (Docker), registered
// (etcd), rendered (the engine's next config), live (what nginx runs) — plus a health probe.
// Updated row by row (no reset per change), large batches in time slices.
class BackendsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        Address,
        Node,
        Container,
        Registered,
        Rendered,
        Live,
        Health,
        Revision,
        ColumnCount
    };
    enum Role
    {
        KeyRole = Qt::UserRole + 1,
        ValidRole,
        ConsistentRole,
        NodeRole,
        PortRole,
        ContainerRole,  // the container's name on its node, when Docker has one
        RunningRole,    // the container runs
        RegisteredRole, // the key is in etcd
        AddressRole,    // host:port, registered or published
        StaleRole       // this cell comes from a source that is stale now
    };

    explicit BackendsModel(QObject* parent = nullptr);

    // Follows this mirror from now on (its current content becomes the rows). Not owned.
    void setMirror(PrefixMirror* mirror);
    // The other sources of truth; any may be null. Not owned.
    void setSources(NodeInventory* inventory, EngineLink* engine, UpstreamProber* prober);
    // While etcd is stale, the columns that come from it are greyed out and say since when.
    void setLiveness(EtcdLiveness* liveness); // Not owned.
    static bool fromEtcd(int column) { return column == Name || column == Registered || column == Revision; }
    // Applies changes as the mirror reports them, in slices of a few ms (public for tests and
    // benchmarks). Pending changes are applied by the time pendingChanges() is 0.
    void applyChanges(const QList<KvChange>& changes, qint64 revision);
    qsizetype pendingChanges() const { return m_pending.size(); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    int rowOf(const QByteArray& key) const;

private:
    struct Row
    {
        QByteArray key;
        bool registered = false;
        QByteArray value;
        QString address; // normalized, when valid
        QString problem; // why the value is not a usable address, else empty
        qint64 revision = 0;
    };
    struct Facts
    {
        bool running = false;
        bool registered = false;
        bool rendered = false;
        bool live = false;
    };
    void fill(Row& row, const QByteArray& value, qint64 revision) const;
    void applyPending();
    void onContainersChanged(const QList<QByteArray>& keys);
    bool hasContainer(const QByteArray& key) const;
    Facts facts(const Row& row) const;
    QString address(const Row& row) const;
    qsizetype lowerBound(const QByteArray& key) const;
    void insertRow(qsizetype at, Row row);

    QPointer<PrefixMirror> m_mirror;
    QPointer<NodeInventory> m_inventory;
    QPointer<EngineLink> m_engine;
    QPointer<EtcdLiveness> m_liveness;
    QPointer<UpstreamProber> m_prober;
    QByteArray m_prefix;
    QList<Row> m_rows; // sorted by key
    struct Pending
    {
        KvChange change;
        qint64 revision;
    };
    QList<Pending> m_pending;
    bool m_sliceScheduled = false;
    static constexpr qint64 SliceNs = 2'000'000;
};

} // namespace lbdeck
