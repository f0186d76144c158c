// `funcdesk serve` killed with SIGKILL while boto3 sends messages and others are in
// flight; started again on the same data dir, every message whose SendMessage was
// answered is still there: receivable, or in flight until its visibility timeout ends.
#include "serveprocess.h"

#include <QDir>
#include <QJsonArray>
#include <QSet>

#include <signal.h>

using namespace reliability;

namespace {

// Sends numbered messages until the server goes away; prints each acknowledged id.
const char *kSender = R"PY(
import sys, boto3
sqs = boto3.client('sqs', endpoint_url=sys.argv[1], region_name='us-east-1',
                   aws_access_key_id='FUNCDESKLOCAL', aws_secret_access_key='local',
                   config=boto3.session.Config(retries={'max_attempts': 0}))
url = sys.argv[1] + '/000000000000/durable'
n = 0
try:
    while True:
        r = sqs.send_message(QueueUrl=url, MessageBody='python-%d' % n)
        print('SENT', r['MessageId'], flush=True)
        n += 1
except Exception as e:
    print('STOPPED', type(e).__name__, flush=True)
)PY";

Reply sqs(ApiClient &api, const char *op, const QJsonObject &body)
{
    return api.call("POST", QStringLiteral("/"), QJsonDocument(body).toJson(QJsonDocument::Compact),
                    {{"X-Amz-Target", QByteArray("AmazonSQS.") + op}, {"Content-Type", "application/x-amz-json-1.0"}});
}

} // namespace

class TestQueueCrash : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void killedWithMessagesQueuedAndInFlightLosesNone()
    {
        QProcess probe;
        probe.start(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import boto3")});
        if (!probe.waitForFinished(30000) || probe.exitCode() != 0)
            QSKIP("python3 has no boto3");
        QTemporaryDir tmp;
        const QString data = QDir(tmp.path()).canonicalPath() + QStringLiteral("/data");
        auto serve = std::make_unique<ServeProcess>(data);
        QVERIFY2(serve->start(), serve->standardError().constData());
        auto api = std::make_unique<ApiClient>(serve->endpoint(), serve->token());
        const QString url = serve->endpoint() + QStringLiteral("/000000000000/durable");
        QCOMPARE(sqs(*api, "CreateQueue", {{QStringLiteral("QueueName"), QStringLiteral("durable")}}).status, 200);

        QSet<QString> accepted; // message ids of every answered send
        for (int i = 0; i < 30; ++i) {
            const Reply r = sqs(*api, "SendMessage", {{QStringLiteral("QueueUrl"), url}, {QStringLiteral("MessageBody"), QStringLiteral("c-%1").arg(i)}});
            QCOMPARE(r.status, 200);
            accepted.insert(r.json().value(QStringLiteral("MessageId")).toString());
        }
        // Ten in flight (hidden for 3 s) when the engine dies.
        const Reply inFlight = sqs(*api, "ReceiveMessage", {{QStringLiteral("QueueUrl"), url}, {QStringLiteral("MaxNumberOfMessages"), 10},
                                                             {QStringLiteral("VisibilityTimeout"), 3}});
        QCOMPARE(inFlight.json().value(QStringLiteral("Messages")).toArray().size(), 10);

        // boto3 sends as fast as it can; the kill lands in the middle of it.
        QProcess sender;
        sender.start(QStringLiteral("python3"), {QStringLiteral("-c"), QString::fromUtf8(kSender), serve->endpoint()});
        QByteArray senderOut;
        QTRY_VERIFY_WITH_TIMEOUT((senderOut += sender.readAllStandardOutput()).count("SENT") >= 100, 60000);
        QCOMPARE(::kill(serve->process().processId(), SIGKILL), 0);
        QVERIFY(serve->process().waitForFinished(30000));
        QVERIFY(sender.waitForFinished(60000));
        senderOut += sender.readAllStandardOutput();
        QVERIFY2(senderOut.contains("STOPPED"), senderOut.constData());
        int fromPython = 0;
        for (const QByteArray &line : senderOut.split('\n')) {
            if (line.startsWith("SENT ")) {
                accepted.insert(QString::fromLatin1(line.mid(5).trimmed()));
                ++fromPython;
            }
        }
        QVERIFY(fromPython >= 100);

        // Again on the same data dir: everything accepted comes back.
        serve = std::make_unique<ServeProcess>(data);
        QVERIFY2(serve->start(), serve->standardError().constData());
        api = std::make_unique<ApiClient>(serve->endpoint(), serve->token());
        const QString again = serve->endpoint() + QStringLiteral("/000000000000/durable");
        QSet<QString> found;
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     const Reply r = sqs(*api, "ReceiveMessage", {{QStringLiteral("QueueUrl"), again},
                                                                                  {QStringLiteral("MaxNumberOfMessages"), 10},
                                                                                  {QStringLiteral("VisibilityTimeout"), 600}});
                                     for (const QJsonValue &m : r.json().value(QStringLiteral("Messages")).toArray())
                                         found.insert(m.toObject().value(QStringLiteral("MessageId")).toString());
                                     return accepted - found;
                                 }().isEmpty()),
                                 30000);
        // Nothing but what was sent (a send cut short by the kill may or may not be there).
        QVERIFY(found.size() - accepted.size() <= 1);
    }
};

QTEST_MAIN(TestQueueCrash)
#include "tst_queuecrash.moc"
