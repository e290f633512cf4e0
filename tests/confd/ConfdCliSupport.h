// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace lbdeck::test {

QString engineBinary();
QString sourceDir();
bool writeFile(const QString& path, const QByteArray& data);
QByteArray readFile(const QString& path);
// Copies a directory tree (a confd directory from tests/data/confd) to dest.
bool copyTree(const QString& from, const QString& to);

struct ConfdRun
{
    int exitCode = -1;
    QByteArray err; // confd logs to stderr
    QByteArray out;
};

// lbdeck-engine confd ARGS, with the working directory set to cwd (dest = "out/..." lands there).
ConfdRun runConfd(const QStringList& args, const QString& cwd, int timeoutMs = 30000,
                  const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());

} // namespace lbdeck::test
