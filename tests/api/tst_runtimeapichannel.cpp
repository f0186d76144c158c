// The Runtime API conversation, driven by a test client directly against the channel.
#include "api/runtimeapichannel.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::api;
using funcdesk::engine::ChannelInvocation;

class TestRuntimeApiChannel : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<RuntimeApiChannel> channel;
    QNetworkAccessManager nam;

    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("http://") + channel->processEnvironment().value(QStringLiteral("AWS_LAMBDA_RUNTIME_API"))
                    + QStringLiteral("/2018-06-01/runtime/") + path);
    }
    QNetworkReply *get(const QString &path) { return nam.get(QNetworkRequest(url(path))); }
    QNetworkReply *post(const QString &path, const QByteArray &body, const QByteArray &errorType = {})
    {
        QNetworkRequest req(url(path));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        if (!errorType.isEmpty())
            req.setRawHeader("Lambda-Runtime-Function-Error-Type", errorType);
        return nam.post(req, body);
    }
    static int status(QNetworkReply *r)
    {
        if (!r->isFinished()) {
            QSignalSpy done(r, &QNetworkReply::finished);
            done.wait(5000);
        }
        return r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }
    static ChannelInvocation invocation(const QString &id, const QByteArray &payload = QByteArrayLiteral("{\"k\":1}"))
    {
        ChannelInvocation inv;
        inv.requestId = id;
        inv.deadlineMs = 1700000000123;
        inv.invokedFunctionArn = QStringLiteral("arn:aws:lambda:us-east-1:000000000000:function:f");
        inv.traceId = QStringLiteral("Root=1-abc");
        inv.payload = payload;
        return inv;
    }
    // Takes the first invocation (initReady) and answers nothing yet.
    QNetworkReply *firstNext()
    {
        QSignalSpy ready(channel.get(), &engine::RuntimeChannel::initReady);
        QNetworkReply *next = get(QStringLiteral("invocation/next"));
        if (!ready.wait(5000))
            return nullptr;
        return next;
    }

private Q_SLOTS:
    void init()
    {
        channel = std::make_unique<RuntimeApiChannel>(QStringLiteral("env1"));
        QVERIFY(channel->listen().ok());
    }
    void cleanup() { channel.reset(); }

    void environmentNamesTheEndpoint()
    {
        const QString api = channel->processEnvironment().value(QStringLiteral("AWS_LAMBDA_RUNTIME_API"));
        QCOMPARE(api, QStringLiteral("127.0.0.1:") + QString::number(channel->port()));
        QVERIFY(channel->port() != 0);
    }

    void nextLongPollsUntilSend()
    {
        QNetworkReply *next = firstNext();
        QVERIFY(next);
        QTest::qWait(50);
        QVERIFY(!next->isFinished());
        channel->send(invocation(QStringLiteral("req-1")));
        QCOMPARE(status(next), 200);
        QCOMPARE(next->rawHeader("Lambda-Runtime-Aws-Request-Id"), QByteArray("req-1"));
        QCOMPARE(next->rawHeader("Lambda-Runtime-Deadline-Ms"), QByteArray("1700000000123"));
        QCOMPARE(next->rawHeader("Lambda-Runtime-Invoked-Function-Arn"), QByteArray("arn:aws:lambda:us-east-1:000000000000:function:f"));
        QCOMPARE(next->rawHeader("Lambda-Runtime-Trace-Id"), QByteArray("Root=1-abc"));
        QVERIFY(!next->hasRawHeader("Lambda-Runtime-Client-Context"));
        QCOMPARE(next->readAll(), QByteArray("{\"k\":1}"));
        next->deleteLater();
    }

    void queuedInvocationIsDeliveredOnNext()
    {
        ChannelInvocation inv = invocation(QStringLiteral("req-q"));
        inv.clientContext = QByteArrayLiteral("{\"custom\":{}}");
        channel->send(inv);
        QSignalSpy ready(channel.get(), &engine::RuntimeChannel::initReady);
        QNetworkReply *next = get(QStringLiteral("invocation/next"));
        QCOMPARE(status(next), 200);
        QCOMPARE(ready.count(), 1);
        QCOMPARE(next->rawHeader("Lambda-Runtime-Aws-Request-Id"), QByteArray("req-q"));
        QCOMPARE(next->rawHeader("Lambda-Runtime-Client-Context"), QByteArray("{\"custom\":{}}"));
        next->deleteLater();
    }

    void responseIsAcceptedOnce()
    {
        channel->send(invocation(QStringLiteral("req-2")));
        QNetworkReply *next = get(QStringLiteral("invocation/next"));
        QCOMPARE(status(next), 200);
        QSignalSpy responses(channel.get(), &engine::RuntimeChannel::response);
        QNetworkReply *r = post(QStringLiteral("invocation/req-2/response"), QByteArrayLiteral("{\"ok\":true}"));
        QCOMPARE(status(r), 202);
        QCOMPARE(responses.count(), 1);
        QCOMPARE(responses.first().at(0).toString(), QStringLiteral("req-2"));
        QCOMPARE(responses.first().at(1).toByteArray(), QByteArray("{\"ok\":true}"));
        // Answering again is a wrong state; an id never sent is unknown.
        QNetworkReply *again = post(QStringLiteral("invocation/req-2/response"), QByteArrayLiteral("{}"));
        QCOMPARE(status(again), 403);
        QCOMPARE(QJsonDocument::fromJson(again->readAll()).object().value(QStringLiteral("errorType")).toString(), QStringLiteral("InvalidStateTransition"));
        QNetworkReply *unknown = post(QStringLiteral("invocation/nope/response"), QByteArrayLiteral("{}"));
        QCOMPARE(status(unknown), 400);
        QCOMPARE(QJsonDocument::fromJson(unknown->readAll()).object().value(QStringLiteral("errorType")).toString(), QStringLiteral("InvalidRequestID"));
        QCOMPARE(responses.count(), 1);
        for (QNetworkReply *x : {next, r, again, unknown})
            x->deleteLater();
    }

    void functionErrorCarriesItsType_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("type");
        QTest::addColumn<QString>("message");
        QTest::newRow("lambda error json") << QByteArray(R"({"errorMessage":"boom","errorType":"MyError","stackTrace":[]})") << QByteArray("MyError") << QStringLiteral("boom");
        QTest::newRow("plain text") << QByteArray("it broke") << QByteArray("Unhandled") << QStringLiteral("it broke");
        QTest::newRow("empty body") << QByteArray() << QByteArray("Runtime.Crash") << QStringLiteral("Runtime.Crash");
    }
    void functionErrorCarriesItsType()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, type);
        QFETCH(QString, message);
        channel->send(invocation(QStringLiteral("req-e")));
        QNetworkReply *next = get(QStringLiteral("invocation/next"));
        QCOMPARE(status(next), 200);
        QSignalSpy errors(channel.get(), &engine::RuntimeChannel::error);
        QNetworkReply *r = post(QStringLiteral("invocation/req-e/error"), body, type);
        QCOMPARE(status(r), 202);
        QCOMPARE(errors.count(), 1);
        QCOMPARE(errors.first().at(0).toString(), QStringLiteral("req-e"));
        QCOMPARE(errors.first().at(2).toString(), QString::fromLatin1(type));
        const QJsonObject doc = QJsonDocument::fromJson(errors.first().at(1).toByteArray()).object();
        QCOMPARE(doc.value(QStringLiteral("errorMessage")).toString(), message);
        next->deleteLater();
        r->deleteLater();
    }

    void initErrorOnlyBeforeFirstNext()
    {
        QSignalSpy initErrors(channel.get(), &engine::RuntimeChannel::initError);
        QNetworkReply *r = post(QStringLiteral("init/error"), QByteArrayLiteral(R"({"errorMessage":"no handler","errorType":"Runtime.NoHandler"})"), "Runtime.NoHandler");
        QCOMPARE(status(r), 202);
        QCOMPARE(initErrors.count(), 1);
        QCOMPARE(initErrors.first().at(1).toString(), QStringLiteral("Runtime.NoHandler"));
        QNetworkReply *next = firstNext();
        QVERIFY(next);
        QNetworkReply *late = post(QStringLiteral("init/error"), QByteArrayLiteral("{}"), "X");
        QCOMPARE(status(late), 403);
        QCOMPARE(initErrors.count(), 1);
        for (QNetworkReply *x : {r, next, late})
            x->deleteLater();
    }

    void oversizedResponseIs413AndAnError()
    {
        channel->send(invocation(QStringLiteral("req-big")));
        QNetworkReply *next = get(QStringLiteral("invocation/next"));
        QCOMPARE(status(next), 200);
        QSignalSpy errors(channel.get(), &engine::RuntimeChannel::error);
        QSignalSpy responses(channel.get(), &engine::RuntimeChannel::response);
        QNetworkReply *r = post(QStringLiteral("invocation/req-big/response"), QByteArray(RuntimeApiChannel::kMaxResponseBytes + 10, 'a'));
        QCOMPARE(status(r), 413);
        QCOMPARE(errors.count(), 1);
        QCOMPARE(errors.first().at(2).toString(), QStringLiteral("Function.ResponseSizeTooLarge"));
        QCOMPARE(responses.count(), 0);
        next->deleteLater();
        r->deleteLater();
    }

    void unknownPathIs404()
    {
        QNetworkReply *r = get(QStringLiteral("nothing/here"));
        QCOMPARE(status(r), 404);
        r->deleteLater();
    }

    void factoryMakesListeningChannels()
    {
        const auto factory = runtimeApiChannelFactory();
        auto a = factory(QStringLiteral("e1"));
        auto b = factory(QStringLiteral("e2"));
        QVERIFY(a && b);
        QVERIFY(a->processEnvironment() != b->processEnvironment());
    }
};

QTEST_GUILESS_MAIN(TestRuntimeApiChannel)
#include "tst_runtimeapichannel.moc"
