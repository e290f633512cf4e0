// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QDialog>

class QComboBox;
class QLineEdit;
class QLabel;
class QPushButton;

namespace lbdeck {

// Start a backend (the seed's `fleetctl start apache@PORT.service`): which node, which port,
// which image — defaults from the profile, the first free port suggested. Every node of the
// profile is listed; one that cannot take a backend now is shown disabled, with the reason.
// Input is refused, never corrected: a bad port shows an error and Start stays disabled.
class StartBackendDialog : public QDialog
{
    Q_OBJECT
public:
    struct NodeChoice
    {
        QString name;
        bool ready = false;
        QString reason; // why not ready
    };

    StartBackendDialog(const QList<NodeChoice>& nodes, quint16 suggestedPort, const QString& image,
                       const QString& namePattern, QWidget* parent = nullptr);
    // Replace…: the port is the backend's, fixed; only the node and image are chosen.
    void setFixedPort(quint16 port, const QString& title);
    // "Automatic" as the first node, selected: placement's choice and its reason, shown before
    // the start. An empty node: no node can take one (the reason says why), Automatic is disabled.
    // Again: the choice updated in place (a newer load sample), the operator's own pick kept.
    void setAutomatic(const QString& node, const QString& reason);
    bool isAutomatic() const;

    QString node() const;
    quint16 port() const; // 0 while the field holds no valid port
    QString image() const;

    // "8001" -> 8001; anything that is not a whole number in 1..65535 is an error to show.
    static Result<quint16> parsePort(const QString& text);

    // Refuses (stays open, shows why) while any field is invalid.
    void accept() override;

private:
    void validate();

    QComboBox* m_node;
    QLineEdit* m_port;
    QLabel* m_portError;
    QLineEdit* m_image;
    QLabel* m_preview;
    QString m_automaticReason;
    QPushButton* m_ok;
    QString m_namePattern;
};

} // namespace lbdeck
