// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QGraphicsView>
#include <QPointer>
#include <QTimer>

class QGraphicsPathItem;

namespace lbdeck {

class OverviewBackendItem;
class OverviewBadgeItem;
class OverviewBoxItem;
class OverviewChipItem;
class OverviewModel;

// The Overview tab: the seed's architecture diagram, live. Summary badges on top; the load
// balancer (nginx and the engine); below, a box per node with its backend containers, and a line
// from nginx to each (thicker with more requests/s). A node with more backends than fit is one
// chip with their counts by state. Structure changes rebuild the (small) scene, coalesced; value
// changes only repaint the items they touch.
class OverviewView : public QGraphicsView
{
    Q_OBJECT
public:
    explicit OverviewView(QWidget* parent = nullptr);
    ~OverviewView() override;

    void setModel(OverviewModel* model); // Not owned.
    OverviewModel* model() const { return m_model; }
    // A node with more backends than this shows them as one chip.
    void setCrowdedAbove(int backends);
    // Applies what is pending now (tests; timers do it otherwise).
    void flush();

    // The drawing's items, for tests and screenshots; null when not drawn.
    OverviewBackendItem* backendItem(const QString& key) const;
    OverviewBoxItem* nodeItem(const QString& node) const;
    OverviewChipItem* chipItem(const QString& node) const;
    OverviewBadgeItem* badge(const QString& name) const; // "backends", "reloads", "etcd", "problems"

Q_SIGNALS:
    void backendActivated(const QString& key);
    void nodeActivated(const QString& node);
    void nodeDetailRequested(const QString& node);

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    struct Line
    {
        QGraphicsPathItem* path = nullptr; // Owned by the scene.
        double rps = -2;                   // the thickness step it was drawn with (-2: never drawn)
    };
    struct Drawn
    {
        OverviewBoxItem* box = nullptr; // Owned by the scene (all of them).
        OverviewChipItem* chip = nullptr;
        QList<OverviewBackendItem*> backends;
        QList<Line> lines; // one per backend, or one for the chip
        int children = 0;
        bool crowded = false;
    };
    void scheduleRebuild();
    void scheduleRefresh();
    void rebuild();
    void refresh();
    void refreshBadges();
    void childrenChanged(const QModelIndex& parent);
    QGraphicsItem* targetAt(const QPoint& pos) const;
    QSizeF groupSize(int children, bool crowded) const;

    QPointer<OverviewModel> m_model;
    QGraphicsScene* m_scene; // Owned (child).
    int m_crowdedAbove = 12;
    QList<Drawn> m_drawn;                        // per top-level row of the model
    QHash<QString, OverviewBadgeItem*> m_badges; // Owned by the scene.
    OverviewBoxItem* m_balancer = nullptr;
    QTimer m_rebuild;
    QTimer m_refresh;
};

} // namespace lbdeck
