// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "OverviewView.h"

#include "OverviewBackendItem.h"
#include "OverviewBadgeItem.h"
#include "OverviewBoxItem.h"
#include "OverviewChipItem.h"
#include "OverviewPalette.h"
#include "ui/models/OverviewModel.h"

#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QMouseEvent>

#include <cmath>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

constexpr qreal Gap = 24;
constexpr qreal Pad = 10;
constexpr qreal TileGap = 8;
constexpr int Columns = 3;
constexpr qreal MaxRowWidth = 1300;
constexpr qreal BadgeWidth = 210;
constexpr qreal BalancerWidth = 300;

OverviewModel::State stateOf(const QModelIndex& i)
{
    return i.data(OverviewModel::StateRole).value<OverviewModel::State>();
}

QList<int> countsOf(const QModelIndex& i)
{
    QList<int> out;
    for (const QVariant& v : i.data(OverviewModel::StateCountsRole).toList())
        out << v.toInt();
    return out;
}

} // namespace

OverviewView::OverviewView(QWidget* parent)
    : QGraphicsView(parent)
    , m_scene(new QGraphicsScene(this))
{
    setObjectName(u"overviewView"_s);
    setScene(m_scene);
    setRenderHint(QPainter::Antialiasing);
    setAlignment(Qt::AlignTop | Qt::AlignHCenter);
    setBackgroundBrush(Qt::white);
    m_scene->setItemIndexMethod(QGraphicsScene::NoIndex); // few items, often repainted
    for (QTimer* t : {&m_rebuild, &m_refresh}) {
        t->setSingleShot(true);
        t->setInterval(50);
    }
    connect(&m_rebuild, &QTimer::timeout, this, &OverviewView::rebuild);
    connect(&m_refresh, &QTimer::timeout, this, &OverviewView::refresh);
}

OverviewView::~OverviewView() = default;

void OverviewView::setModel(OverviewModel* model)
{
    if (m_model)
        m_model->disconnect(this);
    m_model = model;
    if (model) {
        connect(model, &QAbstractItemModel::modelReset, this, &OverviewView::scheduleRebuild);
        connect(model, &QAbstractItemModel::layoutChanged, this, &OverviewView::scheduleRebuild);
        connect(model, &QAbstractItemModel::rowsInserted, this, &OverviewView::childrenChanged);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &OverviewView::childrenChanged);
        connect(model, &QAbstractItemModel::dataChanged, this, &OverviewView::scheduleRefresh);
        connect(model, &OverviewModel::summaryChanged, this, &OverviewView::scheduleRefresh);
        if (isVisible())
            model->setTrafficWanted(true);
    }
    rebuild();
}

void OverviewView::setCrowdedAbove(int backends)
{
    m_crowdedAbove = backends;
    scheduleRebuild();
}

void OverviewView::flush()
{
    if (m_rebuild.isActive())
        rebuild();
    if (m_refresh.isActive())
        refresh();
}

void OverviewView::childrenChanged(const QModelIndex& parent)
{
    // A crowded node that stays crowded keeps its chip: only its counts change.
    if (parent.isValid() && parent.row() < m_drawn.size() && m_drawn[parent.row()].crowded &&
        m_model->rowCount(parent) > m_crowdedAbove && !m_rebuild.isActive()) {
        scheduleRefresh();
        return;
    }
    scheduleRebuild();
}

void OverviewView::scheduleRebuild()
{
    m_refresh.stop();
    if (!m_rebuild.isActive())
        m_rebuild.start();
}

void OverviewView::scheduleRefresh()
{
    if (!m_rebuild.isActive() && !m_refresh.isActive())
        m_refresh.start();
}

QSizeF OverviewView::groupSize(int children, bool crowded) const
{
    if (crowded)
        return {OverviewChipItem::Width + 2 * Pad,
                OverviewBoxItem::TitleHeight + OverviewChipItem::Height + 2 * Pad};
    const int cols = qBound(1, children, Columns);
    const int rows = qMax(1, (children + cols - 1) / cols);
    return {cols * (OverviewBackendItem::Width + TileGap) - TileGap + 2 * Pad,
            OverviewBoxItem::TitleHeight + rows * (OverviewBackendItem::Height + TileGap) - TileGap +
                2 * Pad};
}

void OverviewView::rebuild()
{
    m_rebuild.stop();
    m_refresh.stop();
    m_scene->clear();
    m_drawn.clear();
    m_badges.clear();
    m_balancer = nullptr;
    if (!m_model)
        return;
    const QStringList badges{u"backends"_s, u"reloads"_s, u"etcd"_s, u"problems"_s};
    const QStringList captions{tr("Backends live / registered / running"), tr("Reloads in the last hour"),
                               tr("etcd revision, watch lag"), tr("Open problems")};
    for (int i = 0; i < badges.size(); ++i) {
        auto* b = new OverviewBadgeItem(captions[i], BadgeWidth);
        b->setPos(i * (BadgeWidth + 10), 0);
        m_scene->addItem(b);
        m_badges.insert(badges[i], b);
    }

    // The nodes, in rows that wrap; the load balancer centred above the first row.
    const int groups = m_model->rowCount();
    m_drawn.resize(groups);
    const qreal balancerTop = OverviewBadgeItem::Height + 30;
    const qreal nodesTop = balancerTop + OverviewBoxItem::BalancerHeight + 90;
    qreal x = 0;
    qreal y = nodesTop;
    qreal rowHeight = 0;
    qreal firstRowWidth = 0;
    bool firstRow = true;
    QList<OverviewBoxItem*> balancers;
    for (int g = 0; g < groups; ++g) {
        const QModelIndex gi = m_model->index(g, 0);
        const auto kind = gi.data(OverviewModel::KindRole).value<OverviewModel::Kind>();
        const QString name = gi.data(OverviewModel::NameRole).toString();
        Drawn& d = m_drawn[g];
        d.children = m_model->rowCount(gi);
        if (kind == OverviewModel::Kind::LoadBalancer) {
            d.box = new OverviewBoxItem(kind, name, {BalancerWidth, OverviewBoxItem::BalancerHeight});
            m_scene->addItem(d.box);
            balancers << d.box;
            continue;
        }
        if (kind == OverviewModel::Kind::Elsewhere && d.children == 0)
            continue;
        d.crowded = d.children > m_crowdedAbove;
        const QSizeF size = groupSize(d.children, d.crowded);
        if (x > 0 && x + size.width() > MaxRowWidth) {
            firstRow = false;
            x = 0;
            y += rowHeight + Gap;
            rowHeight = 0;
        }
        d.box = new OverviewBoxItem(kind, name, size);
        d.box->setPos(x, y);
        m_scene->addItem(d.box);
        const QPointF inner(Pad, OverviewBoxItem::TitleHeight + Pad);
        if (d.crowded) {
            d.chip = new OverviewChipItem(name, d.box);
            d.chip->setPos(inner);
        } else {
            for (int c = 0; c < d.children; ++c) {
                auto* item = new OverviewBackendItem(
                    QString::fromUtf8(m_model->index(c, 0, gi).data(OverviewModel::KeyRole).toByteArray()),
                    d.box);
                item->setPos(inner + QPointF((c % Columns) * (OverviewBackendItem::Width + TileGap),
                                             (c / Columns) * (OverviewBackendItem::Height + TileGap)));
                d.backends << item;
            }
        }
        x += size.width() + Gap;
        rowHeight = qMax(rowHeight, size.height());
        if (firstRow)
            firstRowWidth = x - Gap;
    }
    const qreal span = qMax(firstRowWidth, 4 * (BadgeWidth + 10));
    const qreal lbLeft = (span - balancers.size() * (BalancerWidth + Gap) + Gap) / 2;
    for (int i = 0; i < balancers.size(); ++i)
        balancers[i]->setPos(lbLeft + i * (BalancerWidth + Gap), balancerTop);
    m_balancer = balancers.value(0);

    // A line from nginx to every backend (or chip), behind the boxes.
    if (m_balancer) {
        const QPointF from = m_balancer->nginxAnchor();
        for (Drawn& d : m_drawn) {
            QList<QGraphicsItem*> targets;
            if (d.chip)
                targets << d.chip;
            for (OverviewBackendItem* b : std::as_const(d.backends))
                targets << b;
            for (QGraphicsItem* t : std::as_const(targets)) {
                const QRectF r = t->sceneBoundingRect();
                const QPointF to(r.center().x(), r.top());
                QPainterPath path(from);
                path.cubicTo(from + QPointF(0, (to.y() - from.y()) / 2),
                             to - QPointF(0, (to.y() - from.y()) / 2), to);
                QGraphicsPathItem* line = m_scene->addPath(path);
                line->setZValue(-1);
                // Drawn once into a pixmap, then copied: a tile or chip that changes above a curve
                // repaints that curve too, and stroking it anew costs far more than the copy.
                line->setCacheMode(QGraphicsItem::DeviceCoordinateCache);
                d.lines << Line{line, -2};
            }
        }
    }
    m_scene->setSceneRect(m_scene->itemsBoundingRect().adjusted(-Gap, -Gap, Gap, Gap));
    refresh();
}

void OverviewView::refresh()
{
    m_refresh.stop();
    if (!m_model || m_rebuild.isActive())
        return;
    refreshBadges();
    for (int g = 0; g < m_drawn.size() && g < m_model->rowCount(); ++g) {
        Drawn& d = m_drawn[g];
        if (!d.box)
            continue;
        const QModelIndex gi = m_model->index(g, 0);
        const int children = m_model->rowCount(gi);
        QString subtitle;
        if (d.box->kind() == OverviewModel::Kind::LoadBalancer) {
            const double rps = gi.data(OverviewModel::RequestsPerSecondRole).toDouble();
            subtitle = rps >= 0 ? tr("%1 r/s").arg(rps, 0, 'f', 0) : QString();
        } else {
            subtitle = children == 1 ? tr("1 backend") : tr("%1 backends").arg(children);
        }
        d.box->show(gi.data(OverviewModel::RunningRole).toBool(), subtitle, stateOf(gi),
                    gi.data(OverviewModel::DetailRole).toString());
        auto setLine = [](Line& line, double rps, OverviewModel::State state) {
            // Thickness in whole steps (1 to 8 px by log2 of requests/s): a rate that moves within
            // a step leaves the line alone, so a second's new rates do not repaint 1,000 curves.
            const double step = rps > 0    ? 1.0 + qMin(7.0, std::floor(std::log2(1.0 + rps)))
                                : rps == 0 ? 0.5
                                           : -1;
            if (line.rps == step && line.path->data(0).toInt() == int(state))
                return;
            line.rps = step;
            line.path->setData(0, int(state));
            const qreal width = rps > 0 ? step : 1.0;
            QColor color = overview::stateColor(state);
            color.setAlpha(rps > 0 ? 200 : 110);
            line.path->setPen(QPen(color, width));
        };
        if (d.chip) {
            const double rps = gi.data(OverviewModel::RequestsPerSecondRole).toDouble();
            d.chip->show(countsOf(gi), rps);
            if (!d.lines.isEmpty())
                setLine(d.lines[0], rps, stateOf(gi));
            continue;
        }
        for (int c = 0; c < d.backends.size() && c < children; ++c) {
            const QModelIndex bi = m_model->index(c, 0, gi);
            const double rps = bi.data(OverviewModel::RequestsPerSecondRole).toDouble();
            const OverviewModel::State state = stateOf(bi);
            d.backends[c]->show(bi.data(OverviewModel::NameRole).toString(), state, rps,
                                bi.data(OverviewModel::DetailRole).toString());
            if (c < d.lines.size())
                setLine(d.lines[c], rps, state);
        }
    }
}

void OverviewView::refreshBadges()
{
    const OverviewSummary& s = m_model->summary();
    if (OverviewBadgeItem* b = m_badges.value(u"backends"_s))
        b->show(u"%1 / %2 / %3"_s.arg(s.live).arg(s.registered).arg(s.running), s.live < s.registered,
                tr("nginx serves %1 backends; %2 are registered in etcd; %3 containers run")
                    .arg(s.live)
                    .arg(s.registered)
                    .arg(s.running));
    if (OverviewBadgeItem* b = m_badges.value(u"reloads"_s))
        b->show(s.reloadsCapped ? tr("%1 or more").arg(s.reloadsLastHour)
                                : QString::number(s.reloadsLastHour),
                false, tr("Configs the engine put live in the last hour"));
    if (OverviewBadgeItem* b = m_badges.value(u"etcd"_s))
        b->show(
            s.stale          ? tr("%1 — STALE").arg(s.revision)
            : s.watchLag < 0 ? QString::number(s.revision)
                             : tr("%1, engine %2 behind").arg(s.revision).arg(s.watchLag),
            s.stale || s.watchLag > 0,
            tr("The revision this window has seen, and how many revisions the engine's watch is behind it"));
    if (OverviewBadgeItem* b = m_badges.value(u"problems"_s))
        b->show(
            QString::number(s.problems), s.problems > 0,
            tr("Backends in drift, down or not served; nodes that fail; an unreachable engine; stale etcd"));
}

OverviewBackendItem* OverviewView::backendItem(const QString& key) const
{
    for (const Drawn& d : m_drawn) {
        for (OverviewBackendItem* b : d.backends) {
            if (b->key() == key)
                return b;
        }
    }
    return nullptr;
}

OverviewBoxItem* OverviewView::nodeItem(const QString& node) const
{
    for (const Drawn& d : m_drawn) {
        if (d.box && d.box->kind() == OverviewModel::Kind::Node && d.box->name() == node)
            return d.box;
    }
    return nullptr;
}

OverviewChipItem* OverviewView::chipItem(const QString& node) const
{
    for (const Drawn& d : m_drawn) {
        if (d.chip && d.chip->node() == node)
            return d.chip;
    }
    return nullptr;
}

OverviewBadgeItem* OverviewView::badge(const QString& name) const
{
    return m_badges.value(name);
}

QGraphicsItem* OverviewView::targetAt(const QPoint& pos) const
{
    for (QGraphicsItem* item : items(pos)) {
        for (QGraphicsItem* i = item; i; i = i->parentItem()) {
            if (i->type() == overview::BackendType || i->type() == overview::ChipType ||
                i->type() == overview::BoxType)
                return i;
        }
    }
    return nullptr;
}

void OverviewView::mousePressEvent(QMouseEvent* event)
{
    QGraphicsView::mousePressEvent(event);
    if (event->button() != Qt::LeftButton)
        return;
    QGraphicsItem* target = targetAt(event->position().toPoint());
    if (!target)
        return;
    if (target->type() == overview::BackendType) {
        Q_EMIT backendActivated(static_cast<OverviewBackendItem*>(target)->key());
    } else if (target->type() == overview::ChipType) {
        Q_EMIT nodeActivated(static_cast<OverviewChipItem*>(target)->node());
    } else {
        const auto* box = static_cast<OverviewBoxItem*>(target);
        if (box->kind() == OverviewModel::Kind::Node)
            Q_EMIT nodeActivated(box->name());
    }
}

void OverviewView::mouseDoubleClickEvent(QMouseEvent* event)
{
    QGraphicsView::mouseDoubleClickEvent(event);
    if (event->button() != Qt::LeftButton)
        return;
    QGraphicsItem* target = targetAt(event->position().toPoint());
    if (target && target->type() == overview::ChipType)
        Q_EMIT nodeDetailRequested(static_cast<OverviewChipItem*>(target)->node());
    else if (target && target->type() == overview::BoxType &&
             static_cast<OverviewBoxItem*>(target)->kind() == OverviewModel::Kind::Node)
        Q_EMIT nodeDetailRequested(static_cast<OverviewBoxItem*>(target)->name());
}

void OverviewView::showEvent(QShowEvent* event)
{
    QGraphicsView::showEvent(event);
    if (m_model)
        m_model->setTrafficWanted(true);
}

void OverviewView::hideEvent(QHideEvent* event)
{
    QGraphicsView::hideEvent(event);
    if (m_model)
        m_model->setTrafficWanted(false);
}

} // namespace lbdeck
