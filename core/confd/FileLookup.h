// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QStringList>

namespace lbdeck::confd {

// confd's util.RecursiveFilesLookup: a path that is a file is itself; a directory is walked
// recursively in lexical order (Go's filepath.Walk; symbolic links to directories are not
// entered) keeping the files whose base name matches pattern (Go's filepath.Match). Errors carry
// Go's texts: "lstat keys.yaml: no such file or directory", "syntax error in pattern".
Result<QStringList> lookupFiles(const QString& root, const QString& pattern);

// The directories under root, root included (confd's RecursiveDirsLookup(root, "*")); empty when
// root is not a directory.
QStringList lookupDirs(const QString& root);

// ioutil.ReadFile with Go's error texts ("open keys.yaml: permission denied").
Result<QByteArray> readWholeFile(const QString& path);

// The whole of standard input, as ioutil.ReadAll(os.Stdin).
Result<QByteArray> readStandardInput();

} // namespace lbdeck::confd
