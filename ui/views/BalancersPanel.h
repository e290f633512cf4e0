// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QWidget>

class QLabel;
class QTableView;

namespace lbdeck {

class BalancersModel;

// Above the Upstreams and Config views: every load balancer's running generation, and in one line
// whether they all serve the same set (red when one lags, disagrees or does not answer).
class BalancersPanel : public QWidget
{
    Q_OBJECT
public:
    BalancersPanel(BalancersModel* model, QWidget* parent = nullptr); // model: Not owned.
    QString summary() const;
    QTableView* table() const { return m_table; }

private:
    void refresh();

    BalancersModel* m_model;
    QLabel* m_summary;
    QTableView* m_table;
};

} // namespace lbdeck
