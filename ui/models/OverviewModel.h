// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "OverviewSummary.h"

#include <QAbstractItemModel>
#include <QPointer>
#include <QSet>
#include <QTimer>

namespace lbdeck {

class BalancerFleet;
class ClusterSession;
class EngineLink;
class EtcdLiveness;
class NodeConnection;
class NodeInventory;
class PrefixMirror;
class UpstreamProber;

// The cluster as the seed's architecture diagram draws it, as a two-level tree:
//  - top level, in this order: the load balancer(s) (nginx and the engine), every node of the
//    profile, and last a group for backends that are on no node of the profile ("elsewhere": a key
//    whose address no node publishes on);
//  - children of a node or of that group: its backends (every key under the prefix, and every
//    lbdeck container without one), sorted by key. A load balancer has no children.
// The join is BackendsModel's (same sources: the prefix mirror, the node inventory, the engine's
// live and accepted sets, the upstream prober), plus the engine's traffic for requests/s.
// Changes are coalesced for a moment, then applied to the rows they touch only: dataChanged for
// changed rows, row inserts and removals in runs — never a reset after the first session.
class OverviewModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum class Kind
    {
        LoadBalancer,
        Node,
        Elsewhere, // the group of backends on no node of the profile
        Backend
    };
    Q_ENUM(Kind)
    enum class Health
    {
        Unknown, // not probed (yet)
        Up,
        Down
    };
    Q_ENUM(Health)
    // One colour per backend, the most urgent that applies, in this order.
    enum class State
    {
        Stale,    // etcd does not answer: what it said may be old
        Drift,    // Docker and etcd disagree (running without a key, a key without its container,
                  // another address, a value nginx never gets)
        Down,     // the health probe fails
        Cordoned, // on a cordoned node
        NotLive,  // registered, but nginx does not serve it (yet)
        Ok,       // served and answering
        Unknown,  // nothing says otherwise, nothing confirms it
        Count
    };
    Q_ENUM(State)
    enum Role
    {
        NameRole = Qt::UserRole + 1, // a backend's key without the prefix; a node's name
        KindRole,                    // Kind
        KeyRole,                     // a backend's full key (QByteArray)
        AddressRole,                 // a backend's host:port
        NodeRole,                    // the node a backend runs on, or a node's own name
        HealthRole,                  // Health
        DriftRole,                   // bool
        StaleRole,                   // bool
        CordonedRole,                // bool: the node (or the backend's node) is cordoned in the profile
        RequestsPerSecondRole,       // double; -1 when the engine counts no traffic
        StateRole,                   // State (a backend's, or the worst of a node's backends)
        LiveRole,                    // nginx serves it / the engine is reachable
        RegisteredRole,              // bool
        RunningRole,                 // bool: the container runs / the node answers
        StateCountsRole,             // a node's backends by State: QList<int>, indexed by State
        DetailRole                   // what an operator reads in the tooltip
    };

    // How the model is fed; any source may be null.
    struct Sources
    {
        PrefixMirror* backends = nullptr; // Not owned (all of them).
        NodeInventory* inventory = nullptr;
        EngineLink* engine = nullptr;
        UpstreamProber* prober = nullptr;
        EtcdLiveness* liveness = nullptr;
        QList<NodeConnection*> nodes;
        QString balancerName; // the load balancer's box, when `balancers` is empty
        // Several load balancers: a box each (engine: the first's, whose servers the lines show),
        // coloured by the fleet's verdict (lagging, disagreeing, unreachable).
        struct Balancer
        {
            QString name;
            EngineLink* link = nullptr;
        };
        QList<Balancer> balancers;
        BalancerFleet* fleet = nullptr;
    };

    explicit OverviewModel(QObject* parent = nullptr);
    // After the session's opened(): its mirror, inventory, engine, prober, liveness and nodes.
    void setSession(ClusterSession* session); // Not owned.
    void setSources(const Sources& sources);
    // While the drawing is shown, the engine fetches its traffic counters (for requests/s).
    void setTrafficWanted(bool wanted);
    // How long changes are coalesced before they are applied (tests and benchmarks set it).
    void setCoalescing(std::chrono::milliseconds delay) { m_coalesce.setInterval(delay); }
    // Applies what is pending now (tests; the timer does it otherwise).
    void flush();

    const OverviewSummary& summary() const { return m_summary; }
    static QString stateText(State state); // "drift", "not served", ...
    QModelIndex indexOfBackend(const QByteArray& key) const;
    QModelIndex indexOfNode(const QString& name) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void summaryChanged();

private:
    struct Backend
    {
        QByteArray key;
        QString address;
        QString problem; // why the value is not an address nginx gets
        QString node;
        QString container;
        bool registered = false;
        bool running = false;
        bool live = false;
        bool drift = false;
        bool stale = false;
        Health health = Health::Unknown;
        double rps = -1;
        State state = State::Unknown;
        bool operator==(const Backend&) const = default;
    };
    struct Group
    {
        Kind kind = Kind::Node;
        QString name;
        QPointer<NodeConnection> node;
        QPointer<EngineLink> link; // a load balancer's engine
        int balancer = -1;         // a load balancer's place in the fleet
        QList<Backend> children;   // sorted by key
        // Kept as rows come, change and go (never a pass over 10,000 rows per change).
        QList<int> counts = QList<int>(int(State::Count), 0);
        int live = 0;
        int registered = 0;
        int running = 0;
        int rated = 0; // backends with a known requests/s
        double rpsSum = 0;
        double rps() const { return rated > 0 ? qMax(0.0, rpsSum) : -1; }
    };

    void markDirty(const QByteArray& key);
    void markAllDirty();
    void markAddressDirty(const QString& address);
    void takeDirty();
    void apply();
    std::optional<Backend> compute(const QByteArray& key) const;
    int groupFor(const Backend& b) const;
    int elsewhereGroup() const { return int(m_groups.size()) - 1; }
    qsizetype lowerBound(const Group& g, const QByteArray& key) const;
    void insertRuns(int group, QList<Backend>& sorted);
    void removeRuns(int group, QList<qsizetype>& rows);
    void changedRuns(int group, QList<qsizetype>& rows);
    static void account(Group& group, const Backend& backend, int sign);
    void updateEngineSets();
    void updateSummary();
    QVariant groupData(const Group& g, int role) const;
    QVariant backendData(const Backend& b, int role) const;

    QPointer<PrefixMirror> m_mirror;
    QPointer<NodeInventory> m_inventory;
    QPointer<EngineLink> m_engine;
    QPointer<BalancerFleet> m_fleet;
    QPointer<UpstreamProber> m_prober;
    QPointer<EtcdLiveness> m_liveness;
    QByteArray m_prefix;
    int m_balancers = 0; // the first top-level rows
    QList<Group> m_groups;
    QHash<QByteArray, int> m_groupOf;          // key -> its group
    QHash<QString, QByteArray> m_keyOfAddress; // address -> key, for probes and traffic
    QSet<QByteArray> m_dirty;
    QList<QByteArray> m_queue; // being applied, slice by slice, sorted
    bool m_sliceScheduled = false;
    bool m_flushing = false;
    static constexpr qint64 SliceNs = 3'000'000;
    bool m_allDirty = false;
    QSet<QString> m_live;     // the engine's, last seen
    QSet<QString> m_accepted; // the engine's, last seen
    bool m_engineReachable = false;
    overview::RequestRates m_rates;
    bool m_trafficHeld = false;
    OverviewSummary m_summary;
    QTimer m_coalesce;
};

} // namespace lbdeck
