// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QAbstractTableModel>
#include <QDateTime>

#include <functional>

namespace lbdeck {

// Every action and every error, with its time; newest last. Bounded, so a flapping connection
// cannot grow it without end.
class EventLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Time,
        Message,
        ColumnCount
    };
    enum Role
    {
        IsErrorRole = Qt::UserRole + 1
    };
    static constexpr int MaxEntries = 5000;

    explicit EventLogModel(QObject* parent = nullptr);
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

    void append(const QString& message, bool isError = false);
    int errorCount() const;
    // Lines as they are copied to the clipboard: "2026-11-25 10:00:00  ERROR  text".
    QString toText(const QModelIndexList& rows = {}) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void errorLogged(const QString& message);

private:
    struct Entry
    {
        QDateTime time;
        QString message;
        bool isError = false;
    };
    QString lineOf(const Entry& e) const;

    QList<Entry> m_entries;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTime(); };
};

} // namespace lbdeck
