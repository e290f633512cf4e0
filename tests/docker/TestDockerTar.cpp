// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// docker::makeTar, checked by what reads it: GNU tar lists and extracts every archive it writes.
#include "core/docker/DockerTar.h"
#include "tests/support/Await.h"
#include "tests/testbed/TestProcess.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace lbdeck;
using namespace lbdeck::test;
using namespace Qt::StringLiterals;

class TestDockerTar : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tarIsReadByGnuTar_data();
    void tarIsReadByGnuTar();
    void tarHeaderChecksum();
    void tarRejectsBadNames_data();
    void tarRejectsBadNames();
};

void TestDockerTar::tarIsReadByGnuTar_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("listing"); // what `tar -tv --numeric-owner` starts with
    QTest::newRow("nginx.conf") << u"nginx.conf"_s << QByteArray("events {}\nhttp {}\n") << 0644
                                << u"-rw-r--r-- 0/0"_s;
    QTest::newRow("empty file") << u"empty"_s << QByteArray() << 0600 << u"-rw------- 0/0"_s;
    QTest::newRow("exactly one block") << u"block"_s << QByteArray(512, 'b') << 0755 << u"-rwxr-xr-x 0/0"_s;
    QTest::newRow("one byte past a block")
        << u"sub/dir/file"_s << QByteArray(513, 'c') << 0640 << u"-rw-r----- 0/0"_s;
    QTest::newRow("owned by www-data") << u"owned"_s << QByteArray("x") << 0640 << u"-rw-r----- 33/33"_s;
    QTest::newRow("long name (ustar prefix)")
        << (QString(u"d"_s).repeated(120) + u"/"_s + QString(u"f"_s).repeated(90)) << QByteArray("long")
        << 0644 << u"-rw-r--r-- 0/0"_s;
    QTest::newRow("utf-8 name") << u"kön.conf"_s << QByteArray("ü") << 0644 << u"-rw-r--r-- 0/0"_s;
}

void TestDockerTar::tarIsReadByGnuTar()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(int, mode);
    QFETCH(QString, listing);
    const int owner = listing.contains(u"33/33"_s) ? 33 : 0;
    const Result<QByteArray> tar = docker::makeTar(name, content, mode, owner, owner, 1714557600);
    VERIFY_OK(tar);
    QCOMPARE(tar->size() % 512, 0);
    QCOMPARE(tar->size(), 512 + (content.size() + 511) / 512 * 512 + 1024);
    QVERIFY(tar->endsWith(QByteArray(1024, '\0')));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile file(dir.filePath(u"one.tar"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(*tar);
    file.close();
    QByteArray out;
    QCOMPARE(
        testbed::runCommand(
            u"tar"_s, {u"-tvf"_s, file.fileName(), u"--numeric-owner"_s, u"--quoting-style=literal"_s}, &out),
        QString());
    const QString line = QString::fromUtf8(out).trimmed();
    QVERIFY2(line.startsWith(listing), qPrintable(line));
    QVERIFY2(line.contains(u" %1 "_s.arg(content.size())), qPrintable(line));
    QVERIFY2(line.endsWith(name), qPrintable(line));
    QVERIFY2(line.contains(u"2024-05-01"_s), qPrintable(line));
    QByteArray extracted;
    QCOMPARE(testbed::runCommand(u"tar"_s, {u"-xOf"_s, file.fileName(), name}, &extracted), QString());
    QCOMPARE(extracted, content);
}

void TestDockerTar::tarHeaderChecksum()
{
    const Result<QByteArray> tar = docker::makeTar(u"nginx.conf"_s, "x", 0644);
    VERIFY_OK(tar);
    const QByteArray header = tar->left(512);
    quint32 sum = 0;
    for (int i = 0; i < 512; ++i)
        sum += (i >= 148 && i < 156) ? quint32(' ') : quint32(uchar(header[i]));
    QCOMPARE(header.mid(148, 8), QByteArray::number(sum, 8).rightJustified(6, '0') + QByteArray("\0 ", 2));
    QCOMPARE(header.mid(257, 8), QByteArray("ustar\0"
                                            "00",
                                            8));
    QCOMPARE(header.at(156), '0');
    // Deterministic: the same input gives the same bytes.
    QCOMPARE(*docker::makeTar(u"nginx.conf"_s, "x", 0644), *tar);
}

void TestDockerTar::tarRejectsBadNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("uid");
    QTest::newRow("empty") << QString() << 0644 << 0;
    QTest::newRow("absolute") << u"/etc/nginx/nginx.conf"_s << 0644 << 0;
    QTest::newRow("parent") << u"../nginx.conf"_s << 0644 << 0;
    QTest::newRow("parent inside") << u"a/../../b"_s << 0644 << 0;
    QTest::newRow("dot") << u"./a"_s << 0644 << 0;
    QTest::newRow("double slash") << u"a//b"_s << 0644 << 0;
    QTest::newRow("directory") << u"a/"_s << 0644 << 0;
    QTest::newRow("nul") << u"a\0b"_s << 0644 << 0;
    QTest::newRow("name part too long") << QString(u"f"_s).repeated(101) << 0644 << 0;
    QTest::newRow("prefix too long") << (QString(u"d"_s).repeated(160) + u"/f"_s) << 0644 << 0;
    QTest::newRow("mode with type bits") << u"a"_s << 0100644 << 0;
    QTest::newRow("negative mode") << u"a"_s << -1 << 0;
    QTest::newRow("negative uid") << u"a"_s << 0644 << -1;
    QTest::newRow("uid too large") << u"a"_s << 0644 << 010000000;
}

void TestDockerTar::tarRejectsBadNames()
{
    QFETCH(QString, name);
    QFETCH(int, mode);
    QFETCH(int, uid);
    const Result<QByteArray> tar = docker::makeTar(name, "x", mode, uid, 0);
    QVERIFY(!tar.ok());
    QCOMPARE(tar.error().code, ErrorCode::InvalidArgument);
}

// Everything the daemon sends goes through these; none may crash or hang on any bytes at all.

QTEST_GUILESS_MAIN(TestDockerTar)
#include "TestDockerTar.moc"
