// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The Traffic view fed successive GET /traffic documents (the engine's contract, built here with
// growing counters) on an injected clock: its model under QAbstractItemModelTester, the banner,
// the chart's series and markers, and the line pane's pause, filter and copy. The view against a
// real engine is tests/traffic's.
#include "core/cluster/EngineLink.h"
#include "ui/models/TrafficMerge.h"
#include "ui/models/TrafficModel.h"
#include "ui/views/TrafficChart.h"
#include "ui/views/TrafficLinesPane.h"
#include "ui/views/TrafficView.h"

#include <QAbstractItemModelTester>
#include <QChart>
#include <QColor>
#include <QJsonArray>
#include <QLabel>
#include <QLineSeries>
#include <QPlainTextEdit>
#include <QSet>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <functional>

using namespace lbdeck;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 T0 = 1'764'590'000'000; // a whole second

struct Up
{
    QString address;
    QString state = u"registered"_s;
    qint64 packets = 0; // cumulative, each direction
    qint64 requests = 0;
    double packetsPerS = 0; // rate1s, each direction
    qint64 open = 0;
    double p99 = -1;
};

QJsonObject upstream(const Up& u)
{
    const QJsonObject rate{{u"packetsTo"_s, u.packetsPerS},        {u"packetsFrom"_s, u.packetsPerS},
                           {u"bytesTo"_s, u.packetsPerS * 100},    {u"bytesFrom"_s, u.packetsPerS * 200},
                           {u"connections"_s, u.packetsPerS / 10}, {u"rst"_s, 0.0}};
    return {{u"address"_s, u.address},
            {u"state"_s, u.state},
            {u"to"_s, QJsonObject{{u"packets"_s, u.packets}, {u"bytes"_s, u.packets * 100}}},
            {u"from"_s, QJsonObject{{u"packets"_s, u.packets}, {u"bytes"_s, u.packets * 200}}},
            {u"connections"_s, u.packets / 10},
            {u"open"_s, u.open},
            {u"rtt"_s, QJsonObject{{u"count"_s, 2}, {u"avgUs"_s, 1234}}},
            {u"rate1s"_s, rate},
            {u"rate10s"_s, rate},
            {u"l7"_s, QJsonObject{{u"requests"_s, u.requests},
                                  {u"2xx"_s, u.requests},
                                  {u"4xx"_s, 0},
                                  {u"5xx"_s, 0},
                                  {u"p99Ms"_s, u.p99}}}};
}

QJsonObject document(qint64 nowMs, const QList<Up>& ups, const QStringList& warnings = {},
                     const QString& captureError = {})
{
    QJsonArray list;
    for (const Up& u : ups)
        list.append(upstream(u));
    return {{u"nowMs"_s, nowMs},
            {u"capture"_s, QJsonObject{{u"running"_s, captureError.isEmpty()}, {u"error"_s, captureError}}},
            {u"accessLog"_s, QJsonObject{{u"listening"_s, captureError.isEmpty()}, {u"error"_s, QString()}}},
            {u"warnings"_s, QJsonArray::fromStringList(warnings)},
            {u"upstreams"_s, list}};
}

const QString A = u"127.0.1.2:8002"_s;
const QString B = u"127.0.1.3:8001"_s;
const QString C = u"127.0.1.4:8003"_s;

// Three documents a second apart: A and B registered, C draining, then C gone.
QList<QJsonObject> documents()
{
    return {document(T0, {{B, u"registered"_s, 100, 100, 10},
                          {A, u"registered"_s, 100, 100, 10},
                          {C, u"draining"_s, 50, 50, 1, 1}}),
            document(T0 + 1000, {{A, u"registered"_s, 130, 150, 30, 0, 3.5},
                                 {B, u"registered"_s, 110, 150, 10},
                                 {C, u"draining"_s, 50, 50, 0, 1}}),
            document(T0 + 2000, {{A, u"registered"_s, 160, 200, 30}, {B, u"registered"_s, 120, 200, 10}})};
}

// The engine link as the view sees it, fed by the test.
class FedLink : public EngineLink
{
public:
    using EngineLink::EngineLink;
    QString describe() const override { return u"test"_s; }
    void refresh() override {}
    using EngineLink::setStatus;
    using EngineLink::setTraffic;
};

// The view reads a document on a worker thread and applies it when that is done; the chart draws it
// on the turn of the event loop after.
bool show(TrafficView& view, const QJsonObject& traffic)
{
    QSignalSpy sampled(view.model(), &TrafficModel::sampled);
    view.showTraffic(traffic);
    if (!view.isTrafficPending() || !sampled.wait(5000))
        return false;
    for (int turn = 0; turn < 10 && (view.isTrafficPending() || view.chart()->isSamplePending()); ++turn)
        QCoreApplication::processEvents();
    return !view.isTrafficPending() && !view.chart()->isSamplePending();
}

QString cell(const TrafficModel& m, int row, int column)
{
    return m.index(row, column).data().toString();
}

} // namespace

class TestTrafficView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void modelFollowsDocumentsRowByRow();
    void bannerSaysWhatIsShort();
    void chartHasSeriesPerBackendAndMarkers();
    void chartDrawsTheBusiestAndHandsSeriesOver();
    void engineLinkDrivesTheView();
    void linesPauseFilterCopy();
    void severalBalancersPerRowAndSummed();
};

void TestTrafficView::modelFollowsDocumentsRowByRow()
{
    qint64 clock = T0;
    TrafficModel model;
    model.setClock([&clock] { return clock; });
    model.setNodeOf([](const QString& a) { return a == A ? u"lb-node-1"_s : QString(); });
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QList<QJsonObject> docs = documents();
    model.update(docs[0]);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(cell(model, 0, TrafficModel::Backend), A); // sorted by address
    QCOMPARE(cell(model, 1, TrafficModel::Backend), B);
    QCOMPARE(cell(model, 2, TrafficModel::Backend), C);
    QCOMPARE(cell(model, 0, TrafficModel::Node), u"lb-node-1"_s);
    QCOMPARE(cell(model, 0, TrafficModel::Packets), u"20.0"_s); // to + from
    QCOMPARE(cell(model, 0, TrafficModel::BytesTo), u"1000"_s);
    QCOMPARE(cell(model, 0, TrafficModel::BytesFrom), u"2000"_s);
    QCOMPARE(cell(model, 0, TrafficModel::Rtt), u"1.23"_s);
    QCOMPARE(cell(model, 0, TrafficModel::P99), QString()); // no complete window
    QCOMPARE(model.headerData(TrafficModel::BytesTo, Qt::Horizontal).toString(), u"To backend B/s"_s);

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    clock = T0 + 1000;
    model.update(docs[1]);
    QCOMPARE(resets.size(), 0);
    QCOMPARE(inserted.size(), 0);
    QVERIFY(!changed.isEmpty());
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(cell(model, 0, TrafficModel::Packets), u"60.0"_s);
    QCOMPARE(cell(model, 0, TrafficModel::Requests), u"50.0"_s); // 50 more requests in 1 s
    QCOMPARE(cell(model, 2, TrafficModel::Requests), u"0.0"_s);
    QCOMPARE(cell(model, 0, TrafficModel::P99), u"3.5"_s);
    // Shares of 350 requests: 150, 150, 50; round-robin gives the two registered ones half each.
    QCOMPARE(cell(model, 0, TrafficModel::Share), u"42.9 %"_s);
    QCOMPARE(cell(model, 2, TrafficModel::Share), u"14.3 %"_s);
    QCOMPARE(cell(model, 0, TrafficModel::RrShare), u"50.0 %"_s);
    QCOMPARE(cell(model, 2, TrafficModel::RrShare), u"0.0 %"_s);
    // The draining row is marked, the registered ones are not.
    QCOMPARE(cell(model, 2, TrafficModel::State), u"draining"_s);
    QVERIFY(model.index(2, TrafficModel::State).data(Qt::ForegroundRole).value<QColor>().isValid());
    QVERIFY(
        model.index(2, TrafficModel::State).data(Qt::ToolTipRole).toString().contains(u"open connections"_s));
    QVERIFY(!model.index(0, TrafficModel::State).data(Qt::ForegroundRole).isValid());
    QCOMPARE(model.totals().backends, 3);
    QCOMPARE(model.totals().registered, 2);
    QCOMPARE(model.totals().requestsPerS, 100.0);
    QVERIFY(model.totalsText().startsWith(u"3 backends (2 registered)"_s));

    // C goes; the others stay rows (no reset, no re-insert).
    clock = T0 + 2000;
    changed.clear();
    model.update(docs[2]);
    QCOMPARE(resets.size(), 0);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rowOf(C), -1);
    QVERIFY(!changed.isEmpty());
    QCOMPARE(cell(model, 0, TrafficModel::RrShare), u"50.0 %"_s);
    QCOMPARE(cell(model, 1, TrafficModel::Share), u"50.0 %"_s);
    // The sparkline: A's last complete second (T0+1 s) had 2 × 30 packets.
    const QList<qreal> spark =
        model.index(0, TrafficModel::Sparkline).data(TrafficModel::SparklineRole).value<QList<qreal>>();
    QCOMPARE(spark.size(), TrafficModel::SparklineSeconds);
    QCOMPARE(spark.last(), 60.0);
    // The first document's counts are since the engine started, not that second's: left out.
    QCOMPARE(spark.at(spark.size() - 2), 0.0);
    QVERIFY(!model.index(0, TrafficModel::Sparkline).data(Qt::DecorationRole).value<QPixmap>().isNull());
}

void TestTrafficView::bannerSaysWhatIsShort()
{
    TrafficView view;
    QLabel* banner = view.banner();
    QVERIFY(banner);
    QVERIFY(show(view, documents()[0]));
    QVERIFY(banner->isHidden());
    QVERIFY(view.isAvailable());
    QVERIFY(view.totals()->text().contains(u"3 backends"_s));
    const QString denied = u"no permission to capture on lo: grant cap_net_raw to lbdeck-engine"_s;
    QVERIFY(show(view, document(T0 + 1000, {{A}},
                                {u"pcap dropped 12 packets: counts are short by that much"_s}, denied)));
    QVERIFY(!banner->isHidden());
    QVERIFY(banner->text().contains(u"grant cap_net_raw"_s));
    QVERIFY(banner->text().contains(u"pcap dropped 12 packets"_s));
    QVERIFY(!view.isAvailable());
    QVERIFY(show(view, document(T0 + 2000, {{A}}, {u"flow table full: 3 flows not counted"_s})));
    QVERIFY(!banner->isHidden());
    QCOMPARE(banner->text(), u"flow table full: 3 flows not counted"_s);
    QVERIFY(show(view, document(T0 + 3000, {{A}})));
    QVERIFY(banner->isHidden());
    view.showTrafficError(u"engine answered 404"_s);
    QVERIFY(!banner->isHidden());
    QVERIFY(banner->text().contains(u"404"_s));
    // An error that comes while a document is still being read wins over it.
    view.showTraffic(document(T0 + 4000, {{A}}));
    view.showTrafficError(u"engine answered 500"_s);
    QTRY_VERIFY(!view.isTrafficPending());
    QVERIFY2(banner->text().contains(u"500"_s), qPrintable(banner->text()));
    QVERIFY(!view.isAvailable());
}

// 25 backends, 10 drawn: a drawn line stays while it ranks in the top 20, the free places go to the
// busiest, and a leaving line's series is handed to the one that comes, not replaced.
void TestTrafficView::chartDrawsTheBusiestAndHandsSeriesOver()
{
    qint64 clock = T0;
    TrafficView view;
    view.model()->setClock([&clock] { return clock; });
    TrafficChart* chart = view.chart();
    chart->setWindowMinutes(1);
    const auto address = [](int i) { return u"10.0.0.%1:80"_s.arg(i, 2, 10, QChar(u'0')); };
    QList<qint64> packets(25, 0);
    const auto second = [&](qint64 ms, const std::function<qint64(int)>& perS) {
        clock = ms;
        QList<Up> ups;
        for (int i = 0; i < 25; ++i) {
            packets[i] += perS(i);
            ups.append({address(i), u"registered"_s, packets[i]});
        }
        return show(view, document(ms, ups));
    };
    // The drawn set is chosen at the first document (all alike then) and again every 10 s.
    for (int s = 0; s <= 10; ++s)
        QVERIFY(second(T0 + s * 1000, [](int i) { return qint64(i + 1) * 10; }));
    // 00-09 were drawn; of them 05-09 rank in the top 20 (05-24) and stay; the five busiest take
    // the other places.
    QCOMPARE(chart->drawnCount(), TrafficChart::MaxDrawn);
    const auto drawnFirst = [](int i) { return (i >= 5 && i < 10) || i >= 20; };
    for (int i = 0; i < 25; ++i)
        QVERIFY2(bool(chart->seriesOf(address(i))) == drawnFirst(i), qPrintable(address(i)));
    QVERIFY(chart->findChild<QLabel*>(u"trafficChartNote"_s)->text().contains(u"10 busiest of 25"_s));
    QSet<QAbstractSeries*> before;
    for (int i = 0; i < 25; ++i)
        if (drawnFirst(i))
            before.insert(chart->seriesOf(address(i)));

    // Now the low addresses are the busy ones, by far.
    for (int s = 11; s <= 20; ++s)
        QVERIFY(second(T0 + s * 1000, [](int i) { return qint64(25 - i) * 30; }));
    // The top 20 is 00-19 now: 05-09 stay, 20-24 hand their series to 00-04.
    QCOMPARE(chart->drawnCount(), TrafficChart::MaxDrawn);
    for (int i = 0; i < 25; ++i)
        QVERIFY2(bool(chart->seriesOf(address(i))) == (i < 10), qPrintable(address(i)));
    QSet<QAbstractSeries*> after;
    for (QAbstractSeries* s : chart->chart()->series())
        after.insert(s);
    QCOMPARE(after, before); // the same ten objects, renamed and filled again
    QCOMPARE(chart->seriesOf(address(0))->name(), address(0));
    QCOMPARE(chart->seriesOf(address(0))->count(), 60);
}

void TestTrafficView::chartHasSeriesPerBackendAndMarkers()
{
    qint64 clock = T0;
    TrafficView view;
    view.model()->setClock([&clock] { return clock; });
    TrafficChart* chart = view.chart();
    chart->setWindowMinutes(1);
    const QList<QJsonObject> docs = documents();
    QVERIFY(show(view, docs[0]));
    QCOMPARE(chart->seriesCount(), 3);
    clock = T0 + 1000;
    QVERIFY(show(view, docs[1]));
    QCOMPARE(chart->seriesCount(), 3);
    clock = T0 + 2000;
    QVERIFY(show(view, docs[2]));
    QCOMPARE(chart->seriesCount(), 2); // C went
    QVERIFY(!chart->seriesOf(C));
    QLineSeries* a = chart->seriesOf(A);
    QVERIFY(a);
    QCOMPARE(a->count(), 60); // 1 minute of 1 s buckets
    QCOMPARE(chart->drawnCount(), 2);
    QVERIFY(chart->chart()->series().contains(a));
    QCOMPARE(a->at(a->count() - 1), QPointF(double(T0 + 1000), 60.0));
    QCOMPARE(a->at(a->count() - 2), QPointF(double(T0), 0.0)); // the baseline's second
    // One more second: a point is appended and the oldest leaves the window.
    clock = T0 + 3000;
    QVERIFY(show(
        view, document(T0 + 3000, {{A, u"registered"_s, 200, 260, 40}, {B, u"registered"_s, 120, 200, 0}})));
    QCOMPARE(chart->seriesOf(A), a);
    QCOMPARE(a->count(), 60);
    QCOMPARE(a->at(a->count() - 1), QPointF(double(T0 + 2000), 60.0));
    QCOMPARE(a->at(0).x(), double(T0 + 3000 - 60'000));
    // 15 minutes: 10 s buckets.
    chart->setWindowMinutes(15);
    QCOMPARE(a->count(), 90);
    chart->setMetric(TrafficModel::Metric::Requests);
    QCOMPARE(a->at(a->count() - 1).y(), 60.0); // 60 requests in the last second
    chart->setMetric(TrafficModel::Metric::Packets);
    chart->setWindowMinutes(5);
    QCOMPARE(a->count(), 300);

    QCOMPARE(chart->markerCount(), 0);
    view.addMarker(QDateTime::fromMSecsSinceEpoch(T0 + 1500), u"reload"_s);
    QCOMPARE(chart->markerCount(), 1);
    QCOMPARE(chart->markerLabel(0), u"reload"_s);
    QCOMPARE(chart->seriesCount(), 2); // markers are not backends
}

void TestTrafficView::engineLinkDrivesTheView()
{
    qint64 clock = T0;
    FedLink link;
    TrafficView view;
    view.model()->setClock([&clock] { return clock; });
    QJsonObject status{{u"ledger"_s, QJsonArray{QJsonObject{{u"id"_s, 1},
                                                            {u"at"_s, u"2020-01-01T00:00:00.000Z"_s},
                                                            {u"outcome"_s, u"applied"_s}}}}};
    link.setStatus(status);
    view.setEngine(&link);
    QVERIFY(!link.isTrafficWanted());         // not shown
    QCOMPARE(view.chart()->markerCount(), 0); // older than the longest window
    view.show();
    QVERIFY(link.isTrafficWanted());
    link.setTraffic(documents()[0]);
    QVERIFY(view.isTrafficPending());
    QTRY_COMPARE(view.model()->rowCount(), 3);
    // A reload the engine made meanwhile is a marker.
    QJsonArray ledger = status.value(u"ledger"_s).toArray();
    ledger.append(
        QJsonObject{{u"id"_s, 2},
                    {u"at"_s, QDateTime::fromMSecsSinceEpoch(T0 + 500).toUTC().toString(Qt::ISODateWithMs)},
                    {u"outcome"_s, u"check failed"_s}});
    status.insert(u"ledger"_s, ledger);
    link.setStatus(status);
    QCOMPARE(view.chart()->markerCount(), 1);
    QCOMPARE(view.chart()->markerLabel(0), u"reload (check failed)"_s);
    link.setStatus(status); // the same ledger again: no new marker
    QCOMPARE(view.chart()->markerCount(), 1);
    Q_EMIT link.trafficLines({u"12:00:01.000001 IP 127.0.1.1.53412 > 127.0.1.3.8001: tcp 0"_s});
    QVERIFY(view.lines()->shownText().contains(u"127.0.1.3.8001"_s));
    view.hide();
    QVERIFY(!link.isTrafficWanted());
}

void TestTrafficView::linesPauseFilterCopy()
{
    TrafficLinesPane pane;
    const QString toB = u"12:00:01.000001 IP 127.0.1.1.53412 > 127.0.1.3.8001: tcp 0"_s;
    const QString fromB = u"12:00:01.000002 IP 127.0.1.3.8001 > 127.0.1.1.53412: tcp 10"_s;
    const QString toA = u"12:00:01.000003 IP 127.0.1.1.53413 > 127.0.1.2.8002: tcp 0"_s;
    const QString toLookalike = u"12:00:01.000004 IP 127.0.1.1.53414 > 127.0.1.3.80011: tcp 0"_s;
    pane.appendLines({toB, toA});
    QCOMPARE(pane.shownText(), toB + u'\n' + toA);

    pane.setPaused(true);
    pane.appendLines({fromB, toA, toLookalike});
    QCOMPARE(pane.shownText(), toB + u'\n' + toA); // held back
    QCOMPARE(pane.heldLines(), 3);
    auto* held = pane.findChild<QLabel*>(u"trafficLinesHeld"_s);
    QVERIFY(held);
    QVERIFY(!held->isHidden());
    QCOMPARE(held->text(), u"3 new lines"_s);
    pane.setPaused(false);
    QCOMPARE(pane.shownText(), QStringList({toB, toA, fromB, toA, toLookalike}).join(u'\n'));
    QVERIFY(held->isHidden());

    pane.setBackends({A, B});
    pane.setFilterBackend(B);
    QCOMPARE(pane.filterBackend(), B);
    QCOMPARE(pane.shownText(), toB + u'\n' + fromB); // not A's, not 127.0.1.3.80011
    QCOMPARE(pane.copyText(), toB + u'\n' + fromB);  // nothing selected: everything shown
    pane.appendLines({toA, toB});
    QCOMPARE(pane.shownText(), toB + u'\n' + fromB + u'\n' + toB);
    QCOMPARE(TrafficLinesPane::tcpdumpEndpoint(u"[::1]:8001"_s), u" ::1.8001"_s);

    // Space in the text pauses; Ctrl+C there copies.
    auto* text = pane.findChild<QPlainTextEdit*>(u"trafficLinesText"_s);
    QVERIFY(text);
    pane.show();
    text->setFocus();
    QTest::keyClick(text, Qt::Key_Space);
    QVERIFY(pane.isPaused());
    QTest::keyClick(text, Qt::Key_Space);
    QVERIFY(!pane.isPaused());
    text->selectAll();
    QTextCursor cursor = text->textCursor();
    cursor.movePosition(QTextCursor::Start);
    cursor.movePosition(QTextCursor::EndOfLine, QTextCursor::KeepAnchor);
    text->setTextCursor(cursor);
    QCOMPARE(pane.copyText(), toB);

    // Bounded.
    pane.setFilterBackend(QString());
    QStringList many;
    for (int i = 0; i < 2500; ++i)
        many << u"line %1 127.0.1.2.8002"_s.arg(i);
    pane.appendLines(many);
    QVERIFY(text->blockCount() <= TrafficLinesPane::MaxLines);
    QVERIFY(pane.shownText().endsWith(u"line 2499 127.0.1.2.8002"_s));
}

void TestTrafficView::severalBalancersPerRowAndSummed()
{
    // Two engines with clocks 300 ms apart; B is counted by both, A by core-a only.
    QJsonObject a0 =
        document(T0, {{A, u"registered"_s, 100, 100, 10, 2, 5.0}, {B, u"registered"_s, 40, 40, 4}});
    QJsonObject b0 = document(T0 + 300, {{B, u"registered"_s, 60, 20, 6, 1, 9.0}}, {u"flow table full"_s});
    QJsonObject clients = {
        {u"top"_s, QJsonArray{QJsonObject{{u"address"_s, u"10.0.0.7"_s}, {u"connections"_s, 3}}}}};
    a0.insert(u"clients"_s, clients);
    b0.insert(u"clients"_s, clients);
    const QJsonObject one = mergeTraffic({{u"core-a"_s, a0, {}}});
    QCOMPARE(one, a0); // one load balancer: its document as it is
    const QJsonObject merged = mergeTraffic({{u"core-a"_s, a0, {}}, {u"core-b"_s, b0, {}}});
    QStringList order;
    QJsonObject sumB;
    for (const QJsonValue& v : merged.value(u"upstreams"_s).toArray()) {
        order << v.toObject().value(u"address"_s).toString();
        if (order.last() == B)
            sumB = v.toObject();
    }
    QCOMPARE(order, (QStringList{A, A + u" @ core-a"_s, B, B + u" @ core-a"_s, B + u" @ core-b"_s}));
    QCOMPARE(sumB.value(u"to"_s).toObject().value(u"packets"_s).toInteger(), 100);
    QCOMPARE(sumB.value(u"open"_s).toInteger(), 1);
    QCOMPARE(sumB.value(u"l7"_s).toObject().value(u"requests"_s).toInteger(), 60);
    QCOMPARE(sumB.value(u"l7"_s).toObject().value(u"p99Ms"_s).toDouble(), 9.0); // the higher one
    QCOMPARE(sumB.value(u"rate1s"_s).toObject().value(u"packetsTo"_s).toDouble(), 10.0);
    QCOMPARE(sumB.value(u"balancers"_s).toInt(), 2);
    QCOMPARE(merged.value(u"warnings"_s).toArray().first().toString(), u"core-b: flow table full"_s);
    const QJsonArray top = merged.value(u"clients"_s).toObject().value(u"top"_s).toArray();
    QCOMPARE(top.size(), 1);
    QCOMPARE(top.first().toObject().value(u"connections"_s).toInteger(), 6);
    // A load balancer without a document is named, in red.
    const QJsonObject missing =
        mergeTraffic({{u"core-a"_s, a0, {}}, {u"core-b"_s, {}, u"connection refused"_s}});
    bool error = false;
    QVERIFY2(TrafficView::bannerLines(missing, &error)
                 .join(u'\n')
                 .contains(u"core-b: traffic counters unavailable: connection refused"_s),
             qPrintable(TrafficView::bannerLines(missing).join(u'\n')));
    QVERIFY(error);

    // The view: a Load balancer column, shares within each load balancer, the sum's requests/s
    // from its load balancers' own clocks, totals over the summed rows.
    qint64 clock = T0;
    FedLink linkA;
    FedLink linkB;
    TrafficView view;
    view.model()->setClock([&clock] { return clock; });
    view.setEngines({{u"core-a"_s, &linkA}, {u"core-b"_s, &linkB}});
    view.show();
    QVERIFY(linkA.isTrafficWanted() && linkB.isTrafficWanted());
    QVERIFY(!view.table()->isColumnHidden(TrafficModel::Balancer));
    linkA.setTraffic(a0);
    linkB.setTraffic(b0);
    const TrafficModel& m = *view.model();
    QTRY_COMPARE(m.rowCount(), 5);
    const QJsonObject a1 =
        document(T0 + 1000, {{A, u"registered"_s, 110, 120, 10}, {B, u"registered"_s, 50, 50, 4}});
    const QJsonObject b1 = document(T0 + 2300, {{B, u"registered"_s, 60, 80, 6}}); // 60 more over 2 s
    clock = T0 + 1000;
    linkA.setTraffic(a1);
    linkB.setTraffic(b1);
    QTRY_VERIFY(!view.isTrafficPending());
    QVERIFY(m.isPerBalancer());
    const auto value = [&](const QString& key, int column) {
        return m.index(m.rowOf(key), column).data(TrafficModel::ValueRole).toDouble();
    };
    QCOMPARE(value(B + u" @ core-a"_s, TrafficModel::Requests), 10.0); // 10 in 1 s
    QCOMPARE(value(B + u" @ core-b"_s, TrafficModel::Requests), 30.0); // 60 in 2 s
    QCOMPARE(value(B, TrafficModel::Requests), 40.0);
    QCOMPARE(cell(m, m.rowOf(B), TrafficModel::Balancer), u"all 2"_s);
    QCOMPARE(cell(m, m.rowOf(B), TrafficModel::Backend), B);
    QCOMPARE(m.backendAt(m.rowOf(B + u" @ core-b"_s)), B);
    QCOMPARE(value(B + u" @ core-b"_s, TrafficModel::Share), 100.0); // core-b's only backend
    QCOMPARE(value(B + u" @ core-a"_s, TrafficModel::Share), 100.0 * 50 / 170);
    QCOMPARE(value(B, TrafficModel::Share), 100.0 * 130 / 250);
    QCOMPARE(m.totals().backends, 2);
    QCOMPARE(m.totals().requests, 250);
    // Back to one load balancer: no column, no summed rows.
    view.setEngines({{u"core-a"_s, &linkA}});
    QVERIFY(view.table()->isColumnHidden(TrafficModel::Balancer));
    QVERIFY(!linkB.isTrafficWanted());
    linkA.setTraffic(a1);
    QTRY_COMPARE(m.rowCount(), 2);
    QVERIFY(!m.isPerBalancer());
}

QTEST_MAIN(TestTrafficView)
#include "TestTrafficView.moc"
