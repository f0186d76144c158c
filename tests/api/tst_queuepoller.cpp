// Event source mappings on a running Service with real python3 functions: the mapping is
// made and changed with the real boto3 Lambda client (tests/api/data/mapping_scenario.py);
// a function reporting partial batch failures sees exactly its failed messages again, with
// their receive count, and they reach the dead-letter queue after maxReceiveCount; the good
// ones are delivered once. Concurrent batches stay within the function's reserved
// concurrency.
#include "apitestkit.h"
#include "invocationtable.h"

#include "api/service.h"
#include "store/sqlite.h"
#include "store/writer.h"

#include <QFile>
#include <QJsonArray>
#include <QMultiMap>
#include <QProcess>

using namespace funcdesk;
using namespace funcdesk::api;

namespace {

const QString kScenario = QStringLiteral(FUNCDESK_SOURCE_DIR "/tests/api/data/mapping_scenario.py");

// Records every record it gets; fails the messages whose body starts with "bad".
const QByteArray kConsumerPy = QByteArrayLiteral(
    "import json, os, time\n"
    "def handler(event, context):\n"
    "    failures = []\n"
    "    started = time.time()\n"
    "    time.sleep(float(os.environ.get('WORK', '0')))\n"
    "    with open(os.environ['OUT'], 'a') as f:\n"
    "        for r in event['Records']:\n"
    "            f.write(json.dumps({'id': r['messageId'], 'body': r['body'], 'count': r['attributes']['ApproximateReceiveCount'],\n"
    "                                'source': r['eventSource'], 'arn': r['eventSourceARN'], 'region': r['awsRegion'],\n"
    "                                'md5': r['md5OfBody'], 'attrs': r['messageAttributes'],\n"
    "                                'start': started, 'end': time.time()}) + '\\n')\n"
    "            if r['body'].startswith('bad'):\n"
    "                failures.append({'itemIdentifier': r['messageId']})\n"
    "    return {'batchItemFailures': failures}\n");

QList<QJsonObject> readLines(const QString &path)
{
    QList<QJsonObject> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    for (const QByteArray &l : f.readAll().split('\n')) {
        if (!l.trimmed().isEmpty())
            out.append(QJsonDocument::fromJson(l).object());
    }
    return out;
}

bool hasBoto3()
{
    QProcess probe;
    probe.start(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import boto3")});
    return probe.waitForFinished(30000) && probe.exitCode() == 0;
}

} // namespace

class TestQueuePoller : public QObject
{
    Q_OBJECT
private:
    QString addConsumer(Service &service, const QTemporaryDir &dir, const QString &name, const QByteArray &config,
                        const QByteArray &variables = {})
    {
        const QString out = dir.filePath(name + QStringLiteral(".out"));
        SourceFiles files;
        files.insert(QStringLiteral("app.py"), SourceFile(kConsumerPy));
        files.insert(QStringLiteral("function.json"),
                     SourceFile(QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\",\"timeout\":1,")
                                + config + QByteArrayLiteral("\"environment\":{\"OUT\":\"") + out.toUtf8() + QByteArrayLiteral("\"") + variables + QByteArrayLiteral("}}")));
        VersionStore store(service.dataDir());
        if (!store.create(name, Runtime::Python3, files).ok())
            return {};
        QSignalSpy changed(&service, &Service::functionChanged);
        service.refreshFunction(name);
        if (!changed.wait(10000))
            return {};
        return out;
    }

    apitest::Reply sqs(apitest::Client &client, const char *op, const QByteArray &body)
    {
        return client.call("POST", QStringLiteral("/"), body, {{"X-Amz-Target", QByteArray("AmazonSQS.") + op}});
    }

private Q_SLOTS:
    void partialBatchFailuresComeBackThenDeadLetter()
    {
        if (!hasBoto3())
            QSKIP("python3 has no boto3");
        QTemporaryDir dir;
        auto service = Service::start(DataDir{dir.path()}, ServiceOptions{.api = {.port = 0}});
        QVERIFY(service.ok());
        const QString out = addConsumer(**service, dir, QStringLiteral("consumer"), {});
        QVERIFY(!out.isEmpty());
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral("python3"), {kScenario, QStringLiteral("http://") + (*service)->apiAddress(), QStringLiteral("consumer")});
        QVERIFY(p.waitForFinished(120000));
        const QString log = QString::fromUtf8(p.readAll());
        QVERIFY2(p.exitCode() == 0 && log.trimmed().endsWith(QStringLiteral("ALL OK")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("DLQ [\"bad-1\", \"bad-2\"]")), qPrintable(log));

        // What the function saw: every good message once, every bad one exactly twice
        // (receive counts 1 and 2), nothing else.
        QMultiMap<QString, QString> counts; // body -> ApproximateReceiveCount
        const QList<QJsonObject> seen = readLines(out);
        for (const QJsonObject &r : seen) {
            counts.insert(r.value(QStringLiteral("body")).toString(), r.value(QStringLiteral("count")).toString());
            QCOMPARE(r.value(QStringLiteral("source")).toString(), QStringLiteral("aws:sqs"));
            QCOMPARE(r.value(QStringLiteral("arn")).toString(), QStringLiteral("arn:aws:sqs:us-east-1:000000000000:jobs"));
            QCOMPARE(r.value(QStringLiteral("region")).toString(), QStringLiteral("us-east-1"));
            QCOMPARE(r.value(QStringLiteral("md5")).toString(),
                     QString::fromLatin1(QCryptographicHash::hash(r.value(QStringLiteral("body")).toString().toUtf8(), QCryptographicHash::Md5).toHex()));
            QCOMPARE(r.value(QStringLiteral("attrs")).toObject().value(QStringLiteral("n")).toObject().value(QStringLiteral("dataType")).toString(),
                     QStringLiteral("Number"));
        }
        for (const char *good : {"good-1", "good-2", "good-3"})
            QCOMPARE(counts.values(QLatin1String(good)), QStringList{QStringLiteral("1")});
        for (const char *bad : {"bad-1", "bad-2"}) {
            QStringList c = counts.values(QLatin1String(bad));
            c.sort();
            QCOMPARE(c, (QStringList{QStringLiteral("1"), QStringLiteral("2")}));
        }
        QCOMPARE(seen.size(), 7);

        // The invocations are recorded with the queue trigger.
        QVERIFY((*service)->writer()->flush().ok());
        auto conn = store::Connection::open(DataDir{dir.path()}.database());
        QVERIFY(conn.ok());
        QVERIFY(test::materializeInvocations(*conn));
        QVERIFY(*conn->queryInt("SELECT count(*) FROM invocations WHERE function='consumer' AND trigger='queue'") >= 2);
    }

    // Without ReportBatchItemFailures a failed invocation returns its whole batch: every
    // message comes back (receive count 2) after the visibility timeout.
    void aFailedBatchComesBackWhole()
    {
        QTemporaryDir dir;
        auto service = Service::start(DataDir{dir.path()}, ServiceOptions{.api = {.port = 0}});
        QVERIFY(service.ok());
        const QString out = dir.filePath(QStringLiteral("strict.out"));
        // A handler that raises while any record of its batch is on its first delivery.
        SourceFiles files;
        files.insert(QStringLiteral("app.py"), SourceFile(QByteArrayLiteral(
                                                   "import json, os\n"
                                                   "def handler(event, context):\n"
                                                   "    counts = [r['attributes']['ApproximateReceiveCount'] for r in event['Records']]\n"
                                                   "    with open(os.environ['OUT'], 'a') as f:\n"
                                                   "        for r in event['Records']:\n"
                                                   "            f.write(json.dumps({'body': r['body'], 'count': r['attributes']['ApproximateReceiveCount']}) + '\\n')\n"
                                                   "    if '1' in counts:\n"
                                                   "        raise RuntimeError('first delivery fails')\n")));
        files.insert(QStringLiteral("function.json"),
                     SourceFile(QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\",\"timeout\":1,\"environment\":{\"OUT\":\"")
                                + out.toUtf8() + QByteArrayLiteral("\"}}")));
        VersionStore store((*service)->dataDir());
        QVERIFY(store.create(QStringLiteral("strict"), Runtime::Python3, files).ok());
        QSignalSpy changed(service->get(), &Service::functionChanged);
        (*service)->refreshFunction(QStringLiteral("strict"));
        QVERIFY(changed.wait(10000));

        apitest::Client client(QStringLiteral("http://") + (*service)->apiAddress());
        QCOMPARE(sqs(client, "CreateQueue", "{\"QueueName\":\"strict\",\"Attributes\":{\"VisibilityTimeout\":\"1\"}}").status, 200);
        const QByteArray url = "http://" + (*service)->apiAddress().toUtf8() + "/000000000000/strict";
        QCOMPARE(sqs(client, "SendMessageBatch", "{\"QueueUrl\":\"" + url + "\",\"Entries\":[{\"Id\":\"a\",\"MessageBody\":\"a\"},"
                                                 "{\"Id\":\"b\",\"MessageBody\":\"b\"}]}").status, 200);
        const apitest::Reply created = client.call("POST", QStringLiteral("/2015-03-31/event-source-mappings/"),
                                                   "{\"FunctionName\":\"strict\",\"EventSourceArn\":\"arn:aws:sqs:us-east-1:000000000000:strict\","
                                                   "\"BatchSize\":10,\"MaximumBatchingWindowInSeconds\":1}");
        QVERIFY2(created.status == 202, created.body.constData());
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     const apitest::Reply a = sqs(client, "GetQueueAttributes", "{\"QueueUrl\":\"" + url + "\",\"AttributeNames\":[\"All\"]}");
                                     const QJsonObject attrs = a.json().value(QStringLiteral("Attributes")).toObject();
                                     return attrs.value(QStringLiteral("ApproximateNumberOfMessages")).toString() == QLatin1String("0")
                                         && attrs.value(QStringLiteral("ApproximateNumberOfMessagesNotVisible")).toString() == QLatin1String("0");
                                 }()),
                                 30000);
        QMultiMap<QString, QString> counts;
        for (const QJsonObject &r : readLines(out))
            counts.insert(r.value(QStringLiteral("body")).toString(), r.value(QStringLiteral("count")).toString());
        for (const char *body : {"a", "b"}) {
            QStringList c = counts.values(QLatin1String(body));
            c.sort();
            QCOMPARE(c, (QStringList{QStringLiteral("1"), QStringLiteral("2")}));
        }
    }

    // A function reaches the queues with its own SDK and no endpoint in its code:
    // AWS_ENDPOINT_URL_SQS points at the engine.
    void functionsSendWithTheirSdk()
    {
        if (!hasBoto3())
            QSKIP("python3 has no boto3");
        QTemporaryDir dir;
        auto service = Service::start(DataDir{dir.path()}, ServiceOptions{.api = {.port = 0}});
        QVERIFY(service.ok());
        SourceFiles files;
        files.insert(QStringLiteral("app.py"), SourceFile(QByteArrayLiteral(
                                                   "import boto3\n"
                                                   "def handler(event, context):\n"
                                                   "    sqs = boto3.client('sqs')\n"
                                                   "    url = sqs.get_queue_url(QueueName='outbox')['QueueUrl']\n"
                                                   "    return sqs.send_message(QueueUrl=url, MessageBody=event['body'])['MessageId']\n")));
        files.insert(QStringLiteral("function.json"),
                     SourceFile(QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\",\"timeout\":20}")));
        VersionStore store((*service)->dataDir());
        QVERIFY(store.create(QStringLiteral("producer"), Runtime::Python3, files).ok());
        QSignalSpy changed(service->get(), &Service::functionChanged);
        (*service)->refreshFunction(QStringLiteral("producer"));
        QVERIFY(changed.wait(10000));
        apitest::Client client(QStringLiteral("http://") + (*service)->apiAddress());
        QCOMPARE(sqs(client, "CreateQueue", "{\"QueueName\":\"outbox\"}").status, 200);
        const apitest::Reply r = client.call("POST", QStringLiteral("/2015-03-31/functions/producer/invocations"), "{\"body\":\"from inside\"}");
        QVERIFY2(r.status == 200 && r.header("X-Amz-Function-Error").isEmpty(), r.body.constData());
        const QString messageId = QJsonDocument::fromJson("[" + r.body + "]").array().first().toString();
        const apitest::Reply got = sqs(client, "ReceiveMessage", "{\"QueueUrl\":\"http://" + (*service)->apiAddress().toUtf8() + "/000000000000/outbox\"}");
        const QJsonArray messages = got.json().value(QStringLiteral("Messages")).toArray();
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages[0].toObject().value(QStringLiteral("Body")).toString(), QStringLiteral("from inside"));
        QCOMPARE(messages[0].toObject().value(QStringLiteral("MessageId")).toString(), messageId);
    }

    void batchesStayWithinReservedConcurrency()
    {
        QTemporaryDir dir;
        auto service = Service::start(DataDir{dir.path()}, ServiceOptions{.api = {.port = 0}});
        QVERIFY(service.ok());
        const QString out = addConsumer(**service, dir, QStringLiteral("slow"), "\"reservedConcurrency\":2,", ",\"WORK\":\"0.2\"");
        QVERIFY(!out.isEmpty());
        apitest::Client client(QStringLiteral("http://") + (*service)->apiAddress());
        QCOMPARE(sqs(client, "CreateQueue", "{\"QueueName\":\"many\",\"Attributes\":{\"VisibilityTimeout\":\"30\"}}").status, 200);
        const QByteArray url = "http://" + (*service)->apiAddress().toUtf8() + "/000000000000/many";
        for (int batch = 0; batch < 3; ++batch) {
            QJsonArray entries;
            for (int i = 0; i < 8; ++i)
                entries.append(QJsonObject{{QStringLiteral("Id"), QStringLiteral("m%1").arg(i)},
                                           {QStringLiteral("MessageBody"), QStringLiteral("m-%1-%2").arg(batch).arg(i)}});
            const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("QueueUrl"), QString::fromUtf8(url)},
                                                              {QStringLiteral("Entries"), entries}})
                                        .toJson(QJsonDocument::Compact);
            QCOMPARE(sqs(client, "SendMessageBatch", body).status, 200);
        }
        const apitest::Reply created = client.call("POST", QStringLiteral("/2015-03-31/event-source-mappings/"),
                                                   "{\"FunctionName\":\"slow\",\"EventSourceArn\":\"arn:aws:sqs:us-east-1:000000000000:many\",\"BatchSize\":1}");
        QVERIFY2(created.status == 202, created.body.constData());
        QTRY_COMPARE_WITH_TIMEOUT(readLines(out).size(), 24, 60000);
        // Every message once, never more than two batches at a time, and two at a time at
        // some point (the poller scales up to the reserved concurrency, not beyond).
        const QList<QJsonObject> seen = readLines(out);
        QSet<QString> bodies;
        int peak = 0;
        for (const QJsonObject &a : seen) {
            bodies.insert(a.value(QStringLiteral("body")).toString());
            const double t = a.value(QStringLiteral("start")).toDouble() + 0.05;
            int overlapping = 0;
            for (const QJsonObject &b : seen)
                overlapping += b.value(QStringLiteral("start")).toDouble() <= t && t < b.value(QStringLiteral("end")).toDouble() ? 1 : 0;
            peak = qMax(peak, overlapping);
        }
        QCOMPARE(bodies.size(), 24);
        QCOMPARE(peak, 2);
        QVERIFY((*service)->writer()->flush().ok());
        auto conn = store::Connection::open(DataDir{dir.path()}.database());
        QVERIFY(test::materializeInvocations(*conn));
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM invocations WHERE function='slow' AND status='throttled'"), 0);
    }
};

QTEST_MAIN(TestQueuePoller)
#include "tst_queuepoller.moc"
