// The Service composition: lock, recording, API, async dispatcher (retries, throttles,
// destinations, resume after restart) and the schedule runner.
#include "apitestkit.h"
#include "invocationtable.h"

#include "api/requestguard.h"
#include "api/schedulerunner.h"
#include "api/service.h"
#include "store/asyncevents.h"
#include "store/queries.h"
#include "store/sqlite.h"
#include "store/writer.h"

#include "common/ids.h"

#include <QFile>
#include <QJsonArray>
#include <QTimeZone>

#include <optional>

using namespace funcdesk;
using namespace funcdesk::api;

namespace {

const QByteArray kRecorderPy = QByteArrayLiteral(
    "import json, os\n"
    "def handler(event, context):\n"
    "    with open(os.environ['OUT'], 'a') as f:\n"
    "        f.write(json.dumps(event) + '\\n')\n"
    "    if (isinstance(event, dict) and event.get('fail')) or os.environ.get('FAIL'):\n"
    "        raise RuntimeError('failing on purpose')\n"
    "    return {'ok': True}\n");

QList<QJsonObject> readLines(const QString &path)
{
    QList<QJsonObject> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray &l : lines) {
        if (!l.trimmed().isEmpty())
            out.append(QJsonDocument::fromJson(l).object());
    }
    return out;
}

} // namespace

class TestService : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir dir;
    DataDir dataDir() const { return DataDir{dir.path()}; }

    ServiceOptions options() const
    {
        ServiceOptions o;
        o.api.port = 0;
        o.async.retryDelaysMs = {100, 150};
        o.async.throttleBackoffMinMs = 50;
        o.async.throttleBackoffMaxMs = 200;
        o.async.pollIntervalMs = 100;
        return o;
    }

    // A recorder function writing every event it gets to <dir>/<name>.out (and failing
    // after that when its variables set FAIL).
    QString addRecorder(Service &service, const QString &name, const QByteArray &extra = {},
                        const QByteArray &extraVariables = {})
    {
        const QString out = dir.filePath(name + QStringLiteral(".out"));
        SourceFiles files;
        files.insert(QStringLiteral("app.py"), SourceFile(kRecorderPy));
        files.insert(QStringLiteral("function.json"),
                     SourceFile(QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\",\"environment\":{\"OUT\":\"")
                                + out.toUtf8() + QByteArrayLiteral("\"") + extraVariables + QByteArrayLiteral("}") + extra
                                + QByteArrayLiteral("}")));
        VersionStore store(dataDir());
        if (!store.create(name, Runtime::Python3, files).ok())
            return {};
        QSignalSpy changed(&service, &Service::functionChanged);
        service.refreshFunction(name);
        if (!changed.wait(10000))
            return {};
        return out;
    }

private Q_SLOTS:
    void startsRecordsAndRefusesASecondInstance()
    {
        auto service = Service::start(dataDir(), options());
        QVERIFY2(service.ok(), qPrintable(service.ok() ? QString() : service.error().toString()));
        QVERIFY((*service)->apiError().isEmpty());
        QVERIFY((*service)->apiAddress().startsWith(QStringLiteral("127.0.0.1:")));
        QSignalSpy ready(service->get(), &Service::ready);
        QVERIFY(ready.wait(10000));
        QCOMPARE(ready.first().first().toString(), QString());

        auto second = Service::start(dataDir(), options());
        QVERIFY(!second.ok());
        QCOMPARE(second.error().type, errc::DataDirInUse);

        QVERIFY(!addRecorder(**service, QStringLiteral("rec")).isEmpty());
        apitest::Client client(QStringLiteral("http://") + (*service)->apiAddress());
        const apitest::Reply r = client.call("POST", QStringLiteral("/2015-03-31/functions/rec/invocations"), QByteArrayLiteral("{\"a\":1}"));
        QCOMPARE(r.status, 200);
        QVERIFY((*service)->writer()->flush().ok());
        auto conn = store::Connection::open(dataDir().database());
        QVERIFY(conn.ok());
        QVERIFY(test::materializeInvocations(*conn));
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM invocations WHERE function='rec' AND trigger='api'"), 1);
        // the engine's framing lines come back from the record, the same as the engine wrote them
        const QString requestId = *conn->queryText("SELECT request_id FROM invocations WHERE function='rec'");
        auto lines = store::logLinesOf(*conn, requestId);
        QVERIFY(lines.ok());
        QVERIFY(lines->size() >= 3);
        QCOMPARE(lines->first().text, QStringLiteral("START RequestId: ") + requestId + QStringLiteral(" Version: $LATEST"));
        QVERIFY(lines->last().text.startsWith(QStringLiteral("REPORT RequestId: ") + requestId + QStringLiteral("\tDuration: ")));
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM log_lines WHERE text GLOB 'REPORT *'"), 0);
    }

    void asyncSuccessGoesToOnSuccessDestination()
    {
        auto service = Service::start(dataDir(), options());
        QVERIFY(service.ok());
        const QString sinkOut = addRecorder(**service, QStringLiteral("oksink"));
        const QString out = addRecorder(**service, QStringLiteral("okfn"), QByteArrayLiteral(",\"async\":{\"destinations\":{\"onSuccess\":\"oksink\"}}"));
        QVERIFY(!out.isEmpty() && !sinkOut.isEmpty());
        QSignalSpy finished(service->get(), &Service::asyncEventFinished);
        apitest::Client client(QStringLiteral("http://") + (*service)->apiAddress());
        const apitest::Reply r = client.call("POST", QStringLiteral("/2015-03-31/functions/okfn/invocations"), QByteArrayLiteral("{\"n\":1}"),
                                             {{"X-Amz-Invocation-Type", "Event"}});
        QCOMPARE(r.status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 15000);
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("okfn"));
        QCOMPARE(finished.at(0).at(2).toString(), QStringLiteral("done"));
        QCOMPARE(finished.at(1).at(1).toString(), QStringLiteral("oksink"));
        const QList<QJsonObject> records = readLines(sinkOut);
        QCOMPARE(records.size(), 1);
        const QJsonObject rec = records.first();
        QCOMPARE(rec.value(QStringLiteral("version")).toString(), QStringLiteral("1.0"));
        QCOMPARE(rec.value(QStringLiteral("requestContext")).toObject().value(QStringLiteral("condition")).toString(), QStringLiteral("Success"));
        QCOMPARE(rec.value(QStringLiteral("requestContext")).toObject().value(QStringLiteral("requestId")).toString(), QString::fromLatin1(r.header("x-amzn-RequestId")));
        QCOMPARE(rec.value(QStringLiteral("requestContext")).toObject().value(QStringLiteral("approximateInvokeCount")).toInt(), 1);
        QCOMPARE(rec.value(QStringLiteral("requestPayload")).toObject().value(QStringLiteral("n")).toInt(), 1);
        QCOMPARE(rec.value(QStringLiteral("responsePayload")).toObject().value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(rec.value(QStringLiteral("responseContext")).toObject().value(QStringLiteral("executedVersion")).toString(), QStringLiteral("$LATEST"));
    }

    void asyncFunctionErrorsAreRetriedThenDeadLettered()
    {
        auto service = Service::start(dataDir(), options());
        QVERIFY(service.ok());
        const QString sinkOut = addRecorder(**service, QStringLiteral("failsink"));
        const QString out = addRecorder(**service, QStringLiteral("failfn"), QByteArrayLiteral(",\"async\":{\"maximumRetryAttempts\":2,\"destinations\":{\"onFailure\":\"failsink\"}}"));
        QSignalSpy finished(service->get(), &Service::asyncEventFinished);
        (*service)->invokeAsync(QStringLiteral("failfn"), QString(), QByteArrayLiteral("{\"fail\":true}"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 20000);
        QCOMPARE(finished.at(0).at(2).toString(), QStringLiteral("dead"));
        QCOMPARE(finished.at(0).at(3).toString(), QStringLiteral("RetriesExhausted"));
        QCOMPARE(readLines(out).size(), 3); // first attempt + 2 retries
        const QList<QJsonObject> records = readLines(sinkOut);
        QCOMPARE(records.size(), 1);
        const QJsonObject ctx = records.first().value(QStringLiteral("requestContext")).toObject();
        QCOMPARE(ctx.value(QStringLiteral("condition")).toString(), QStringLiteral("RetriesExhausted"));
        QCOMPARE(ctx.value(QStringLiteral("approximateInvokeCount")).toInt(), 3);
        QCOMPARE(records.first().value(QStringLiteral("responseContext")).toObject().value(QStringLiteral("functionError")).toString(), QStringLiteral("Unhandled"));
        QCOMPARE(records.first().value(QStringLiteral("responsePayload")).toObject().value(QStringLiteral("errorType")).toString(), QStringLiteral("RuntimeError"));

        auto conn = store::Connection::open(dataDir().database());
        QVERIFY(conn.ok());
        const auto dead = store::listDeadLetterAsyncEvents(*conn, QStringLiteral("failfn"));
        QVERIFY(dead.ok());
        QCOMPARE(dead->size(), 1);
        QCOMPARE(dead->first().attempts, 3);
    }

    void oneFunctionsRetryDelaysCanBeReplaced()
    {
        auto service = Service::start(dataDir(), options()); // retries after 100 ms, then 150 ms
        QVERIFY(service.ok());
        const QString out = addRecorder(**service, QStringLiteral("slowretry"), QByteArrayLiteral(",\"async\":{\"maximumRetryAttempts\":1}"),
                                        QByteArrayLiteral(",\"FAIL\":\"1\""));
        QVERIFY(!out.isEmpty());
        (*service)->setAsyncRetryDelays(QStringLiteral("slowretry"), {900});
        QSignalSpy finished(service->get(), &Service::asyncEventFinished);
        QString requestId;
        (*service)->invokeAsync(QStringLiteral("slowretry"), QString(), QByteArrayLiteral("{}"),
                                [&requestId](Result<QString> id) { requestId = id.valueOr(QStringLiteral("failed")); });
        QTRY_VERIFY_WITH_TIMEOUT(!requestId.isEmpty(), 5000);
        QVERIFY(requestId != QLatin1String("failed"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QCOMPARE(finished.first().at(0).toString(), requestId);
        QVERIFY((*service)->writer()->flush().ok());
        auto conn = store::Connection::open(dataDir().database());
        QVERIFY(conn.ok());
        auto records = store::recentInvocations(*conn, QStringLiteral("slowretry"), 0, QDateTime::currentMSecsSinceEpoch() + 1000);
        QVERIFY(records.ok());
        QCOMPARE(records->size(), 2);
        // newest first: the retry began at least 900 ms after the first attempt
        QVERIFY2(records->at(0).startMs - records->at(1).startMs >= 900,
                 qPrintable(QString::number(records->at(0).startMs - records->at(1).startMs)));

        // An unknown function is refused with Lambda's error, not queued.
        std::optional<Result<QString>> refused;
        (*service)->invokeAsync(QStringLiteral("nosuch"), QString(), QByteArrayLiteral("{}"),
                                [&refused](Result<QString> r) { refused = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(refused.has_value(), 5000);
        QVERIFY(!refused->ok());
        QCOMPARE(refused->error().type, QString(errc::ResourceNotFound));
    }

    void functionsCanCallTheLocalApi()
    {
        auto service = Service::start(dataDir(), options());
        QVERIFY(service.ok());
        SourceFiles files;
        files.insert(QStringLiteral("app.py"),
                     SourceFile(QByteArrayLiteral("import os\n"
                                                  "def handler(event, context):\n"
                                                  "    return {k: os.environ.get(k) for k in ('AWS_ENDPOINT_URL_LAMBDA', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY')}\n")));
        files.insert(QStringLiteral("function.json"),
                     SourceFile(QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\"}")));
        VersionStore store(dataDir());
        QVERIFY(store.create(QStringLiteral("probe"), Runtime::Python3, files).ok());
        QSignalSpy changed(service->get(), &Service::functionChanged);
        (*service)->refreshFunction(QStringLiteral("probe"));
        QVERIFY(changed.wait(10000));
        apitest::Client client(QStringLiteral("http://") + (*service)->apiAddress());
        apitest::Reply r = client.call("POST", QStringLiteral("/2015-03-31/functions/probe/invocations"), QByteArrayLiteral("{}"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("AWS_ENDPOINT_URL_LAMBDA")).toString(),
                 QStringLiteral("http://") + (*service)->apiAddress());
        QVERIFY(!r.json().value(QStringLiteral("AWS_ACCESS_KEY_ID")).toString().isEmpty());
        QVERIFY(!r.json().value(QStringLiteral("AWS_SECRET_ACCESS_KEY")).toString().isEmpty());
        // They are the platform's, not the function's configuration.
        r = client.call("GET", QStringLiteral("/2015-03-31/functions/probe/configuration"));
        QCOMPARE(r.status, 200);
        const QJsonObject variables =
            r.json().value(QStringLiteral("Environment")).toObject().value(QStringLiteral("Variables")).toObject();
        QVERIFY(!variables.contains(QStringLiteral("AWS_ENDPOINT_URL_LAMBDA")));
        QVERIFY(!variables.contains(QStringLiteral("AWS_ACCESS_KEY_ID")));
    }

    void signaturesCanBeRequired()
    {
        QProcess probe;
        probe.start(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import boto3")});
        QVERIFY(probe.waitForFinished(20000));
        if (probe.exitCode() != 0)
            QSKIP("boto3 is not installed");
        ServiceOptions o = options();
        o.api.requireLocalCredentials = true;
        auto service = Service::start(dataDir(), o);
        QVERIFY(service.ok());
        // A function that lists functions with boto3 and the credentials its environment got.
        SourceFiles files;
        files.insert(QStringLiteral("app.py"),
                     SourceFile(QByteArrayLiteral("import os, boto3\n"
                                                  "def handler(event, context):\n"
                                                  "    lam = boto3.client('lambda', endpoint_url=os.environ['AWS_ENDPOINT_URL_LAMBDA'])\n"
                                                  "    return sorted(f['FunctionName'] for f in lam.list_functions()['Functions'])\n")));
        files.insert(QStringLiteral("function.json"),
                     SourceFile(QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\",\"timeout\":20}")));
        VersionStore store(dataDir());
        QVERIFY(store.create(QStringLiteral("lister"), Runtime::Python3, files).ok());
        QSignalSpy changed(service->get(), &Service::functionChanged);
        (*service)->refreshFunction(QStringLiteral("lister"));
        QVERIFY(changed.wait(10000));

        const QString token = readLocalToken(dataDir());
        auto sdk = [&](const QString &secret) {
            QProcess p;
            p.setProcessChannelMode(QProcess::MergedChannels);
            p.start(QStringLiteral("python3"),
                    {QStringLiteral("-c"),
                     QStringLiteral("import sys, boto3\n"
                                    "from botocore.exceptions import ClientError\n"
                                    "lam = boto3.client('lambda', endpoint_url=sys.argv[1], region_name='us-east-1',\n"
                                    "                   aws_access_key_id='FUNCDESKLOCAL', aws_secret_access_key=sys.argv[2])\n"
                                    "try:\n"
                                    "    print('RESULT', lam.invoke(FunctionName='lister')['Payload'].read().decode())\n"
                                    "except ClientError as e:\n"
                                    "    print('ERROR', e.response['Error']['Code'])\n"),
                     QStringLiteral("http://") + (*service)->apiAddress(), secret});
            p.waitForFinished(60000);
            return QString::fromUtf8(p.readAll()).trimmed();
        };
        // The data dir's credentials verify, for the caller and for the function inside.
        const QString listed = sdk(token);
        QVERIFY2(listed.startsWith(QStringLiteral("RESULT [")) && listed.contains(QStringLiteral("\"lister\"")), qPrintable(listed));
        // Any other secret signs a well-formed request that no longer passes.
        QCOMPARE(sdk(QStringLiteral("local")), QStringLiteral("ERROR InvalidSignatureException"));
    }

    void throttledEventsWaitForCapacity()
    {
        auto service = Service::start(dataDir(), options());
        QVERIFY(service.ok());
        const QString out = addRecorder(**service, QStringLiteral("tight"), QByteArrayLiteral(",\"reservedConcurrency\":0"));
        QSignalSpy finished(service->get(), &Service::asyncEventFinished);
        (*service)->invokeAsync(QStringLiteral("tight"), QString(), QByteArrayLiteral("{\"t\":1}"));
        // Throttled: it stays queued (pending, retried with backoff), nothing ran.
        auto conn = store::Connection::open(dataDir().database());
        QVERIFY(conn.ok());
        QTRY_VERIFY_WITH_TIMEOUT(*conn->queryInt("SELECT count(*) FROM async_events WHERE function='tight' AND attempts >= 2") == 1, 10000);
        QCOMPARE(finished.count(), 0);
        QVERIFY(readLines(out).isEmpty());
        // Capacity comes back: the event runs.
        apitest::Client client(QStringLiteral("http://") + (*service)->apiAddress());
        QCOMPARE(client.call("DELETE", QStringLiteral("/2017-10-31/functions/tight/concurrency")).status, 204);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QCOMPARE(finished.first().at(2).toString(), QStringLiteral("done"));
        QCOMPARE(readLines(out).size(), 1);
    }

    void unfinishedEventsResumeAfterRestart()
    {
        QString out;
        {
            auto service = Service::start(dataDir(), options());
            QVERIFY(service.ok());
            out = addRecorder(**service, QStringLiteral("resumer"));
        }
        // As if the app died while dispatching: a claimed (running) event is left behind.
        {
            auto conn = store::Connection::open(dataDir().database());
            QVERIFY(conn.ok());
            store::AsyncEvent e;
            e.requestId = newRequestId();
            e.function = QStringLiteral("resumer");
            e.payload = QByteArrayLiteral("{\"resumed\":true}");
            e.trigger = TriggerKind::Schedule; // a scheduled fire, queued before the stop
            QVERIFY(store::insertAsyncEvent(*conn, e).ok());
            const auto claimed = store::claimDueAsyncEvents(*conn, QDateTime::currentMSecsSinceEpoch() + 1000, 10);
            QVERIFY(claimed.ok());
            QCOMPARE(claimed->size(), 1);
        }
        auto service = Service::start(dataDir(), options());
        QVERIFY(service.ok());
        QSignalSpy finished(service->get(), &Service::asyncEventFinished);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
        QCOMPARE(finished.first().at(2).toString(), QStringLiteral("done"));
        const QList<QJsonObject> got = readLines(out);
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.first().value(QStringLiteral("resumed")).toBool(), true);
        // and its record still says what sent it
        QVERIFY((*service)->writer()->flush().ok());
        auto conn = store::Connection::open(dataDir().database());
        QVERIFY(conn.ok());
        QVERIFY(test::materializeInvocations(*conn));
        QCOMPARE(*conn->queryText("SELECT trigger FROM invocations WHERE function='resumer'"), QStringLiteral("schedule"));
    }

    void schedulesTakeTheAsyncPath()
    {
        auto service = Service::start(dataDir(), options());
        QVERIFY(service.ok());
        QSignalSpy ready(service->get(), &Service::ready);
        QVERIFY(ready.wait(10000));
        const QByteArray hourly = QByteArrayLiteral(",\"triggers\":{\"schedules\":[\"rate(1 hour)\"]}");
        const QString tickOut = addRecorder(**service, QStringLiteral("tick"), hourly);
        const QString sinkOut = addRecorder(**service, QStringLiteral("cronsink"));
        const QString failOut = addRecorder(**service, QStringLiteral("cronfail"),
                                            QByteArrayLiteral(",\"async\":{\"maximumRetryAttempts\":2,\"destinations\":{\"onFailure\":\"cronsink\"}}") + hourly,
                                            QByteArrayLiteral(",\"FAIL\":\"1\""));
        QVERIFY(!tickOut.isEmpty() && !sinkOut.isEmpty() && !failOut.isEmpty());
        QSignalSpy finished(service->get(), &Service::asyncEventFinished);
        // A day after the last fire: each schedule fires once (missed runs are not replayed).
        int fired = -1;
        (*service)->fireSchedules(QDateTime::currentDateTimeUtc().addDays(1), [&fired](int n) { fired = n; });
        QTRY_COMPARE(fired, 2);
        // tick done; cronfail dead after its retries; its failure record delivered to cronsink.
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 20000);
        QHash<QString, QString> outcome;
        for (const QList<QVariant> &f : std::as_const(finished))
            outcome.insert(f.at(1).toString(), f.at(2).toString() + QLatin1Char('/') + f.at(3).toString());
        QCOMPARE(outcome.value(QStringLiteral("tick")), QStringLiteral("done/Success"));
        QCOMPARE(outcome.value(QStringLiteral("cronfail")), QStringLiteral("dead/RetriesExhausted"));
        QCOMPARE(outcome.value(QStringLiteral("cronsink")), QStringLiteral("done/Success"));

        // The Scheduled Event payload; the failing one is the same event retried twice.
        const QList<QJsonObject> ticks = readLines(tickOut);
        QCOMPARE(ticks.size(), 1);
        QCOMPARE(ticks.first().value(QStringLiteral("detail-type")).toString(), QStringLiteral("Scheduled Event"));
        QCOMPARE(ticks.first().value(QStringLiteral("source")).toString(), QStringLiteral("aws.events"));
        const QList<QJsonObject> attempts = readLines(failOut);
        QCOMPARE(attempts.size(), 3);
        QCOMPARE(attempts.at(2).value(QStringLiteral("id")), attempts.at(0).value(QStringLiteral("id")));
        QCOMPARE(attempts.at(2).value(QStringLiteral("detail-type")).toString(), QStringLiteral("Scheduled Event"));
        const QList<QJsonObject> records = readLines(sinkOut);
        QCOMPARE(records.size(), 1);
        QCOMPARE(records.first().value(QStringLiteral("requestContext")).toObject().value(QStringLiteral("condition")).toString(),
                 QStringLiteral("RetriesExhausted"));
        QCOMPARE(records.first().value(QStringLiteral("requestPayload")).toObject().value(QStringLiteral("detail-type")).toString(),
                 QStringLiteral("Scheduled Event"));

        // Written to the queue first, like any Event invocation; recorded as schedule runs.
        auto conn = store::Connection::open(dataDir().database());
        QVERIFY(conn.ok());
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM async_events WHERE function='tick' AND status='done'"), 1);
        const auto dead = store::listDeadLetterAsyncEvents(*conn, QStringLiteral("cronfail"));
        QVERIFY(dead.ok());
        QCOMPARE(dead->size(), 1);
        QCOMPARE(dead->first().attempts, 3);
        QVERIFY(dead->first().payload.contains("Scheduled Event"));
        QVERIFY((*service)->writer()->flush().ok());
        QVERIFY(test::materializeInvocations(*conn));
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM invocations WHERE function='tick' AND trigger='schedule'"), 1);
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM invocations WHERE function='cronfail' AND trigger='schedule'"), 3);
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM invocations WHERE function IN ('tick','cronfail') AND trigger!='schedule'"), 0);
    }

    void tokenRules()
    {
        ServiceOptions open = options();
        open.api.address = QStringLiteral("0.0.0.0");
        {
            auto service = Service::start(dataDir(), open);
            QVERIFY(service.ok());
            QVERIFY((*service)->apiAddress().isEmpty());
            QVERIFY2((*service)->apiError().contains(QStringLiteral("InsecureBind")), qPrintable((*service)->apiError()));
        }
        ServiceOptions guarded = options();
        guarded.api.token = QStringLiteral("s3cret");
        auto service = Service::start(dataDir(), guarded);
        QVERIFY(service.ok());
        apitest::Client client(QStringLiteral("http://") + (*service)->apiAddress());
        apitest::Reply r = client.call("GET", QStringLiteral("/2015-03-31/functions"));
        QCOMPARE(r.status, 403);
        QCOMPARE(r.errorType(), QStringLiteral("UnrecognizedClientException"));
        r = client.call("GET", QStringLiteral("/2015-03-31/functions"), {}, {{"Authorization", "Bearer wrong!"}});
        QCOMPARE(r.status, 403);
        r = client.call("GET", QStringLiteral("/2015-03-31/functions"), {}, {{"Authorization", "Bearer s3cret"}});
        QCOMPARE(r.status, 200);
    }

    // On loopback the data dir's token file (what the command line sends) is accepted;
    // nothing is without some credential.
    void localTokenFileIsAccepted()
    {
        auto service = Service::start(dataDir(), options());
        QVERIFY(service.ok());
        const QString token = readLocalToken(dataDir());
        QCOMPARE(token.size(), 64);
        apitest::Client anonymous(QStringLiteral("http://") + (*service)->apiAddress(), QByteArray());
        apitest::Reply r = anonymous.call("GET", QStringLiteral("/2015-03-31/functions"));
        QCOMPARE(r.status, 403);
        QCOMPARE(r.errorType(), QStringLiteral("UnrecognizedClientException"));
        r = anonymous.call("GET", QStringLiteral("/2015-03-31/functions"), {}, {{"Authorization", "Bearer " + token.toLatin1()}});
        QCOMPARE(r.status, 200);
    }

    void constantTimeCompare_data()
    {
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<bool>("equal");
        QTest::newRow("same") << QByteArray("Bearer x") << QByteArray("Bearer x") << true;
        QTest::newRow("differs") << QByteArray("Bearer x") << QByteArray("Bearer y") << false;
        QTest::newRow("prefix") << QByteArray("Bearer") << QByteArray("Bearer x") << false;
        QTest::newRow("empty") << QByteArray() << QByteArray("Bearer x") << false;
    }
    void constantTimeCompare()
    {
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(bool, equal);
        QCOMPARE(constantTimeEquals(a, b), equal);
        QCOMPARE(isLoopbackAddress(QStringLiteral("127.0.0.1")), true);
        QCOMPARE(isLoopbackAddress(QStringLiteral("::1")), true);
        QCOMPARE(isLoopbackAddress(QStringLiteral("0.0.0.0")), false);
    }

    void invocationRecordShape_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("response");
        QTest::addColumn<bool>("functionError");
        QTest::newRow("json in and out") << QByteArray("{\"a\":1}") << QByteArray("{\"ok\":true}") << false;
        QTest::newRow("error document") << QByteArray("[1,2]") << QByteArray("{\"errorMessage\":\"x\",\"errorType\":\"E\"}") << true;
        QTest::newRow("plain values") << QByteArray("\"hi\"") << QByteArray("42") << false;
    }
    void invocationRecordShape()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, response);
        QFETCH(bool, functionError);
        const QJsonObject r = QJsonDocument::fromJson(AsyncDispatcher::invocationRecord(
                                                          QStringLiteral("req-1"), QStringLiteral("fn"), QStringLiteral("3"), QStringLiteral("RetriesExhausted"), 3,
                                                          request, response, functionError))
                                  .object();
        QCOMPARE(r.value(QStringLiteral("version")).toString(), QStringLiteral("1.0"));
        QVERIFY(QDateTime::fromString(r.value(QStringLiteral("timestamp")).toString(), Qt::ISODateWithMs).isValid());
        const QJsonObject ctx = r.value(QStringLiteral("requestContext")).toObject();
        QCOMPARE(ctx.value(QStringLiteral("requestId")).toString(), QStringLiteral("req-1"));
        QCOMPARE(ctx.value(QStringLiteral("functionArn")).toString(), QStringLiteral("arn:aws:lambda:us-east-1:000000000000:function:fn:3"));
        QCOMPARE(ctx.value(QStringLiteral("condition")).toString(), QStringLiteral("RetriesExhausted"));
        QCOMPARE(ctx.value(QStringLiteral("approximateInvokeCount")).toInt(), 3);
        // Payloads are embedded as JSON values, not strings.
        QCOMPARE(r.value(QStringLiteral("requestPayload")), QJsonDocument::fromJson("[" + request + "]").array().first());
        QCOMPARE(r.value(QStringLiteral("responsePayload")), QJsonDocument::fromJson("[" + response + "]").array().first());
        const QJsonObject rc = r.value(QStringLiteral("responseContext")).toObject();
        QCOMPARE(rc.value(QStringLiteral("statusCode")).toInt(), 200);
        QCOMPARE(rc.value(QStringLiteral("executedVersion")).toString(), QStringLiteral("3"));
        QCOMPARE(rc.contains(QStringLiteral("functionError")), functionError);
    }

    void scheduleRunnerFiresScheduledEvents()
    {
        apitest::Stack stack;
        QVERIFY(stack.start());
        QVERIFY(stack.addPython(QStringLiteral("cronfn"),
                                QByteArrayLiteral(",\"triggers\":{\"schedules\":[\"rate(5 minutes)\",{\"expression\":\"cron(0 12 * * ? *)\",\"enabled\":false}]}")));
        QVERIFY(stack.addPython(QStringLiteral("plain")));
        QList<AsyncInvocation> sent;
        ScheduleRunner runner(stack.catalog.get(), [&sent](const AsyncInvocation &inv) { sent.append(inv); });
        const QDateTime now = QDateTime(QDate(2030, 1, 1), QTime(10, 2, 30), QTimeZone::utc());
        runner.reload(now);
        QCOMPARE(runner.scheduleCount(), 1); // the disabled one is not armed
        const QDateTime next = runner.nextFire(QStringLiteral("cronfn"), 0);
        QVERIFY(next > now);
        QVERIFY(next <= now.addSecs(300));
        QCOMPARE(runner.fireDue(now), 0);
        QCOMPARE(runner.fireDue(next), 1);
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent.first().function, QStringLiteral("cronfn"));
        QCOMPARE(sent.first().qualifier, QStringLiteral("$LATEST"));
        QCOMPARE(sent.first().trigger, TriggerKind::Schedule);
        const QJsonObject event = QJsonDocument::fromJson(sent.first().payload).object();
        QCOMPARE(event.value(QStringLiteral("detail-type")).toString(), QStringLiteral("Scheduled Event"));
        QCOMPARE(event.value(QStringLiteral("source")).toString(), QStringLiteral("aws.events"));
        QCOMPARE(event.value(QStringLiteral("time")).toString(), next.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ")));
        QVERIFY(event.value(QStringLiteral("resources")).toArray().first().toString().startsWith(QStringLiteral("arn:aws:events:")));
        QVERIFY(runner.nextFire(QStringLiteral("cronfn"), 0) > next);
        // Missed fire times are not replayed: a day late is one more event, not 288.
        QCOMPARE(runner.fireDue(next.addDays(1)), 1);
        QCOMPARE(sent.size(), 2);
        QVERIFY(runner.nextFire(QStringLiteral("cronfn"), 0) > next.addDays(1));
    }
};

QTEST_GUILESS_MAIN(TestService)
#include "tst_service.moc"
