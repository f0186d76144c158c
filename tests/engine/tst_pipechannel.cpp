// The pipe protocol: frame encoding, and a conversation with the fake runtime.

#include "engine/childprocess.h"
#include "engine/interpreters.h"
#include "engine/pipechannel.h"

#include <QSignalSpy>
#include <QTest>

using namespace funcdesk::engine;

class TestPipeChannel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void encodesInvokeFrames_data()
    {
        QTest::addColumn<QByteArray>("context");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("plain") << QByteArray() << QByteArray("{}")
                               << QByteArray("Irid\n42\narn:x\n\n\n{}");
        QTest::newRow("context newlines flattened") << QByteArray("{\n\"a\":1}") << QByteArray("[1,\n2]")
                                                    << QByteArray("Irid\n42\narn:x\n\n{ \"a\":1}\n[1,\n2]");
    }

    void encodesInvokeFrames()
    {
        QFETCH(QByteArray, context);
        QFETCH(QByteArray, payload);
        QFETCH(QByteArray, body);
        ChannelInvocation inv;
        inv.requestId = QStringLiteral("rid");
        inv.deadlineMs = 42;
        inv.invokedFunctionArn = QStringLiteral("arn:x");
        inv.clientContext = context;
        inv.payload = payload;
        const QByteArray frame = PipeChannel::encodeInvoke(inv);
        const auto *u = reinterpret_cast<const unsigned char *>(frame.constData());
        const quint32 len = u[0] | u[1] << 8 | u[2] << 16 | quint32(u[3]) << 24;
        QCOMPARE(qsizetype(len), frame.size() - 4);
        QCOMPARE(frame.mid(4), body);
    }

    void talksToARuntime_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QString>("expect");
        QTest::newRow("ok") << "ok"
                            << "response";
        QTest::newRow("error") << "error"
                               << "error";
        QTest::newRow("init error") << "init-error"
                                    << "initError";
        QTest::newRow("garbage") << "garbage"
                                 << "protocolError";
    }

    void talksToARuntime()
    {
        QFETCH(QString, mode);
        QFETCH(QString, expect);
        auto channel = PipeChannel::create(1 << 20);
        QVERIFY(channel.ok());
        PipeChannel *c = channel->get();
        QSignalSpy ready(c, &RuntimeChannel::initReady);
        QSignalSpy initError(c, &RuntimeChannel::initError);
        QSignalSpy response(c, &RuntimeChannel::response);
        QSignalSpy error(c, &RuntimeChannel::error);
        QSignalSpy protocolError(c, &RuntimeChannel::protocolError);
        SpawnSpec spec;
        spec.program = QStringLiteral(FUNCDESK_FAKERUNTIME);
        spec.environment = {{QStringLiteral("FAKE_MODE"), mode}};
        spec.fds = c->childFds();
        auto child = ChildProcess::spawn(spec);
        c->processStarted();
        QVERIFY(child.ok());
        if (expect == QLatin1String("initError")) {
            QTRY_COMPARE(initError.size(), 1);
            QCOMPARE(initError.first().at(1).toString(), QStringLiteral("Runtime.ImportModuleError"));
            return;
        }
        QTRY_COMPARE(ready.size(), 1);
        ChannelInvocation inv;
        inv.requestId = QStringLiteral("r-1");
        inv.payload = "{\"x\":true}";
        c->send(inv);
        if (expect == QLatin1String("response")) {
            QTRY_COMPARE(response.size(), 1);
            QCOMPARE(response.first().at(0).toString(), QStringLiteral("r-1"));
            QVERIFY(response.first().at(1).toByteArray().startsWith("{\"echo\":{\"x\":true},\"count\":1"));
        } else if (expect == QLatin1String("error")) {
            QTRY_COMPARE(error.size(), 1);
            QCOMPARE(error.first().at(2).toString(), QStringLiteral("FakeError"));
        } else {
            QTRY_COMPARE(protocolError.size(), 1);
        }
    }

    // An answer longer than the channel takes is read and dropped as it comes and reported
    // as Lambda's Function.ResponseSizeTooLarge for its request; the next answer arrives.
    void oversizedAnswerIsDroppedAndReported()
    {
        auto channel = PipeChannel::create(1 << 20);
        QVERIFY(channel.ok());
        PipeChannel *c = channel->get();
        QSignalSpy ready(c, &RuntimeChannel::initReady);
        QSignalSpy response(c, &RuntimeChannel::response);
        QSignalSpy error(c, &RuntimeChannel::error);
        QSignalSpy protocolError(c, &RuntimeChannel::protocolError);
        SpawnSpec spec;
        const auto python = resolveInterpreter(funcdesk::Runtime::Python3, {}); // the real one, not a version manager's shim
        QVERIFY(python.ok());
        spec.program = python->path;
        spec.inheritEnvironment = true;
        spec.arguments = {QStringLiteral("-c"), QStringLiteral(R"(
import os
def send(b):
    b = len(b).to_bytes(4, 'little') + b
    while b:
        b = b[os.write(4, b):]
f = os.fdopen(3, 'rb')
def request_id():
    n = int.from_bytes(f.read(4), 'little')
    return f.read(n)[1:].split(b'\n', 1)[0]
send(b'R')
send(b'S' + request_id() + b'\n"' + b'x' * 3000000 + b'"')
send(b'S' + request_id() + b'\n"small"')
f.read()
)")};
        spec.fds = c->childFds();
        auto child = ChildProcess::spawn(spec);
        c->processStarted();
        QVERIFY(child.ok());
        QTRY_COMPARE(ready.size(), 1);
        ChannelInvocation inv;
        inv.requestId = QStringLiteral("r-1");
        c->send(inv);
        QTRY_COMPARE_WITH_TIMEOUT(error.size(), 1, 10000);
        QCOMPARE(error.first().at(0).toString(), QStringLiteral("r-1"));
        QCOMPARE(error.first().at(2).toString(), QStringLiteral("Function.ResponseSizeTooLarge"));
        QVERIFY(error.first().at(1).toByteArray().contains("(6291556 bytes)."));
        inv.requestId = QStringLiteral("r-2");
        c->send(inv);
        QTRY_COMPARE(response.size(), 1);
        QCOMPARE(response.first().at(0).toString(), QStringLiteral("r-2"));
        QCOMPARE(response.first().at(1).toByteArray(), QByteArray("\"small\""));
        QCOMPARE(protocolError.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestPipeChannel)
#include "tst_pipechannel.moc"
