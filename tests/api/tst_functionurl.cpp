#include "api/functionurl.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::api;

using Headers = QList<QPair<QByteArray, QByteArray>>;

class TestFunctionUrl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void paths_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QString>("function");
        QTest::addColumn<QString>("qualifier");
        QTest::addColumn<QByteArray>("rawPath");
        QTest::newRow("root") << QByteArray("/url/hello") << QStringLiteral("hello") << QString() << QByteArray("/");
        QTest::newRow("root slash") << QByteArray("/url/hello/") << QStringLiteral("hello") << QString() << QByteArray("/");
        QTest::newRow("path") << QByteArray("/url/hello/a/b") << QStringLiteral("hello") << QString() << QByteArray("/a/b");
        QTest::newRow("alias") << QByteArray("/url/hello/live/a/b") << QStringLiteral("hello") << QStringLiteral("live") << QByteArray("/a/b");
        QTest::newRow("alias only") << QByteArray("/url/hello/live") << QStringLiteral("hello") << QStringLiteral("live") << QByteArray("/");
        QTest::newRow("other fn no alias") << QByteArray("/url/other/live") << QStringLiteral("other") << QString() << QByteArray("/live");
        QTest::newRow("not a url") << QByteArray("/2015-03-31/functions") << QString() << QString() << QByteArray();
        QTest::newRow("bad name") << QByteArray("/url/a.b/c") << QString() << QString() << QByteArray();
    }
    void paths()
    {
        QFETCH(QByteArray, path);
        QFETCH(QString, function);
        QFETCH(QString, qualifier);
        QFETCH(QByteArray, rawPath);
        const auto isAlias = [](const QString &fn, const QString &seg) {
            return fn == QLatin1String("hello") && seg == QLatin1String("live");
        };
        const FunctionUrlTarget t = parseFunctionUrlPath(path, isAlias);
        QCOMPARE(t.function, function);
        QCOMPARE(t.qualifier, qualifier);
        QCOMPARE(t.rawPath, rawPath);
    }

    void urlForUsers()
    {
        QCOMPARE(functionUrlFor(QStringLiteral("127.0.0.1:9001"), QStringLiteral("fn")), QStringLiteral("http://127.0.0.1:9001/url/fn/"));
        QCOMPARE(functionUrlFor(QStringLiteral("127.0.0.1:9001"), QStringLiteral("fn"), QStringLiteral("live")), QStringLiteral("http://127.0.0.1:9001/url/fn/live/"));
    }

    void event_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<Headers>("headers");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("expectedSubset"); // JSON object whose fields must match

        QTest::newRow("get plain") << QByteArray("GET") << QByteArray() << Headers{{"User-Agent", "curl/8"}} << QByteArray()
                                   << QByteArray(R"({"version":"2.0","routeKey":"$default","rawPath":"/p","rawQueryString":"","isBase64Encoded":false,"headers":{"user-agent":"curl/8"}})");
        QTest::newRow("query repeated") << QByteArray("GET") << QByteArray("a=1&a=2&b=x%20y&c=d+e") << Headers{} << QByteArray()
                                        << QByteArray(R"({"rawQueryString":"a=1&a=2&b=x%20y&c=d+e","queryStringParameters":{"a":"1,2","b":"x y","c":"d e"}})");
        QTest::newRow("headers lower and joined") << QByteArray("GET") << QByteArray() << Headers{{"X-Thing", "a"}, {"x-thing", "b"}, {"Accept", "text/html"}} << QByteArray()
                                                  << QByteArray(R"({"headers":{"x-thing":"a,b","accept":"text/html"}})");
        QTest::newRow("cookies") << QByteArray("GET") << QByteArray() << Headers{{"Cookie", "a=1; b=2"}} << QByteArray()
                                 << QByteArray(R"({"cookies":["a=1","b=2"],"headers":{}})");
        QTest::newRow("json body") << QByteArray("POST") << QByteArray() << Headers{{"Content-Type", "application/json"}} << QByteArray(R"({"x":1})")
                                   << QByteArray("{\"body\":\"{\\\"x\\\":1}\",\"isBase64Encoded\":false}");
        QTest::newRow("text body") << QByteArray("PUT") << QByteArray() << Headers{{"Content-Type", "text/plain; charset=utf-8"}} << QByteArray("hello")
                                   << QByteArray(R"({"body":"hello","isBase64Encoded":false})");
        QTest::newRow("binary body") << QByteArray("POST") << QByteArray() << Headers{{"Content-Type", "application/octet-stream"}} << QByteArray("\x01\x02\xff", 3)
                                     << QByteArray(R"({"body":"AQL/","isBase64Encoded":true})");
        QTest::newRow("no content type") << QByteArray("POST") << QByteArray() << Headers{} << QByteArray("abc")
                                         << QByteArray(R"({"body":"YWJj","isBase64Encoded":true})");
    }
    void event()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, query);
        QFETCH(Headers, headers);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, expectedSubset);
        HttpRequest req;
        req.method = method;
        req.path = QByteArrayLiteral("/url/fn/p");
        req.query = query;
        req.headers = headers;
        req.body = body;
        req.peerAddress = QByteArrayLiteral("127.0.0.1");
        FunctionUrlTarget target{QStringLiteral("fn"), QString(), QByteArrayLiteral("/p")};
        FunctionUrlContext ctx{QStringLiteral("req-1"), 1583348638390, QString()};
        const QJsonObject event = QJsonDocument::fromJson(functionUrlEvent(req, target, ctx)).object();
        const QJsonObject expected = QJsonDocument::fromJson(expectedSubset).object();
        QVERIFY(!expected.isEmpty());
        for (auto it = expected.begin(); it != expected.end(); ++it)
            QCOMPARE(event.value(it.key()), it.value());
        if (body.isEmpty())
            QVERIFY(!event.contains(QStringLiteral("body")));
        if (!headers.isEmpty() && headers.first().first == "Cookie")
            QVERIFY(!event.value(QStringLiteral("headers")).toObject().contains(QStringLiteral("cookie")));

        const QJsonObject rc = event.value(QStringLiteral("requestContext")).toObject();
        QCOMPARE(rc.value(QStringLiteral("requestId")).toString(), QStringLiteral("req-1"));
        QCOMPARE(rc.value(QStringLiteral("routeKey")).toString(), QStringLiteral("$default"));
        QCOMPARE(rc.value(QStringLiteral("stage")).toString(), QStringLiteral("$default"));
        QCOMPARE(rc.value(QStringLiteral("domainPrefix")).toString(), QStringLiteral("fn"));
        QCOMPARE(rc.value(QStringLiteral("timeEpoch")).toDouble(), 1583348638390.0);
        QCOMPARE(rc.value(QStringLiteral("time")).toString(), QStringLiteral("04/Mar/2020:19:03:58 +0000"));
        const QJsonObject http = rc.value(QStringLiteral("http")).toObject();
        QCOMPARE(http.value(QStringLiteral("method")).toString(), QString::fromLatin1(method));
        QCOMPARE(http.value(QStringLiteral("path")).toString(), QStringLiteral("/p"));
        QCOMPARE(http.value(QStringLiteral("protocol")).toString(), QStringLiteral("HTTP/1.1"));
        QCOMPARE(http.value(QStringLiteral("sourceIp")).toString(), QStringLiteral("127.0.0.1"));
    }

    void response_data()
    {
        QTest::addColumn<QByteArray>("result");
        QTest::addColumn<bool>("functionError");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("setCookie");

        QTest::newRow("full object") << QByteArray(R"({"statusCode":201,"headers":{"Content-Type":"text/plain","X-A":"b"},"body":"made"})") << false << 201 << QByteArray("text/plain") << QByteArray("made") << QByteArray();
        QTest::newRow("no headers") << QByteArray(R"({"statusCode":404,"body":"nope"})") << false << 404 << QByteArray("application/json") << QByteArray("nope") << QByteArray();
        QTest::newRow("base64") << QByteArray(R"({"statusCode":200,"body":"aGk=","isBase64Encoded":true,"headers":{"content-type":"application/octet-stream"}})") << false << 200 << QByteArray("application/octet-stream") << QByteArray("hi") << QByteArray();
        QTest::newRow("cookies") << QByteArray(R"({"statusCode":200,"cookies":["a=1"],"body":""})") << false << 200 << QByteArray("application/json") << QByteArray() << QByteArray("a=1");
        QTest::newRow("no statusCode") << QByteArray(R"({"message":"hi"})") << false << 200 << QByteArray("application/json") << QByteArray(R"({"message":"hi"})") << QByteArray();
        QTest::newRow("string") << QByteArray(R"("hello")") << false << 200 << QByteArray("application/json") << QByteArray(R"("hello")") << QByteArray();
        QTest::newRow("number") << QByteArray("42") << false << 200 << QByteArray("application/json") << QByteArray("42") << QByteArray();
        QTest::newRow("null") << QByteArray("null") << false << 200 << QByteArray("application/json") << QByteArray("null") << QByteArray();
        QTest::newRow("function error") << QByteArray(R"({"errorMessage":"x","errorType":"Error"})") << true << 502 << QByteArray("application/json") << QByteArray(R"({"Message":"Internal Server Error"})") << QByteArray();
        // A header that would split the response (a handler echoing request data into it).
        const QByteArray ise = R"({"Message":"Internal Server Error"})";
        QTest::newRow("CRLF in a header value") << QByteArray(R"({"statusCode":302,"headers":{"Location":"/x\r\nSet-Cookie: evil=1"}})") << false << 502 << QByteArray("application/json") << ise << QByteArray();
        QTest::newRow("LF in a header value") << QByteArray(R"({"statusCode":200,"headers":{"X-A":"a\nb"}})") << false << 502 << QByteArray("application/json") << ise << QByteArray();
        QTest::newRow("NUL in a header value") << QByteArray(R"({"statusCode":200,"headers":{"X-A":"a\u0000b"}})") << false << 502 << QByteArray("application/json") << ise << QByteArray();
        QTest::newRow("CRLF in a header name") << QByteArray(R"({"statusCode":200,"headers":{"X-A\r\nSet-Cookie":"evil=1"}})") << false << 502 << QByteArray("application/json") << ise << QByteArray();
        QTest::newRow("colon in a header name") << QByteArray(R"({"statusCode":200,"headers":{"X-A: b":"c"}})") << false << 502 << QByteArray("application/json") << ise << QByteArray();
        QTest::newRow("empty header name") << QByteArray(R"({"statusCode":200,"headers":{"":"c"}})") << false << 502 << QByteArray("application/json") << ise << QByteArray();
        QTest::newRow("non-ASCII header name") << QByteArray(R"({"statusCode":200,"headers":{"X-caf\u00e9":"c"}})") << false << 502 << QByteArray("application/json") << ise << QByteArray();
        QTest::newRow("CRLF in a cookie") << QByteArray(R"({"statusCode":200,"cookies":["a=1\r\nX-Evil: 1"]})") << false << 502 << QByteArray("application/json") << ise << QByteArray();
        // Not JSON (not UTF-8): no response object, so the bytes are the body, as they came.
        QTest::newRow("non-UTF-8 result") << QByteArray("{\"statusCode\":200,\"body\":\"caf\xff\"}") << false << 200 << QByteArray("application/json") << QByteArray("{\"statusCode\":200,\"body\":\"caf\xff\"}") << QByteArray();
        QTest::newRow("bad status") << QByteArray(R"({"statusCode":9000})") << false << 502 << QByteArray("application/json") << QByteArray(R"({"Message":"Internal Server Error"})") << QByteArray();
    }
    void response()
    {
        QFETCH(QByteArray, result);
        QFETCH(bool, functionError);
        QFETCH(int, status);
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, setCookie);
        const WireResponse r = functionUrlResponse(result, functionError);
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("content-type"), contentType);
        QCOMPARE(r.body, body);
        QCOMPARE(r.header("set-cookie"), setCookie);
    }

    void textTypes_data()
    {
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<bool>("text");
        QTest::newRow("json") << QByteArray("application/json") << true;
        QTest::newRow("json charset") << QByteArray("application/json; charset=utf-8") << true;
        QTest::newRow("text/html") << QByteArray("text/html") << true;
        QTest::newRow("vnd json") << QByteArray("application/vnd.api+json") << true;
        QTest::newRow("png") << QByteArray("image/png") << false;
        QTest::newRow("empty") << QByteArray() << false;
    }
    void textTypes()
    {
        QFETCH(QByteArray, type);
        QFETCH(bool, text);
        QCOMPARE(isTextContentType(type), text);
    }
};

QTEST_GUILESS_MAIN(TestFunctionUrl)
#include "tst_functionurl.moc"
