// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/cluster/ClusterProfile.h"
#include "core/ssh/SshTunnelOptions.h"

#include <QPointer>
#include <QWidget>

class QListWidget;
class QPushButton;

namespace lbdeck {

class ConnectionTest;

// The profile dialog's "Test connection": the button (testConnection) and one line per endpoint
// (testResults): ✔ or ✘, the time taken and what answered or why not. The checks run in the
// background (ConnectionTest); a new run or cancel() ends the one before.
class ConnectionTestPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionTestPanel(QWidget* parent = nullptr);
    ~ConnectionTestPanel() override;

    // password: as typed in the dialog; handed to the etcd checks only.
    void run(const ClusterProfile& profile, const QString& etcdPassword);
    void cancel();
    bool isRunning() const;
    // How ssh:// nodes are reached (identity, known_hosts); the user's ssh defaults otherwise.
    void setSshOptions(const SshTunnelOptions& options) { m_sshOptions = options; }
    QListWidget* results() const { return m_results; }

Q_SIGNALS:
    // The button was clicked: the dialog answers with run() and its current values.
    void requested();
    void finished();

private:
    void showCheck(int index);

    QPushButton* m_button;           // Owned (child).
    QListWidget* m_results;          // Owned (child).
    QPointer<ConnectionTest> m_test; // Owned (child) while it runs.
    SshTunnelOptions m_sshOptions;
};

} // namespace lbdeck
