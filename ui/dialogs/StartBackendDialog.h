// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QDialog>

class QComboBox;
class QLineEdit;
class QSpinBox;
class QLabel;

namespace lbdeck {

// Start a backend (the seed's `fleetctl start apache@PORT.service`): which node, which port,
// which image — defaults from the profile, the first free port suggested.
class StartBackendDialog : public QDialog
{
    Q_OBJECT
public:
    StartBackendDialog(const QStringList& readyNodes, quint16 suggestedPort, const QString& image,
                       const QString& namePattern, QWidget* parent = nullptr);

    QString node() const;
    quint16 port() const;
    QString image() const;

private:
    void updatePreview();

    QComboBox* m_node;
    QSpinBox* m_port;
    QLineEdit* m_image;
    QLabel* m_preview;
    QString m_namePattern;
};

} // namespace lbdeck
