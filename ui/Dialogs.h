// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include <QMessageBox>
#include <QString>

#include <functional>
#include <optional>

class QWidget;

namespace lbdeck::dialogs {

// Every modal question lbdeck asks goes through here, so a GUI test can give the next answer
// instead of a person (as KeePassXC's MessageBox::setNextAnswer does).
QString saveFileName(QWidget* parent, const QString& caption, const QString& suggested,
                     const QString& filter);
QString existingDirectory(QWidget* parent, const QString& caption, const QString& suggested);
QMessageBox::StandardButton question(QWidget* parent, const QString& title, const QString& text,
                                     QMessageBox::StandardButtons buttons,
                                     QMessageBox::StandardButton defaultButton);
void warning(QWidget* parent, const QString& title, const QString& text);
// A password or passphrase; *ok is false when the operator cancels. Never logged.
QString password(QWidget* parent, const QString& title, const QString& prompt, bool* ok);

// Test hooks: the next call of that kind returns this instead of showing a dialog.
void setNextFileName(const QString& path);
void setNextDirectory(const QString& path);
void setNextAnswer(QMessageBox::StandardButton answer);
void setNextPassword(const QString& secret); // an empty string: the operator cancels
// Every question/warning text shown (or answered by a hook), newest last: tests read it.
QStringList& transcript();
// The default button of the newest question (what Enter would have chosen).
QMessageBox::StandardButton lastDefaultButton();

} // namespace lbdeck::dialogs
