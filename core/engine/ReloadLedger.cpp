// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ReloadLedger.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace lbdeck {

QJsonObject LedgerEntry::toJson(bool withDiff) const
{
    QJsonObject o{
        {u"id"_s, id},
        {u"at"_s, at.toUTC().toString(Qt::ISODateWithMs)},
        {u"revision"_s, QString::number(revision)},
        {u"added"_s, QJsonArray::fromStringList(added)},
        {u"removed"_s, QJsonArray::fromStringList(removed)},
        {u"hash"_s, hash},
        {u"outcome"_s, outcomeName(report.outcome)},
        {u"message"_s, report.message},
        {u"checkOutput"_s, QString::fromUtf8(report.checkOutput)},
        {u"confirmed"_s, report.confirmed},
        {u"inPlace"_s, report.inPlace},
        {u"hupAt"_s, report.hupAtMs
                         ? QDateTime::fromMSecsSinceEpoch(report.hupAtMs, Qt::UTC).toString(Qt::ISODateWithMs)
                         : QString()},
        {u"timingsUs"_s, QJsonObject{{u"render"_s, renderUs},
                                     {u"stage"_s, report.stageUs},
                                     {u"check"_s, report.checkUs},
                                     {u"install"_s, report.installUs},
                                     {u"reload"_s, report.reloadUs},
                                     {u"confirm"_s, report.confirmUs}}},
    };
    if (withDiff)
        o.insert(u"diff"_s, diff);
    return o;
}

const LedgerEntry& ReloadLedger::append(LedgerEntry entry)
{
    entry.id = m_nextId++;
    m_entries.append(std::move(entry));
    while (m_entries.size() > m_capacity)
        m_entries.removeFirst();
    return m_entries.last();
}

void ReloadLedger::setCapacity(int capacity)
{
    m_capacity = qMax(1, capacity);
    while (m_entries.size() > m_capacity)
        m_entries.removeFirst();
}

} // namespace lbdeck
