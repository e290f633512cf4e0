// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
#pragma once

#include "core/engine/template/Template.h"

#include <QObject>
#include <QTest>

// Go text/template and confd semantics of lbdeck::tmpl. Expected outputs follow Go's documentation
// and the tables of Go's text/template exec_test.go; confd's follow its template_funcs.go and memkv.
class TestTemplate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void language_data();
    void language();
    void printing_data();
    void printing();
    void confd_data();
    void confd();
    void confdTable_data();
    void confdTable();
    void lookupSrv();
    void parseErrors_data();
    void parseErrors();
    void execErrors_data();
    void execErrors();
    void limits_data();
    void limits();

    void goldens_data();
    void goldens();
    void datetime();
    void errorIsAValue();
    void renderFromThreads();
    void render10k();

public:
    // The data ("dot") of the language and printing tables, and the store of the confd table.
    static lbdeck::tmpl::Value sampleDot();
    static lbdeck::tmpl::Store sampleStore();
    // The output, or "ERROR: " and the message.
    static QString run(const QString& name, const QString& text, const lbdeck::tmpl::Store& store,
                       const lbdeck::tmpl::Value& dot);
};

// The tables' two columns: the template text, and its output or error.
inline void textColumns()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
}

inline void row(const char* name, const QString& text, const QString& expected)
{
    QTest::newRow(name) << text << expected;
}
