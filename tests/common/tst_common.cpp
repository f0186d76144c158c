#include "common/datadir.h"
#include "common/envfile.h"
#include "common/functionconfig.h"
#include "common/ids.h"
#include "common/reportline.h"
#include "common/runtimes.h"
#include "common/result.h"

#include <QRegularExpression>
#include <QUuid>
#include <QSet>
#include <QDateTime>
#include <QDir>
#include <QTest>

using namespace funcdesk;

namespace {
QVariantMap vm(std::initializer_list<std::pair<const char *, const char *>> pairs)
{
    QVariantMap m;
    for (const auto &[k, v] : pairs)
        m.insert(QString::fromUtf8(k), QString::fromUtf8(v));
    return m;
}
} // namespace

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
        QTest::newRow("python3.13") << QStringLiteral("python3.13") << int(Runtime::Python3);
        QTest::newRow("python3.9") << QStringLiteral("python3.9") << int(Runtime::Python3);
        QTest::newRow("nodejs24.x") << QStringLiteral("nodejs24.x") << int(Runtime::NodeJs);
        QTest::newRow("nodejs18.x") << QStringLiteral("nodejs18.x") << int(Runtime::NodeJs);
        QTest::newRow("java") << QStringLiteral("java21") << -1;
        QTest::newRow("python2") << QStringLiteral("python2.7") << -1;
        QTest::newRow("python3.7 (gone)") << QStringLiteral("python3.7") << -1;
        QTest::newRow("nodejs99.x") << QStringLiteral("nodejs99.x") << -1;
        QTest::newRow("python3.x") << QStringLiteral("python3.x") << -1;
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

    // A failed init: INIT_REPORT with the phase and the error, and a REPORT that ends in the
    // status and error type instead of an Init Duration (Lambda's lines).
    void initFailureLinesMatchLambda()
    {
        QCOMPARE(initReportLine(83.578, QStringLiteral("Runtime.ImportModuleError")),
                 QStringLiteral("INIT_REPORT Init Duration: 83.58 ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError"));
        InvocationRecord r;
        r.requestId = QStringLiteral("57325a9d-ff5f-42e4-83df-80f3dcaaef25");
        r.function = QStringLiteral("f");
        r.environmentId = QStringLiteral("env");
        r.startMs = 1000;
        r.durationMs = 95.78;
        r.billedDurationMs = 96;
        r.cold = true;
        r.initDurationMs = 95.78;
        r.initFailed = true;
        r.memorySizeMb = 512;
        r.maxMemoryUsedMb = 39;
        r.status = InvocationStatus::Error;
        r.errorType = QStringLiteral("Runtime.ImportModuleError");
        QCOMPARE(reportLine(r), QStringLiteral("REPORT RequestId: 57325a9d-ff5f-42e4-83df-80f3dcaaef25\tDuration: 95.78 ms\tBilled Duration: 96 ms\t"
                                               "Memory Size: 512 MB\tMax Memory Used: 39 MB\tStatus: error\tError Type: Runtime.ImportModuleError"));
        const QList<LogLine> lines = framingLines(r);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0].timestampMs, qint64(1096)); // after the INIT_REPORT stamped when the init ended
        QCOMPARE(lines[2].timestampMs, qint64(1096));
        // An init that ran out of its 10 s: Status: timeout, no error type.
        QCOMPARE(initReportLine(10000.0, QStringLiteral("Sandbox.Timedout"), true),
                 QStringLiteral("INIT_REPORT Init Duration: 10000.00 ms\tPhase: init\tStatus: timeout"));
        r.status = InvocationStatus::Timeout;
        QVERIFY(reportLine(r).endsWith(QStringLiteral("Max Memory Used: 39 MB\tStatus: timeout")));
    }

    // One table: deprecated identifiers are accepted with a warning naming the date and the
    // one to move to; the local interpreter's version is compared with the identifier's.
    void runtimeTable()
    {
        const QDate today(2026, 12, 7);
        QVERIFY(runtimeDeprecationWarning(QStringLiteral("python3.13"), today).isEmpty());
        QVERIFY(runtimeDeprecationWarning(QStringLiteral("nodejs22.x"), today).isEmpty());
        QCOMPARE(runtimeDeprecationWarning(QStringLiteral("nodejs20.x"), today),
                 QStringLiteral("nodejs20.x is deprecated on Lambda since 2026-04-30: AWS no longer accepts it for new functions. Use nodejs24.x."));
        QVERIFY(runtimeDeprecationWarning(QStringLiteral("nodejs20.x"), QDate(2026, 4, 29)).isEmpty());
        QVERIFY(!runtimeDeprecationWarning(QStringLiteral("provided.al2"), today).isEmpty());
        QCOMPARE(interpreterMismatch(QStringLiteral("python3.13"), QStringLiteral("3.11")), QStringLiteral("python3.13 runs on the local python3 3.11"));
        QVERIFY(interpreterMismatch(QStringLiteral("python3.11"), QStringLiteral("3.11")).isEmpty());
        QCOMPARE(interpreterMismatch(QStringLiteral("nodejs22.x"), QStringLiteral("18")), QStringLiteral("nodejs22.x runs on the local node 18"));
        QVERIFY(interpreterMismatch(QStringLiteral("provided.al2023"), QStringLiteral("18")).isEmpty());
        QStringList ids;
        for (const RuntimeIdentifier &r : funcdesk::runtimeIdentifiers())
            ids << r.id;
        for (const char *id : {"python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "nodejs18.x", "nodejs20.x",
                               "nodejs22.x", "nodejs24.x", "provided.al2", "provided.al2023"})
            QVERIFY2(ids.contains(QLatin1String(id)), id);
    }

    // .env files as dotenv tools write them.
    void dotEnv_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QVariantMap>("expected"); // empty with error set: refused
        QTest::addColumn<QString>("error");
        QTest::newRow("plain") << QByteArray("A=1\nB = two words \n") << vm({{"A", "1"}, {"B", "two words"}}) << QString();
        QTest::newRow("comments and blanks") << QByteArray("# a comment\n\n  \nA=1 # trailing\nB=x#y\n")
                                             << vm({{"A", "1"}, {"B", "x#y"}}) << QString();
        QTest::newRow("export") << QByteArray("export TOKEN=abc\r\n") << vm({{"TOKEN", "abc"}}) << QString();
        QTest::newRow("single quotes are literal") << QByteArray("A='x \\n # y'\n") << vm({{"A", "x \\n # y"}}) << QString();
        QTest::newRow("double quotes escape") << QByteArray("A=\"line1\\nline2 \\\"q\\\" # kept\"\n")
                                              << vm({{"A", "line1\nline2 \"q\" # kept"}}) << QString();
        QTest::newRow("multi-line") << QByteArray("KEY=\"-----BEGIN\nabc\n-----END\"\nB=2\n")
                                    << vm({{"KEY", "-----BEGIN\nabc\n-----END"}, {"B", "2"}}) << QString();
        QTest::newRow("empty value") << QByteArray("A=\n") << vm({{"A", ""}}) << QString();
        QTest::newRow("later wins") << QByteArray("A=1\nA=2\n") << vm({{"A", "2"}}) << QString();
        QTest::newRow("no equals") << QByteArray("A=1\nJUSTTEXT\n") << QVariantMap() << QStringLiteral("line 2: expected KEY=VALUE");
        QTest::newRow("bad key") << QByteArray("1A=1\n") << QVariantMap() << QStringLiteral("line 1: \"1A\" is not a variable name");
        QTest::newRow("open quote") << QByteArray("A=\"abc\n") << QVariantMap() << QStringLiteral("line 1: the double quote is not closed");
    }
    void dotEnv()
    {
        QFETCH(QByteArray, text);
        QFETCH(QVariantMap, expected);
        QFETCH(QString, error);
        const auto parsed = parseDotEnv(text);
        if (!error.isEmpty()) {
            QVERIFY(!parsed.ok());
            QVERIFY2(parsed.error().message.startsWith(error), qPrintable(parsed.error().message));
            return;
        }
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
        QVariantMap got;
        for (auto it = parsed->cbegin(); it != parsed->cend(); ++it)
            got.insert(it.key(), it.value());
        QCOMPARE(got, expected);
    }

    // SAM's env.json: Parameters for every function, then the function's own section
    // (by name or logical id) over them.
    void samEnvJson()
    {
        const QByteArray json = "{\"Parameters\": {\"STAGE\": \"dev\", \"DEBUG\": false},"
                                " \"OrdersApiFunction\": {\"STAGE\": \"test\", \"PORT\": 8080, \"URL\": \"https://x\"},"
                                " \"Other\": {\"NOPE\": \"1\"}}";
        auto vars = parseSamEnvJson(json, QStringLiteral("orders-api"));
        QVERIFY(vars.ok());
        QCOMPARE(vars->value(QStringLiteral("STAGE")), QStringLiteral("test"));
        QCOMPARE(vars->value(QStringLiteral("DEBUG")), QStringLiteral("false"));
        QCOMPARE(vars->value(QStringLiteral("PORT")), QStringLiteral("8080"));
        QCOMPARE(vars->value(QStringLiteral("URL")), QStringLiteral("https://x"));
        QVERIFY(!vars->contains(QStringLiteral("NOPE")));
        vars = parseSamEnvJson(json, QStringLiteral("Other"));
        QVERIFY(vars.ok());
        QCOMPARE(vars->value(QStringLiteral("NOPE")), QStringLiteral("1"));
        QCOMPARE(vars->value(QStringLiteral("STAGE")), QStringLiteral("dev"));
        QVERIFY(parseSamEnvJson(R"({"Elsewhere": {"A": "1"}})", QStringLiteral("fn")).error().message.contains(QStringLiteral("FnFunction")));
        QVERIFY(!parseSamEnvJson(R"({"Parameters": {"A": {"nested": 1}}})", QStringLiteral("fn")).ok());
        QVERIFY(!parseSamEnvJson("[1]", QStringLiteral("fn")).ok());
        QVERIFY(!parseSamEnvJson("{not json", QStringLiteral("fn")).ok());
        // By file name: .json is SAM's, anything else .env.
        QCOMPARE(parseEnvironmentFile(QStringLiteral("env.json"), R"({"Parameters": {"A": "1"}})", QStringLiteral("f"))->value(QStringLiteral("A")),
                 QStringLiteral("1"));
        QCOMPARE(parseEnvironmentFile(QStringLiteral(".env"), "A=2\n", QStringLiteral("f"))->value(QStringLiteral("A")), QStringLiteral("2"));
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
