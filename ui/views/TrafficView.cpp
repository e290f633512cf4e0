// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "TrafficView.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QLabel>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

using namespace Qt::StringLiterals;

namespace lbdeck {

TrafficView::TrafficView(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(u"trafficView"_s);
    m_notice = new QLabel(
        tr("<b>Traffic: not available.</b> Per-upstream packets and bytes come from libpcap on the "
           "load-balancer node (tcpdump-style counting in lbdeck-engine), which this version does "
           "not include yet. Nothing below is made up: the chart stays empty until real counters "
           "arrive."),
        this);
    m_notice->setObjectName(u"trafficNotice"_s);
    m_notice->setWordWrap(true);
    auto* chart = new QChart;
    chart->setTitle(tr("Requests per upstream (last 5 minutes)"));
    chart->legend()->hide();
    auto* series = new QLineSeries(chart);
    chart->addSeries(series);
    auto* x = new QValueAxis(chart);
    x->setRange(-300, 0);
    x->setTitleText(tr("seconds"));
    auto* y = new QValueAxis(chart);
    y->setRange(0, 1);
    y->setTitleText(tr("packets/s"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    auto* view = new QChartView(chart, this);
    view->setObjectName(u"trafficChart"_s);
    view->setEnabled(false);
    view->setRenderHint(QPainter::Antialiasing);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_notice);
    layout->addWidget(view, 1);
}

} // namespace lbdeck
