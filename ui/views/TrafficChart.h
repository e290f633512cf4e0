// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "ui/models/TrafficModel.h"

#include <QDateTime>
#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <vector>

class QChart;
class QChartView;
class QComboBox;
class QDateTimeAxis;
class QGraphicsSimpleTextItem;
class QLabel;
class QLineSeries;
class QValueAxis;

namespace lbdeck {

// A time chart of one metric per backend (one line series each) over the last 1, 5 or 15 minutes,
// with a thin vertical line and a label at every marker (a reload, a start or stop). It follows a
// TrafficModel: each update appends the newest complete bucket to every series and drops what left
// the window; a series is only filled from the history when it is first drawn, after a gap, or for
// another metric or window. Only the MaxDrawn busiest backends have a series (chosen again every
// 10 s from the model's history, and whenever backends come or go): Qt Charts lays out and strokes
// every drawn line on each update, and keeping a series per backend for 1,000 backends costs the
// GUI thread several milliseconds a second for lines nobody sees.
class TrafficChart : public QWidget
{
    Q_OBJECT
public:
    explicit TrafficChart(QWidget* parent = nullptr);

    void setModel(TrafficModel* model); // Not owned.
    void addMarker(const QDateTime& at, const QString& label);

    TrafficModel::Metric metric() const;
    void setMetric(TrafficModel::Metric metric);
    int windowMinutes() const;
    void setWindowMinutes(int minutes); // 1, 5 or 15

    QChart* chart() const { return m_chart; }
    static constexpr int MaxDrawn = 10;

    int seriesCount() const { return int(m_series.size()); } // the drawn ones
    int drawnCount() const { return seriesCount(); }
    QLineSeries* seriesOf(const QString& address) const;
    int markerCount() const { return int(m_markers.size()); }
    QString markerLabel(int i) const;
    // An update of the model is drawn on the next turn of the event loop (not in the same one as
    // the table's); true until then.
    bool isSamplePending() const;

private:
    struct Marker
    {
        qint64 ms = 0;
        QString label;
        QLineSeries* line = nullptr;             // Owned by the chart.
        QGraphicsSimpleTextItem* text = nullptr; // Owned by the chart.
    };

    void onSampled();
    void rebuild();
    void fill(QLineSeries* series, int row);
    void chooseDrawn();
    void scroll();
    void placeMarkers();
    qint64 windowMs() const;
    qint64 bucketMs() const;

    QPointer<TrafficModel> m_model;
    QChart* m_chart;        // Owned by m_view.
    QChartView* m_view;     // Owned (child).
    QDateTimeAxis* m_x;     // Owned by the chart.
    QValueAxis* m_y;        // Owned by the chart.
    QComboBox* m_metricBox; // Owned (child).
    QComboBox* m_windowBox; // Owned (child).
    QLabel* m_note;         // Owned (child).
    QTimer m_sample;
    QHash<QString, QLineSeries*> m_series; // by row address; owned by the chart
    std::vector<Marker> m_markers;
    int m_rows = 0;           // the model's rows at the last sample
    bool m_rowsMoved = false; // rows came or went since
    qint64 m_chosenMs = 0;    // when the drawn series were chosen
    double m_top = 1;
};

} // namespace lbdeck
