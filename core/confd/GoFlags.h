// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <variant>

namespace lbdeck::confd {

// A command line parsed as Go's flag package parses it: "-name", "--name", "-name=value",
// "-name value" (not for booleans: "-b false" ends the flags), repeatable list flags, "--" and the
// first non-flag argument end the flags. Errors read as Go's do ("flag provided but not defined: -x").
class GoFlags
{
public:
    enum class Type
    {
        Bool,
        String,
        Int,
        List // repeatable string flag (confd's -node, -file)
    };

    void add(const QString& name, Type type, const QString& usage, const QString& defaultValue = {});
    Result<void> parse(const QStringList& args);

    bool isSet(const QString& name) const { return m_set.contains(name); }
    bool boolValue(const QString& name) const;
    QString stringValue(const QString& name) const;
    qint64 intValue(const QString& name) const;
    QStringList listValue(const QString& name) const;
    // The arguments after the flags.
    const QStringList& positional() const { return m_positional; }
    // Go's PrintDefaults: "  -name type\n    \tusage (default ...)".
    QString usage() const;
    // "-h" or "-help" was given: print usage, exit 0 (Go's flag.ErrHelp).
    bool helpRequested() const { return m_help; }

private:
    struct Flag
    {
        Type type;
        QString usage;
        QString defaultValue;
        QStringList values;
    };
    Result<void> assign(const QString& name, Flag& flag, const QString& value);

    QMap<QString, Flag> m_flags;
    QMap<QString, bool> m_set;
    QStringList m_positional;
    bool m_help = false;
};

} // namespace lbdeck::confd
