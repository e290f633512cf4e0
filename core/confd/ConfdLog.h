// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QString>

#include <functional>

namespace lbdeck::confd {

// confd's log: levels as logrus names them, and by default its line format on stderr,
// "2026-12-01T14:30:00Z host confd[42]: INFO Backend set to file", which operators grep.
// The sink is replaceable (tests collect the lines).
class ConfdLog
{
public:
    enum class Level
    {
        Debug,
        Info,
        Warning,
        Error,
        Fatal
    };
    using Sink = std::function<void(Level, const QString&)>;

    // "debug", "info", "warn"/"warning", "error", "fatal"/"panic"; empty: info.
    static void setLevel(const QString& name);
    static void setSink(Sink sink); // empty: confd's format on stderr
    static void write(Level level, const QString& message);
    static QString levelName(Level level); // "INFO", "WARNING", ...

    static void debug(const QString& m) { write(Level::Debug, m); }
    static void info(const QString& m) { write(Level::Info, m); }
    static void warning(const QString& m) { write(Level::Warning, m); }
    static void error(const QString& m) { write(Level::Error, m); }
    static void fatal(const QString& m) { write(Level::Fatal, m); }
};

} // namespace lbdeck::confd
