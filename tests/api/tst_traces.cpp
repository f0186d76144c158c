// Traces across functions, end to end: real python3 functions calling each other with
// boto3 (which forwards _X_AMZN_TRACE_ID as X-Amzn-Trace-Id by itself, as in Lambda),
// through the Service's real API, recorded by the real writer into SQLite.
#include "apitestkit.h"

#include "api/service.h"
#include "common/trace.h"
#include "store/sqlite.h"
#include "store/traces.h"
#include "store/writer.h"
#include "versioning/versionstore.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::api;

namespace {

// Calls `worker` synchronously, then as an event, with boto3 and the endpoint and
// credentials its environment got; returns what the synchronous call answered.
const QByteArray kCallerPy = QByteArrayLiteral(
    "import json, os, boto3\n"
    "lam = boto3.client('lambda', endpoint_url=os.environ['AWS_ENDPOINT_URL_LAMBDA'])\n"
    "def handler(event, context):\n"
    "    r = lam.invoke(FunctionName='worker', Payload=json.dumps({'n': 1}))\n"
    "    lam.invoke(FunctionName='worker', InvocationType='Event', Payload=json.dumps({'n': 2}))\n"
    "    return {'sync': json.loads(r['Payload'].read()), 'trace': os.environ['_X_AMZN_TRACE_ID']}\n");

// Calls `worker` through InvokeWithResponseStream and reads the whole stream.
const QByteArray kStreamCallerPy = QByteArrayLiteral(
    "import json, os, boto3\n"
    "lam = boto3.client('lambda', endpoint_url=os.environ['AWS_ENDPOINT_URL_LAMBDA'])\n"
    "def handler(event, context):\n"
    "    r = lam.invoke_with_response_stream(FunctionName='worker', Payload=json.dumps({'n': 4}))\n"
    "    body = b''.join(e['PayloadChunk']['Payload'] for e in r['EventStream'] if 'PayloadChunk' in e)\n"
    "    return {'streamed': json.loads(body), 'trace': os.environ['_X_AMZN_TRACE_ID']}\n");

const QByteArray kWorkerPy = QByteArrayLiteral(
    "import os\n"
    "def handler(event, context):\n"
    "    return {'n': event.get('n'), 'trace': os.environ['_X_AMZN_TRACE_ID']}\n");

// Hands every event on to itself as a new event: a loop only the chain limit stops.
const QByteArray kLooperPy = QByteArrayLiteral(
    "import json, os, boto3\n"
    "lam = boto3.client('lambda', endpoint_url=os.environ['AWS_ENDPOINT_URL_LAMBDA'])\n"
    "def handler(event, context):\n"
    "    lam.invoke(FunctionName='looper', InvocationType='Event', Payload=json.dumps({'hop': event.get('hop', 0) + 1}))\n"
    "    return event\n");

// Sends its event on as an SQS message with boto3 (a queue hop in the trace).
const QByteArray kProducerPy = QByteArrayLiteral(
    "import json, os, boto3\n"
    "sqs = boto3.client('sqs', endpoint_url=os.environ['AWS_ENDPOINT_URL_SQS'])\n"
    "def handler(event, context):\n"
    "    url = sqs.get_queue_url(QueueName='hops')['QueueUrl']\n"
    "    return sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))['MessageId']\n");

const QByteArray kConsumerPy = QByteArrayLiteral(
    "def handler(event, context):\n"
    "    return [r['attributes'].get('AWSTraceHeader') for r in event['Records']]\n");

// Calls `worker` with the AWS SDK for JavaScript v3 and no endpoint in the code: the SDK
// finds AWS_ENDPOINT_URL_LAMBDA, the region and the credentials in its environment, and
// forwards _X_AMZN_TRACE_ID as X-Amzn-Trace-Id, as it does in Lambda.
const QByteArray kNodeCallerJs = QByteArrayLiteral(
    "const { LambdaClient, InvokeCommand } = require(process.env.SDK_DIR + '/node_modules/@aws-sdk/client-lambda');\n"
    "const client = new LambdaClient({});\n"
    "exports.handler = async () => {\n"
    "  const r = await client.send(new InvokeCommand({ FunctionName: 'worker', Payload: Buffer.from('{\"n\":3}') }));\n"
    "  return JSON.parse(Buffer.from(r.Payload).toString());\n"
    "};\n");

// Where the test installs the SDK's Lambda client from npm (once per build tree).
const QString kSdkDir = QStringLiteral(FUNCDESK_BINARY_DIR "/npm-sdk-lambda");

bool hasBoto3()
{
    QProcess probe;
    probe.start(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import boto3")});
    return probe.waitForFinished(30000) && probe.exitCode() == 0;
}

} // namespace

class TestTraces : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<QTemporaryDir> dir; // a data dir of its own for each test
    DataDir dataDir() const { return DataDir{dir->path()}; }

    ServiceOptions options() const
    {
        ServiceOptions o;
        o.api.port = 0;
        o.async.retryDelaysMs = {100, 150};
        o.async.pollIntervalMs = 50;
        return o;
    }

    bool add(Service &service, const QString &name, const QByteArray &code)
    {
        SourceFiles files;
        files.insert(QStringLiteral("app.py"), SourceFile(code));
        files.insert(QStringLiteral("function.json"),
                     SourceFile(QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\",\"timeout\":30}")));
        VersionStore store(dataDir());
        if (!store.create(name, Runtime::Python3, files).ok())
            return false;
        QSignalSpy changed(&service, &Service::functionChanged);
        service.refreshFunction(name);
        return changed.wait(10000);
    }

    QList<store::Span> spansOf(Service &service, const QString &traceId)
    {
        if (!service.writer() || !service.writer()->flush())
            return {};
        auto conn = store::Connection::open(dataDir().database(), {.readOnly = true});
        if (!conn)
            return {};
        return store::traceSpans(*conn, traceId).valueOr({});
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!hasBoto3())
            QSKIP("boto3 is not installed for python3 (Debian: python3-boto3)");
    }

    void init() { dir = std::make_unique<QTemporaryDir>(); }

    void callsBetweenFunctionsMakeOneTrace()
    {
        auto service = Service::start(dataDir(), options());
        QVERIFY(service.ok());
        QVERIFY(add(**service, QStringLiteral("worker"), kWorkerPy));
        QVERIFY(add(**service, QStringLiteral("caller"), kCallerPy));
        QSignalSpy asyncDone(service->get(), &Service::asyncEventFinished);

        // The caller comes with a trace of its own, as from a traced client.
        const QString root = newTraceRoot(QDateTime::currentSecsSinceEpoch());
        const QByteArray incoming = "Root=" + root.toLatin1() + ";Parent=1234567890abcdef;Sampled=1";
        apitest::Client client(QStringLiteral("http://") + (*service)->apiAddress());
        const apitest::Reply r = client.call("POST", QStringLiteral("/2015-03-31/functions/caller/invocations"), "{}",
                                             {{"X-Amzn-Trace-Id", incoming}});
        QCOMPARE(r.status, 200);
        QVERIFY2(r.header("X-Amz-Function-Error").isEmpty(), r.body.constData());
        const QJsonObject answer = QJsonDocument::fromJson(r.body).object();
        QCOMPARE(answer.value(QStringLiteral("sync")).toObject().value(QStringLiteral("n")).toInt(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(asyncDone.count(), 1, 20000);
        QCOMPARE(asyncDone.first().at(2).toString(), QStringLiteral("done"));

        const QList<store::Span> spans = spansOf(**service, root);
        QCOMPARE(spans.size(), 3);
        const store::Span &caller = spans.first();
        QCOMPARE(caller.function, QStringLiteral("caller"));
        QCOMPARE(caller.parentSpanId, QStringLiteral("1234567890abcdef"));
        // What the caller's handler saw is what it handed on: its own span as the parent.
        const TraceHeader seen = TraceHeader::parse(answer.value(QStringLiteral("trace")).toString().toLatin1());
        QCOMPARE(seen.root, root);
        QCOMPARE(seen.parent, caller.spanId);
        QSet<QString> triggers;
        for (const store::Span &s : spans.sliced(1)) {
            QCOMPARE(s.function, QStringLiteral("worker"));
            QCOMPARE(s.parentSpanId, caller.spanId);
            QVERIFY(s.startMs >= caller.startMs);
            triggers.insert(triggerName(s.trigger));
        }
        QCOMPARE(triggers, (QSet<QString>{QStringLiteral("api"), QStringLiteral("async")}));
        // Listed with its root function, the functions it touched and no errors.
        auto conn = store::Connection::open(dataDir().database(), {.readOnly = true});
        QVERIFY(conn.ok());
        const auto recent = store::recentTraces(*conn, 0);
        QVERIFY(recent.ok());
        QCOMPARE(recent->size(), 1);
        QCOMPARE(recent->first().rootFunction, QStringLiteral("caller"));
        QCOMPARE(recent->first().functions, 2);
        QCOMPARE(recent->first().spans, 3);
        QCOMPARE(recent->first().errors, 0);
    }

    // InvokeWithResponseStream is a call like Invoke: the callee's span hangs under the
    // caller's, and the callee sees the caller's trace.
    void aStreamedCallContinuesTheTrace()
    {
        auto service = Service::start(dataDir(), options());
        QVERIFY(service.ok());
        QVERIFY(add(**service, QStringLiteral("worker"), kWorkerPy));
        QVERIFY(add(**service, QStringLiteral("streamer"), kStreamCallerPy));
        apitest::Client client(QStringLiteral("http://") + (*service)->apiAddress());
        const apitest::Reply r = client.call("POST", QStringLiteral("/2015-03-31/functions/streamer/invocations"), "{}");
        QCOMPARE(r.status, 200);
        QVERIFY2(r.header("X-Amz-Function-Error").isEmpty(), r.body.constData());
        const QJsonObject answer = QJsonDocument::fromJson(r.body).object();
        const QJsonObject streamed = answer.value(QStringLiteral("streamed")).toObject();
        QCOMPARE(streamed.value(QStringLiteral("n")).toInt(), 4);
        const TraceHeader caller = TraceHeader::parse(answer.value(QStringLiteral("trace")).toString().toLatin1());
        const TraceHeader callee = TraceHeader::parse(streamed.value(QStringLiteral("trace")).toString().toLatin1());
        QVERIFY(!caller.root.isEmpty());
        QCOMPARE(callee.root, caller.root);

        const QList<store::Span> spans = spansOf(**service, caller.root);
        QCOMPARE(spans.size(), 2);
        QCOMPARE(spans[0].function, QStringLiteral("streamer"));
        QCOMPARE(spans[1].function, QStringLiteral("worker"));
        QCOMPARE(spans[1].parentSpanId, spans[0].spanId);
        QCOMPARE(callee.parent, spans[1].spanId);
    }

    void aQueueHopContinuesTheTrace()
    {
        auto service = Service::start(dataDir(), options());
        QVERIFY(service.ok());
        QVERIFY(add(**service, QStringLiteral("producer"), kProducerPy));
        QVERIFY(add(**service, QStringLiteral("consumer"), kConsumerPy));
        apitest::Client client(QStringLiteral("http://") + (*service)->apiAddress());
        QCOMPARE(client.call("POST", QStringLiteral("/"), "{\"QueueName\":\"hops\"}", {{"X-Amz-Target", "AmazonSQS.CreateQueue"}}).status, 200);
        const apitest::Reply mapped = client.call("POST", QStringLiteral("/2015-03-31/event-source-mappings/"),
                                                  "{\"FunctionName\":\"consumer\",\"EventSourceArn\":\"arn:aws:sqs:us-east-1:000000000000:hops\",\"BatchSize\":1}");
        QVERIFY2(mapped.status == 202, mapped.body.constData());
        const apitest::Reply r = client.call("POST", QStringLiteral("/2015-03-31/functions/producer/invocations"), "{\"order\":7}");
        QCOMPARE(r.status, 200);
        QVERIFY2(r.header("X-Amz-Function-Error").isEmpty(), r.body.constData());

        // The consumer runs from the mapping under the producer's trace, its parent the producer.
        auto conn = store::Connection::open(dataDir().database(), {.readOnly = true});
        QVERIFY(conn.ok());
        QList<store::TraceSummary> traces;
        QTRY_VERIFY_WITH_TIMEOUT(((void)(*service)->writer()->flush(), traces = store::recentTraces(*conn, 0, 10, QStringLiteral("consumer")).valueOr({}),
                                  !traces.isEmpty() && traces.first().spans == 2),
                                 20000);
        const QList<store::Span> spans = spansOf(**service, traces.first().traceId);
        QCOMPARE(spans.size(), 2);
        QCOMPARE(spans[0].function, QStringLiteral("producer"));
        QCOMPARE(spans[1].function, QStringLiteral("consumer"));
        QCOMPARE(spans[1].parentSpanId, spans[0].spanId);
        QCOMPARE(triggerName(spans[1].trigger), QStringLiteral("queue"));
    }

    void theJavaScriptSdkCarriesTheTraceToo()
    {
        if (!QFile::exists(kSdkDir + QStringLiteral("/node_modules/@aws-sdk/client-lambda/package.json"))) {
            if (QStandardPaths::findExecutable(QStringLiteral("npm")).isEmpty())
                QSKIP("npm is not installed (packaging/dev.sh installs it): cannot fetch @aws-sdk/client-lambda");
            QProcess npm;
            npm.setProcessChannelMode(QProcess::MergedChannels);
            npm.start(QStringLiteral("npm"), {QStringLiteral("install"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund"),
                                              QStringLiteral("--prefix"), kSdkDir, QStringLiteral("@aws-sdk/client-lambda@3")});
            QVERIFY(npm.waitForFinished(300000));
            QVERIFY2(npm.exitCode() == 0, npm.readAll().constData());
        }
        auto service = Service::start(dataDir(), options());
        QVERIFY(service.ok());
        QVERIFY(add(**service, QStringLiteral("worker"), kWorkerPy));
        SourceFiles files;
        files.insert(QStringLiteral("index.js"), SourceFile(kNodeCallerJs));
        files.insert(QStringLiteral("function.json"),
                     SourceFile(QByteArrayLiteral("{\"runtime\":\"nodejs20.x\",\"handler\":\"index.handler\",\"timeout\":30,"
                                                  "\"environment\":{\"SDK_DIR\":\"") + kSdkDir.toUtf8() + QByteArrayLiteral("\"}}")));
        VersionStore store(dataDir());
        QVERIFY(store.create(QStringLiteral("nodecaller"), Runtime::NodeJs, files).ok());
        QSignalSpy changed(service->get(), &Service::functionChanged);
        (*service)->refreshFunction(QStringLiteral("nodecaller"));
        QVERIFY(changed.wait(10000));

        apitest::Client client(QStringLiteral("http://") + (*service)->apiAddress());
        const apitest::Reply r = client.call("POST", QStringLiteral("/2015-03-31/functions/nodecaller/invocations"), "{}");
        QCOMPARE(r.status, 200);
        QVERIFY2(r.header("X-Amz-Function-Error").isEmpty(), r.body.constData());
        const QJsonObject answer = QJsonDocument::fromJson(r.body).object();
        QCOMPARE(answer.value(QStringLiteral("n")).toInt(), 3);
        const TraceHeader seen = TraceHeader::parse(answer.value(QStringLiteral("trace")).toString().toLatin1());
        QVERIFY(seen.isValid());
        const QList<store::Span> spans = spansOf(**service, seen.root);
        QCOMPARE(spans.size(), 2);
        QCOMPARE(spans[0].function, QStringLiteral("nodecaller"));
        QCOMPARE(spans[1].function, QStringLiteral("worker"));
        QCOMPARE(spans[1].parentSpanId, spans[0].spanId);
        QCOMPARE(seen.parent, spans[1].spanId); // what the worker handed on is its own span
    }

    void aSingleFunctionLeavesNoTrace()
    {
        auto service = Service::start(dataDir(), options());
        QVERIFY(service.ok());
        QVERIFY(add(**service, QStringLiteral("alone"), kWorkerPy));
        apitest::Client client(QStringLiteral("http://") + (*service)->apiAddress());
        const apitest::Reply r = client.call("POST", QStringLiteral("/2015-03-31/functions/alone/invocations"), "{\"n\":5}");
        QCOMPARE(r.status, 200);
        const TraceHeader seen = TraceHeader::parse(QJsonDocument::fromJson(r.body).object().value(QStringLiteral("trace")).toString().toLatin1());
        QVERIFY(seen.isValid()); // the handler still gets a trace id, as in Lambda
        QVERIFY(spansOf(**service, seen.root).isEmpty());
    }

    void aLoopStopsAfterSixteenCalls()
    {
        auto service = Service::start(dataDir(), options());
        QVERIFY(service.ok());
        QVERIFY(add(**service, QStringLiteral("looper"), kLooperPy));
        QSignalSpy asyncDone(service->get(), &Service::asyncEventFinished);
        QString requestId;
        (*service)->invokeAsync(QStringLiteral("looper"), QString(), QByteArrayLiteral("{\"hop\":0}"),
                                [&requestId](Result<QString> id) { requestId = id.valueOr(QStringLiteral("-")); });
        QTRY_VERIFY(!requestId.isEmpty());
        QVERIFY(requestId != QLatin1String("-"));
        // 16 calls run; the 17th is stopped and dead-lettered, never retried.
        QTRY_VERIFY_WITH_TIMEOUT(asyncDone.size() >= 17, 120000);
        QTest::qWait(500);
        QCOMPARE(asyncDone.size(), 17);
        // (The stopped call ends at once, possibly before the call that made it.)
        QStringList outcomes;
        for (const QList<QVariant> &e : asyncDone)
            outcomes.append(e.at(2).toString() + QLatin1Char(' ') + e.at(3).toString());
        QCOMPARE(outcomes.count(QStringLiteral("done Success")), 16);
        QCOMPARE(outcomes.count(QStringLiteral("dead RecursiveInvocationDetected")), 1);

        auto conn = store::Connection::open(dataDir().database(), {.readOnly = true});
        QVERIFY(conn.ok() && (*service)->writer()->flush());
        const QString traceId = store::traceOfRequest(*conn, requestId).valueOr(QString());
        QVERIFY(!traceId.isEmpty());
        const QList<store::Span> spans = spansOf(**service, traceId);
        QCOMPARE(spans.size(), 17);
        int stopped = 0;
        for (const store::Span &s : spans)
            stopped += s.errorType == QLatin1String("RecursiveInvocationException") ? 1 : 0;
        QCOMPARE(stopped, 1);
        const auto recent = store::recentTraces(*conn, 0, 10, QStringLiteral("looper"));
        QVERIFY(recent.ok() && !recent->isEmpty());
        QVERIFY(recent->first().stopped);
    }
};

QTEST_GUILESS_MAIN(TestTraces)
#include "tst_traces.moc"
