#include "api/apiserver_p.h"
#include "api/eventstream.h"
#include "api/lambdawire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::api;

class TestLambdaWire : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // InvokeWithResponseStream's framing: lengths, both CRCs (CRC-32/IEEE), headers and
    // payload where AWS's event stream readers look for them.
    void eventStreamFraming()
    {
        QCOMPARE(api::crc32("123456789"), 0xCBF43926u); // the CRC-32 check value
        const QByteArray m = api::payloadChunkEvent("hello");
        auto u32 = [&m](qsizetype at) {
            return quint32(quint8(m[at])) << 24 | quint32(quint8(m[at + 1])) << 16 | quint32(quint8(m[at + 2])) << 8 | quint32(quint8(m[at + 3]));
        };
        QCOMPARE(qsizetype(u32(0)), m.size());
        QCOMPARE(u32(8), api::crc32(m.left(8)));
        QCOMPARE(u32(m.size() - 4), api::crc32(m.chopped(4)));
        const qsizetype headers = u32(4);
        QCOMPARE(m.mid(12 + headers, m.size() - 16 - headers), QByteArray("hello"));
        const QByteArray head = m.mid(12, headers);
        QCOMPARE(head.left(13), QByteArray("\x0b:event-type\x07", 13)); // name length, name, type 7 (string)
        QVERIFY(head.contains(QByteArray("\x00\x0cPayloadChunk", 14)));
        const QByteArray done = api::invokeCompleteEvent("Function.ResponseSizeTooLarge", "too big", "bG9n");
        QVERIFY(done.contains("InvokeComplete"));
        QVERIFY(done.contains(R"({"ErrorCode":"Function.ResponseSizeTooLarge","ErrorDetails":"too big","LogResult":"bG9n"})"));
    }

    void errorStatuses_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("side");
        QTest::newRow("invalid param") << QStringLiteral("InvalidParameterValueException") << 400 << QStringLiteral("User");
        QTest::newRow("invalid content") << QStringLiteral("InvalidRequestContentException") << 400 << QStringLiteral("User");
        QTest::newRow("not found") << QStringLiteral("ResourceNotFoundException") << 404 << QStringLiteral("User");
        QTest::newRow("conflict") << QStringLiteral("ResourceConflictException") << 409 << QStringLiteral("User");
        QTest::newRow("too large") << QStringLiteral("RequestTooLargeException") << 413 << QStringLiteral("User");
        QTest::newRow("media type") << QStringLiteral("UnsupportedMediaTypeException") << 415 << QStringLiteral("User");
        QTest::newRow("throttle") << QStringLiteral("TooManyRequestsException") << 429 << QStringLiteral("User");
        QTest::newRow("service") << QStringLiteral("ServiceException") << 500 << QStringLiteral("Service");
        QTest::newRow("runtime") << QStringLiteral("InvalidRuntimeException") << 502 << QStringLiteral("Service");
        QTest::newRow("unknown") << QStringLiteral("Whatever") << 500 << QStringLiteral("Service");
    }
    void errorStatuses()
    {
        QFETCH(QString, type);
        QFETCH(int, status);
        QFETCH(QString, side);
        const WireResponse r = errorResponse(type, QStringLiteral("msg"));
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("X-Amzn-ErrorType"), type.toLatin1());
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        const QJsonObject body = QJsonDocument::fromJson(r.body).object();
        QCOMPARE(body.value(QStringLiteral("Type")).toString(), side);
        QCOMPARE(body.value(QStringLiteral("Message")).toString(), QStringLiteral("msg"));
    }

    void throttleHasReason()
    {
        const WireResponse r = throttleResponse(QStringLiteral("ReservedFunctionConcurrentInvocationLimitExceeded"));
        QCOMPARE(r.status, 429);
        const QJsonObject body = QJsonDocument::fromJson(r.body).object();
        QCOMPARE(body.value(QStringLiteral("Reason")).toString(), QStringLiteral("ReservedFunctionConcurrentInvocationLimitExceeded"));
    }

    // Both invoke routes name a throttle by the engine's reason: a function with reserved
    // concurrency throttled at the engine's global limit is not told it hit its own.
    void throttleAnswerKeepsTheEnginesReason()
    {
        for (const char *reason : {"ConcurrentInvocationLimitExceeded", "ReservedFunctionConcurrentInvocationLimitExceeded"}) {
            const WireResponse r = detail::throttleAnswer(QByteArray("{\"Reason\":\"") + reason + "\",\"Type\":\"User\"}");
            QCOMPARE(r.status, 429);
            QCOMPARE(QJsonDocument::fromJson(r.body).object().value(QStringLiteral("Reason")).toString(), QString::fromLatin1(reason));
        }
        const WireResponse none = detail::throttleAnswer("{}");
        QCOMPARE(QJsonDocument::fromJson(none.body).object().value(QStringLiteral("Reason")).toString(),
                 QStringLiteral("ConcurrentInvocationLimitExceeded"));
    }

    void functionNames_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("qualifier");
        QTest::newRow("name") << QStringLiteral("my-function") << true << QStringLiteral("my-function") << QString();
        QTest::newRow("name:alias") << QStringLiteral("my-function:live") << true << QStringLiteral("my-function") << QStringLiteral("live");
        QTest::newRow("name:version") << QStringLiteral("f:3") << true << QStringLiteral("f") << QStringLiteral("3");
        QTest::newRow("name:$LATEST") << QStringLiteral("f:$LATEST") << true << QStringLiteral("f") << QStringLiteral("$LATEST");
        QTest::newRow("full arn") << QStringLiteral("arn:aws:lambda:us-west-2:123456789012:function:my-function") << true << QStringLiteral("my-function") << QString();
        QTest::newRow("full arn qualified") << QStringLiteral("arn:aws:lambda:us-east-1:000000000000:function:f:prod") << true << QStringLiteral("f") << QStringLiteral("prod");
        QTest::newRow("partial arn") << QStringLiteral("123456789012:function:my-function") << true << QStringLiteral("my-function") << QString();
        QTest::newRow("partial arn qualified") << QStringLiteral("123456789012:function:f:7") << true << QStringLiteral("f") << QStringLiteral("7");
        QTest::newRow("empty") << QString() << false << QString() << QString();
        QTest::newRow("slash") << QStringLiteral("a/b") << false << QString() << QString();
        QTest::newRow("empty qualifier") << QStringLiteral("f:") << false << QString() << QString();
        QTest::newRow("bad qualifier") << QStringLiteral("f:a.b") << false << QString() << QString();
        QTest::newRow("zero version") << QStringLiteral("f:0") << false << QString() << QString();
        QTest::newRow("arn wrong service") << QStringLiteral("arn:aws:s3:us-east-1:000000000000:function:f") << false << QString() << QString();
        QTest::newRow("too many colons") << QStringLiteral("a:b:c") << false << QString() << QString();
    }
    void functionNames()
    {
        QFETCH(QString, input);
        QFETCH(bool, ok);
        QFETCH(QString, name);
        QFETCH(QString, qualifier);
        const Result<FunctionRef> r = parseFunctionName(input);
        QCOMPARE(r.ok(), ok);
        if (!ok) {
            QCOMPARE(r.error().type, QStringLiteral("InvalidParameterValueException"));
            return;
        }
        QCOMPARE(r->name, name);
        QCOMPARE(r->qualifier, qualifier);
    }

    // Names from outside: the message quotes what was refused and the rule it broke.
    void badFunctionNames_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("message");
        const QString pattern = QStringLiteral("failed to satisfy constraint: Member must satisfy regular expression pattern");
        QTest::newRow("non-UTF-8") << QString::fromUtf8("f\xff\xfe") << QStringLiteral("Value 'f\ufffd\ufffd' at 'functionName' ") + pattern;
        QTest::newRow("65 characters") << QString(65, QLatin1Char('a')) << QStringLiteral("Value '%1' at 'functionName' ").arg(QString(65, QLatin1Char('a'))) + pattern;
        QTest::newRow("non-ASCII letters") << QStringLiteral("funci\u00f3n") << QStringLiteral("Value 'funci\u00f3n' at 'functionName' ") + pattern;
        QTest::newRow("space") << QStringLiteral("my function") << QStringLiteral("Value 'my function' at 'functionName' ") + pattern;
        QTest::newRow("parent path") << QStringLiteral("../x") << QStringLiteral("Value '../x' at 'functionName' ") + pattern;
        QTest::newRow("NUL") << QStringLiteral("f\u0000x") << QStringLiteral("at 'functionName' ") + pattern;
        QTest::newRow("newline") << QStringLiteral("f\nx") << QStringLiteral("Value 'f\nx' at 'functionName' ") + pattern;
        QTest::newRow("non-UTF-8 qualifier") << QString::fromUtf8("f:v\xff") << QStringLiteral("Invalid qualifier: v\ufffd");
    }
    void badFunctionNames()
    {
        QFETCH(QString, input);
        QFETCH(QString, message);
        const Result<FunctionRef> r = parseFunctionName(input);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().type, QStringLiteral("InvalidParameterValueException"));
        QVERIFY2(r.error().message.contains(message), qPrintable(r.error().message));
        // The error goes out as Lambda's wire format, whatever bytes the name held.
        const WireResponse w = errorResponse(r.error());
        QCOMPARE(w.status, 400);
        QCOMPARE(QJsonDocument::fromJson(w.body).object().value(QStringLiteral("Message")).toString(), r.error().message);
    }

    void qualifierParamMustAgree()
    {
        QCOMPARE(parseFunctionName(QStringLiteral("f"), QStringLiteral("live"))->qualifier, QStringLiteral("live"));
        QCOMPARE(parseFunctionName(QStringLiteral("f:live"), QStringLiteral("live"))->qualifier, QStringLiteral("live"));
        QVERIFY(!parseFunctionName(QStringLiteral("f:live"), QStringLiteral("2")).ok());
        QVERIFY(!parseFunctionName(QStringLiteral("f"), QStringLiteral("no.dots")).ok());
    }

    void functionConfiguration()
    {
        FunctionDescription d;
        d.config.name = QStringLiteral("hello");
        d.config.runtime = Runtime::NodeJs;
        d.config.runtimeId = QStringLiteral("nodejs22.x");
        d.config.handler = QStringLiteral("index.handler");
        d.config.memoryMb = 256;
        d.config.timeoutSeconds = 10;
        d.config.environment.insert(QStringLiteral("A"), QStringLiteral("1"));
        d.config.version = QStringLiteral("4");
        d.lastModified = lambdaTimestamp(0);
        d.codeSha256 = QStringLiteral("abc=");
        d.codeSize = 321;
        const QJsonObject o = functionConfigurationJson(d);
        QCOMPARE(o.value(QStringLiteral("FunctionName")).toString(), QStringLiteral("hello"));
        QCOMPARE(o.value(QStringLiteral("FunctionArn")).toString(), QStringLiteral("arn:aws:lambda:us-east-1:000000000000:function:hello:4"));
        QCOMPARE(o.value(QStringLiteral("Runtime")).toString(), QStringLiteral("nodejs22.x")); // as given
        QCOMPARE(o.value(QStringLiteral("Handler")).toString(), QStringLiteral("index.handler"));
        QCOMPARE(o.value(QStringLiteral("MemorySize")).toInt(), 256);
        QCOMPARE(o.value(QStringLiteral("Timeout")).toInt(), 10);
        QCOMPARE(o.value(QStringLiteral("Version")).toString(), QStringLiteral("4"));
        QCOMPARE(o.value(QStringLiteral("LastModified")).toString(), QStringLiteral("1970-01-01T00:00:00.000+0000"));
        QCOMPARE(o.value(QStringLiteral("CodeSha256")).toString(), QStringLiteral("abc="));
        QCOMPARE(o.value(QStringLiteral("CodeSize")).toInt(), 321);
        QCOMPARE(o.value(QStringLiteral("State")).toString(), QStringLiteral("Active"));
        QCOMPARE(o.value(QStringLiteral("PackageType")).toString(), QStringLiteral("Zip"));
        QCOMPARE(o.value(QStringLiteral("Architectures")).toArray().first().toString(), QStringLiteral("x86_64"));
        QCOMPARE(o.value(QStringLiteral("Environment")).toObject().value(QStringLiteral("Variables")).toObject().value(QStringLiteral("A")).toString(), QStringLiteral("1"));
    }

    void applyConfiguration_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("ok");
        QTest::newRow("memory") << QByteArray(R"({"MemorySize":512})") << true;
        QTest::newRow("memory low") << QByteArray(R"({"MemorySize":64})") << false;
        QTest::newRow("memory high") << QByteArray(R"({"MemorySize":20000})") << false;
        QTest::newRow("timeout") << QByteArray(R"({"Timeout":900})") << true;
        QTest::newRow("timeout zero") << QByteArray(R"({"Timeout":0})") << false;
        QTest::newRow("runtime") << QByteArray(R"({"Runtime":"python3.11"})") << true;
        QTest::newRow("runtime bad") << QByteArray(R"({"Runtime":"cobol"})") << false;
        QTest::newRow("env") << QByteArray(R"({"Environment":{"Variables":{"KEY":"v"}}})") << true;
        QTest::newRow("env reserved") << QByteArray(R"({"Environment":{"Variables":{"AWS_REGION":"x"}}})") << false;
        QTest::newRow("arch") << QByteArray(R"({"Architectures":["arm64"]})") << true;
        QTest::newRow("arch bad") << QByteArray(R"({"Architectures":["mips"]})") << false;
        QTest::newRow("ephemeral storage") << QByteArray(R"({"EphemeralStorage":{"Size":2048}})") << true;
        QTest::newRow("ephemeral storage low") << QByteArray(R"({"EphemeralStorage":{"Size":256}})") << false;
        QTest::newRow("ephemeral storage missing size") << QByteArray(R"({"EphemeralStorage":{}})") << false;
    }
    void applyConfiguration()
    {
        QFETCH(QByteArray, json);
        QFETCH(bool, ok);
        FunctionConfig c;
        const Status s = applyConfigurationJson(QJsonDocument::fromJson(json).object(), c);
        QCOMPARE(s.ok(), ok);
        if (ok && json.contains("MemorySize"))
            QCOMPARE(c.memoryMb, 512);
        if (ok && json.contains("KEY"))
            QCOMPARE(c.environment.value(QStringLiteral("KEY")), QStringLiteral("v"));
        if (ok && json.contains("EphemeralStorage")) {
            QCOMPARE(c.ephemeralStorageMb, 2048);
            FunctionDescription d;
            d.config = c;
            QCOMPARE(functionConfigurationJson(d).value(QStringLiteral("EphemeralStorage")).toObject().value(QStringLiteral("Size")).toInt(), 2048);
        }
        if (!ok && json.contains("EphemeralStorage"))
            QVERIFY(s.error().message.contains(QStringLiteral("ephemeralStorage.size")));
        if (!ok)
            QCOMPARE(s.error().type, QStringLiteral("InvalidParameterValueException"));
    }

    void aliasConfiguration()
    {
        AliasDescription a{QStringLiteral("f"), QStringLiteral("live"), QStringLiteral("2"), QString(), QStringLiteral("3"), 0.1, QString()};
        const QJsonObject o = aliasConfigurationJson(a);
        QCOMPARE(o.value(QStringLiteral("AliasArn")).toString(), QStringLiteral("arn:aws:lambda:us-east-1:000000000000:function:f:live"));
        QCOMPARE(o.value(QStringLiteral("FunctionVersion")).toString(), QStringLiteral("2"));
        QCOMPARE(o.value(QStringLiteral("RoutingConfig")).toObject().value(QStringLiteral("AdditionalVersionWeights")).toObject().value(QStringLiteral("3")).toDouble(), 0.1);
    }
};

QTEST_GUILESS_MAIN(TestLambdaWire)
#include "tst_lambdawire.moc"
