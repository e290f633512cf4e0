// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#include "HelpMenu.h"

#include <QAction>
#include <QApplication>
#include <QKeySequence>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSet>

using namespace Qt::StringLiterals;

namespace lbdeck {

namespace {

QString plain(QString text)
{
    text.remove(u'&');
    return text;
}

QString keysOf(const QAction* a)
{
    QStringList keys;
    for (const QKeySequence& k : a->shortcuts())
        keys << k.toString(QKeySequence::NativeText);
    return keys.join(u", "_s);
}

void collect(const QMenu* menu, const QString& path, QStringList& lines, QSet<const QAction*>& listed)
{
    for (const QAction* a : menu->actions()) {
        if (a->menu()) {
            collect(a->menu(), path + u" › "_s + plain(a->menu()->title()), lines, listed);
            continue;
        }
        if (a->shortcuts().isEmpty() || listed.contains(a))
            continue;
        listed.insert(a);
        lines << u"%1 › %2\t%3"_s.arg(path, plain(a->text()), keysOf(a));
    }
}

} // namespace

QString shortcutSummary(const QMainWindow* window)
{
    QStringList lines;
    QSet<const QAction*> listed;
    for (const QAction* top : window->menuBar()->actions()) {
        if (top->menu())
            collect(top->menu(), plain(top->menu()->title()), lines, listed);
    }
    // Shortcuts that live on the window only, outside every menu.
    for (const QAction* a : window->actions()) {
        if (a->shortcuts().isEmpty() || listed.contains(a) || !a->isVisible())
            continue;
        listed.insert(a);
        lines << u"%1 › %2\t%3"_s.arg(QApplication::translate("lbdeck", "Window"), plain(a->text()),
                                      keysOf(a));
    }
    return lines.join(u'\n');
}

void addHelpMenu(QMainWindow* window)
{
    QMenu* help = window->menuBar()->addMenu(QApplication::translate("lbdeck", "&Help"));
    help->setObjectName(u"menuHelp"_s);
    QAction* keys =
        help->addAction(QApplication::translate("lbdeck", "&Keyboard shortcuts"), window, [window] {
            QString html = u"<table>"_s;
            for (const QString& line : shortcutSummary(window).split(u'\n')) {
                const QStringList parts = line.split(u'\t');
                html += u"<tr><td>%1</td><td>&nbsp;&nbsp;<b>%2</b></td></tr>"_s.arg(
                    parts.value(0).toHtmlEscaped(), parts.value(1).toHtmlEscaped());
            }
            html += u"</table>"_s;
            QMessageBox::information(window, QApplication::translate("lbdeck", "Keyboard shortcuts"), html);
        });
    keys->setObjectName(u"actionShortcuts"_s);
    keys->setShortcut(QKeySequence::HelpContents);
    help->addAction(QApplication::translate("lbdeck", "&About lbdeck"), window, [window] {
        QMessageBox::about(window, QApplication::translate("lbdeck", "About lbdeck"),
                           QApplication::translate(
                               "lbdeck",
                               "<h3>lbdeck %1</h3><p>A control panel for a load-balanced web cluster: "
                               "backends registered in etcd, nginx's upstreams rendered by lbdeck-engine, "
                               "containers on Docker nodes.</p><p>Licensed under the GNU GPL, version 3 "
                               "or later.</p>")
                               .arg(QApplication::applicationVersion()));
    });
    help->addAction(QApplication::translate("lbdeck", "About &Qt"), qApp, &QApplication::aboutQt);
}

} // namespace lbdeck
