// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Screenshots.h"

#include "views/NodeDetailView.h"

#include "MainWindow.h"
#include "models/BackendsModel.h"
#include "models/NodesModel.h"
#include "models/UpstreamsModel.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTabWidget>
#include <QTimer>

#include <functional>
#include <memory>

using namespace Qt::StringLiterals;

namespace lbdeck {

void takeScreenshots(MainWindow* window, const QString& directory)
{
    QDir().mkpath(directory);
    auto* poll = new QTimer(window);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    QObject::connect(poll, &QTimer::timeout, window, [window, directory, poll, clock] {
        const bool ready =
            window->backendsModel()->rowCount() > 0 && window->upstreamsModel()->rowCount() > 0 &&
            window->nodesModel()->rowCount() > 0 &&
            window->nodesModel()->index(0, 0).data(NodesModel::ReadyRole).toBool() &&
            window->backendsModel()->index(0, BackendsModel::Health).data().toString().startsWith(u"up"_s);
        if (!ready && clock->elapsed() < 30000)
            return;
        poll->stop();
        auto* tabs = window->findChild<QTabWidget*>(u"tabs"_s);
        const QStringList names{u"overview"_s,  u"nodes"_s,   u"backends"_s,
                                u"upstreams"_s, u"traffic"_s, u"config"_s};
        // One tab after the other; the Traffic view first gathers 20 s of the demo's load, so its
        // chart has lines and its table rates.
        auto next = std::make_shared<std::function<void(int)>>();
        *next = [window, directory, tabs, names, weak = std::weak_ptr(next)](int i) {
            const auto again = weak.lock();
            if (!again)
                return;
            if (i >= tabs->count() || i >= names.size()) {
                if (auto* configTabs = window->findChild<QTabWidget*>(u"configTabs"_s)) {
                    configTabs->setCurrentIndex(configTabs->count() - 1);
                    QApplication::processEvents();
                    window->grab().save(directory + u"/ledger.png"_s);
                }
                // Node detail of the first node that runs a backend, once its stats have come in.
                const QString node = window->backendsModel()->index(0, BackendsModel::Node).data().toString();
                NodeDetailView* detail = node.isEmpty() ? nullptr : window->openNodeDetail(node);
                if (!detail) {
                    QApplication::quit();
                    return;
                }
                detail->resize(1100, 600);
                QTimer::singleShot(8000, window, [detail, directory] {
                    QApplication::processEvents();
                    detail->grab().save(directory + u"/node-detail.png"_s);
                    QApplication::quit();
                });
                return;
            }
            tabs->setCurrentIndex(i);
            // The Overview waits for every node's inventory; the Traffic view for 20 s of load.
            const int settleMs = names[i] == u"traffic"_s ? 20000 : names[i] == u"overview"_s ? 8000 : 0;
            QTimer::singleShot(settleMs, window, [window, directory, names, i, again] {
                QApplication::processEvents();
                window->grab().save(directory + u'/' + names[i] + u".png"_s);
                (*again)(i + 1);
            });
        };
        (*next)(0);
        // The chain refers to itself weakly; this keeps it alive until the window goes.
        auto* holder = new QObject(window);
        QObject::connect(holder, &QObject::destroyed, holder, [next] {});
    });
    poll->start(500);
}

} // namespace lbdeck
