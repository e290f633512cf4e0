// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/cluster/EngineLink.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace lbdeck {

class ClusterSession;
class LedgerModel;
class ServingBanner;

// The config side of the cluster: the nginx.conf the engine put live (highlighted), how the next
// render differs from it, the reload ledger with each reload's diff, and Export…. With several load
// balancers, a chooser picks whose engine it shows (the first one at the start).
class ConfigView : public QWidget
{
    Q_OBJECT
public:
    explicit ConfigView(QWidget* parent = nullptr);
    void setSession(ClusterSession* session); // Not owned.
    LedgerModel* ledgerModel() const { return m_ledger; }
    // Shows load balancer `index` of the session's (its engine's config, ledger and banner).
    void showBalancer(int index);
    EngineLink* shownEngine() const { return m_engine; }

    void exportConfig();
    void exportBundle();

Q_SIGNALS:
    void logMessage(const QString& text, bool isError);

private:
    void refresh();

    QPointer<ClusterSession> m_session;
    QPointer<EngineLink> m_engine; // the chosen load balancer's
    QComboBox* m_balancerPick;     // Owned (child); shown with several load balancers.
    QLabel* m_balancerLabel;       // Owned (child): its buddy.
    LedgerModel* m_ledger;         // Owned (child).
    QLabel* m_summary;             // Owned (child).
    QLabel* m_valueWarnings;       // Owned (child).
    QPlainTextEdit* m_running;     // Owned (child).
    QPlainTextEdit* m_pending;     // Owned (child).
    QTableView* m_ledgerView;      // Owned (child).
    QPlainTextEdit* m_ledgerDiff;  // Owned (child).
    QPushButton* m_exportConfig;   // Owned (child).
    QPushButton* m_exportBundle;   // Owned (child).
    QByteArray m_shownConfig;
    QByteArray m_shownRendered;
    QString m_shownKept;
    ServingBanner* m_banner; // Owned (child).
};

} // namespace lbdeck
