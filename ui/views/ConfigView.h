// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace lbdeck {

class ClusterSession;
class LedgerModel;
class ServingBanner;

// The config side of the cluster: the nginx.conf the engine put live (highlighted), how the next
// render differs from it, the reload ledger with each reload's diff, and Export….
class ConfigView : public QWidget
{
    Q_OBJECT
public:
    explicit ConfigView(QWidget* parent = nullptr);
    void setSession(ClusterSession* session); // Not owned.
    LedgerModel* ledgerModel() const { return m_ledger; }

    void exportConfig();
    void exportBundle();

Q_SIGNALS:
    void logMessage(const QString& text, bool isError);

private:
    void refresh();

    QPointer<ClusterSession> m_session;
    LedgerModel* m_ledger;        // Owned (child).
    QLabel* m_summary;            // Owned (child).
    QLabel* m_valueWarnings;      // Owned (child).
    QPlainTextEdit* m_running;    // Owned (child).
    QPlainTextEdit* m_pending;    // Owned (child).
    QTableView* m_ledgerView;     // Owned (child).
    QPlainTextEdit* m_ledgerDiff; // Owned (child).
    QPushButton* m_exportConfig;  // Owned (child).
    QPushButton* m_exportBundle;  // Owned (child).
    QByteArray m_shownConfig;
    QByteArray m_shownRendered;
    QString m_shownKept;
    ServingBanner* m_banner; // Owned (child).
};

} // namespace lbdeck
