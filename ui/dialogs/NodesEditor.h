// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/cluster/ClusterProfile.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace lbdeck {

// The profile's nodes as a table (name, publish address, Docker endpoint) with Add and Remove.
// A new row starts empty, with examples as placeholders only. Each invalid cell is marked and
// says why in its tooltip; the label under the table (nodesError) lists every row's problems.
class NodesEditor : public QWidget
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        PublishAddress,
        DockerEndpoint,
        ColumnCount
    };

    explicit NodesEditor(QWidget* parent = nullptr);

    void setNodes(const QList<NodeProfile>& nodes);
    QList<NodeProfile> nodes() const;
    bool isValid() const { return m_valid; }
    QTableWidget* table() const { return m_table; }
    // Appends an empty row and starts editing its name.
    void addNode();

Q_SIGNALS:
    void changed();

private:
    void appendRow(const NodeProfile& node);
    void revalidate();

    QTableWidget* m_table; // Owned (child).
    QLabel* m_error;       // Owned (child).
    bool m_valid = true;
    bool m_updating = false;
};

} // namespace lbdeck
