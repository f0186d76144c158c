// The example custom runtimes (resources/examples/provided-*) run against a Runtime API
// channel directly: the bootstrap is started by the test, as the engine would.
#include "api/runtimeapichannel.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::api;

class TestProvidedExamples : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void conversation_data()
    {
        QTest::addColumn<QString>("example");
        QTest::addColumn<QString>("handler");
        QTest::newRow("bash") << QStringLiteral("provided-bash") << QStringLiteral("function.handler");
        QTest::newRow("node") << QStringLiteral("provided-node") << QStringLiteral("index.handler");
    }
    void conversation()
    {
        QFETCH(QString, example);
        QFETCH(QString, handler);
        const QString dir = QStringLiteral(FUNCDESK_SOURCE_DIR "/resources/examples/") + example;
        RuntimeApiChannel channel(QStringLiteral("env"));
        QVERIFY(channel.listen().ok());
        QSignalSpy ready(&channel, &engine::RuntimeChannel::initReady);
        QSignalSpy responses(&channel, &engine::RuntimeChannel::response);
        QSignalSpy errors(&channel, &engine::RuntimeChannel::error);

        QProcess proc;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        const auto vars = channel.processEnvironment();
        for (auto it = vars.begin(); it != vars.end(); ++it)
            env.insert(it.key(), it.value());
        env.insert(QStringLiteral("_HANDLER"), handler);
        env.insert(QStringLiteral("LAMBDA_TASK_ROOT"), dir);
        proc.setProcessEnvironment(env);
        proc.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        proc.start(dir + QStringLiteral("/bootstrap"), {});
        QVERIFY(proc.waitForStarted());
        QVERIFY(ready.wait(10000));

        engine::ChannelInvocation inv;
        inv.requestId = QStringLiteral("11111111-2222-3333-4444-555555555555");
        inv.deadlineMs = QDateTime::currentMSecsSinceEpoch() + 5000;
        inv.invokedFunctionArn = QStringLiteral("arn:aws:lambda:us-east-1:000000000000:function:f");
        inv.payload = QByteArrayLiteral("{\"n\":7}");
        channel.send(inv);
        QTRY_COMPARE_WITH_TIMEOUT(responses.count(), 1, 10000);
        QCOMPARE(responses.first().at(0).toString(), inv.requestId);
        const QJsonObject out = QJsonDocument::fromJson(responses.first().at(1).toByteArray()).object();
        QCOMPARE(out.value(QStringLiteral("echo")).toObject().value(QStringLiteral("n")).toInt(), 7);
        QCOMPARE(out.value(QStringLiteral("runtime")).toString(), example);

        inv.requestId = QStringLiteral("66666666-2222-3333-4444-555555555555");
        inv.payload = QByteArrayLiteral("{\"fail\":true}");
        channel.send(inv);
        QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, 10000);
        QCOMPARE(errors.first().at(0).toString(), inv.requestId);
        QVERIFY(!QJsonDocument::fromJson(errors.first().at(1).toByteArray()).object().value(QStringLiteral("errorMessage")).toString().isEmpty());

        proc.kill();
        proc.waitForFinished();
    }

    void missingHandlerIsAnInitError()
    {
        const QString dir = QStringLiteral(FUNCDESK_SOURCE_DIR "/resources/examples/provided-node");
        RuntimeApiChannel channel(QStringLiteral("env"));
        QVERIFY(channel.listen().ok());
        QSignalSpy initErrors(&channel, &engine::RuntimeChannel::initError);
        QProcess proc;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("AWS_LAMBDA_RUNTIME_API"), channel.processEnvironment().value(QStringLiteral("AWS_LAMBDA_RUNTIME_API")));
        env.insert(QStringLiteral("_HANDLER"), QStringLiteral("index.missing"));
        env.insert(QStringLiteral("LAMBDA_TASK_ROOT"), dir);
        proc.setProcessEnvironment(env);
        proc.start(dir + QStringLiteral("/bootstrap"), {});
        QVERIFY(initErrors.wait(10000));
        QCOMPARE(initErrors.first().at(1).toString(), QStringLiteral("Runtime.HandlerNotFound"));
        QTRY_COMPARE_WITH_TIMEOUT(proc.state(), QProcess::NotRunning, 5000); // the server needs this event loop
        QCOMPARE(proc.exitCode(), 1);
    }
};

QTEST_GUILESS_MAIN(TestProvidedExamples)
#include "tst_providedexamples.moc"
