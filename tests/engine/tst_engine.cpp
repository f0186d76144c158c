// The engine's state machine, scheduler and limits, driven by the fake runtime
// (tests/fakeruntime) standing in for the python3 interpreter.

#include "enginetest.h"

#include "common/reportline.h"
#include "engine/runtimechannel.h"

#include <QAbstractEventDispatcher>
#include <QRegularExpression>
#include <QThread>
#include <QSignalSpy>
#include <QTimer>

#include <mutex>

using namespace enginetest;

Q_DECLARE_METATYPE(funcdesk::InvocationStatus)

namespace {

// A stand-in for core/api's Runtime API channel: ready at once, answers "pong".
class FakeProvidedChannel : public RuntimeChannel
{
public:
    QMap<QString, QString> processEnvironment() const override
    {
        return {{QStringLiteral("AWS_LAMBDA_RUNTIME_API"), QStringLiteral("127.0.0.1:9")}};
    }
    void processStarted() override
    {
        QTimer::singleShot(0, this, [this] { Q_EMIT initReady(); });
    }
    void send(const ChannelInvocation &inv) override
    {
        const QString rid = inv.requestId;
        const QByteArray payload = inv.payload;
        QTimer::singleShot(0, this, [this, rid, payload] { Q_EMIT response(rid, "{\"pong\":" + payload + "}"); });
    }
};

} // namespace

class TestEngine : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    EngineOptions options(std::function<void(EngineOptions &)> tweak = {})
    {
        EngineOptions o;
        o.python3Path = QStringLiteral(FUNCDESK_FAKERUNTIME);
        o.runDir = m_dir.path() + QStringLiteral("/run");
        if (tweak)
            tweak(o);
        return o;
    }

    FunctionConfig fake(const QString &name, const QString &mode, std::function<void(FunctionConfig &)> tweak = {})
    {
        FunctionConfig c;
        c.name = name;
        c.runtime = Runtime::Python3;
        c.handler = mode;
        c.codeDir = m_dir.path() + QStringLiteral("/code");
        QDir().mkpath(c.codeDir);
        c.timeoutSeconds = 2;
        if (tweak)
            tweak(c);
        return c;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void coldThenWarmReusesTheEnvironment()
    {
        Engine engine(options());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("ok"))).ok());
        const InvokeResult first = engine.invokeAndWait(request(QStringLiteral("f"), "{\"a\":1}"));
        QCOMPARE(first.record.status, InvocationStatus::Success);
        QVERIFY(first.record.cold);
        QVERIFY(first.record.initDurationMs > 0);
        QCOMPARE(json(first.response).value(QStringLiteral("count")).toInt(), 1);
        QCOMPARE(json(first.response).value(QStringLiteral("echo")).toObject().value(QStringLiteral("a")).toInt(), 1);
        const InvokeResult second = engine.invokeAndWait(request(QStringLiteral("f")));
        QVERIFY(!second.record.cold);
        QCOMPARE(second.record.initDurationMs, 0.0);
        QCOMPARE(second.record.environmentId, first.record.environmentId);
        QCOMPARE(json(second.response).value(QStringLiteral("count")).toInt(), 2);
        QVERIFY(second.record.maxMemoryUsedMb >= 1);
        QVERIFY(second.record.maxMemoryUsedMb < 128);
        QCOMPARE(second.record.requestBytes, 2);
        QCOMPARE(second.record.billedDurationMs, funcdesk::billedMilliseconds(second.record.durationMs));
        QCOMPARE(engine.environments().size(), 1);
        QCOMPARE(engine.environments().first().state, EnvironmentState::Idle);
        QCOMPARE(engine.environments().first().invocations, 2);
    }

    void callbacksRunOnTheEngineThreadWithThePlainDispatcher()
    {
        Engine engine(options());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("ok"))).ok());
        QString threadName, dispatcher;
        std::atomic<bool> ran{false};
        engine.invoke(request(QStringLiteral("f")), [&](InvokeResult) {
            threadName = QThread::currentThread()->objectName();
            dispatcher = QString::fromLatin1(QAbstractEventDispatcher::instance()->metaObject()->className());
            ran = true; // publishes the two strings
        });
        QTRY_VERIFY(ran.load());
        QCOMPARE(threadName, QStringLiteral("funcdesk-engine"));
        QCOMPARE(dispatcher, QStringLiteral("QEventDispatcherUNIX")); // the cheaper wake-up
        QVERIFY(qEnvironmentVariableIsEmpty("QT_NO_GLIB"));           // not left behind for other threads
    }

    void stateChangesAreSignalled()
    {
        Engine engine(options());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("ok"))).ok());
        QSignalSpy spy(&engine, &Engine::environmentChanged);
        QSignalSpy finished(&engine, &Engine::invocationFinished);
        QSignalSpy lines(&engine, &Engine::logLines);
        engine.invokeAndWait(request(QStringLiteral("f")));
        QTRY_COMPARE(spy.size(), 3);
        QList<EnvironmentState> states;
        for (const auto &args : spy)
            states << args.at(0).value<EnvironmentInfo>().state;
        QCOMPARE(states, (QList<EnvironmentState>{EnvironmentState::Initializing, EnvironmentState::Busy, EnvironmentState::Idle}));
        QTRY_COMPARE(finished.size(), 1);
        QTRY_VERIFY(lines.size() >= 1);
    }

    // A request's lines are signalled before its record: the store rebuilds END / REPORT
    // from the record, so a log reader must never see those before the lines they close.
    void linesAreSignalledBeforeTheRecord()
    {
        Engine engine(options());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("ok"))).ok());
        std::mutex m;
        QStringList order;
        QObject::connect(
            &engine, &Engine::logLines, &engine, [&](const QList<LogLine> &lines) {
                std::lock_guard lock(m);
                for (const LogLine &l : lines) {
                    if (!l.requestId.isEmpty() && !order.contains(QStringLiteral("lines ") + l.requestId))
                        order << QStringLiteral("lines ") + l.requestId;
                }
            },
            Qt::DirectConnection);
        QObject::connect(
            &engine, &Engine::invocationFinished, &engine, [&](const InvocationRecord &r) {
                std::lock_guard lock(m);
                order << QStringLiteral("record ") + r.requestId;
            },
            Qt::DirectConnection);
        const InvokeResult r = engine.invokeAndWait(request(QStringLiteral("f")));
        std::lock_guard lock(m);
        QCOMPARE(order, (QStringList{QStringLiteral("lines ") + r.record.requestId, QStringLiteral("record ") + r.record.requestId}));
    }

    // The store records through a RecordSink: every record once, each request's lines
    // before its record, on the engine thread; after setRecordSink(nullptr) nothing more.
    void recordSinkGetsLinesThenTheRecordUntilCleared()
    {
        struct Sink final : RecordSink
        {
            std::mutex m;
            QStringList order;
            QStringList threads;
            void recordLines(const QList<LogLine> &lines) override
            {
                std::lock_guard lock(m);
                for (const LogLine &l : lines) {
                    if (!l.requestId.isEmpty() && !order.contains(QStringLiteral("lines ") + l.requestId))
                        order << QStringLiteral("lines ") + l.requestId;
                }
            }
            void recordInvocation(const InvocationRecord &r) override
            {
                std::lock_guard lock(m);
                order << QStringLiteral("record ") + r.requestId;
                threads << QThread::currentThread()->objectName();
            }
        } sink;
        Engine engine(options());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("ok"))).ok());
        engine.setRecordSink(&sink);
        const InvokeResult first = engine.invokeAndWait(request(QStringLiteral("f")));
        const InvokeResult second = engine.invokeAndWait(request(QStringLiteral("f")));
        engine.setRecordSink(nullptr);
        engine.invokeAndWait(request(QStringLiteral("f")));
        std::lock_guard lock(sink.m);
        QCOMPARE(sink.order, (QStringList{QStringLiteral("lines ") + first.record.requestId, QStringLiteral("record ") + first.record.requestId, QStringLiteral("lines ") + second.record.requestId, QStringLiteral("record ") + second.record.requestId}));
        QCOMPARE(sink.threads, (QStringList{QStringLiteral("funcdesk-engine"), QStringLiteral("funcdesk-engine")}));
    }

    void failures_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<InvocationStatus>("status");
        QTest::addColumn<QString>("errorType");
        QTest::addColumn<QString>("message");
        QTest::addColumn<bool>("retires");
        QTest::newRow("crash") << "crash" << InvocationStatus::Crash << "Runtime.ExitError"
                               << "Error: Runtime exited with error: exit status 1" << true;
        QTest::newRow("killed") << "killself" << InvocationStatus::Crash << "Runtime.ExitError"
                                << "Error: Runtime exited with error: signal: killed" << true;
        QTest::newRow("timeout") << "hang" << InvocationStatus::Timeout << "Sandbox.Timedout"
                                 << "Task timed out after 1.00 seconds" << true;
        QTest::newRow("oom") << "oom" << InvocationStatus::OutOfMemory << "Runtime.OutOfMemory"
                             << "Error: Runtime exited with error: signal: killed" << true;
        QTest::newRow("garbage") << "garbage" << InvocationStatus::Crash << "Runtime.Unknown"
                                 << "unknown frame type" << true;
        QTest::newRow("exit in init") << "exit-in-init" << InvocationStatus::Crash << "Runtime.ExitError"
                                      << "Error: Runtime exited with error: exit status 2" << true;
        QTest::newRow("init error") << "init-error" << InvocationStatus::Error << "Runtime.ImportModuleError"
                                    << "Unable to import module" << true;
        QTest::newRow("function error") << "error" << InvocationStatus::Error << "FakeError"
                                        << "it failed" << false;
    }

    void failures()
    {
        QFETCH(QString, mode);
        QFETCH(InvocationStatus, status);
        QFETCH(QString, errorType);
        QFETCH(QString, message);
        QFETCH(bool, retires);
        Engine engine(options());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), mode, [](FunctionConfig &c) { c.timeoutSeconds = 1; })).ok());
        const InvokeResult r = engine.invokeAndWait(request(QStringLiteral("f")));
        QCOMPARE(r.record.status, status);
        QCOMPARE(r.record.errorType, errorType);
        QVERIFY2(r.record.errorMessage.contains(message), qPrintable(r.record.errorMessage));
        QVERIFY(r.functionError);
        QVERIFY(!r.throttled);
        QVERIFY2(json(r.response).value(QStringLiteral("errorMessage")).toString().contains(message), r.response.constData());
        QVERIFY(r.logs.size() >= 3);
        QVERIFY(r.logs.last().text.startsWith(QStringLiteral("REPORT RequestId: ") + r.record.requestId));
        if (status == InvocationStatus::Timeout)
            QVERIFY(r.record.durationMs >= 1000);
        if (status == InvocationStatus::OutOfMemory)
            QVERIFY(r.record.maxMemoryUsedMb >= 120); // measured (at the cgroup's limit, or past it for the watchdog)
        const InvokeResult again = engine.invokeAndWait(request(QStringLiteral("f")));
        QCOMPARE(again.record.cold, retires);
        QCOMPARE(again.record.environmentId != r.record.environmentId, retires);
        if (retires) {
            QTRY_VERIFY(engine.environments().size() <= 1);
        }
    }

    void throttlesAtReservedConcurrency()
    {
        Engine engine(options());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("slow"), [](FunctionConfig &c) {
                          c.reservedConcurrency = 1;
                      }))
                    .ok());
        Collector c;
        engine.invoke(request(QStringLiteral("f")), c.callback());
        engine.invoke(request(QStringLiteral("f")), c.callback());
        QTRY_COMPARE(c.count(), 2);
        const QList<InvokeResult> results = c.results();
        const InvokeResult &throttled = results.at(0).throttled ? results.at(0) : results.at(1);
        const InvokeResult &ran = results.at(0).throttled ? results.at(1) : results.at(0);
        QVERIFY(throttled.throttled);
        QCOMPARE(throttled.record.status, InvocationStatus::Throttled);
        QCOMPARE(throttled.record.errorType, QStringLiteral("TooManyRequestsException"));
        QCOMPARE(json(throttled.response).value(QStringLiteral("Reason")).toString(),
                 QStringLiteral("ReservedFunctionConcurrentInvocationLimitExceeded"));
        QCOMPARE(json(throttled.response).value(QStringLiteral("message")).toString(), QStringLiteral("Rate Exceeded."));
        QVERIFY(throttled.logs.isEmpty());
        QCOMPARE(ran.record.status, InvocationStatus::Success);
    }

    void throttlesAtGlobalConcurrency()
    {
        Engine engine(options([](EngineOptions &o) { o.globalConcurrency = 1; }));
        QVERIFY(engine.registerFunction(fake(QStringLiteral("a"), QStringLiteral("slow"))).ok());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("b"), QStringLiteral("slow"))).ok());
        Collector c;
        engine.invoke(request(QStringLiteral("a")), c.callback());
        engine.invoke(request(QStringLiteral("b")), c.callback());
        QTRY_COMPARE(c.count(), 2);
        int throttled = 0;
        for (const InvokeResult &r : c.results()) {
            if (r.throttled) {
                ++throttled;
                QCOMPARE(json(r.response).value(QStringLiteral("Reason")).toString(),
                         QStringLiteral("ConcurrentInvocationLimitExceeded"));
            }
        }
        QCOMPARE(throttled, 1);
        // With the first one idle again, the other function evicts it instead of throttling.
        QCOMPARE(engine.invokeAndWait(request(QStringLiteral("b"))).record.status, InvocationStatus::Success);
    }

    void parallelCallsGetParallelEnvironments()
    {
        Engine engine(options());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("slow"))).ok());
        Collector c;
        for (int i = 0; i < 3; ++i)
            engine.invoke(request(QStringLiteral("f")), c.callback());
        QTRY_COMPARE(c.count(), 3);
        QSet<QString> envs;
        for (const InvokeResult &r : c.results()) {
            QCOMPARE(r.record.status, InvocationStatus::Success);
            QVERIFY(r.record.cold);
            envs.insert(r.record.environmentId);
        }
        QCOMPARE(envs.size(), 3);
    }

    void coldStartsInsteadOfWaitingForAnInitializingEnvironment()
    {
        Engine engine(options());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("slowinit"), [](FunctionConfig &c) {
                          c.environment.insert(QStringLiteral("FAKE_SLOW_MS"), QStringLiteral("300"));
                      }))
                    .ok());
        Collector c;
        engine.invoke(request(QStringLiteral("f")), c.callback());
        engine.invoke(request(QStringLiteral("f")), c.callback());
        QTRY_COMPARE(c.count(), 2);
        QVERIFY(c.results().at(0).record.cold);
        QVERIFY(c.results().at(1).record.cold);
        QVERIFY(c.results().at(0).record.environmentId != c.results().at(1).record.environmentId);
    }

    void payloadLimits()
    {
        Engine engine(options([](EngineOptions &o) { o.maxResponseBytes = 1000; }));
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("ok"))).ok());
        const InvokeResult tooBig = engine.invokeAndWait(request(QStringLiteral("f"), QByteArray(6 * 1024 * 1024 + 1, ' ')));
        QCOMPARE(tooBig.record.errorType, QStringLiteral("RequestTooLargeException"));
        QVERIFY(engine.environments().isEmpty()); // rejected before running
        const InvokeResult bigAnswer = engine.invokeAndWait(request(QStringLiteral("f"), "\"" + QByteArray(2000, 'x') + "\""));
        QCOMPARE(bigAnswer.record.errorType, QStringLiteral("Function.ResponseSizeTooLarge"));
        QCOMPARE(bigAnswer.record.status, InvocationStatus::Error);
    }

    void fiveMegabytePayloadRoundTrips()
    {
        Engine engine(options());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("ok"))).ok());
        const QByteArray payload = "\"" + QByteArray(5 * 1024 * 1024, 'p') + "\"";
        const InvokeResult r = engine.invokeAndWait(request(QStringLiteral("f"), payload));
        QCOMPARE(r.record.status, InvocationStatus::Success);
        QCOMPARE(json(r.response).value(QStringLiteral("echo")).toString().size(), 5 * 1024 * 1024);
        QCOMPARE(r.record.requestBytes, payload.size());
    }

    void logsAreFramedAndAttributed()
    {
        Engine engine(options());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("log"))).ok());
        const InvokeResult cold = engine.invokeAndWait(request(QStringLiteral("f")));
        const QString rid = cold.record.requestId;
        QStringList texts;
        for (const LogLine &l : cold.logs)
            texts << l.text;
        QCOMPARE(texts.size(), 7);
        QCOMPARE(texts.at(0), QStringLiteral("fake runtime init mode=log"));
        QVERIFY(cold.logs.at(0).requestId.isEmpty()); // init output belongs to no request
        QCOMPARE(texts.at(1), QStringLiteral("START RequestId: ") + rid + QStringLiteral(" Version: $LATEST"));
        QCOMPARE(texts.mid(2, 3), (QStringList{QStringLiteral("line 1"), QStringLiteral("line 2"), QStringLiteral("line 3")}));
        QCOMPARE(cold.logs.at(2).requestId, rid);
        QCOMPARE(texts.at(5), QStringLiteral("END RequestId: ") + rid);
        const QRegularExpression report(QStringLiteral(
            "^REPORT RequestId: [0-9a-f-]{36}\tDuration: \\d+\\.\\d\\d ms\tBilled Duration: \\d+ ms\tMemory Size: 128 MB\t"
            "Max Memory Used: \\d+ MB\tInit Duration: \\d+\\.\\d\\d ms\t$"));
        QVERIFY2(report.match(texts.at(6)).hasMatch(), qPrintable(texts.at(6)));
        const InvokeResult warm = engine.invokeAndWait(request(QStringLiteral("f")));
        QCOMPARE(warm.logs.size(), 6);
        QVERIFY(!warm.logs.last().text.contains(QStringLiteral("Init Duration")));
        QVERIFY(warm.logs.last().text.endsWith(QStringLiteral(" MB\t")));
    }

    void logBytesAreCapped()
    {
        Engine engine(options([](EngineOptions &o) { o.maxLogBytesPerInvocation = 10000; }));
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("flood"))).ok());
        const InvokeResult r = engine.invokeAndWait(request(QStringLiteral("f")));
        QCOMPARE(r.record.status, InvocationStatus::Success);
        QVERIFY(r.record.logTruncated);
        qint64 bytes = 0;
        bool marker = false;
        for (const LogLine &l : r.logs) {
            bytes += l.text.size();
            marker = marker || l.text.contains(QStringLiteral("log output truncated"));
        }
        QVERIFY(marker);
        QVERIFY(bytes < 12000);
        QVERIFY(r.logs.last().text.startsWith(QStringLiteral("REPORT")));
        // The next request starts with a fresh budget.
        QVERIFY(engine.invokeAndWait(request(QStringLiteral("f"))).record.logTruncated);
    }

    void idleEnvironmentsRetireAfterKeepAlive()
    {
        Engine engine(options([](EngineOptions &o) { o.keepAliveSeconds = 1; }));
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("ok"))).ok());
        QSignalSpy spy(&engine, &Engine::environmentChanged);
        const InvokeResult first = engine.invokeAndWait(request(QStringLiteral("f")));
        QTRY_VERIFY_WITH_TIMEOUT(engine.environments().isEmpty(), 5000);
        bool sawIdleTimeout = false;
        for (const auto &args : spy) {
            const auto info = args.at(0).value<EnvironmentInfo>();
            sawIdleTimeout = sawIdleTimeout
                || (info.state == EnvironmentState::Retired && info.retireReason == QLatin1String("idle timeout"));
        }
        QVERIFY(sawIdleTimeout);
        QVERIFY(engine.invokeAndWait(request(QStringLiteral("f"))).record.cold);
    }

    void aVersionsOwnKeepAliveOverridesTheEngines()
    {
        // The engine keeps idle environments 300 s; one version asks for 1 s.
        Engine engine(options());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("ok"))).ok());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("ok"), [](FunctionConfig &c) {
                          c.version = QStringLiteral("short");
                          c.keepAliveSeconds = 1;
                      }))
                    .ok());
        QVERIFY(!engine.registerFunction(fake(QStringLiteral("g"), QStringLiteral("ok"), [](FunctionConfig &c) {
                           c.keepAliveSeconds = 0;
                       }))
                     .ok());
        InvokeRequest shortLived = request(QStringLiteral("f"));
        shortLived.version = QStringLiteral("short");
        QVERIFY(engine.invokeAndWait(request(QStringLiteral("f"))).record.status == InvocationStatus::Success);
        QVERIFY(engine.invokeAndWait(shortLived).record.status == InvocationStatus::Success);
        const auto versions = [&] {
            QStringList out;
            for (const EnvironmentInfo &e : engine.environments())
                out << e.version;
            return out;
        };
        QCOMPARE(versions().size(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(versions(), QStringList{QStringLiteral("$LATEST")}, 5000);
        QVERIFY(engine.invokeAndWait(shortLived).record.cold);
        QVERIFY(!engine.invokeAndWait(request(QStringLiteral("f"))).record.cold);
    }

    void provisionedEnvironmentsAreReadyBeforeTheFirstCall()
    {
        Engine engine(options([](EngineOptions &o) { o.keepAliveSeconds = 1; }));
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("ok"), [](FunctionConfig &c) {
                          c.provisionedConcurrency = 2;
                      }))
                    .ok());
        const auto idleCount = [&] {
            int n = 0;
            for (const EnvironmentInfo &e : engine.environments())
                n += e.provisioned && e.state == EnvironmentState::Idle ? 1 : 0;
            return n;
        };
        QTRY_COMPARE(idleCount(), 2);
        const InvokeResult r = engine.invokeAndWait(request(QStringLiteral("f")));
        QVERIFY(!r.record.cold);
        QCOMPARE(r.record.initDurationMs, 0.0);
        QTest::qWait(2500); // longer than keep-alive: provisioned ones never retire for idleness
        QCOMPARE(idleCount(), 2);
    }

    void provisionedEnvironmentsAreReplacedWhenTheyDie()
    {
        Engine engine(options());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("crash"), [](FunctionConfig &c) {
                          c.provisionedConcurrency = 1;
                      }))
                    .ok());
        QTRY_COMPARE(engine.environments().size(), 1);
        QTRY_COMPARE(engine.environments().first().state, EnvironmentState::Idle);
        const QString before = engine.environments().first().id;
        QCOMPARE(engine.invokeAndWait(request(QStringLiteral("f"))).record.status, InvocationStatus::Crash);
        QTRY_VERIFY(engine.environments().size() == 1 && engine.environments().first().id != before
                    && engine.environments().first().state == EnvironmentState::Idle);
        QVERIFY(engine.environments().first().provisioned);
    }

    void environmentIsCleanAndComplete()
    {
        qputenv("FUNCDESK_TEST_SECRET", "leak");
        Engine engine(options());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("envfn"), QStringLiteral("env"), [](FunctionConfig &c) {
                          c.memoryMb = 256;
                          c.environment.insert(QStringLiteral("GREETING"), QStringLiteral("hi"));
                          c.environment.insert(QStringLiteral("AWS_REGION"), QStringLiteral("eu-west-1")); // reserved
                      }))
                    .ok());
        const QJsonObject env = json(engine.invokeAndWait(request(QStringLiteral("envfn"))).response);
        qunsetenv("FUNCDESK_TEST_SECRET");
        QVERIFY(!env.contains(QStringLiteral("FUNCDESK_TEST_SECRET")));
        QVERIFY(!env.contains(QStringLiteral("HOME")));
        QCOMPARE(env.value(QStringLiteral("GREETING")).toString(), QStringLiteral("hi"));
        QCOMPARE(env.value(QStringLiteral("AWS_REGION")).toString(), QStringLiteral("us-east-1"));
        QCOMPARE(env.value(QStringLiteral("AWS_DEFAULT_REGION")).toString(), QStringLiteral("us-east-1"));
        QCOMPARE(env.value(QStringLiteral("AWS_LAMBDA_FUNCTION_NAME")).toString(), QStringLiteral("envfn"));
        QCOMPARE(env.value(QStringLiteral("AWS_LAMBDA_FUNCTION_VERSION")).toString(), QStringLiteral("$LATEST"));
        QCOMPARE(env.value(QStringLiteral("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")).toString(), QStringLiteral("256"));
        QCOMPARE(env.value(QStringLiteral("AWS_LAMBDA_LOG_GROUP_NAME")).toString(), QStringLiteral("/aws/lambda/envfn"));
        QVERIFY(env.value(QStringLiteral("AWS_LAMBDA_LOG_STREAM_NAME")).toString().contains(QStringLiteral("[$LATEST]")));
        QCOMPARE(env.value(QStringLiteral("_HANDLER")).toString(), QStringLiteral("env"));
        QCOMPARE(env.value(QStringLiteral("LAMBDA_TASK_ROOT")).toString(), m_dir.path() + QStringLiteral("/code"));
        QVERIFY(env.contains(QStringLiteral("LAMBDA_RUNTIME_DIR")));
        QVERIFY(env.value(QStringLiteral("AWS_EXECUTION_ENV")).toString().startsWith(QStringLiteral("AWS_Lambda_python3")));
        QCOMPARE(env.value(QStringLiteral("TZ")).toString(), QStringLiteral("UTC"));
        QCOMPARE(env.value(QStringLiteral("AWS_LAMBDA_INITIALIZATION_TYPE")).toString(), QStringLiteral("on-demand"));
        QCOMPARE(env.value(QStringLiteral("PATH")).toString(), qEnvironmentVariable("PATH"));
        const QString tmp = env.value(QStringLiteral("TMPDIR")).toString();
        QVERIFY(tmp.startsWith(m_dir.path() + QStringLiteral("/run/")));
        QVERIFY(QFileInfo(tmp).isDir());
    }

    void freezesIdleEnvironments()
    {
        Engine engine(options([](EngineOptions &o) { o.freezeIdle = true; }));
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("ok"))).ok());
        QCOMPARE(engine.invokeAndWait(request(QStringLiteral("f"))).record.status, InvocationStatus::Success);
        const EnvironmentInfo info = engine.environments().first();
        QCOMPARE(info.state, EnvironmentState::Frozen);
        const auto procState = [&] {
            QFile stat(QStringLiteral("/proc/") + QString::number(info.pid) + QStringLiteral("/stat"));
            if (!stat.open(QIODevice::ReadOnly))
                return QByteArray();
            const QByteArray s = stat.readAll();
            return s.mid(s.lastIndexOf(')') + 2, 1);
        };
        QTRY_COMPARE(procState(), QByteArray("T")); // stopped
        const InvokeResult r = engine.invokeAndWait(request(QStringLiteral("f")));
        QCOMPARE(r.record.status, InvocationStatus::Success);
        QVERIFY(!r.record.cold);
    }

    void providedRuntimeUsesTheChannelFactory()
    {
        Engine engine(options());
        FunctionConfig c = fake(QStringLiteral("custom"), QStringLiteral("function.handler"));
        c.runtime = Runtime::Provided;
        c.codeDir = m_dir.path() + QStringLiteral("/provided");
        writeFile(c.codeDir + QStringLiteral("/bootstrap"), "#!/bin/sh\necho \"bootstrap up $AWS_LAMBDA_RUNTIME_API\"\nexec sleep 600\n", true);
        QCOMPARE(engine.registerFunction(c).error().type, QStringLiteral("InvalidParameterValueException")); // no factory yet
        engine.setProvidedChannelFactory([](const QString &) { return std::make_unique<FakeProvidedChannel>(); });
        QVERIFY(engine.registerFunction(c).ok());
        const InvokeResult r = engine.invokeAndWait(request(QStringLiteral("custom"), "7"));
        QCOMPARE(r.record.status, InvocationStatus::Success);
        QCOMPARE(r.response, QByteArray("{\"pong\":7}"));
        QVERIFY(r.record.cold);
        QTRY_VERIFY(!engine.environments().isEmpty());
        // The bootstrap's output is attributed to the environment (init or the request).
        QSignalSpy lines(&engine, &Engine::logLines);
        QVERIFY(!engine.invokeAndWait(request(QStringLiteral("custom"))).record.cold);
        bool sawBootstrap = false;
        for (const LogLine &l : r.logs)
            sawBootstrap = sawBootstrap || l.text == QLatin1String("bootstrap up 127.0.0.1:9");
        QVERIFY(sawBootstrap || !lines.isEmpty());
    }

    void unknownFunctionsAndStoppedEngines()
    {
        Engine engine(options());
        QCOMPARE(engine.invokeAndWait(request(QStringLiteral("nope"))).record.errorType, QStringLiteral("ResourceNotFoundException"));
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("ok"))).ok());
        QCOMPARE(engine.functions().size(), 1);
        engine.unregisterFunction(QStringLiteral("f"));
        QCOMPARE(engine.functions().size(), 0);
        QCOMPARE(engine.invokeAndWait(request(QStringLiteral("f"))).record.errorType, QStringLiteral("ResourceNotFoundException"));
        QVERIFY(!engine.registerFunction(fake(QStringLiteral("bad name!"), QStringLiteral("ok"))).ok());
        QVERIFY(!engine.registerFunction(fake(QStringLiteral("g"), QStringLiteral("ok"), [](FunctionConfig &c) { c.memoryMb = 64; })).ok());
        engine.stop();
        QCOMPARE(engine.invokeAndWait(request(QStringLiteral("f"))).record.errorType, QStringLiteral("ServiceException"));
    }

    void reRegisteringRetiresOldEnvironments()
    {
        Engine engine(options());
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("ok"))).ok());
        const InvokeResult a = engine.invokeAndWait(request(QStringLiteral("f")));
        QVERIFY(engine.registerFunction(fake(QStringLiteral("f"), QStringLiteral("ok"))).ok());
        const InvokeResult b = engine.invokeAndWait(request(QStringLiteral("f")));
        QVERIFY(b.record.cold);
        QVERIFY(a.record.environmentId != b.record.environmentId);
    }

    void nothingLeaksAfterDestruction()
    {
        const int fdsBefore = openFdCount();
        QVERIFY(childPids().isEmpty());
        {
            Engine engine(options());
            QVERIFY(engine.registerFunction(fake(QStringLiteral("ok"), QStringLiteral("ok"))).ok());
            QVERIFY(engine.registerFunction(fake(QStringLiteral("hang"), QStringLiteral("hang"), [](FunctionConfig &c) {
                              c.timeoutSeconds = 30;
                          }))
                        .ok());
            QVERIFY(engine.registerFunction(fake(QStringLiteral("crash"), QStringLiteral("crash"))).ok());
            engine.invokeAndWait(request(QStringLiteral("ok")));
            engine.invokeAndWait(request(QStringLiteral("crash")));
            Collector pending;
            engine.invoke(request(QStringLiteral("hang")), pending.callback());
            QTRY_VERIFY(engine.environments().size() == 2
                        && engine.environments().at(1).state == EnvironmentState::Busy);
            QVERIFY(!childPids().isEmpty());
            engine.stop(); // the hanging request is answered, not dropped
            QCOMPARE(pending.count(), 1);
            QCOMPARE(pending.results().first().record.errorType, QStringLiteral("ServiceException"));
        }
        QCOMPARE(childPids(), QStringList());
        QCOMPARE(openFdCount(), fdsBefore);
    }
};

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
