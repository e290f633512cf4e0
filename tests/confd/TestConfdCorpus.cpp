// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: lbdeck contributors
// The confd compatibility corpus (outputs rendered by the real confd), run through its own harness
// with confd's exact command lines: once with the file backend, once against a real etcd.
#include "tests/testbed/EtcdServer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace lbdeck::testbed;
using namespace Qt::StringLiterals;

namespace {

QString engineBinary()
{
    return qEnvironmentVariable("LBDECK_BINARY_DIR") + u"/app/lbdeck-engine"_s;
}

// $LBDECK_CONFD_CORPUS (CI sets it, and then it must exist), else ../shared/confd-compat beside the
// checkout when there is one.
QString corpusDir(bool* required)
{
    const QString given = qEnvironmentVariable("LBDECK_CONFD_CORPUS");
    *required = !given.isEmpty();
    if (!given.isEmpty())
        return given;
    return QDir::cleanPath(qEnvironmentVariable("LBDECK_SOURCE_DIR") + u"/../shared/confd-compat"_s);
}

struct HarnessRun
{
    int exitCode = -1;
    QByteArray output;
    QByteArray report;
};

HarnessRun runHarness(const QString& corpus, const QStringList& options, const QString& command)
{
    QTemporaryDir scratch;
    const QString report = scratch.filePath(u"report.tsv"_s);
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    QStringList args{corpus + u"/run-against.sh"_s, u"--strict-errors"_s, u"--report"_s, report};
    args += options;
    args << command;
    p.start(u"bash"_s, args);
    HarnessRun r;
    if (!p.waitForFinished(240000)) {
        p.kill();
        p.waitForFinished();
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.output = p.readAll();
    QFile f(report);
    if (f.open(QIODevice::ReadOnly))
        r.report = f.readAll();
    return r;
}

int countCases(const QString& corpus)
{
    return int(QDir(corpus).entryList({u"[0-9][0-9]-*"_s}, QDir::Dirs).size());
}

} // namespace

class TestConfdCorpus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void fileBackend();
    void etcdV3Backend();

private:
    void verify(const HarnessRun& r);
    QString m_corpus;
    int m_cases = 0;
};

void TestConfdCorpus::initTestCase()
{
    QVERIFY(QFile::exists(engineBinary()));
    bool required = false;
    m_corpus = corpusDir(&required);
    if (!QFileInfo::exists(m_corpus + u"/run-against.sh"_s)) {
        if (required)
            QFAIL(qPrintable(u"LBDECK_CONFD_CORPUS=%1 holds no run-against.sh"_s.arg(m_corpus)));
        QSKIP("no confd corpus beside this checkout (set LBDECK_CONFD_CORPUS); test_confd_cli runs lbdeck's "
              "own cases");
    }
    m_cases = countCases(m_corpus);
    QVERIFY(m_cases > 0);
}

void TestConfdCorpus::verify(const HarnessRun& r)
{
    const int passed = int(r.report.count("\tPASS"));
    qInfo("%d of %d cases pass", passed, m_cases);
    QVERIFY2(r.exitCode == 0, r.output.right(6000).constData());
    QCOMPARE(passed, m_cases);
}

void TestConfdCorpus::fileBackend()
{
    verify(runHarness(m_corpus, {},
                      engineBinary() + u" confd -onetime -backend file -file {keys} -confdir {confdir}"_s));
}

void TestConfdCorpus::etcdV3Backend()
{
    EtcdServer etcd;
    QCOMPARE(etcd.start(), QString());
    verify(runHarness(m_corpus, {u"--etcd"_s, etcd.clientUrl()},
                      engineBinary() +
                          u" confd -onetime -backend etcdv3 -node {endpoint} -confdir {confdir}"_s));
}

QTEST_GUILESS_MAIN(TestConfdCorpus)
#include "TestConfdCorpus.moc"
