// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TrafficChart.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QGraphicsSimpleTextItem>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

constexpr qint64 ChooseEveryMs = 10'000;

} // namespace

TrafficChart::TrafficChart(QWidget* parent)
    : QWidget(parent)
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
    , m_x(new QDateTimeAxis(m_chart))
    , m_y(new QValueAxis(m_chart))
    , m_metricBox(new QComboBox(this))
    , m_windowBox(new QComboBox(this))
    , m_note(new QLabel(this))
{
    setObjectName(u"trafficChartPane"_s);
    m_view->setObjectName(u"trafficChart"_s);
    m_metricBox->setObjectName(u"trafficMetric"_s);
    m_windowBox->setObjectName(u"trafficWindow"_s);
    m_metricBox->addItem(tr("Packets/s"), int(TrafficModel::Metric::Packets));
    m_metricBox->addItem(tr("Bytes/s"), int(TrafficModel::Metric::Bytes));
    m_metricBox->addItem(tr("Connections/s"), int(TrafficModel::Metric::Connections));
    m_metricBox->addItem(tr("Requests/s"), int(TrafficModel::Metric::Requests));
    m_metricBox->addItem(tr("p99 ms"), int(TrafficModel::Metric::P99));
    m_windowBox->addItem(tr("1 min"), 1);
    m_windowBox->addItem(tr("5 min"), 5);
    m_windowBox->addItem(tr("15 min"), 15);
    m_windowBox->setCurrentIndex(0); // live: the last minute; 5 and 15 look back
    connect(m_metricBox, &QComboBox::currentIndexChanged, this, &TrafficChart::rebuild);
    connect(m_windowBox, &QComboBox::currentIndexChanged, this, &TrafficChart::rebuild);

    m_chart->legend()->setAlignment(Qt::AlignRight);
    m_x->setFormat(u"HH:mm:ss"_s);
    m_x->setTickCount(6);
    m_y->setLabelFormat(u"%.0f"_s);
    m_y->setRange(0, 1);
    m_y->setTitleText(m_metricBox->currentText());
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    m_sample.setSingleShot(true);
    m_sample.setInterval(0);
    connect(&m_sample, &QTimer::timeout, this, &TrafficChart::onSampled);
    connect(m_chart, &QChart::plotAreaChanged, this, &TrafficChart::placeMarkers);
    m_view->setRenderHint(QPainter::Antialiasing, false);
    // Room for the axis labels: a squeezed chart elides them to "...".
    m_view->setMinimumHeight(200);
    m_chart->setMargins(QMargins(4, 4, 4, 4));

    auto* choose = new QHBoxLayout;
    auto* metricLabel = new QLabel(tr("&Metric:"), this);
    metricLabel->setBuddy(m_metricBox);
    auto* windowLabel = new QLabel(tr("&Window:"), this);
    windowLabel->setBuddy(m_windowBox);
    choose->addWidget(metricLabel);
    choose->addWidget(m_metricBox);
    choose->addWidget(windowLabel);
    choose->addWidget(m_windowBox);
    choose->addStretch(1);
    m_note->setObjectName(u"trafficChartNote"_s);
    choose->addWidget(m_note);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(choose);
    layout->addWidget(m_view, 1);
    scroll();
}

void TrafficChart::setModel(TrafficModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model) {
        connect(model, &TrafficModel::sampled, &m_sample, qOverload<>(&QTimer::start));
        // A row that came and a row that went in one update leave the count as it was.
        const auto moved = [this] { m_rowsMoved = true; };
        connect(model, &TrafficModel::rowsInserted, this, moved);
        connect(model, &TrafficModel::rowsRemoved, this, moved);
        connect(model, &TrafficModel::modelReset, this, moved);
    }
    onSampled();
}

TrafficModel::Metric TrafficChart::metric() const
{
    return TrafficModel::Metric(m_metricBox->currentData().toInt());
}

void TrafficChart::setMetric(TrafficModel::Metric metric)
{
    m_metricBox->setCurrentIndex(m_metricBox->findData(int(metric)));
}

int TrafficChart::windowMinutes() const
{
    return m_windowBox->currentData().toInt();
}

void TrafficChart::setWindowMinutes(int minutes)
{
    const int i = m_windowBox->findData(minutes);
    if (i >= 0)
        m_windowBox->setCurrentIndex(i);
}

qint64 TrafficChart::windowMs() const
{
    return qint64(windowMinutes()) * 60'000;
}

qint64 TrafficChart::bucketMs() const
{
    // 1 s points up to 5 minutes (300 a series), 10 s points for 15 minutes (90).
    return windowMinutes() > 5 ? 10'000 : 1'000;
}

QLineSeries* TrafficChart::seriesOf(const QString& address) const
{
    return m_series.value(address);
}

QString TrafficChart::markerLabel(int i) const
{
    return i >= 0 && i < int(m_markers.size()) ? m_markers[std::size_t(i)].label : QString();
}

void TrafficChart::fill(QLineSeries* series, int row)
{
    series->replace(m_model->points(row, metric(), windowMs(), bucketMs()));
}

void TrafficChart::rebuild()
{
    m_y->setTitleText(m_metricBox->currentText());
    m_y->setLabelFormat(metric() == TrafficModel::Metric::P99 ? u"%.1f"_s : u"%.0f"_s);
    if (m_model) {
        for (auto it = m_series.cbegin(); it != m_series.cend(); ++it)
            if (const int row = m_model->rowOf(it.key()); row >= 0)
                fill(it.value(), row);
    }
    chooseDrawn();
    scroll();
}

void TrafficChart::onSampled()
{
    if (!m_model)
        return;
    const qint64 bucket = bucketMs();
    const bool l7 = metric() == TrafficModel::Metric::Requests || metric() == TrafficModel::Metric::P99;
    const double start = double(m_model->now() - windowMs());
    bool cameOrWent = std::exchange(m_rowsMoved, false) || m_model->rowCount() != m_rows;
    m_rows = m_model->rowCount();
    // Only the drawn series move: the others have none.
    for (auto it = m_series.begin(); it != m_series.end(); ++it) {
        QLineSeries* s = it.value();
        const int row = m_model->rowOf(it.key());
        if (row < 0) {
            cameOrWent = true; // dropped by chooseDrawn() below
            continue;
        }
        if (const std::optional<QPointF> p = m_model->newestPoint(row, metric(), bucket)) {
            const int n = s->count();
            const double lastX = n > 0 ? s->at(n - 1).x() : -1;
            if (n > 0 && !l7 && p->x() > lastX + 1.5 * double(bucket))
                fill(s, row); // updates were missed: draw the buckets between from the history
            else if (p->x() > lastX)
                s->append(*p);
        }
        int old = 0;
        while (old < s->count() && s->at(old).x() < start)
            ++old;
        if (old > 0)
            s->removePoints(0, old);
    }
    if (cameOrWent || m_model->now() >= m_chosenMs + ChooseEveryMs || m_model->now() < m_chosenMs)
        chooseDrawn();
    scroll();
}

bool TrafficChart::isSamplePending() const
{
    return m_sample.isActive();
}

void TrafficChart::chooseDrawn()
{
    m_chosenMs = m_model ? m_model->now() : 0;
    // The busiest over the window, from the model's history; ties by address, so the choice holds
    // still.
    struct Score
    {
        double sum;
        QString address;
        int row;
    };
    std::vector<Score> scores;
    const int rows = m_model ? m_model->rowCount() : 0;
    scores.reserve(std::size_t(rows));
    for (int row = 0; row < rows; ++row)
        scores.push_back({m_model->windowTotal(row, metric(), windowMs()), m_model->addressAt(row), row});
    const auto busier = [](const Score& a, const Score& b) {
        return a.sum != b.sum ? a.sum > b.sum : a.address < b.address;
    };
    // A drawn line stays while it ranks in the top 2 × MaxDrawn (lines that come and go every 10 s
    // are hard to follow, and each swap lays the chart out again); the free places go to the busiest.
    const std::size_t ranked = std::min<std::size_t>(scores.size(), 2 * MaxDrawn);
    std::partial_sort(scores.begin(), scores.begin() + qsizetype(ranked), scores.end(), busier);
    QHash<QString, int> chosen; // address → row
    for (std::size_t i = 0; i < ranked && chosen.size() < MaxDrawn; ++i) {
        if (m_series.contains(scores[i].address))
            chosen.insert(scores[i].address, scores[i].row);
    }
    for (std::size_t i = 0; i < ranked && chosen.size() < MaxDrawn; ++i)
        chosen.insert(scores[i].address, scores[i].row);
    // A line that leaves hands its series to one that comes: adding and removing series lays the
    // chart and its legend out again, renaming one does not.
    std::vector<QLineSeries*> spare;
    for (auto it = m_series.begin(); it != m_series.end();) {
        if (chosen.contains(it.key())) {
            ++it;
            continue;
        }
        spare.push_back(it.value());
        it = m_series.erase(it);
    }
    for (auto it = chosen.cbegin(); it != chosen.cend(); ++it) {
        if (m_series.contains(it.key()))
            continue;
        QLineSeries* s = nullptr;
        if (!spare.empty()) {
            s = spare.back();
            spare.pop_back();
        } else {
            s = new QLineSeries(m_chart);
            m_chart->addSeries(s);
            s->attachAxis(m_x);
            s->attachAxis(m_y);
        }
        s->setName(it.key());
        fill(s, it.value());
        m_series.insert(it.key(), s);
    }
    for (QLineSeries* s : spare) {
        m_chart->removeSeries(s);
        delete s;
    }
    m_note->setText(rows > MaxDrawn ? tr("drawing the %1 busiest of %2 backends").arg(MaxDrawn).arg(rows)
                                    : QString());
}

void TrafficChart::scroll()
{
    const qint64 now = m_model ? m_model->now() : QDateTime::currentMSecsSinceEpoch();
    m_x->setRange(QDateTime::fromMSecsSinceEpoch(now - windowMs()), QDateTime::fromMSecsSinceEpoch(now));
    double top = 0;
    for (const QLineSeries* s : std::as_const(m_series)) {
        const QList<QPointF> points = s->points();
        for (const QPointF& p : points)
            top = qMax(top, p.y());
    }
    top = top > 0 ? top * 1.1 : 1;
    if (top != m_top) {
        m_top = top;
        m_y->setRange(0, top);
        for (Marker& m : m_markers)
            m.line->replace({QPointF(double(m.ms), 0), QPointF(double(m.ms), top)});
    }
    // Markers older than the longest window go.
    while (!m_markers.empty() && m_markers.front().ms < now - 15 * 60'000) {
        m_chart->removeSeries(m_markers.front().line);
        delete m_markers.front().line;
        delete m_markers.front().text;
        m_markers.erase(m_markers.begin());
    }
    placeMarkers();
}

void TrafficChart::addMarker(const QDateTime& at, const QString& label)
{
    Marker m;
    m.ms = at.toMSecsSinceEpoch();
    m.label = label;
    m.line = new QLineSeries(m_chart);
    m.line->setName(label);
    QPen pen(QColor(0x60, 0x60, 0x60));
    pen.setWidthF(1);
    pen.setStyle(Qt::DashLine);
    m.line->setPen(pen);
    m.line->append(QPointF(double(m.ms), 0));
    m.line->append(QPointF(double(m.ms), m_top));
    m_chart->addSeries(m.line);
    m.line->attachAxis(m_x);
    m.line->attachAxis(m_y);
    for (QLegendMarker* lm : m_chart->legend()->markers(m.line))
        lm->setVisible(false);
    m.text = new QGraphicsSimpleTextItem(label, m_chart);
    m.text->setZValue(10);
    // Kept in time order: the oldest leave first.
    const auto at_ = std::upper_bound(m_markers.begin(), m_markers.end(), m.ms,
                                      [](qint64 ms, const Marker& x) { return ms < x.ms; });
    m_markers.insert(at_, m);
    placeMarkers();
}

void TrafficChart::placeMarkers()
{
    const qint64 end = m_x->max().toMSecsSinceEpoch();
    const qint64 begin = m_x->min().toMSecsSinceEpoch();
    for (const Marker& m : m_markers) {
        const bool in = m.ms >= begin && m.ms <= end;
        m.text->setVisible(in);
        if (in)
            m.text->setPos(m_chart->mapToPosition(QPointF(double(m.ms), m_top), m.line) + QPointF(3, 0));
    }
}

} // namespace lbdeck
