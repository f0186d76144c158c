// SQS's wire formats: the MD5 of message attributes SDKs verify, query-protocol
// parameters as JSON-protocol ones, query-protocol XML answers and both error shapes,
// message bodies SQS accepts, attribute selection, queue URLs and ARNs.
#include "api/sqswire.h"
#include "api/queuepoller.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QXmlStreamReader>

using namespace funcdesk;
using namespace funcdesk::api;

class TestSqsWire : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void md5OfAttributes_data()
    {
        QTest::addColumn<QByteArray>("attributes");
        QTest::addColumn<QString>("md5");
        // Computed independently from SQS's documented algorithm (names sorted; lengths as
        // 4-byte big-endian; transport 1 for String/Number, 2 for Binary).
        QTest::newRow("string, binary, number")
            << QByteArray(R"({"k":{"DataType":"String","StringValue":"v"},"b":{"DataType":"Binary","BinaryValue":"AAE="},"n":{"DataType":"Number","StringValue":"3"}})")
            << QStringLiteral("6f26e9b55d4b164b59b82688e56ce23e");
        QTest::newRow("none") << QByteArray("{}") << QString();
    }
    void md5OfAttributes()
    {
        QFETCH(QByteArray, attributes);
        QFETCH(QString, md5);
        QCOMPARE(md5OfMessageAttributes(QJsonDocument::fromJson(attributes).object()), md5);
    }

    void md5OfBody() { QCOMPARE(md5Hex("hello"), QStringLiteral("5d41402abc4b2a76b9719d911017c592")); }

    void queryParameters()
    {
        const QJsonObject p = queryToJsonParams(
            "Action=SendMessageBatch&QueueUrl=http%3A%2F%2Fh%2F000000000000%2Fq"
            "&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=one+two"
            "&SendMessageBatchRequestEntry.1.DelaySeconds=3"
            "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=k"
            "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=String"
            "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=v"
            "&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=%E2%82%AC"
            "&AttributeName.1=All&AttributeName.2=SentTimestamp&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=5");
        QCOMPARE(p.value(QStringLiteral("Action")).toString(), QStringLiteral("SendMessageBatch"));
        QCOMPARE(p.value(QStringLiteral("QueueUrl")).toString(), QStringLiteral("http://h/000000000000/q"));
        const QJsonArray entries = p.value(QStringLiteral("Entries")).toArray();
        QCOMPARE(entries.size(), 2);
        const QJsonObject first = entries[0].toObject();
        QCOMPARE(first.value(QStringLiteral("MessageBody")).toString(), QStringLiteral("one two"));
        QCOMPARE(first.value(QStringLiteral("DelaySeconds")).toInt(), 3); // a number, as JSON sends it
        QCOMPARE(first.value(QStringLiteral("MessageAttributes")).toObject().value(QStringLiteral("k")).toObject(),
                 (QJsonObject{{QStringLiteral("DataType"), QStringLiteral("String")}, {QStringLiteral("StringValue"), QStringLiteral("v")}}));
        QCOMPARE(entries[1].toObject().value(QStringLiteral("MessageBody")).toString(), QString(QChar(0x20AC)));
        QCOMPARE(p.value(QStringLiteral("AttributeNames")).toArray(), (QJsonArray{QStringLiteral("All"), QStringLiteral("SentTimestamp")}));
        QCOMPARE(p.value(QStringLiteral("Attributes")).toObject().value(QStringLiteral("VisibilityTimeout")).toString(), QStringLiteral("5"));
    }

    // Found by fuzz_sqswire: "&=x" made a parameter with an empty name.
    void queryParametersWithoutANameAreDropped()
    {
        const QJsonObject p = queryToJsonParams("Action=ListQueues&=x&.a=1&b..c=2&d.=3&QueueNamePrefix=q");
        QCOMPARE(p.keys(), (QStringList{QStringLiteral("Action"), QStringLiteral("QueueNamePrefix")}));
    }

    void queryXmlAnswer()
    {
        SqsCall call{SqsProtocol::Query, QStringLiteral("ReceiveMessage"), {}};
        const QJsonObject message{{QStringLiteral("MessageId"), QStringLiteral("m1")},
                                  {QStringLiteral("Body"), QStringLiteral("<b>&")},
                                  {QStringLiteral("Attributes"), QJsonObject{{QStringLiteral("SentTimestamp"), QStringLiteral("1")}}}};
        const WireResponse r = sqsResponse(call, {{QStringLiteral("Messages"), QJsonArray{message}}}, QStringLiteral("rid"));
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.contains("<ReceiveMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><ReceiveMessageResult><Message>"), r.body);
        QVERIFY2(r.body.contains("<Body>&lt;b&gt;&amp;</Body>"), r.body);
        QVERIFY2(r.body.contains("<Attribute><Name>SentTimestamp</Name><Value>1</Value></Attribute>"), r.body);
        QVERIFY2(r.body.contains("<RequestId>rid</RequestId>"), r.body);
    }

    // Found by fuzz_sqswire: a value or message holding characters XML forbids (a control,
    // a lone surrogate) made an answer the SDK's parser rejects; an Action that is not a
    // word became an element name.
    void xmlAnswersStayWellFormed()
    {
        const QString nasty = QStringLiteral("a") + QChar(0x01) + QChar(0xD800) + QStringLiteral("b") + QChar(0xFFFF)
            + QStringLiteral("\t\u00e9") + QString::fromUcs4(U"\U0001F600", 1);
        SqsCall call{SqsProtocol::Query, QStringLiteral("GetQueueAttributes"), {}};
        const WireResponse r = sqsResponse(call, {{QStringLiteral("Attributes"), QJsonObject{{QStringLiteral("Policy"), nasty}}}},
                                           QStringLiteral("rid"));
        const WireResponse e = sqsError(SqsProtocol::Query, QStringLiteral("InvalidParameterValue"), nasty, QStringLiteral("rid"));
        // A message attribute's value with a key of the caller's that is no XML name.
        SqsCall receive{SqsProtocol::Query, QStringLiteral("ReceiveMessage"), {}};
        const QJsonObject value{{QStringLiteral("DataType"), QStringLiteral("String")}, {QStringLiteral("StringValue"), nasty},
                                {QStringLiteral("Value\u0001<"), QStringLiteral("x")}};
        const QJsonObject message{{QStringLiteral("Body"), QStringLiteral("b")},
                                  {QStringLiteral("MessageAttributes"), QJsonObject{{QStringLiteral("k"), value}}}};
        const WireResponse m = sqsResponse(receive, {{QStringLiteral("Messages"), QJsonArray{message}}}, QStringLiteral("rid"));
        QVERIFY2(m.body.contains("<DataType>String</DataType>"), m.body);
        for (const WireResponse &w : {r, e, m}) {
            QXmlStreamReader xml(w.body);
            while (!xml.atEnd())
                xml.readNext();
            QVERIFY2(!xml.hasError(), qPrintable(xml.errorString() + QLatin1Char(' ') + QString::fromUtf8(w.body)));
            // Allowed characters, the emoji's surrogate pair among them, come through.
            const QByteArray kept = (QStringLiteral("a\uFFFD\uFFFDb\uFFFD\t\u00e9") + QString::fromUcs4(U"\U0001F600", 1)).toUtf8();
            QVERIFY2(w.body.contains(kept), w.body);
        }

        for (const QByteArray &action : {QByteArray("Create%3CQueue"), QByteArray("Send+Message"), QByteArray("A%00")}) {
            const Result<SqsCall> bad = parseSqsCall("application/x-www-form-urlencoded", {}, "Action=" + action + "&QueueName=q");
            QVERIFY2(!bad.ok(), action.constData());
            QCOMPARE(bad.error().type, QStringLiteral("InvalidAction"));
        }
        const Result<SqsCall> badJson = parseSqsCall("application/x-amz-json-1.0", "AmazonSQS.Send Message", "{}");
        QVERIFY(!badJson.ok());
        QCOMPARE(badJson.error().type, QStringLiteral("InvalidAction"));
        QVERIFY(parseSqsCall("application/x-amz-json-1.0", "AmazonSQS.SendMessage", "{}").ok());
    }

    void errors()
    {
        const WireResponse json = sqsError(SqsProtocol::Json, QStringLiteral("QueueDoesNotExist"), QStringLiteral("gone"), QStringLiteral("r"));
        QCOMPARE(json.status, 400);
        QCOMPARE(json.header("x-amzn-query-error"), QByteArray("AWS.SimpleQueueService.NonExistentQueue;Sender"));
        const QJsonObject body = QJsonDocument::fromJson(json.body).object();
        QCOMPARE(body.value(QStringLiteral("__type")).toString(), QStringLiteral("com.amazonaws.sqs#QueueDoesNotExist"));
        QCOMPARE(body.value(QStringLiteral("message")).toString(), QStringLiteral("gone"));
        const WireResponse xml = sqsError(SqsProtocol::Query, QStringLiteral("ReceiptHandleIsInvalid"), QStringLiteral("bad"), QStringLiteral("r"));
        QCOMPARE(xml.status, 404);
        QVERIFY(xml.body.contains("<Code>ReceiptHandleIsInvalid</Code>"));
        QVERIFY(xml.body.contains("<Type>Sender</Type>"));
    }

    void bodies_data()
    {
        QTest::addColumn<QString>("body");
        QTest::addColumn<bool>("valid");
        QTest::newRow("text") << QStringLiteral("hello\tworld\n") << true;
        QTest::newRow("emoji") << QString::fromUtf8("\xF0\x9F\x98\x80") << true;
        QTest::newRow("nul") << QString(QChar(0)) << false;
        QTest::newRow("control") << QString(QChar(0x1B)) << false;
        QTest::newRow("fffe") << QString(QChar(0xFFFE)) << false;
    }
    void bodies()
    {
        QFETCH(QString, body);
        QFETCH(bool, valid);
        QCOMPARE(isValidMessageBody(body), valid);
    }

    void attributeSelection()
    {
        const QJsonObject all{{QStringLiteral("a.x"), 1}, {QStringLiteral("a.y"), 2}, {QStringLiteral("b"), 3}};
        QCOMPARE(selectMessageAttributes(all, {QStringLiteral("All")}).size(), 3);
        QCOMPARE(selectMessageAttributes(all, {QStringLiteral(".*")}).size(), 3);
        QCOMPARE(selectMessageAttributes(all, {QStringLiteral("a.*")}).keys(), (QStringList{QStringLiteral("a.x"), QStringLiteral("a.y")}));
        QCOMPARE(selectMessageAttributes(all, {QStringLiteral("b")}).keys(), QStringList{QStringLiteral("b")});
        QVERIFY(selectMessageAttributes(all, {}).isEmpty());
    }

    void attributeValidation()
    {
        auto check = [](const char *json) { return validateMessageAttributes(QJsonDocument::fromJson(json).object()).ok(); };
        QVERIFY(check(R"({"n":{"DataType":"Number.int","StringValue":"12"}})"));
        QVERIFY(!check(R"({"n":{"DataType":"Number","StringValue":"x"}})"));
        QVERIFY(!check(R"({"n":{"DataType":"Weird","StringValue":"x"}})"));
        QVERIFY(!check(R"({"AWS.x":{"DataType":"String","StringValue":"x"}})"));
        QVERIFY(!check(R"({"s":{"DataType":"String"}})"));
    }

    void urlsAndArns()
    {
        QCOMPARE(queueUrl(QStringLiteral("http://127.0.0.1:9001"), QStringLiteral("q")), QStringLiteral("http://127.0.0.1:9001/000000000000/q"));
        QCOMPARE(queueArn(QStringLiteral("q")), QStringLiteral("arn:aws:sqs:us-east-1:000000000000:q"));
        QCOMPARE(queueNameFromUrl(QStringLiteral("http://localhost:1/000000000000/jobs")), QStringLiteral("jobs"));
        QCOMPARE(queueNameFromUrl(QStringLiteral("jobs")), QString());
        QCOMPARE(queueNameFromArn(QStringLiteral("arn:aws:sqs:eu-west-1:1:jobs")), QStringLiteral("jobs"));
        QCOMPARE(queueNameFromArn(QStringLiteral("arn:aws:sns:eu-west-1:1:jobs")), QString());
    }

    // Lambda's partial batch response rules.
    void partialBatchResponse_data()
    {
        QTest::addColumn<QByteArray>("response");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QStringList>("failed");
        QTest::newRow("null") << QByteArray("null") << true << QStringList();
        QTest::newRow("empty") << QByteArray("") << true << QStringList();
        QTest::newRow("no member") << QByteArray("{\"ok\":1}") << true << QStringList();
        QTest::newRow("empty list") << QByteArray("{\"batchItemFailures\":[]}") << true << QStringList();
        QTest::newRow("one") << QByteArray("{\"batchItemFailures\":[{\"itemIdentifier\":\"m2\"}]}") << true << QStringList{QStringLiteral("m2")};
        QTest::newRow("unknown id") << QByteArray("{\"batchItemFailures\":[{\"itemIdentifier\":\"zz\"}]}") << false << QStringList();
        QTest::newRow("empty id") << QByteArray("{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}") << false << QStringList();
        QTest::newRow("misnamed key") << QByteArray("{\"batchItemFailures\":[{\"id\":\"m1\"}]}") << false << QStringList();
        QTest::newRow("not json") << QByteArray("{oops") << false << QStringList();
    }
    void partialBatchResponse()
    {
        QFETCH(QByteArray, response);
        QFETCH(bool, valid);
        QFETCH(QStringList, failed);
        QList<store::QueueMessage> batch(2);
        batch[0].messageId = QStringLiteral("m1");
        batch[1].messageId = QStringLiteral("m2");
        const auto r = batchItemFailures(response, batch);
        QCOMPARE(r.ok(), valid);
        if (valid)
            QCOMPARE(*r, failed);
    }

    void lambdaEventShape()
    {
        store::QueueMessage m;
        m.messageId = QStringLiteral("m1");
        m.receiptHandle = QStringLiteral("h");
        m.body = "hi";
        m.md5OfBody = md5Hex("hi");
        m.receiveCount = 2;
        m.sentMs = 5;
        m.senderId = QStringLiteral("000000000000");
        m.attributes = QJsonObject{{QStringLiteral("k"), QJsonObject{{QStringLiteral("DataType"), QStringLiteral("String")},
                                                                      {QStringLiteral("StringValue"), QStringLiteral("v")}}}};
        const QJsonObject record = QJsonDocument::fromJson(sqsEvent(QStringLiteral("jobs"), {m})).object()
                                       .value(QStringLiteral("Records")).toArray().first().toObject();
        QCOMPARE(record.value(QStringLiteral("messageId")).toString(), QStringLiteral("m1"));
        QCOMPARE(record.value(QStringLiteral("receiptHandle")).toString(), QStringLiteral("h"));
        QCOMPARE(record.value(QStringLiteral("body")).toString(), QStringLiteral("hi"));
        QCOMPARE(record.value(QStringLiteral("md5OfBody")).toString(), md5Hex("hi"));
        QCOMPARE(record.value(QStringLiteral("eventSource")).toString(), QStringLiteral("aws:sqs"));
        QCOMPARE(record.value(QStringLiteral("eventSourceARN")).toString(), QStringLiteral("arn:aws:sqs:us-east-1:000000000000:jobs"));
        QCOMPARE(record.value(QStringLiteral("awsRegion")).toString(), QStringLiteral("us-east-1"));
        QCOMPARE(record.value(QStringLiteral("attributes")).toObject().value(QStringLiteral("ApproximateReceiveCount")).toString(), QStringLiteral("2"));
        const QJsonObject k = record.value(QStringLiteral("messageAttributes")).toObject().value(QStringLiteral("k")).toObject();
        QCOMPARE(k.value(QStringLiteral("stringValue")).toString(), QStringLiteral("v"));
        QCOMPARE(k.value(QStringLiteral("dataType")).toString(), QStringLiteral("String"));
        QVERIFY(k.value(QStringLiteral("stringListValues")).isArray());
    }
};

QTEST_GUILESS_MAIN(TestSqsWire)
#include "tst_sqswire.moc"
