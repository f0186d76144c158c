// `funcdesk alarms` with the real binary: usage and validation errors (exit 2), a
// function that does not exist (exit 3), add / update / list / delete on the data dir,
// and beside a running `funcdesk serve`, whose monitor evaluates an alarm the command
// added and records the change that `alarms history` then prints.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kBinary = QStringLiteral(FUNCDESK_BINARY_DIR "/app/funcdesk");

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run funcdesk(const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("FUNCDESK_DATA_DIR"));
    env.remove(QStringLiteral("FUNCDESK_ENDPOINT"));
    env.remove(QStringLiteral("FUNCDESK_TOKEN"));
    p.setProcessEnvironment(env);
    p.start(kBinary, args);
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    Run r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace

class TestCliAlarms : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir tmp;
    QStringList dd() const { return {QStringLiteral("--data-dir"), tmp.filePath(QStringLiteral("data"))}; }
    Run alarms(const QStringList &args) const { return funcdesk(QStringList{QStringLiteral("alarms")} + args + dd()); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(kBinary), qPrintable(kBinary));
        const QString src = tmp.filePath(QStringLiteral("src/broken"));
        QDir().mkpath(src);
        QFile f(src + QStringLiteral("/lambda_function.py"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("def lambda_handler(event, context):\n    raise ValueError('boom')\n");
        f.close();
        const Run r = funcdesk(QStringList{QStringLiteral("deploy"), src} + dd());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("no action") << QStringList{} << 2 << "an action is needed";
        QTest::newRow("unknown action") << QStringList{QStringLiteral("silence")} << 2 << "unknown action 'silence'";
        QTest::newRow("no metric") << QStringList{QStringLiteral("add"), QStringLiteral("a"), QStringLiteral("--threshold"), QStringLiteral("1")}
                                   << 2 << "--metric and --threshold are required";
        QTest::newRow("bad period") << QStringList{QStringLiteral("add"), QStringLiteral("a"), QStringLiteral("--metric"), QStringLiteral("Errors"),
                                                   QStringLiteral("--threshold"), QStringLiteral("1"), QStringLiteral("--period"), QStringLiteral("45")}
                                    << 2 << "Period must be 10, 30 or a multiple of 60 seconds (got 45)";
        QTest::newRow("bad statistic") << QStringList{QStringLiteral("add"), QStringLiteral("a"), QStringLiteral("--metric"), QStringLiteral("Errors"),
                                                      QStringLiteral("--threshold"), QStringLiteral("1"), QStringLiteral("--statistic"), QStringLiteral("p99")}
                                       << 2 << "Statistic 'p99' is not available for Errors";
        QTest::newRow("unknown function") << QStringList{QStringLiteral("add"), QStringLiteral("a"), QStringLiteral("--metric"), QStringLiteral("Errors"),
                                                         QStringLiteral("--threshold"), QStringLiteral("1"), QStringLiteral("--function"), QStringLiteral("nope")}
                                          << 3 << "Function not found: nope";
        QTest::newRow("delete unknown") << QStringList{QStringLiteral("delete"), QStringLiteral("ghost")} << 3 << "Alarm not found: ghost";
        QTest::newRow("history unknown") << QStringList{QStringLiteral("history"), QStringLiteral("ghost")} << 3 << "Alarm not found: ghost";
        QTest::newRow("bad state filter") << QStringList{QStringLiteral("list"), QStringLiteral("--state"), QStringLiteral("RED")} << 2
                                          << "--state is one of OK, ALARM, INSUFFICIENT_DATA";
    }
    void errors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Run r = alarms(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void addListUpdateDeleteOnTheDataDir()
    {
        Run r = alarms({QStringLiteral("add"), QStringLiteral("slow"), QStringLiteral("--metric"), QStringLiteral("Duration"),
                        QStringLiteral("--statistic"), QStringLiteral("p99"), QStringLiteral("--function"), QStringLiteral("broken"),
                        QStringLiteral("--threshold"), QStringLiteral("250"), QStringLiteral("--comparison"), QStringLiteral(">="),
                        QStringLiteral("--evaluation-periods"), QStringLiteral("5"), QStringLiteral("--datapoints-to-alarm"),
                        QStringLiteral("3")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out.trimmed(), QStringLiteral("Created alarm slow: Duration p99 of broken p99 >= 250.0 for 3 of 5 x 60 s"));
        r = alarms({QStringLiteral("list")});
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[0].startsWith(QStringLiteral("NAME")));
        QVERIFY2(lines[1].startsWith(QStringLiteral("slow  INSUFFICIENT_DATA  Duration p99 of broken  p99 >= 250.0 for 3 of 5 x 60 s")),
                 qPrintable(lines[1]));
        r = alarms({QStringLiteral("add"), QStringLiteral("slow"), QStringLiteral("--metric"), QStringLiteral("Duration"),
                    QStringLiteral("--statistic"), QStringLiteral("p90"), QStringLiteral("--function"), QStringLiteral("broken"),
                    QStringLiteral("--threshold"), QStringLiteral("300")});
        QVERIFY(r.out.startsWith(QStringLiteral("Updated alarm slow")));
        r = alarms({QStringLiteral("list"), QStringLiteral("--json")});
        const QJsonArray listed = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(listed.size(), 1);
        const QJsonObject a = listed.first().toObject();
        QCOMPARE(a.value(QStringLiteral("Statistic")).toString(), QStringLiteral("p90"));
        QCOMPARE(a.value(QStringLiteral("Threshold")).toDouble(), 300.0);
        QCOMPARE(a.value(QStringLiteral("StateValue")).toString(), QStringLiteral("INSUFFICIENT_DATA"));
        QCOMPARE(a.value(QStringLiteral("StateReason")).toString(), QStringLiteral("Unchecked: Initial alarm creation"));
        r = alarms({QStringLiteral("delete"), QStringLiteral("slow")});
        QCOMPARE(r.exitCode, 0);
        r = alarms({QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).array().size(), 0);
        r = alarms({QStringLiteral("history"), QStringLiteral("slow"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray items = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(items.size(), 3);
        QCOMPARE(items[0].toObject().value(QStringLiteral("HistorySummary")).toString(), QStringLiteral("Alarm \"slow\" deleted"));
        QCOMPARE(items[2].toObject().value(QStringLiteral("HistoryItemType")).toString(), QStringLiteral("ConfigurationUpdate"));
    }

    void aRunningEngineEvaluatesWhatTheCommandAdded()
    {
        QProcess serve;
        serve.start(kBinary, QStringList{QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--json")} + dd());
        QVERIFY(serve.waitForStarted());
        const auto stop = qScopeGuard([&serve] {
            serve.terminate();
            if (!serve.waitForFinished(10000)) {
                serve.kill();
                serve.waitForFinished();
            }
        });
        QTRY_VERIFY_WITH_TIMEOUT(serve.canReadLine() || serve.state() == QProcess::NotRunning, 30000);
        // Missing data treated as breaching: nothing ran, so the first evaluation alarms.
        Run r = alarms({QStringLiteral("add"), QStringLiteral("quiet"), QStringLiteral("--metric"), QStringLiteral("Invocations"),
                        QStringLiteral("--function"), QStringLiteral("broken"), QStringLiteral("--threshold"), QStringLiteral("1"),
                        QStringLiteral("--comparison"), QStringLiteral("<"), QStringLiteral("--period"), QStringLiteral("10"),
                        QStringLiteral("--treat-missing-data"), QStringLiteral("breaching")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QTRY_VERIFY_WITH_TIMEOUT(alarms({QStringLiteral("list"), QStringLiteral("--state"), QStringLiteral("ALARM")}).out.contains(QStringLiteral("quiet")),
                                 20000);
        r = alarms({QStringLiteral("history"), QStringLiteral("quiet"), QStringLiteral("--type"), QStringLiteral("StateUpdate")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("Alarm updated from INSUFFICIENT_DATA to ALARM")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint "
                                               "was treated as [Breaching].")),
                 qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(TestCliAlarms)
#include "tst_clialarms.moc"
