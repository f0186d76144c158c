// The API server held to the HTTP conversations the AWS CLI and SDKs have with Lambda.
#include "apitestkit.h"

#include "api/lambdawire.h"
#include "common/ids.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QStandardPaths>

using namespace funcdesk;
using namespace funcdesk::api;
using apitest::Reply;

class TestApiServer : public QObject
{
    Q_OBJECT
private:
    apitest::Stack stack;
    Reply call(const QByteArray &method, const QString &path, const QByteArray &body = {},
               const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return stack.client->call(method, path, body, headers);
    }
    Reply invoke(const QString &fn, const QByteArray &payload, const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return call("POST", QStringLiteral("/2015-03-31/functions/") + fn + QStringLiteral("/invocations"), payload, headers);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(stack.start());
        QVERIFY(stack.addPython(QStringLiteral("echo")));
        QVERIFY(stack.addPython(QStringLiteral("web"), QByteArrayLiteral(",\"triggers\":{\"functionUrl\":true}")));
        QVERIFY(stack.addPython(QStringLiteral("limited"), QByteArrayLiteral(",\"reservedConcurrency\":0")));
    }

    void invokeRequestResponse()
    {
        const Reply r = invoke(QStringLiteral("echo"), QByteArrayLiteral("{\"a\":1}"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("echo")).toObject().value(QStringLiteral("a")).toInt(), 1);
        QCOMPARE(r.header("X-Amz-Executed-Version"), QByteArray("$LATEST"));
        QCOMPARE(r.header("x-amzn-RequestId").size(), 36);
        QVERIFY(!r.header("X-Amz-Function-Error").size());
        QVERIFY(r.header("X-Amz-Log-Result").isEmpty());
    }

    void invokeWithLogTail()
    {
        const Reply r = invoke(QStringLiteral("echo"), QByteArrayLiteral("{}"), {{"X-Amz-Log-Type", "Tail"}});
        QCOMPARE(r.status, 200);
        const QByteArray log = QByteArray::fromBase64(r.header("X-Amz-Log-Result"));
        QVERIFY2(log.contains(QByteArray("START RequestId: " + r.header("x-amzn-RequestId"))), log.constData());
        QVERIFY(log.contains("echo log line"));
        QVERIFY(log.contains("REPORT RequestId:"));
    }

    void functionErrorIsUnhandled()
    {
        const Reply r = invoke(QStringLiteral("echo"), QByteArrayLiteral("{\"fail\":true}"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("X-Amz-Function-Error"), QByteArray("Unhandled"));
        QCOMPARE(r.json().value(QStringLiteral("errorMessage")).toString(), QStringLiteral("asked to fail"));
        QCOMPARE(r.json().value(QStringLiteral("errorType")).toString(), QStringLiteral("ValueError"));
    }

    void invokeErrors_data()
    {
        QTest::addColumn<QString>("function");
        QTest::addColumn<QString>("query");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QByteArray>("invocationType");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("errorType");
        QTest::newRow("unknown function") << QStringLiteral("nope") << QString() << QByteArray("{}") << QByteArray() << 404 << QStringLiteral("ResourceNotFoundException");
        QTest::newRow("bad name") << QStringLiteral("a%2Fb") << QString() << QByteArray("{}") << QByteArray() << 400 << QStringLiteral("InvalidParameterValueException");
        QTest::newRow("unknown version") << QStringLiteral("echo") << QStringLiteral("?Qualifier=9") << QByteArray("{}") << QByteArray() << 404 << QStringLiteral("ResourceNotFoundException");
        QTest::newRow("unknown alias") << QStringLiteral("echo:nosuch") << QString() << QByteArray("{}") << QByteArray() << 404 << QStringLiteral("ResourceNotFoundException");
        QTest::newRow("qualifier mismatch") << QStringLiteral("echo:a") << QStringLiteral("?Qualifier=b") << QByteArray("{}") << QByteArray() << 400 << QStringLiteral("InvalidParameterValueException");
        QTest::newRow("bad invocation type") << QStringLiteral("echo") << QString() << QByteArray("{}") << QByteArray("Sometimes") << 400 << QStringLiteral("InvalidParameterValueException");
        QTest::newRow("not json") << QStringLiteral("echo") << QString() << QByteArray("{nope") << QByteArray() << 400 << QStringLiteral("InvalidRequestContentException");
        QTest::newRow("too large sync") << QStringLiteral("echo") << QString() << QByteArray("\"" + QByteArray(6 * 1024 * 1024, 'a') + "\"") << QByteArray() << 413 << QStringLiteral("RequestTooLargeException");
        QTest::newRow("too large event") << QStringLiteral("echo") << QString() << QByteArray("\"" + QByteArray(1024 * 1024, 'a') + "\"") << QByteArray("Event") << 413 << QStringLiteral("RequestTooLargeException");
        QTest::newRow("throttled") << QStringLiteral("limited") << QString() << QByteArray("{}") << QByteArray() << 429 << QStringLiteral("TooManyRequestsException");
        QTest::newRow("dry run") << QStringLiteral("echo") << QString() << QByteArray("{}") << QByteArray("DryRun") << 204 << QString();
        QTest::newRow("dry run unknown") << QStringLiteral("nope") << QString() << QByteArray("{}") << QByteArray("DryRun") << 404 << QStringLiteral("ResourceNotFoundException");
        QTest::newRow("event") << QStringLiteral("echo") << QString() << QByteArray("{}") << QByteArray("Event") << 202 << QString();
        QTest::newRow("full arn") << QStringLiteral("arn:aws:lambda:us-east-1:000000000000:function:echo") << QString() << QByteArray("{}") << QByteArray() << 200 << QString();
        QTest::newRow("empty payload") << QStringLiteral("echo") << QString() << QByteArray() << QByteArray() << 200 << QString();
    }
    void invokeErrors()
    {
        QFETCH(QString, function);
        QFETCH(QString, query);
        QFETCH(QByteArray, payload);
        QFETCH(QByteArray, invocationType);
        QFETCH(int, status);
        QFETCH(QString, errorType);
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!invocationType.isEmpty())
            headers.append({"X-Amz-Invocation-Type", invocationType});
        const Reply r = call("POST", QStringLiteral("/2015-03-31/functions/") + function + QStringLiteral("/invocations") + query, payload, headers);
        QCOMPARE(r.status, status);
        QCOMPARE(r.errorType(), errorType);
        if (!errorType.isEmpty()) {
            QCOMPARE(r.json().value(QStringLiteral("Type")).toString(), status >= 500 ? QStringLiteral("Service") : QStringLiteral("User"));
            QVERIFY(!r.json().value(QStringLiteral("Message")).toString().isEmpty() || status == 429);
        }
        if (status == 429)
            QCOMPARE(r.json().value(QStringLiteral("Reason")).toString(), QStringLiteral("ReservedFunctionConcurrentInvocationLimitExceeded"));
    }

    void unknownRouteIs404()
    {
        const Reply r = call("GET", QStringLiteral("/2015-03-31/nothing"));
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorType(), QStringLiteral("UnknownOperationException"));
    }

    void createInvokeUpdateDelete()
    {
        const QByteArray zip = apitest::makeZip({{QStringLiteral("app.py"), apitest::kEchoPy}});
        QVERIFY(!zip.isEmpty());
        QJsonObject create{{QStringLiteral("FunctionName"), QStringLiteral("made")},
                           {QStringLiteral("Runtime"), QStringLiteral("python3.12")},
                           {QStringLiteral("Role"), QStringLiteral("arn:aws:iam::000000000000:role/x")},
                           {QStringLiteral("Handler"), QStringLiteral("app.handler")},
                           {QStringLiteral("MemorySize"), 256},
                           {QStringLiteral("Code"), QJsonObject{{QStringLiteral("ZipFile"), QString::fromLatin1(zip.toBase64())}}}};
        Reply r = call("POST", QStringLiteral("/2015-03-31/functions"), QJsonDocument(create).toJson());
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(QStringLiteral("FunctionName")).toString(), QStringLiteral("made"));
        QCOMPARE(r.json().value(QStringLiteral("MemorySize")).toInt(), 256);
        QCOMPARE(r.json().value(QStringLiteral("State")).toString(), QStringLiteral("Active"));
        QVERIFY(!r.json().value(QStringLiteral("CodeSha256")).toString().isEmpty());
        // It is a git repository with history.
        QCOMPARE(stack.store->history(QStringLiteral("made"))->size(), 1);

        // A second create conflicts.
        r = call("POST", QStringLiteral("/2015-03-31/functions"), QJsonDocument(create).toJson());
        QCOMPARE(r.status, 409);
        QCOMPARE(r.errorType(), QStringLiteral("ResourceConflictException"));

        r = invoke(QStringLiteral("made"), QByteArrayLiteral("{\"x\":2}"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("echo")).toObject().value(QStringLiteral("x")).toInt(), 2);

        r = call("PUT", QStringLiteral("/2015-03-31/functions/made/configuration"),
                 QByteArrayLiteral("{\"Timeout\":7,\"Environment\":{\"Variables\":{\"MODE\":\"test\"}}}"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("Timeout")).toInt(), 7);
        r = call("GET", QStringLiteral("/2015-03-31/functions/made/configuration"));
        QCOMPARE(r.json().value(QStringLiteral("Timeout")).toInt(), 7);
        QCOMPARE(r.json().value(QStringLiteral("Environment")).toObject().value(QStringLiteral("Variables")).toObject().value(QStringLiteral("MODE")).toString(), QStringLiteral("test"));
        QCOMPARE(stack.store->history(QStringLiteral("made"))->size(), 2);

        r = call("PUT", QStringLiteral("/2015-03-31/functions/made/configuration"), QByteArrayLiteral("{\"MemorySize\":1}"));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorType(), QStringLiteral("InvalidParameterValueException"));

        // New code.
        const QByteArray zip2 = apitest::makeZip({{QStringLiteral("app.py"), QByteArrayLiteral("def handler(e, c):\n    return 'v2'\n")}});
        r = call("PUT", QStringLiteral("/2015-03-31/functions/made/code"),
                 QJsonDocument(QJsonObject{{QStringLiteral("ZipFile"), QString::fromLatin1(zip2.toBase64())}}).toJson());
        QCOMPARE(r.status, 200);
        r = invoke(QStringLiteral("made"), QByteArrayLiteral("{}"));
        QCOMPARE(r.body, QByteArray("\"v2\""));

        r = call("GET", QStringLiteral("/2015-03-31/functions/made"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("Configuration")).toObject().value(QStringLiteral("FunctionName")).toString(), QStringLiteral("made"));

        r = call("DELETE", QStringLiteral("/2015-03-31/functions/made"));
        QCOMPARE(r.status, 204);
        r = call("GET", QStringLiteral("/2015-03-31/functions/made"));
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorType(), QStringLiteral("ResourceNotFoundException"));
        r = invoke(QStringLiteral("made"), QByteArrayLiteral("{}"));
        QCOMPARE(r.status, 404);
    }

    void createErrors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("errorType");
        QTest::newRow("not json") << QByteArray("{") << 400 << QStringLiteral("InvalidRequestContentException");
        QTest::newRow("bad name") << QByteArray(R"({"FunctionName":"a b","Runtime":"python3.12","Code":{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}})") << 400 << QStringLiteral("InvalidParameterValueException");
        QTest::newRow("no runtime") << QByteArray(R"({"FunctionName":"x1","Code":{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}})") << 400 << QStringLiteral("InvalidParameterValueException");
        QTest::newRow("no code") << QByteArray(R"({"FunctionName":"x2","Runtime":"python3.12"})") << 400 << QStringLiteral("InvalidParameterValueException");
        QTest::newRow("not a zip") << QByteArray(R"({"FunctionName":"x3","Runtime":"python3.12","Code":{"ZipFile":"aGVsbG8="}})") << 400 << QStringLiteral("InvalidParameterValueException");
        QTest::newRow("exists") << QByteArray(R"({"FunctionName":"echo","Runtime":"python3.12","Code":{"ZipFile":"aGVsbG8="}})") << 409 << QStringLiteral("ResourceConflictException");
    }
    void createErrors()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, errorType);
        const Reply r = call("POST", QStringLiteral("/2015-03-31/functions"), body);
        QCOMPARE(r.status, status);
        QCOMPARE(r.errorType(), errorType);
    }

    void listFunctionsPages()
    {
        Reply r = call("GET", QStringLiteral("/2015-03-31/functions?MaxItems=1"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("Functions")).toArray().size(), 1);
        QString marker = r.json().value(QStringLiteral("NextMarker")).toString();
        QVERIFY(!marker.isEmpty());
        QStringList names{r.json().value(QStringLiteral("Functions")).toArray().first().toObject().value(QStringLiteral("FunctionName")).toString()};
        while (!marker.isEmpty()) {
            r = call("GET", QStringLiteral("/2015-03-31/functions?MaxItems=1&Marker=") + marker);
            const QJsonArray page = r.json().value(QStringLiteral("Functions")).toArray();
            for (const QJsonValue &f : page)
                names.append(f.toObject().value(QStringLiteral("FunctionName")).toString());
            marker = r.json().value(QStringLiteral("NextMarker")).toString();
        }
        QVERIFY(names.contains(QStringLiteral("echo")));
        QVERIFY(names.contains(QStringLiteral("web")));
        QCOMPARE(names.size(), stack.catalog->names().size());
    }

    void versionsAndAliases()
    {
        QVERIFY(stack.addPython(QStringLiteral("ver")));
        Reply r = call("POST", QStringLiteral("/2015-03-31/functions/ver/versions"), QByteArrayLiteral("{\"Description\":\"first\"}"));
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(QStringLiteral("Version")).toString(), QStringLiteral("1"));
        QCOMPARE(r.json().value(QStringLiteral("FunctionArn")).toString(), functionArn(QStringLiteral("ver"), QStringLiteral("1")));
        // Unchanged $LATEST: Lambda answers with the existing version.
        r = call("POST", QStringLiteral("/2015-03-31/functions/ver/versions"));
        QCOMPARE(r.json().value(QStringLiteral("Version")).toString(), QStringLiteral("1"));

        r = call("PUT", QStringLiteral("/2015-03-31/functions/ver/configuration"), QByteArrayLiteral("{\"Description\":\"two\"}"));
        QCOMPARE(r.status, 200);
        r = call("POST", QStringLiteral("/2015-03-31/functions/ver/versions"));
        QCOMPARE(r.json().value(QStringLiteral("Version")).toString(), QStringLiteral("2"));

        r = call("GET", QStringLiteral("/2015-03-31/functions/ver/versions"));
        const QJsonArray versions = r.json().value(QStringLiteral("Versions")).toArray();
        QCOMPARE(versions.size(), 3);
        QCOMPARE(versions[0].toObject().value(QStringLiteral("Version")).toString(), QStringLiteral("$LATEST"));
        QCOMPARE(versions[2].toObject().value(QStringLiteral("Version")).toString(), QStringLiteral("2"));

        r = call("POST", QStringLiteral("/2015-03-31/functions/ver/aliases"), QByteArrayLiteral("{\"Name\":\"live\",\"FunctionVersion\":\"1\"}"));
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(QStringLiteral("AliasArn")).toString(), functionArn(QStringLiteral("ver"), QStringLiteral("live")));
        r = call("POST", QStringLiteral("/2015-03-31/functions/ver/aliases"), QByteArrayLiteral("{\"Name\":\"live\",\"FunctionVersion\":\"1\"}"));
        QCOMPARE(r.status, 409);
        r = call("POST", QStringLiteral("/2015-03-31/functions/ver/aliases"), QByteArrayLiteral("{\"Name\":\"bad\",\"FunctionVersion\":\"9\"}"));
        QCOMPARE(r.status, 404);

        r = invoke(QStringLiteral("ver:live"), QByteArrayLiteral("{}"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("X-Amz-Executed-Version"), QByteArray("1"));
        QCOMPARE(r.json().value(QStringLiteral("version")).toString(), QStringLiteral("1"));
        r = invoke(QStringLiteral("ver"), QByteArrayLiteral("{}"), {});
        QCOMPARE(r.header("X-Amz-Executed-Version"), QByteArray("$LATEST"));
        r = call("POST", QStringLiteral("/2015-03-31/functions/ver/invocations?Qualifier=2"), QByteArrayLiteral("{}"));
        QCOMPARE(r.header("X-Amz-Executed-Version"), QByteArray("2"));

        // Routing all traffic to version 2 through the alias' weights.
        r = call("PUT", QStringLiteral("/2015-03-31/functions/ver/aliases/live"),
                 QByteArrayLiteral("{\"RoutingConfig\":{\"AdditionalVersionWeights\":{\"2\":1.0}}}"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("RoutingConfig")).toObject().value(QStringLiteral("AdditionalVersionWeights")).toObject().value(QStringLiteral("2")).toDouble(), 1.0);
        r = invoke(QStringLiteral("ver"), QByteArrayLiteral("{}"), {});
        r = call("POST", QStringLiteral("/2015-03-31/functions/ver/invocations?Qualifier=live"), QByteArrayLiteral("{}"));
        QCOMPARE(r.header("X-Amz-Executed-Version"), QByteArray("2"));

        r = call("GET", QStringLiteral("/2015-03-31/functions/ver/aliases"));
        QCOMPARE(r.json().value(QStringLiteral("Aliases")).toArray().size(), 1);
        r = call("GET", QStringLiteral("/2015-03-31/functions/ver/aliases/live"));
        QCOMPARE(r.json().value(QStringLiteral("FunctionVersion")).toString(), QStringLiteral("1"));
        r = call("GET", QStringLiteral("/2015-03-31/functions/ver/configuration?Qualifier=live"));
        QCOMPARE(r.json().value(QStringLiteral("Version")).toString(), QStringLiteral("1"));
        r = call("DELETE", QStringLiteral("/2015-03-31/functions/ver/aliases/live"));
        QCOMPARE(r.status, 204);
        r = call("GET", QStringLiteral("/2015-03-31/functions/ver/aliases/live"));
        QCOMPARE(r.status, 404);
    }

    void deleteOneVersion()
    {
        QVERIFY(stack.addPython(QStringLiteral("pruned")));
        const QString base = QStringLiteral("/2015-03-31/functions/pruned");
        for (const char *description : {"one", "two", "three"}) {
            QCOMPARE(call("PUT", base + QStringLiteral("/configuration"),
                          QByteArrayLiteral("{\"Description\":\"") + description + QByteArrayLiteral("\"}"))
                         .status,
                     200);
            QCOMPARE(call("POST", base + QStringLiteral("/versions")).status, 201);
        }
        QCOMPARE(call("POST", base + QStringLiteral("/aliases"), QByteArrayLiteral("{\"Name\":\"live\",\"FunctionVersion\":\"1\"}")).status, 201);
        // Version 2 has a warm environment.
        Reply r = call("POST", base + QStringLiteral("/invocations?Qualifier=2"), QByteArrayLiteral("{}"));
        QCOMPARE(r.header("X-Amz-Executed-Version"), QByteArray("2"));
        auto liveEnvironments = [this](const QString &version) {
            int n = 0;
            for (const engine::EnvironmentInfo &e : stack.engine->environments())
                n += e.function == QLatin1String("pruned") && e.version == version && e.state != engine::EnvironmentState::Retired;
            return n;
        };
        QCOMPARE(liveEnvironments(QStringLiteral("2")), 1);

        r = call("DELETE", base + QStringLiteral("?Qualifier=%24LATEST"));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorType(), QStringLiteral("InvalidParameterValueException"));
        QCOMPARE(r.json().value(QStringLiteral("Message")).toString(), QStringLiteral("$LATEST version cannot be deleted without deleting the function."));
        r = call("DELETE", base + QStringLiteral("?Qualifier=live"));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorType(), QStringLiteral("InvalidParameterValueException"));
        QCOMPARE(r.json().value(QStringLiteral("Message")).toString(), QStringLiteral("Deletion of aliases is not currently supported."));
        r = call("DELETE", base + QStringLiteral("?Qualifier=1"));
        QCOMPARE(r.status, 409);
        QCOMPARE(r.errorType(), QStringLiteral("ResourceConflictException"));
        QCOMPARE(r.json().value(QStringLiteral("Message")).toString(), QStringLiteral("Unable to delete version because the following aliases reference it: [live]"));
        QCOMPARE(call("POST", QStringLiteral("/2015-03-31/functions/pruned:live/invocations"), QByteArrayLiteral("{}")).status, 200);

        // That version only: gone from the API, the engine and the disk; its environment retires.
        r = call("DELETE", base + QStringLiteral("?Qualifier=2"));
        QCOMPARE(r.status, 204);
        QVERIFY(r.body.isEmpty());
        QCOMPARE(call("GET", base + QStringLiteral("?Qualifier=2")).status, 404);
        r = call("POST", base + QStringLiteral("/invocations?Qualifier=2"), QByteArrayLiteral("{}"));
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorType(), QStringLiteral("ResourceNotFoundException"));
        QTRY_COMPARE_WITH_TIMEOUT(liveEnvironments(QStringLiteral("2")), 0, 5000);
        for (const FunctionConfig &c : stack.engine->functions())
            QVERIFY(!(c.name == QLatin1String("pruned") && c.version == QLatin1String("2")));
        QVERIFY(!QFileInfo::exists(stack.store->dataDir().versions() + QStringLiteral("/pruned/2")));
        auto versions = [this, &base] {
            QStringList out;
            const QJsonArray list = call("GET", base + QStringLiteral("/versions")).json().value(QStringLiteral("Versions")).toArray();
            for (const QJsonValue &v : list)
                out.append(v.toObject().value(QStringLiteral("Version")).toString());
            return out;
        };
        QCOMPARE(versions(), (QStringList{QStringLiteral("$LATEST"), QStringLiteral("1"), QStringLiteral("3")}));
        QCOMPARE(stack.store->history(QStringLiteral("pruned"))->size(), 4); // create + three deploys: history is kept
        r = call("POST", base + QStringLiteral("/invocations?Qualifier=3"), QByteArrayLiteral("{}"));
        QCOMPARE(r.header("X-Amz-Executed-Version"), QByteArray("3"));
        QCOMPARE(call("POST", base + QStringLiteral("/invocations"), QByteArrayLiteral("{}")).status, 200);

        // As on Lambda, a version that is not there is a no-op; the function must exist.
        QCOMPARE(call("DELETE", base + QStringLiteral("?Qualifier=2")).status, 204);
        QCOMPARE(call("DELETE", base + QStringLiteral("?Qualifier=99")).status, 204);
        QCOMPARE(versions().size(), 3);
        r = call("DELETE", QStringLiteral("/2015-03-31/functions/nosuchfn?Qualifier=1"));
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorType(), QStringLiteral("ResourceNotFoundException"));

        // The qualifier in the name works too; and numbers are not handed out again.
        QCOMPARE(call("DELETE", QStringLiteral("/2015-03-31/functions/pruned:3")).status, 204);
        QCOMPARE(versions(), (QStringList{QStringLiteral("$LATEST"), QStringLiteral("1")}));
        r = call("POST", base + QStringLiteral("/versions"));
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(QStringLiteral("Version")).toString(), QStringLiteral("4"));
    }

    void concurrencyAndEventInvokeConfig()
    {
        QVERIFY(stack.addPython(QStringLiteral("conc")));
        Reply r = call("PUT", QStringLiteral("/2017-10-31/functions/conc/concurrency"), QByteArrayLiteral("{\"ReservedConcurrentExecutions\":0}"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("ReservedConcurrentExecutions")).toInt(), 0);
        r = invoke(QStringLiteral("conc"), QByteArrayLiteral("{}"));
        QCOMPARE(r.status, 429);
        r = call("GET", QStringLiteral("/2019-09-30/functions/conc/concurrency"));
        QCOMPARE(r.json().value(QStringLiteral("ReservedConcurrentExecutions")).toInt(), 0);
        r = call("DELETE", QStringLiteral("/2017-10-31/functions/conc/concurrency"));
        QCOMPARE(r.status, 204);
        r = invoke(QStringLiteral("conc"), QByteArrayLiteral("{}"));
        QCOMPARE(r.status, 200);
        r = call("PUT", QStringLiteral("/2017-10-31/functions/conc/concurrency"), QByteArrayLiteral("{\"ReservedConcurrentExecutions\":-1}"));
        QCOMPARE(r.status, 400);

        r = call("PUT", QStringLiteral("/2019-09-25/functions/conc/event-invoke-config"),
                 QByteArrayLiteral("{\"MaximumRetryAttempts\":1,\"MaximumEventAgeInSeconds\":120,\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"arn:aws:lambda:us-east-1:000000000000:function:echo\"}}}"));
        QCOMPARE(r.status, 200);
        r = call("GET", QStringLiteral("/2019-09-25/functions/conc/event-invoke-config"));
        QCOMPARE(r.json().value(QStringLiteral("MaximumRetryAttempts")).toInt(), 1);
        QCOMPARE(r.json().value(QStringLiteral("MaximumEventAgeInSeconds")).toInt(), 120);
        QCOMPARE(r.json().value(QStringLiteral("DestinationConfig")).toObject().value(QStringLiteral("OnFailure")).toObject().value(QStringLiteral("Destination")).toString(), functionArn(QStringLiteral("echo")));
        QCOMPARE(stack.catalog->latest(QStringLiteral("conc")).async.onFailure, QStringLiteral("echo"));
        r = call("PUT", QStringLiteral("/2019-09-25/functions/conc/event-invoke-config"), QByteArrayLiteral("{\"MaximumRetryAttempts\":5}"));
        QCOMPARE(r.status, 400);
    }

    void functionUrls_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::newRow("get path") << QByteArray("GET") << QStringLiteral("/url/web/hello/world?x=1&x=2") << 200;
        QTest::newRow("post root") << QByteArray("POST") << QStringLiteral("/url/web") << 200;
        QTest::newRow("no url config") << QByteArray("GET") << QStringLiteral("/url/echo/x") << 403;
        QTest::newRow("unknown function") << QByteArray("GET") << QStringLiteral("/url/nothing/x") << 404;
    }
    void functionUrls()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(int, status);
        const Reply r = call(method, path, method == "POST" ? QByteArrayLiteral("{\"b\":1}") : QByteArray());
        QCOMPARE(r.status, status);
        if (status != 200)
            return;
        // The echo handler returns {"echo": event}: no statusCode, so the JSON is the body.
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        const QJsonObject event = r.json().value(QStringLiteral("echo")).toObject();
        QCOMPARE(event.value(QStringLiteral("version")).toString(), QStringLiteral("2.0"));
        QCOMPARE(event.value(QStringLiteral("requestContext")).toObject().value(QStringLiteral("http")).toObject().value(QStringLiteral("method")).toString(), QString::fromLatin1(method));
        if (method == "GET") {
            QCOMPARE(event.value(QStringLiteral("rawPath")).toString(), QStringLiteral("/hello/world"));
            QCOMPARE(event.value(QStringLiteral("queryStringParameters")).toObject().value(QStringLiteral("x")).toString(), QStringLiteral("1,2"));
        } else {
            QCOMPARE(event.value(QStringLiteral("rawPath")).toString(), QStringLiteral("/"));
            QCOMPARE(event.value(QStringLiteral("body")).toString(), QStringLiteral("{\"b\":1}"));
        }
    }

    void timeoutAndLogTailLimit()
    {
        SourceFiles files;
        files.insert(QStringLiteral("app.py"), SourceFile(QByteArrayLiteral("import time\n"
                                                                            "def handler(event, context):\n"
                                                                            "    if event.get('sleep'):\n"
                                                                            "        time.sleep(5)\n"
                                                                            "    for i in range(200):\n"
                                                                            "        print('x' * 60, i)\n"
                                                                            "    return 1\n")));
        files.insert(QStringLiteral("function.json"), SourceFile(QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\",\"timeout\":1}")));
        QVERIFY(stack.store->create(QStringLiteral("chatty"), Runtime::Python3, files).ok());
        QVERIFY(stack.catalog->refresh(QStringLiteral("chatty")).ok());

        Reply r = invoke(QStringLiteral("chatty"), QByteArrayLiteral("{}"), {{"X-Amz-Log-Type", "Tail"}});
        QCOMPARE(r.status, 200);
        const QByteArray log = QByteArray::fromBase64(r.header("X-Amz-Log-Result"));
        QVERIFY(log.size() <= 4096);
        QVERIFY(log.size() > 3000); // the last 4 KB of a ~13 KB log
        QVERIFY(log.contains("REPORT RequestId"));
        QVERIFY(!log.contains("START RequestId")); // cut off at the front

        r = invoke(QStringLiteral("chatty"), QByteArrayLiteral("{\"sleep\":true}"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("X-Amz-Function-Error"), QByteArray("Unhandled"));
        QVERIFY2(r.json().value(QStringLiteral("errorMessage")).toString().contains(QStringLiteral("Task timed out after 1.00 seconds")), r.body.constData());
    }

    void functionUrlResponseObject()
    {
        SourceFiles files;
        files.insert(QStringLiteral("app.py"), SourceFile(QByteArrayLiteral("def handler(event, context):\n"
                                                                            "    return {'statusCode': 201, 'headers': {'Content-Type': 'text/plain', 'X-Path': event['rawPath']},\n"
                                                                            "            'cookies': ['a=1; Path=/', 'b=2'], 'body': 'made ' + event['requestContext']['http']['method']}\n")));
        files.insert(QStringLiteral("function.json"), SourceFile(QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\",\"triggers\":{\"functionUrl\":true}}")));
        QVERIFY(stack.store->create(QStringLiteral("site"), Runtime::Python3, files).ok());
        QVERIFY(stack.store->publish(QStringLiteral("site")).ok());
        AliasConfig live;
        live.name = QStringLiteral("live");
        live.functionVersion = QStringLiteral("1");
        QVERIFY(stack.store->createAlias(QStringLiteral("site"), live).ok());
        QVERIFY(stack.catalog->refresh(QStringLiteral("site")).ok());

        for (const QString &path : {QStringLiteral("/url/site/a/b"), QStringLiteral("/url/site/live/a/b")}) {
            const Reply r = call("PUT", path, QByteArrayLiteral("x"));
            QCOMPARE(r.status, 201);
            QCOMPARE(r.header("content-type"), QByteArray("text/plain"));
            QCOMPARE(r.header("x-path"), QByteArray("/a/b"));
            QCOMPARE(r.body, QByteArray("made PUT"));
            QVERIFY(r.header("set-cookie").contains("a=1"));
            QVERIFY(r.header("set-cookie").contains("b=2"));
        }
    }

    void realCurlInvokes()
    {
        QProcess curl;
        curl.start(QStringLiteral("curl"), {QStringLiteral("-sS"), QStringLiteral("-i"), QStringLiteral("-X"), QStringLiteral("POST"), QStringLiteral("-H"), QStringLiteral("X-Amz-Log-Type: Tail"), QStringLiteral("-H"), QStringLiteral("Authorization: ") + QString::fromLatin1(apitest::kSigV4), QStringLiteral("--data"), QStringLiteral("{\"from\":\"curl\"}"), stack.server->baseUrl() + QStringLiteral("/2015-03-31/functions/echo/invocations")});
        QTRY_COMPARE_WITH_TIMEOUT(curl.state(), QProcess::NotRunning, 20000); // the server needs this thread's loop
        const QByteArray out = curl.readAllStandardOutput();
        QVERIFY2(out.startsWith("HTTP/1.1 200 OK"), out.constData());
        QVERIFY(out.contains("X-Amz-Executed-Version: $LATEST"));
        QVERIFY(out.contains("X-Amz-Log-Result: "));
        QVERIFY(out.contains("{\"echo\": {\"from\": \"curl\"}") || out.contains("\"from\":\"curl\"") || out.contains("\"from\": \"curl\""));
    }

    // What a web page can send without a CORS preflight (POST, text/plain, its Origin), and
    // what DNS rebinding sends (a foreign Host): refused with 403 and a reason, whether the
    // page's request carries an Origin or not; the same calls with an SDK's signature work.
    void driveByRequestsAreRefused_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QStringList>("headers");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("errorType");
        const QString create = QStringLiteral("/2015-03-31/functions");
        const QString invoke = QStringLiteral("/2015-03-31/functions/echo/invocations");
        const QString sig = QStringLiteral("Authorization: ") + QString::fromLatin1(apitest::kSigV4);
        const QString evil = QStringLiteral("Origin: http://evil.example");
        const QString text = QStringLiteral("Content-Type: text/plain");
        QTest::newRow("create, cross-origin simple request") << create << QStringList{text, evil} << 403 << QStringLiteral("AccessDeniedException");
        QTest::newRow("invoke, cross-origin simple request") << invoke << QStringList{text, evil} << 403 << QStringLiteral("AccessDeniedException");
        QTest::newRow("invoke, no origin, no credentials") << invoke << QStringList{text} << 403 << QStringLiteral("UnrecognizedClientException");
        QTest::newRow("invoke, signed but from a page") << invoke << QStringList{sig, evil} << 403 << QStringLiteral("AccessDeniedException");
        QTest::newRow("invoke, rebinding host") << invoke << QStringList{sig, QStringLiteral("Host: attacker.example")} << 403 << QStringLiteral("AccessDeniedException");
        QTest::newRow("invoke, rebinding host with port") << invoke << QStringList{sig, QStringLiteral("Host: attacker.example:9001")} << 403 << QStringLiteral("AccessDeniedException");
        QTest::newRow("invoke, wrong token") << invoke << QStringList{QStringLiteral("Authorization: Bearer nope")} << 403 << QStringLiteral("UnrecognizedClientException");
        QTest::newRow("invoke, signature in the query") << invoke + QStringLiteral("?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00")
                                                        << QStringList{text} << 403 << QStringLiteral("UnrecognizedClientException");
        QTest::newRow("url, rebinding host") << QStringLiteral("/url/web/") << QStringList{QStringLiteral("Host: attacker.example")} << 403 << QStringLiteral("AccessDeniedException");
        QTest::newRow("invoke, signed") << invoke << QStringList{sig, text} << 200 << QString();
        QTest::newRow("invoke, signed, localhost by name") << invoke << QStringList{sig, QStringLiteral("Host: localhost:1")} << 200 << QString();
        QTest::newRow("url, from a page (AuthType NONE)") << QStringLiteral("/url/web/") << QStringList{evil} << 200 << QString();
    }
    void driveByRequestsAreRefused()
    {
        QFETCH(QString, path);
        QFETCH(QStringList, headers);
        QFETCH(int, status);
        QFETCH(QString, errorType);
        QStringList args{QStringLiteral("-sS"), QStringLiteral("-i"), QStringLiteral("-X"), QStringLiteral("POST"),
                         QStringLiteral("--data"), QStringLiteral("{\"Code\":{\"ZipFile\":\"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\"}}")};
        for (const QString &h : headers)
            args << QStringLiteral("-H") << h;
        QProcess curl;
        curl.start(QStringLiteral("curl"), args << stack.server->baseUrl() + path);
        QTRY_COMPARE_WITH_TIMEOUT(curl.state(), QProcess::NotRunning, 20000); // the server needs this thread's loop
        const QByteArray out = curl.readAllStandardOutput();
        QVERIFY2(out.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status))), out.constData());
        if (!errorType.isEmpty()) {
            QVERIFY2(out.toLower().contains(QByteArray("x-amzn-errortype: " + errorType.toLower().toLatin1())), out.constData());
            QVERIFY2(out.contains("\"Message\""), out.constData()); // says why
        }
    }

    void awsSdkConversation()
    {
        // boto3 (the AWS SDK for Python) against the server: what SDK users will do.
        QProcess probe;
        probe.start(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import boto3")});
        QTRY_COMPARE_WITH_TIMEOUT(probe.state(), QProcess::NotRunning, 20000);
        if (probe.exitCode() != 0)
            QSKIP("boto3 is not installed");
        QProcess sdk;
        sdk.setProcessChannelMode(QProcess::MergedChannels);
        sdk.start(QStringLiteral("python3"), {QStringLiteral(FUNCDESK_SOURCE_DIR "/tests/api/data/sdk_conversation.py"), stack.server->baseUrl()});
        QTRY_COMPARE_WITH_TIMEOUT(sdk.state(), QProcess::NotRunning, 60000);
        const QByteArray out = sdk.readAll();
        QVERIFY2(sdk.exitCode() == 0 && out.contains("ALL OK"), out.constData());
    }

    // Response streaming as the SDK's streaming reader and an HTTP client see it: a node
    // handler wrapped in awslambda.streamifyResponse, its chunks arriving while it runs
    // (InvokeWithResponseStream's event stream; a RESPONSE_STREAM function URL, chunked,
    // with the HTTP prelude's status and headers), and the 20 MB limit.
    void awsSdkResponseStreaming()
    {
        QProcess probe;
        probe.start(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import boto3; boto3.client('lambda', region_name='us-east-1').invoke_with_response_stream")});
        QTRY_COMPARE_WITH_TIMEOUT(probe.state(), QProcess::NotRunning, 20000);
        if (probe.exitCode() != 0)
            QSKIP("boto3 with invoke_with_response_stream is not installed");
        QProcess sdk;
        sdk.setProcessChannelMode(QProcess::MergedChannels);
        sdk.start(QStringLiteral("python3"), {QStringLiteral(FUNCDESK_SOURCE_DIR "/tests/api/data/sdk_streaming.py"), stack.server->baseUrl()});
        QTRY_COMPARE_WITH_TIMEOUT(sdk.state(), QProcess::NotRunning, 90000);
        const QByteArray out = sdk.readAll();
        QVERIFY2(sdk.exitCode() == 0 && out.contains("ALL OK"), out.constData());
    }

    void awsCliInvokeAndList()
    {
        const QString aws = QStandardPaths::findExecutable(QStringLiteral("aws"));
        if (aws.isEmpty())
            QSKIP("the AWS CLI is not installed");
        QTemporaryDir tmp;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("local"));
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("local"));
        env.insert(QStringLiteral("AWS_DEFAULT_REGION"), QStringLiteral("us-east-1"));
        auto run = [&](const QStringList &args) -> std::pair<int, QByteArray> {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(aws, QStringList{QStringLiteral("--endpoint-url"), stack.server->baseUrl(), QStringLiteral("lambda")} + args);
            QElapsedTimer t;
            t.start();
            while (p.state() != QProcess::NotRunning && t.elapsed() < 60000)
                QTest::qWait(20); // the server runs on this thread
            return {p.exitCode(), QByteArray(p.readAllStandardOutput() + p.readAllStandardError())};
        };
        const QString outFile = tmp.filePath(QStringLiteral("out.json"));
        auto [code, out] = run({QStringLiteral("invoke"), QStringLiteral("--function-name"), QStringLiteral("echo"),
                                QStringLiteral("--payload"), QStringLiteral("{\"cli\":true}"), outFile});
        QVERIFY2(code == 0, out.constData());
        QVERIFY(out.contains("\"StatusCode\": 200"));
        QVERIFY(out.contains("\"ExecutedVersion\": \"$LATEST\""));
        QFile f(outFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("echo")).toObject().value(QStringLiteral("cli")).toBool(), true);

        std::tie(code, out) = run({QStringLiteral("list-functions")});
        QVERIFY2(code == 0, out.constData());
        QVERIFY(out.contains("\"FunctionName\": \"echo\""));

        std::tie(code, out) = run({QStringLiteral("get-function"), QStringLiteral("--function-name"), QStringLiteral("nothing-here")});
        QVERIFY(code != 0);
        QVERIFY2(out.contains("ResourceNotFoundException"), out.constData());
    }

    void providedRuntimesThroughTheEngine_data()
    {
        QTest::addColumn<QString>("example");
        QTest::newRow("bash") << QStringLiteral("provided-bash");
        QTest::newRow("node") << QStringLiteral("provided-node");
    }
    void providedRuntimesThroughTheEngine()
    {
        QFETCH(QString, example);
        const QString dir = QStringLiteral(FUNCDESK_SOURCE_DIR "/resources/examples/") + example;
        SourceFiles files;
        const QStringList names = QDir(dir).entryList(QDir::Files);
        for (const QString &n : names) {
            QFile f(dir + QLatin1Char('/') + n);
            QVERIFY(f.open(QIODevice::ReadOnly));
            files.insert(n, SourceFile(f.readAll(), n == QLatin1String("bootstrap")));
        }
        const QString fn = QStringLiteral("custom-") + QString(example).remove(QStringLiteral("provided-"));
        QVERIFY(stack.store->create(fn, Runtime::Provided, files).ok());
        const Status s = stack.catalog->refresh(fn);
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().toString()));
        Reply r = invoke(fn, QByteArrayLiteral("{\"n\":5}"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("echo")).toObject().value(QStringLiteral("n")).toInt(), 5);
        QCOMPARE(r.json().value(QStringLiteral("runtime")).toString(), example);
        r = invoke(fn, QByteArrayLiteral("{\"fail\":true}"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("X-Amz-Function-Error"), QByteArray("Unhandled"));
        r = invoke(fn, QByteArrayLiteral("{\"n\":6}")); // the environment survived the error
        QCOMPARE(r.json().value(QStringLiteral("echo")).toObject().value(QStringLiteral("n")).toInt(), 6);
    }

    void providedInitErrorIsAFunctionError()
    {
        // The node bootstrap posts /runtime/init/error when the handler is missing.
        const QString dir = QStringLiteral(FUNCDESK_SOURCE_DIR "/resources/examples/provided-node");
        SourceFiles files;
        for (const QString &n : {QStringLiteral("bootstrap"), QStringLiteral("index.js")}) {
            QFile f(dir + QLatin1Char('/') + n);
            QVERIFY(f.open(QIODevice::ReadOnly));
            files.insert(n, SourceFile(f.readAll(), n == QLatin1String("bootstrap")));
        }
        files.insert(QStringLiteral("function.json"), SourceFile(QByteArrayLiteral("{\"runtime\":\"provided.al2023\",\"handler\":\"index.missing\"}")));
        QVERIFY(stack.store->create(QStringLiteral("custom-broken"), Runtime::Provided, files).ok());
        QVERIFY(stack.catalog->refresh(QStringLiteral("custom-broken")).ok());
        const Reply r = invoke(QStringLiteral("custom-broken"), QByteArrayLiteral("{}"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("X-Amz-Function-Error"), QByteArray("Unhandled"));
        QVERIFY2(r.json().value(QStringLiteral("errorType")).toString().startsWith(QStringLiteral("Runtime.")), r.body.constData());
    }
};

QTEST_GUILESS_MAIN(TestApiServer)
#include "tst_apiserver.moc"
