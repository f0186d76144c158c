// The request guard's rules, one table each: which Host names are this server's, which
// Origins pass, what counts as credentials, and the data dir's token file.
#include "api/requestguard.h"

#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::api;

namespace {

HttpRequest requestWith(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    HttpRequest r;
    r.method = "POST";
    r.path = "/2015-03-31/functions/f/invocations";
    r.headers = headers;
    return r;
}

const QByteArray kSig = QByteArrayLiteral(
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/us-east-1/lambda/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");

} // namespace

class TestRequestGuard : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void host_data()
    {
        QTest::addColumn<QString>("bind");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<bool>("allowed");
        const QString lo = QStringLiteral("127.0.0.1");
        QTest::newRow("127.0.0.1 with port") << lo << QByteArray("127.0.0.1:9001") << true;
        QTest::newRow("localhost") << lo << QByteArray("localhost:9001") << true;
        QTest::newRow("LOCALHOST") << lo << QByteArray("LOCALHOST") << true;
        QTest::newRow("another loopback address") << lo << QByteArray("127.1.2.3:80") << true;
        QTest::newRow("ipv6 loopback") << lo << QByteArray("[::1]:9001") << true;
        QTest::newRow("no host header") << lo << QByteArray() << true;
        QTest::newRow("a rebinding name") << lo << QByteArray("attacker.example:9001") << false;
        QTest::newRow("localhost as a subdomain") << lo << QByteArray("localhost.attacker.example") << false;
        QTest::newRow("a name ending in localhost") << lo << QByteArray("evil-localhost") << false;
        QTest::newRow("a LAN address") << lo << QByteArray("192.168.1.5:9001") << false;
        QTest::newRow("the bound address") << QStringLiteral("192.168.1.5") << QByteArray("192.168.1.5:9001") << true;
        QTest::newRow("another name when bound to one") << QStringLiteral("192.168.1.5") << QByteArray("evil.example") << false;
        QTest::newRow("any name when bound to all") << QStringLiteral("0.0.0.0") << QByteArray("my-box.lan:9001") << true;
    }
    void host()
    {
        QFETCH(QString, bind);
        QFETCH(QByteArray, host);
        QFETCH(bool, allowed);
        GuardOptions o;
        o.bindAddress = bind;
        const HttpRequest r = requestWith(host.isNull() ? QList<QPair<QByteArray, QByteArray>>{}
                                                        : QList<QPair<QByteArray, QByteArray>>{{"Host", host}});
        const Status s = checkHost(r, o);
        QCOMPARE(s.ok(), allowed);
        if (!allowed) {
            QCOMPARE(s.error().type, errc::AccessDenied);
            QVERIFY(s.error().message.contains(QStringLiteral("is not this server")));
        }
    }

    void origin()
    {
        GuardOptions o;
        QVERIFY(checkOrigin(requestWith({}), o));
        const Status refused = checkOrigin(requestWith({{"Origin", "http://evil.example"}}), o);
        QVERIFY(!refused);
        QCOMPARE(refused.error().type, errc::AccessDenied);
        QVERIFY(!checkOrigin(requestWith({{"Origin", "null"}}), o)); // sandboxed frames and files
        o.allowedOrigins = {QStringLiteral("http://localhost:3000")};
        QVERIFY(checkOrigin(requestWith({{"origin", "http://localhost:3000"}}), o));
        QVERIFY(!checkOrigin(requestWith({{"Origin", "http://localhost:3001"}}), o));
    }

    void sigV4Shape_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<bool>("wellFormed");
        QTest::newRow("an SDK's") << kSig << true;
        QTest::newRow("no spaces after commas") << QByteArray(kSig).replace(", ", ",") << true;
        QTest::newRow("short signature") << QByteArray(kSig).replace("b5d7", "") << false;
        QTest::newRow("uppercase signature") << QByteArray(kSig).toUpper() << false;
        QTest::newRow("other algorithm") << QByteArray(kSig).replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256") << false;
        QTest::newRow("no credential scope") << QByteArrayLiteral("AWS4-HMAC-SHA256 Credential=AKID, SignedHeaders=host, Signature=00") << false;
        QTest::newRow("basic auth") << QByteArrayLiteral("Basic dXNlcjpwYXNz") << false;
        QTest::newRow("empty") << QByteArray() << false;
    }
    void sigV4Shape()
    {
        QFETCH(QByteArray, header);
        QFETCH(bool, wellFormed);
        QCOMPARE(isWellFormedSigV4(header), wellFormed);
    }

    void credentials()
    {
        GuardOptions o;
        o.tokens = {QString(), QStringLiteral("local-token")};
        QVERIFY(checkCredentials(requestWith({{"Authorization", kSig}}), o));
        QVERIFY(checkCredentials(requestWith({{"Authorization", "Bearer local-token"}}), o));
        QVERIFY(!checkCredentials(requestWith({{"Authorization", "Bearer "}}), o)); // the empty token is no token
        QVERIFY(!checkCredentials(requestWith({{"Authorization", "Bearer other"}}), o));
        const Status none = checkCredentials(requestWith({}), o);
        QVERIFY(!none);
        QCOMPARE(none.error().type, errc::Unrecognized);
        QVERIFY(none.error().message.contains(QStringLiteral("funcdesk.token")));
        o.acceptAnySignature = false; // then only the token
        QVERIFY(!checkCredentials(requestWith({{"Authorization", kSig}}), o));
        o.acceptAnySignature = true;
        o.bindAddress = QStringLiteral("0.0.0.0"); // reachable from the network: a signature is not proof
        QVERIFY(!checkCredentials(requestWith({{"Authorization", kSig}}), o));
    }

    // Signatures computed by botocore (the AWS SDK for Python's signer) for fixed requests
    // at 2015-08-30T12:36:00Z; the first is AWS's own published get-vanilla example.
    void sigV4Verifies_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("extraName");
        QTest::addColumn<QByteArray>("extraValue");
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QByteArray>("authorization");
        QTest::newRow("AWS get-vanilla")
            << QByteArray("GET") << QByteArray("/") << QByteArray() << QByteArray("example.amazonaws.com") << QByteArray()
            << QByteArray() << QByteArray() << QStringLiteral("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
            << QByteArray("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                          "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
        QTest::newRow("invoke an alias, with a body and a signed x-amz header")
            << QByteArray("POST") << QByteArray("/2015-03-31/functions/orders%3Alive/invocations") << QByteArray()
            << QByteArray("127.0.0.1:9001") << QByteArray("{\"n\": 1}") << QByteArray("X-Amz-Invocation-Type")
            << QByteArray("Event") << QStringLiteral("secret-1")
            << QByteArray("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/lambda/aws4_request, "
                          "SignedHeaders=host;x-amz-date;x-amz-invocation-type, "
                          "Signature=9b2fe99b262d9416e7d284627f7ae450e2ff73c3ee01bef92e80bf2c9378f922");
        QTest::newRow("a query string, out of order and encoded")
            << QByteArray("GET") << QByteArray("/2015-03-31/functions/") << QByteArray("MaxItems=10&Marker=a%2Fb")
            << QByteArray("localhost:9001") << QByteArray() << QByteArray() << QByteArray() << QStringLiteral("secret-1")
            << QByteArray("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/lambda/aws4_request, "
                          "SignedHeaders=host;x-amz-date, Signature=6e4d631593d56f34464ba06b9fdd1573e6f69c31dee0f73baeed2d4f37081960");
    }
    void sigV4Verifies()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, query);
        QFETCH(QByteArray, host);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, extraName);
        QFETCH(QByteArray, extraValue);
        QFETCH(QString, secret);
        QFETCH(QByteArray, authorization);
        HttpRequest r;
        r.method = method;
        r.path = path;
        r.query = query;
        r.body = body;
        r.headers = {{"Host", host}, {"X-Amz-Date", "20150830T123600Z"}, {"Authorization", authorization}};
        if (!extraName.isEmpty())
            r.headers.append({extraName, extraValue});
        QVERIFY2(verifySigV4(r, secret, 0), qPrintable(verifySigV4(r, secret, 0) ? QString() : verifySigV4(r, secret, 0).error().message));

        // Anything signed changed, or another secret: refused, as AWS refuses it.
        const auto refused = [&](HttpRequest changed, const QString &key) {
            const Status s = verifySigV4(changed, key, 0);
            return !s && s.error().type == errc::InvalidSignature;
        };
        QVERIFY(refused(r, secret + QLatin1Char('x')));
        HttpRequest otherBody = r;
        otherBody.body += ' ';
        QVERIFY(refused(otherBody, secret));
        HttpRequest otherPath = r;
        otherPath.path += "x";
        QVERIFY(refused(otherPath, secret));
        HttpRequest otherHost = r;
        otherHost.headers[0].second = "attacker.example";
        QVERIFY(refused(otherHost, secret));
        // Signed long ago: refused when the server's clock is given.
        const Status expired = verifySigV4(r, secret, QDateTime::currentMSecsSinceEpoch());
        QVERIFY(!expired);
        QVERIFY(expired.error().message.contains(QStringLiteral("expired")));
    }

    void requiredCredentialsAreVerified()
    {
        GuardOptions options;
        options.requiredSecret = QStringLiteral("secret-1");
        HttpRequest r;
        r.method = "GET";
        r.path = "/2015-03-31/functions/";
        r.query = "MaxItems=10&Marker=a%2Fb";
        r.headers = {{"Host", "localhost:9001"},
                     {"X-Amz-Date", "20150830T123600Z"},
                     {"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/lambda/aws4_request, "
                                       "SignedHeaders=host;x-amz-date, Signature=6e4d631593d56f34464ba06b9fdd1573e6f69c31dee0f73baeed2d4f37081960"}};
        // Well formed and even correct, but from 2015: with credentials required it must
        // verify now. Without the requirement a well-formed signature is enough on loopback.
        const Status required = checkCredentials(r, options);
        QVERIFY(!required);
        QCOMPARE(required.error().type, QString(errc::InvalidSignature));
        options.requiredSecret.clear();
        QVERIFY(checkCredentials(r, options));
        r.headers[2].second = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/lambda/aws4_request, "
                              "SignedHeaders=host;x-amz-date, Signature=" + QByteArray(64, '0');
        QVERIFY(checkCredentials(r, options)); // any well-formed one
        options.requiredSecret = QStringLiteral("secret-1");
        QCOMPARE(checkCredentials(r, options).error().type, QString(errc::InvalidSignature));
    }

    void localTokenIsMadeOnceAndPrivate()
    {
        QTemporaryDir dir;
        const DataDir data{dir.path()};
        QVERIFY(readLocalToken(data).isEmpty());
        const auto first = readOrCreateLocalToken(data);
        QVERIFY(first);
        QCOMPARE(first->size(), 64);
        QCOMPARE(*readOrCreateLocalToken(data), *first);
        QCOMPARE(readLocalToken(data), *first);
        QCOMPARE(QFile(localTokenPath(data)).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
    }
};

QTEST_GUILESS_MAIN(TestRequestGuard)
#include "tst_requestguard.moc"
