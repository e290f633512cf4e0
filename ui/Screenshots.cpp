// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Screenshots.h"

#include "MainWindow.h"
#include "models/BackendsModel.h"
#include "models/NodesModel.h"
#include "models/UpstreamsModel.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTabWidget>
#include <QTimer>

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
        const QStringList names{u"nodes"_s, u"backends"_s, u"upstreams"_s, u"traffic"_s, u"config"_s};
        for (int i = 0; i < tabs->count() && i < names.size(); ++i) {
            tabs->setCurrentIndex(i);
            QApplication::processEvents();
            window->grab().save(directory + u'/' + names[i] + u".png"_s);
        }
        if (auto* configTabs = window->findChild<QTabWidget*>(u"configTabs"_s)) {
            configTabs->setCurrentIndex(configTabs->count() - 1);
            QApplication::processEvents();
            window->grab().save(directory + u"/ledger.png"_s);
        }
        QApplication::quit();
    });
    poll->start(500);
}

} // namespace lbdeck
