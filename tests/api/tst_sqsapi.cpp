// SQS's API on the engine's port, driven by the real AWS SDKs against a running Service:
// boto3 with each installed botocore (Debian's speaks SQS's query protocol, current ones
// its JSON protocol) runs tests/api/data/sqs_scenario.py (queues, attributes and their
// MD5s, visibility, receive counts, redrive, long polling, errors); plain requests check
// the JSON protocol's error shape and that a long poll does not hold the server's thread.
#include "apitestkit.h"

#include "api/requestguard.h"
#include "api/service.h"

#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>
#include <QProcess>

using namespace funcdesk;
using namespace funcdesk::api;

namespace {

const QString kScenario = QStringLiteral(FUNCDESK_SOURCE_DIR "/tests/api/data/sqs_scenario.py");
const QString kJsScenario = QStringLiteral(FUNCDESK_SOURCE_DIR "/tests/api/data/sqs_scenario.mjs");
// Where the test installs the AWS SDK for JavaScript v3 SQS client from npm (once per build tree).
const QString kNpmPrefix = QStringLiteral(FUNCDESK_BINARY_DIR "/npm-sdk");

bool hasBoto3(const QString &python)
{
    QProcess probe;
    probe.start(python, {QStringLiteral("-c"), QStringLiteral("import boto3")});
    return probe.waitForFinished(30000) && probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == 0;
}

apitest::Reply sqsCall(apitest::Client &client, const char *operation, const QByteArray &body)
{
    return client.call("POST", QStringLiteral("/"), body,
                       {{"X-Amz-Target", QByteArray("AmazonSQS.") + operation}, {"Content-Type", "application/x-amz-json-1.0"}});
}

} // namespace

class TestSqsApi : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir dir;

    ServiceOptions options() const
    {
        ServiceOptions o;
        o.api.port = 0;
        return o;
    }

private Q_SLOTS:
    void boto3Scenario_data()
    {
        QTest::addColumn<QString>("python");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("python3 on PATH") << QStringLiteral("python3") << QStringLiteral("path");
        QTest::newRow("Debian's python3-boto3") << QStringLiteral("/usr/bin/python3") << QStringLiteral("debian");
    }
    void boto3Scenario()
    {
        QFETCH(QString, python);
        QFETCH(QString, prefix);
        if (!hasBoto3(python))
            QSKIP(qPrintable(python + QStringLiteral(" has no boto3")));
        QTemporaryDir data;
        auto service = Service::start(DataDir{data.path()}, options());
        QVERIFY(service.ok());
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(python, {kScenario, QStringLiteral("http://") + (*service)->apiAddress(), prefix});
        QVERIFY(p.waitForFinished(120000));
        const QString out = QString::fromUtf8(p.readAll());
        QVERIFY2(p.exitCode() == 0 && out.trimmed().endsWith(QStringLiteral("ALL OK")), qPrintable(out));
    }

    void javascriptSdkScenario()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty())
            QSKIP("node is not installed");
        if (!QFile::exists(kNpmPrefix + QStringLiteral("/node_modules/@aws-sdk/client-sqs/package.json"))) {
            if (QStandardPaths::findExecutable(QStringLiteral("npm")).isEmpty())
                QSKIP("npm is not installed (packaging/dev.sh installs it): cannot fetch @aws-sdk/client-sqs");
            QProcess npm;
            npm.setProcessChannelMode(QProcess::MergedChannels);
            npm.start(QStringLiteral("npm"), {QStringLiteral("install"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund"),
                                              QStringLiteral("--prefix"), kNpmPrefix, QStringLiteral("@aws-sdk/client-sqs@3")});
            QVERIFY(npm.waitForFinished(240000));
            QVERIFY2(npm.exitCode() == 0, npm.readAll().constData());
        }
        QTemporaryDir data;
        auto service = Service::start(DataDir{data.path()}, options());
        QVERIFY(service.ok());
        QProcess node;
        node.setProcessChannelMode(QProcess::MergedChannels);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NODE_PATH"), kNpmPrefix + QStringLiteral("/node_modules"));
        node.setProcessEnvironment(env);
        // ESM resolves packages from the script's folder up, not NODE_PATH: run a copy
        // placed beside node_modules.
        const QString script = kNpmPrefix + QStringLiteral("/sqs_scenario.mjs");
        QFile::remove(script);
        QVERIFY(QFile::copy(kJsScenario, script));
        node.start(QStringLiteral("node"), {script, QStringLiteral("http://") + (*service)->apiAddress()});
        QVERIFY(node.waitForFinished(120000));
        const QString out = QString::fromUtf8(node.readAll());
        QVERIFY2(node.exitCode() == 0 && out.trimmed().endsWith(QStringLiteral("ALL OK")), qPrintable(out));
    }

    // With the data dir's credentials required, botocore's signatures over SQS calls
    // (a JSON body, or a form body) verify; another secret is refused in SQS's format.
    void signaturesCanBeRequired_data() { boto3Scenario_data(); }
    void signaturesCanBeRequired()
    {
        QFETCH(QString, python);
        if (!hasBoto3(python))
            QSKIP(qPrintable(python + QStringLiteral(" has no boto3")));
        QTemporaryDir data;
        ServiceOptions o = options();
        o.api.requireLocalCredentials = true;
        auto service = Service::start(DataDir{data.path()}, o);
        QVERIFY(service.ok());
        const QString script = QStringLiteral(
            "import sys, boto3\n"
            "from botocore.exceptions import ClientError\n"
            "def client(secret):\n"
            "    return boto3.client('sqs', endpoint_url=sys.argv[1], region_name='us-east-1',\n"
            "                        aws_access_key_id='FUNCDESKLOCAL', aws_secret_access_key=secret)\n"
            "good = client(sys.argv[2])\n"
            "url = good.create_queue(QueueName='signed')['QueueUrl']\n"
            "good.send_message(QueueUrl=url, MessageBody='a b&c=d', MessageAttributes={'k': {'DataType': 'String', 'StringValue': 'x y+z'}})\n"
            "print('RECEIVED', len(good.receive_message(QueueUrl=url)['Messages']))\n"
            "try:\n"
            "    client('wrong').list_queues()\n"
            "    print('NOT REFUSED')\n"
            "except ClientError as e:\n"
            "    print('REFUSED', e.response['Error']['Code'])\n");
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(python, {QStringLiteral("-c"), script, QStringLiteral("http://") + (*service)->apiAddress(),
                         readLocalToken(DataDir{data.path()})});
        QVERIFY(p.waitForFinished(60000));
        const QString out = QString::fromUtf8(p.readAll()).trimmed();
        QVERIFY2(out.endsWith(QStringLiteral("RECEIVED 1\nREFUSED SignatureDoesNotMatch")), qPrintable(out));
    }

    void jsonErrorsAsSqsWritesThem()
    {
        auto service = Service::start(DataDir{dir.path()}, options());
        QVERIFY(service.ok());
        apitest::Client client(QStringLiteral("http://") + (*service)->apiAddress());
        const apitest::Reply r = sqsCall(client, "GetQueueUrl", "{\"QueueName\":\"missing\"}");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.header("x-amzn-query-error"), QByteArray("AWS.SimpleQueueService.NonExistentQueue;Sender"));
        QCOMPARE(r.json().value(QStringLiteral("__type")).toString(), QStringLiteral("com.amazonaws.sqs#QueueDoesNotExist"));
        QCOMPARE(r.json().value(QStringLiteral("message")).toString(), QStringLiteral("The specified queue does not exist."));
        const apitest::Reply unknown = sqsCall(client, "FlyToTheMoon", "{}");
        QCOMPARE(unknown.status, 400);
        QCOMPARE(unknown.json().value(QStringLiteral("__type")).toString(), QStringLiteral("com.amazonaws.sqs#InvalidAction"));
        // Unsigned requests are refused like Lambda's API.
        apitest::Client anonymous(QStringLiteral("http://") + (*service)->apiAddress(), QByteArray());
        const apitest::Reply refused = sqsCall(anonymous, "ListQueues", "{}");
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.json().value(QStringLiteral("__type")).toString(), QStringLiteral("com.amazonaws.sqs#AccessDenied"));
        QCOMPARE(refused.header("x-amzn-query-error"), QByteArray("AccessDenied;Sender"));
    }

    void longPollDoesNotHoldTheServer()
    {
        auto service = Service::start(DataDir{dir.path()}, options());
        QVERIFY(service.ok());
        const QString base = QStringLiteral("http://") + (*service)->apiAddress();
        apitest::Client client(base);
        const apitest::Reply created = sqsCall(client, "CreateQueue", "{\"QueueName\":\"idle\"}");
        QCOMPARE(created.status, 200);
        const QByteArray url = created.json().value(QStringLiteral("QueueUrl")).toString().toUtf8();
        // A 3 s long poll in flight on one connection...
        QNetworkAccessManager nam;
        QNetworkRequest req(QUrl(base + QStringLiteral("/")));
        req.setRawHeader("Authorization", apitest::kSigV4);
        req.setRawHeader("X-Amz-Target", "AmazonSQS.ReceiveMessage");
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-amz-json-1.0"));
        QNetworkReply *poll = nam.post(req, QByteArray("{\"QueueUrl\":\"") + url + "\",\"WaitTimeSeconds\":3}");
        QSignalSpy pollDone(poll, &QNetworkReply::finished);
        // ...while other calls on other connections are answered, the poll still waiting.
        const apitest::Reply listed = sqsCall(client, "ListQueues", "{}");
        QCOMPARE(listed.status, 200);
        QVERIFY(!poll->isFinished());
        // It ends after its wait with no messages.
        QVERIFY(pollDone.wait(10000));
        QCOMPARE(poll->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(QJsonDocument::fromJson(poll->readAll()).object(), QJsonObject());
        poll->deleteLater();
    }
};

QTEST_MAIN(TestSqsApi)
#include "tst_sqsapi.moc"
