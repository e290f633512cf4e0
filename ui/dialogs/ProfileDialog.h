// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/cluster/ClusterProfile.h"
#include "core/ssh/SshTunnelOptions.h"

#include <QDialog>
#include <QHash>

class QComboBox;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QLabel;

namespace lbdeck {

class ConnectionTestPanel;
class BalancersEditor;
class NodesEditor;
class SecretStore;

// Creates or edits a cluster profile: etcd (endpoints, API, TLS files, user and password), the
// backend prefix, the nodes and how backends start on them, and where the engine is. Saving
// writes the profile to the config dir and the password to the keychain — never to the profile.
// Every field is checked as it is typed (core/cluster/ProfileValidation): a refused value is
// shown beside its field (<field>Error) and Save stays disabled; nothing is corrected, and the
// examples are placeholders, never values. "Test connection" tries the values as they stand.
class ProfileDialog : public QDialog
{
    Q_OBJECT
public:
    ProfileDialog(SecretStore* secrets, QWidget* parent = nullptr); // secrets: Not owned.

    void setProfile(const ClusterProfile& profile);
    ClusterProfile profile() const;
    // Saves (profile store + keychain) and closes on success; shows what failed otherwise.
    void save();
    void done(int result) override; // also ends a running connection test
    // How "Test connection" reaches ssh:// nodes, as the session would (ClusterSession::setSshOptions).
    void setSshOptions(const SshTunnelOptions& options);

Q_SIGNALS:
    void saved(const lbdeck::ClusterProfile& profile);

private:
    void importEnvironment();
    QWidget* withError(QLineEdit* field);
    void showProblem(QLineEdit* field, const Result<void>& check);
    // Checks every field, shows what is refused and enables Save; true when all are valid.
    bool revalidate();
    void testConnection();

    SecretStore* m_secrets;
    QLineEdit* m_name;
    QLineEdit* m_endpoints;
    QComboBox* m_api;
    QLineEdit* m_caFile;
    QLineEdit* m_certFile;
    QLineEdit* m_keyFile;
    QLineEdit* m_user;
    QLineEdit* m_password;
    QLineEdit* m_prefix;
    NodesEditor* m_nodes;
    QLineEdit* m_image;
    QSpinBox* m_containerPort;
    QComboBox* m_engineMode;
    QLineEdit* m_engineUrl;
    QLineEdit* m_engineConfig;
    QLineEdit* m_lbName;
    QLineEdit* m_engineSsh;
    BalancersEditor* m_balancers;      // the other load balancers
    QLabel* m_moreBalancers = nullptr; // what is wrong with the load balancers
    QLineEdit* m_nginxUrl;
    QLabel* m_error; // what saving failed on
    QPushButton* m_save;
    ConnectionTestPanel* m_test;
    QHash<QLineEdit*, QLabel*> m_fieldErrors; // each field's error label (children)
    ClusterProfile m_base; // the profile being edited: fields without a widget come from here
};

} // namespace lbdeck
