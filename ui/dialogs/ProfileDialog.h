// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/cluster/ClusterProfile.h"

#include <QDialog>

class QComboBox;
class QLineEdit;
class QSpinBox;
class QTableWidget;
class QLabel;

namespace lbdeck {

class SecretStore;

// Creates or edits a cluster profile: etcd (endpoints, API, TLS files, user and password), the
// backend prefix, the nodes and how backends start on them, and where the engine is. Saving
// writes the profile to the config dir and the password to the keychain — never to the profile.
class ProfileDialog : public QDialog
{
    Q_OBJECT
public:
    ProfileDialog(SecretStore* secrets, QWidget* parent = nullptr); // secrets: Not owned.

    void setProfile(const ClusterProfile& profile);
    ClusterProfile profile() const;
    // Saves (profile store + keychain) and closes on success; shows what failed otherwise.
    void save();

Q_SIGNALS:
    void saved(const lbdeck::ClusterProfile& profile);

private:
    void importEnvironment();
    void addNodeRow(const NodeProfile& node);
    QString validate() const;

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
    QTableWidget* m_nodes;
    QLineEdit* m_image;
    QSpinBox* m_containerPort;
    QComboBox* m_engineMode;
    QLineEdit* m_engineUrl;
    QLineEdit* m_engineConfig;
    QLineEdit* m_nginxUrl;
    QLabel* m_error;
    ClusterProfile m_base; // the profile being edited: fields without a widget come from here
};

} // namespace lbdeck
