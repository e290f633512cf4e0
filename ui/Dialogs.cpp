// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "Dialogs.h"

#include <QFileDialog>
#include <QInputDialog>

namespace lbdeck::dialogs {

namespace {
std::optional<QString> g_nextFile;
std::optional<QString> g_nextDirectory;
std::optional<QMessageBox::StandardButton> g_nextAnswer;
std::optional<QString> g_nextPassword;
} // namespace

QStringList& transcript()
{
    static QStringList lines;
    return lines;
}

namespace {
QMessageBox::StandardButton g_lastDefault = QMessageBox::NoButton;
} // namespace

QMessageBox::StandardButton lastDefaultButton()
{
    return g_lastDefault;
}

QString saveFileName(QWidget* parent, const QString& caption, const QString& suggested, const QString& filter)
{
    if (g_nextFile)
        return *std::exchange(g_nextFile, std::nullopt);
    return QFileDialog::getSaveFileName(parent, caption, suggested, filter);
}

QString existingDirectory(QWidget* parent, const QString& caption, const QString& suggested)
{
    if (g_nextDirectory)
        return *std::exchange(g_nextDirectory, std::nullopt);
    return QFileDialog::getExistingDirectory(parent, caption, suggested);
}

QMessageBox::StandardButton question(QWidget* parent, const QString& title, const QString& text,
                                     QMessageBox::StandardButtons buttons,
                                     QMessageBox::StandardButton defaultButton)
{
    transcript() << text;
    g_lastDefault = defaultButton;
    if (g_nextAnswer)
        return *std::exchange(g_nextAnswer, std::nullopt);
    return QMessageBox::question(parent, title, text, buttons, defaultButton);
}

void warning(QWidget* parent, const QString& title, const QString& text)
{
    transcript() << text;
    if (g_nextAnswer) {
        g_nextAnswer.reset();
        return;
    }
    QMessageBox::warning(parent, title, text);
}

QString password(QWidget* parent, const QString& title, const QString& prompt, bool* ok)
{
    transcript() << prompt;
    if (g_nextPassword) {
        const QString secret = *std::exchange(g_nextPassword, std::nullopt);
        *ok = !secret.isEmpty();
        return secret;
    }
    return QInputDialog::getText(parent, title, prompt, QLineEdit::Password, QString(), ok);
}

void setNextPassword(const QString& secret)
{
    g_nextPassword = secret;
}

void setNextFileName(const QString& path)
{
    g_nextFile = path;
}

void setNextDirectory(const QString& path)
{
    g_nextDirectory = path;
}

void setNextAnswer(QMessageBox::StandardButton answer)
{
    g_nextAnswer = answer;
}

} // namespace lbdeck::dialogs
