// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "ConfdLog.h"

#include <QDateTime>
#include <QSysInfo>

#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace lbdeck::confd {

namespace {

ConfdLog::Level g_level = ConfdLog::Level::Info;

ConfdLog::Sink& sink()
{
    static ConfdLog::Sink s;
    return s;
}

// Go's time.RFC3339 in local time: "2006-01-02T15:04:05Z07:00".
QString rfc3339Now()
{
    const QDateTime now = QDateTime::currentDateTime();
    const int offset = now.offsetFromUtc();
    QString zone = u"Z"_s;
    if (offset != 0) {
        const int m = std::abs(offset) / 60;
        zone = u"%1%2:%3"_s.arg(offset < 0 ? u'-' : u'+')
                   .arg(m / 60, 2, 10, QChar(u'0'))
                   .arg(m % 60, 2, 10, QChar(u'0'));
    }
    return now.toString(u"yyyy-MM-ddTHH:mm:ss"_s) + zone;
}

} // namespace

void ConfdLog::setLevel(const QString& name)
{
    if (name == u"debug"_s)
        g_level = Level::Debug;
    else if (name == u"warn"_s || name == u"warning"_s)
        g_level = Level::Warning;
    else if (name == u"error"_s)
        g_level = Level::Error;
    else if (name == u"fatal"_s || name == u"panic"_s)
        g_level = Level::Fatal;
    else
        g_level = Level::Info;
}

void ConfdLog::setSink(Sink s)
{
    sink() = std::move(s);
}

QString ConfdLog::levelName(Level level)
{
    switch (level) {
    case Level::Debug:
        return u"DEBUG"_s;
    case Level::Info:
        return u"INFO"_s;
    case Level::Warning:
        return u"WARNING"_s;
    case Level::Error:
        return u"ERROR"_s;
    case Level::Fatal:
        return u"FATAL"_s;
    }
    return u"INFO"_s;
}

void ConfdLog::write(Level level, const QString& message)
{
    if (level < g_level)
        return;
    if (sink()) {
        sink()(level, message);
        return;
    }
    static const QString host = QSysInfo::machineHostName();
    const QByteArray line = u"%1 %2 confd[%3]: %4 %5\n"_s.arg(rfc3339Now(), host)
                                .arg(::getpid())
                                .arg(levelName(level), message)
                                .toUtf8();
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

} // namespace lbdeck::confd
