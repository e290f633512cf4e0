// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ConnectionTestPanel.h"

#include "core/cluster/ConnectionTest.h"

#include <QHBoxLayout>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace lbdeck {

ConnectionTestPanel::ConnectionTestPanel(QWidget* parent)
    : QWidget(parent)
    , m_button(new QPushButton(tr("&Test connection"), this))
    , m_results(new QListWidget(this))
{
    m_button->setObjectName(u"testConnection"_s);
    m_button->setToolTip(tr("Try every etcd endpoint, each node's Docker engine and the engine with the "
                            "values above, saved or not"));
    connect(m_button, &QPushButton::clicked, this, &ConnectionTestPanel::requested);
    m_results->setObjectName(u"testResults"_s);
    m_results->setWordWrap(true);
    m_results->setUniformItemSizes(false);
    m_results->setSelectionMode(QAbstractItemView::ExtendedSelection); // copyable lines
    m_results->setMinimumHeight(fontMetrics().height() * 5);
    m_results->setMaximumHeight(fontMetrics().height() * 12); // the fields above keep the room
    m_results->hide();

    auto* top = new QHBoxLayout;
    top->addWidget(m_button);
    top->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_results);
}

ConnectionTestPanel::~ConnectionTestPanel()
{
    cancel();
}

bool ConnectionTestPanel::isRunning() const
{
    return m_test && !m_test->isFinished();
}

void ConnectionTestPanel::cancel()
{
    delete m_test.data(); // aborts its requests and stops its tunnels
}

void ConnectionTestPanel::run(const ClusterProfile& profile, const QString& etcdPassword)
{
    cancel();
    m_results->clear();
    m_results->show();
    m_test = new ConnectionTest(profile, etcdPassword, this);
    m_test->setSshOptions(m_sshOptions);
    connect(m_test, &ConnectionTest::checksListed, this, [this] {
        for (int i = 0; i < int(m_test->checks().size()); ++i) {
            m_results->addItem(QString());
            showCheck(i);
        }
    });
    connect(m_test, &ConnectionTest::checkChanged, this, &ConnectionTestPanel::showCheck);
    connect(m_test, &ConnectionTest::finished, this, [this] {
        m_button->setText(tr("&Test connection"));
        Q_EMIT finished();
    });
    m_button->setText(tr("&Test again"));
    m_test->start();
}

void ConnectionTestPanel::showCheck(int index)
{
    QListWidgetItem* item = m_results->item(index);
    if (!m_test || !item)
        return;
    const ConnectionTest::Check& c = m_test->checks().at(index);
    switch (c.state) {
    case ConnectionTest::Check::State::Running:
        item->setText(tr("…  %1: testing").arg(c.subject));
        item->setForeground(palette().color(QPalette::PlaceholderText));
        break;
    case ConnectionTest::Check::State::Passed:
        item->setText(tr("✔  %1 (%2 ms): %3").arg(c.subject, QString::number(c.elapsedMs), c.detail));
        item->setForeground(QColor(0x2e, 0x7d, 0x32));
        break;
    case ConnectionTest::Check::State::Failed:
        item->setText(tr("✘  %1 (%2 ms): %3").arg(c.subject, QString::number(c.elapsedMs), c.detail));
        item->setForeground(QColor(0xd3, 0x2f, 0x2f));
        break;
    }
    item->setToolTip(item->text());
}

} // namespace lbdeck
