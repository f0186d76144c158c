#include "common/datadir.h"
#include "common/functionconfig.h"
#include "common/ids.h"
#include "common/reportline.h"
#include "common/result.h"

#include <QRegularExpression>
#include <QUuid>
#include <QSet>
#include <QDateTime>
#include <QDir>
#include <QTest>

using namespace funcdesk;

class TestCommon : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // A relative --data-dir becomes absolute: environments change directory, and a
    // relative code path then pointed nowhere (every function failed to import).
    void dataDirIsAbsolute()
    {
        const DataDir relative = DataDir::resolve(QStringLiteral("some/data"));
        QVERIFY(QDir::isAbsolutePath(relative.root));
        QCOMPARE(relative.root, QDir::current().absoluteFilePath(QStringLiteral("some/data")));
        QVERIFY(QDir::isAbsolutePath(relative.database()));
    }

    void resultCarriesValueOrError()
    {
        Result<int> good = 42;
        QVERIFY(good.ok());
        QCOMPARE(*good, 42);
        Result<int> bad = makeError(QStringLiteral("X"), QStringLiteral("broken"));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().type, QStringLiteral("X"));
        QCOMPARE(bad.valueOr(7), 7);
        Status s;
        QVERIFY(s.ok());
        Status f = makeError(QStringLiteral("Y"), QStringLiteral("m"));
        QVERIFY(!f.ok());
        QCOMPARE(f.error().toString(), QStringLiteral("Y: m"));
    }

    void requestIdsAreUuids()
    {
        static const QRegularExpression uuid7(
            QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const QString a = newRequestId();
        QVERIFY2(uuid7.match(a).hasMatch(), qPrintable(a));
        QVERIFY(!QUuid::fromString(a).isNull());
        // the first 48 bits are the time in ms
        const qint64 stamped = QStringView(a).left(8).toLongLong(nullptr, 16) << 16 | QStringView(a).mid(9, 4).toLongLong(nullptr, 16);
        QVERIFY(stamped >= before && stamped <= QDateTime::currentMSecsSinceEpoch());
        // unique, and later ones sort after earlier ones (the store's index appends them)
        QSet<QString> seen;
        for (int i = 0; i < 100000; ++i)
            seen.insert(newRequestId());
        QCOMPARE(seen.size(), 100000);
        QTest::qWait(2);
        QVERIFY(newRequestId() > a);
        QVERIFY(newEnvironmentId() != newEnvironmentId());
    }

    void functionNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("simple") << QStringLiteral("hello") << true;
        QTest::newRow("dash-underscore") << QStringLiteral("my-func_2") << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("slash") << QStringLiteral("a/b") << false;
        QTest::newRow("dots") << QStringLiteral("..") << false;
        QTest::newRow("too long") << QString(65, QLatin1Char('a')) << false;
        QTest::newRow("max length") << QString(64, QLatin1Char('a')) << true;
    }
    void functionNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(isValidFunctionName(name), valid);
    }

    void runtimeIdentifiers_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<int>("runtime"); // -1: rejected
        QTest::newRow("python3") << QStringLiteral("python3") << int(Runtime::Python3);
        QTest::newRow("python3.12") << QStringLiteral("python3.12") << int(Runtime::Python3);
        QTest::newRow("nodejs20.x") << QStringLiteral("nodejs20.x") << int(Runtime::NodeJs);
        QTest::newRow("nodejs") << QStringLiteral("nodejs") << int(Runtime::NodeJs);
        QTest::newRow("provided.al2023") << QStringLiteral("provided.al2023") << int(Runtime::Provided);
        QTest::newRow("provided.al2") << QStringLiteral("provided.al2") << int(Runtime::Provided);
        QTest::newRow("java") << QStringLiteral("java21") << -1;
        QTest::newRow("python2") << QStringLiteral("python2.7") << -1;
    }
    void runtimeIdentifiers()
    {
        QFETCH(QString, id);
        QFETCH(int, runtime);
        const auto r = runtimeFromName(id);
        QCOMPARE(r.has_value() ? int(*r) : -1, runtime);
    }

    void reportLineMatchesLambda()
    {
        InvocationRecord r;
        r.requestId = QStringLiteral("3604209a-e9a3-11e6-939a-754dd98c7be3");
        r.durationMs = 12.341;
        r.billedDurationMs = billedMilliseconds(r.durationMs);
        r.memorySizeMb = 128;
        r.maxMemoryUsedMb = 18;
        QCOMPARE(reportLine(r),
                 QStringLiteral("REPORT RequestId: 3604209a-e9a3-11e6-939a-754dd98c7be3\tDuration: 12.34 ms\t"
                                "Billed Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 18 MB\t"));
        r.cold = true;
        r.initDurationMs = 120.4321;
        QVERIFY(reportLine(r).endsWith(QStringLiteral("Max Memory Used: 18 MB\tInit Duration: 120.43 ms\t")));
        QCOMPARE(startLine(r.requestId, QStringLiteral("$LATEST")),
                 QStringLiteral("START RequestId: 3604209a-e9a3-11e6-939a-754dd98c7be3 Version: $LATEST"));
        QCOMPARE(endLine(r.requestId), QStringLiteral("END RequestId: 3604209a-e9a3-11e6-939a-754dd98c7be3"));
    }

    // What the store rebuilds on read: the engine's three lines, stamped when the request
    // reached the runtime and when it finished; nothing for a request that never ran.
    void framingLinesFromTheRecord()
    {
        InvocationRecord r;
        r.requestId = QStringLiteral("r-1");
        r.function = QStringLiteral("f");
        r.version = QStringLiteral("3");
        r.environmentId = QStringLiteral("env");
        r.startMs = 1000;
        r.cold = true;
        r.initDurationMs = 250.7;
        r.durationMs = 12.4;
        r.billedDurationMs = 263; // as the store bills it with INIT; the line shows the engine's
        r.memorySizeMb = 128;
        r.maxMemoryUsedMb = 40;
        const QList<LogLine> lines = framingLines(r);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0].text, QStringLiteral("START RequestId: r-1 Version: 3"));
        QCOMPARE(lines[0].timestampMs, qint64(1250));
        QCOMPARE(lines[1].text, QStringLiteral("END RequestId: r-1"));
        QCOMPARE(lines[2].text, QStringLiteral("REPORT RequestId: r-1\tDuration: 12.40 ms\tBilled Duration: 13 ms\t"
                                               "Memory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 250.70 ms\t"));
        QCOMPARE(lines[2].timestampMs, qint64(1262));
        for (const LogLine &l : lines) {
            QVERIFY(l.framing);
            QCOMPARE(l.environmentId, QStringLiteral("env"));
        }
        InvocationRecord refused = r; // too large, or no environment could start
        refused.environmentId.clear();
        QVERIFY(framingLines(refused).isEmpty());
        InvocationRecord throttled = r;
        throttled.status = InvocationStatus::Throttled;
        QVERIFY(framingLines(throttled).isEmpty());
    }

    void billingRoundsUpToOneMillisecond()
    {
        QCOMPARE(billedMilliseconds(0.05), qint64(1));
        QCOMPARE(billedMilliseconds(1.0), qint64(1));
        QCOMPARE(billedMilliseconds(1.001), qint64(2));
        QCOMPARE(billedMilliseconds(99.9), qint64(100));
    }

    void arnsLookLikeLambdas()
    {
        QCOMPARE(functionArn(QStringLiteral("f")), QStringLiteral("arn:aws:lambda:us-east-1:000000000000:function:f"));
        QCOMPARE(functionArn(QStringLiteral("f"), QStringLiteral("prod")),
                 QStringLiteral("arn:aws:lambda:us-east-1:000000000000:function:f:prod"));
    }
};

QTEST_GUILESS_MAIN(TestCommon)
#include "tst_common.moc"
