// Faults a function can commit, each beside a healthy function on the same engine: the
// faulty invocation ends in a clear error of its own (status, errorType, errorMessage as
// the engine reports them), the healthy invocation sent at the same moment answers
// normally, nothing of the faulty environment's process group remains, and the engine
// keeps serving: the faulty function answers again once it behaves, the healthy one too.
//
// Real python3 environments through resources/runtimes, and `provided` runtimes whose
// bootstrap speaks the Lambda Runtime API over HTTP (core/api/runtimeapichannel.h).

#include "../engine/enginetest.h"
#include "processgroups.h"

#include "api/runtimeapichannel.h"
#include "engine/cgrouppids.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTimer>

#include <algorithm>
#include <csignal>

#include <sys/stat.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define FUNCDESK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUNCDESK_ASAN 1
#endif
#endif
#ifdef FUNCDESK_ASAN
// From the sanitizer runtime (clang's <sanitizer/allocator_interface.h>; GCC ships no header).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#else
#include <malloc.h>
#endif

using namespace enginetest;
using reliability::reapGroup;

namespace {

// RLIMIT_NPROC of this test's environments (EngineOptions::maxProcessesPerEnvironment).
constexpr int kProcessLimit = 100;

// Bytes the process has allocated and not freed: the engine runs in this process. Under
// ASan freed memory sits in its quarantine (and in RSS), so ask its allocator instead.
qint64 liveHeapBytes()
{
#ifdef FUNCDESK_ASAN
    return qint64(__sanitizer_get_current_allocated_bytes());
#else
    const struct mallinfo2 m = ::mallinfo2();
    return qint64(m.uordblks + m.hblkhd);
#endif
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// One invocation in flight, with when it was sent and when its answer came.
class Call
{
public:
    Call(Engine &engine, InvokeRequest request) : m_state(std::make_shared<State>())
    {
        m_state->sentMs = nowMs();
        engine.invoke(std::move(request), [s = m_state](InvokeResult r) {
            QMutexLocker lock(&s->mutex);
            s->result = std::move(r);
            s->finishedMs = nowMs();
            s->done = true;
        });
    }
    bool done() const
    {
        QMutexLocker lock(&m_state->mutex);
        return m_state->done;
    }
    InvokeResult result() const
    {
        QMutexLocker lock(&m_state->mutex);
        return m_state->result;
    }
    qint64 sentMs() const { return m_state->sentMs; }
    qint64 finishedMs() const
    {
        QMutexLocker lock(&m_state->mutex);
        return m_state->finishedMs;
    }

private:
    struct State
    {
        QMutex mutex;
        InvokeResult result;
        qint64 sentMs = 0;
        qint64 finishedMs = 0;
        bool done = false;
    };
    std::shared_ptr<State> m_state;
};

// Every faulty python function: it behaves unless the event asks for its fault, and says
// which process group it runs in before committing it.
QByteArray faultyPython(const QByteArray &fault)
{
    return QByteArrayLiteral("import ctypes, os, shutil, signal, struct, sys, time\n"
                             "def handler(event, context):\n"
                             "    if not event.get('fault'):\n"
                             "        return {'ok': event.get('n')}\n"
                             "    print('group', os.getpgrp(), flush=True)\n")
        + fault;
}

// The process group a faulty handler printed, 0 if none.
int groupFrom(const QList<LogLine> &logs)
{
    for (const LogLine &l : logs) {
        if (l.text.startsWith(QLatin1String("group ")))
            return l.text.mid(6).toInt();
    }
    return 0;
}

QString logText(const QList<LogLine> &logs)
{
    QStringList texts;
    for (const LogLine &l : logs)
        texts << l.text;
    return texts.join(QLatin1Char('\n'));
}

QByteArray littleEndian(quint32 n)
{
    const char b[4] = {char(n & 0xff), char((n >> 8) & 0xff), char((n >> 16) & 0xff), char((n >> 24) & 0xff)};
    return QByteArray(b, 4);
}

// A custom runtime's loop in python, as any Lambda runtime client runs it.
const QByteArray kRuntimeClientPy = QByteArrayLiteral(
    "import http.client, json, os, sys, time\n"
    "API = os.environ['AWS_LAMBDA_RUNTIME_API']\n"
    "def call(method, path, body=None):\n"
    "    conn = http.client.HTTPConnection(API, timeout=120)\n"
    "    conn.request(method, '/2018-06-01/runtime/' + path, body=body)\n"
    "    r = conn.getresponse()\n"
    "    data = r.read()\n"
    "    conn.close()\n"
    "    return r, data\n"
    "def next_event():\n"
    "    r, data = call('GET', 'invocation/next')\n"
    "    return r.getheader('Lambda-Runtime-Aws-Request-Id'), json.loads(data)\n");

// Hangs in init (never asks for /next) while the file $HANG_FLAG exists, else echoes.
const QByteArray kNeverNextBootstrap = QByteArrayLiteral("#!/usr/bin/env python3\n") + kRuntimeClientPy
    + QByteArrayLiteral("with open(os.environ['PID_FILE'], 'w') as f:\n"
                        "    f.write(str(os.getpid()))\n"
                        "if os.path.exists(os.environ['HANG_FLAG']):\n"
                        "    time.sleep(600)\n"
                        "while True:\n"
                        "    rid, event = next_event()\n"
                        "    call('POST', 'invocation/' + rid + '/response', json.dumps({'ok': event.get('n')}))\n");

// Posts every response twice; the next answer tells how the API took the previous pair.
const QByteArray kDoublePostBootstrap = QByteArrayLiteral("#!/usr/bin/env python3\n") + kRuntimeClientPy
    + QByteArrayLiteral("previous = None\n"
                        "while True:\n"
                        "    rid, event = next_event()\n"
                        "    path = 'invocation/' + rid + '/response'\n"
                        "    first, _ = call('POST', path, json.dumps({'answer': 'first', 'n': event.get('n'), 'previous': previous}))\n"
                        "    second, doc = call('POST', path, json.dumps({'answer': 'second', 'n': event.get('n')}))\n"
                        "    previous = {'first': first.status, 'second': second.status, 'errorType': json.loads(doc).get('errorType')}\n");

const QByteArray kEchoBootstrap = QByteArrayLiteral("#!/usr/bin/env python3\n") + kRuntimeClientPy
    + QByteArrayLiteral("while True:\n"
                        "    rid, event = next_event()\n"
                        "    call('POST', 'invocation/' + rid + '/response', json.dumps({'ok': event.get('n')}))\n");

} // namespace

class TestFaults : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Engine> m_engine; // after m_dir: stopped before the dir goes
    int m_fdsBefore = 0;

    QString codeDir(const QString &name) const { return m_dir.path() + QStringLiteral("/code/") + name; }

    Status addPython(const QString &name, const QByteArray &source, const std::function<void(FunctionConfig &)> &tweak = {})
    {
        FunctionConfig c;
        c.name = name;
        c.runtime = Runtime::Python3;
        c.handler = QStringLiteral("app.handler");
        c.codeDir = codeDir(name);
        writeFile(c.codeDir + QStringLiteral("/app.py"), source);
        if (tweak)
            tweak(c);
        return m_engine->registerFunction(c);
    }

    FunctionConfig providedConfig(const QString &name) const
    {
        FunctionConfig c;
        c.name = name;
        c.runtime = Runtime::Provided;
        c.handler = QStringLiteral("function.handler");
        c.codeDir = codeDir(name);
        return c;
    }

    Status addProvided(const QString &name, const QByteArray &bootstrap, const std::function<void(FunctionConfig &)> &tweak = {})
    {
        FunctionConfig c = providedConfig(name);
        writeFile(c.codeDir + QStringLiteral("/bootstrap"), bootstrap, true);
        if (tweak)
            tweak(c);
        return m_engine->registerFunction(c);
    }

    static int nonce() { return int(QRandomGenerator::global()->bounded(1, 1 << 30)); }

    static InvokeRequest faultRequest(const QString &function, QJsonObject event = {})
    {
        event.insert(QStringLiteral("fault"), true);
        return request(function, QJsonDocument(event).toJson(QJsonDocument::Compact));
    }

    static QByteArray numbered(int n) { return QByteArrayLiteral("{\"n\":") + QByteArray::number(n) + '}'; }

    // The healthy function answered this request normally.
    static void verifyHealthy(const InvokeResult &r, int n)
    {
        QCOMPARE(r.record.status, InvocationStatus::Success);
        QVERIFY2(r.record.errorType.isEmpty(), qPrintable(r.record.errorMessage));
        QVERIFY(!r.functionError);
        const QJsonObject answer = json(r.response);
        QCOMPARE(answer.value(QStringLiteral("n")).toInt(), n);
        QCOMPARE(answer.value(QStringLiteral("requestId")).toString(), r.record.requestId);
    }

    // Sends the healthy function a request, then `faulty` while it is still running; waits
    // for both and checks the healthy one. The faulty result goes to `out`.
    void invokeBeside(const InvokeRequest &faulty, InvokeResult &out, int timeoutMs = 20000)
    {
        const int n = nonce();
        Call healthy(*m_engine, request(QStringLiteral("healthy"), numbered(n)));
        Call fault(*m_engine, faulty);
        QTRY_VERIFY_WITH_TIMEOUT(healthy.done() && fault.done(), timeoutMs);
        verifyHealthy(healthy.result(), n);
        // They ran at the same time: the fault came while the healthy request was in flight.
        QVERIFY(fault.sentMs() <= healthy.finishedMs());
        out = fault.result();
    }

    // The engine keeps serving: the faulty function answers once it behaves, and so does
    // the healthy one.
    void verifyServingAfter(const QString &function)
    {
        const int n = nonce();
        const InvokeResult again = m_engine->invokeAndWait(request(function, numbered(n)));
        QCOMPARE(again.record.status, InvocationStatus::Success);
        QCOMPARE(json(again.response).value(QStringLiteral("ok")).toInt(), n);
        const int m = nonce();
        verifyHealthy(m_engine->invokeAndWait(request(QStringLiteral("healthy"), numbered(m))), m);
    }

    // Nothing of the environment that served the fault is left: its process group is
    // empty (zombies of adopted children reaped).
    static void verifyNoProcessLeft(const QList<LogLine> &logs)
    {
        const int pgid = groupFrom(logs);
        QVERIFY2(pgid > 1, qPrintable(logText(logs)));
        QTRY_COMPARE_WITH_TIMEOUT(reapGroup(pgid), 0, 5000);
    }

    // The message the engine gives when the runtime process ended during a request.
    static QString exitedMessage(const InvokeResult &r, const QString &how)
    {
        return QStringLiteral("RequestId: ") + r.record.requestId + QStringLiteral(" Error: Runtime exited with error: ") + how;
    }

    static void verifyErrorDocument(const InvokeResult &r, const QString &errorType, const QString &message)
    {
        QVERIFY(r.functionError);
        const QJsonObject doc = json(r.response);
        QCOMPARE(doc.value(QStringLiteral("errorType")).toString(), errorType);
        QCOMPARE(doc.value(QStringLiteral("errorMessage")).toString(), message);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Forked children of a killed runtime are adopted here and reaped (processgroups.h).
        QVERIFY(reliability::becomeSubreaper());
        m_fdsBefore = openFdCount();
        EngineOptions o;
        o.runDir = m_dir.path() + QStringLiteral("/run");
        o.maxProcessesPerEnvironment = kProcessLimit;
        m_engine = std::make_unique<Engine>(o);
        m_engine->setProvidedChannelFactory(funcdesk::api::runtimeApiChannelFactory());
        QVERIFY(addPython(QStringLiteral("healthy"), "import time\n"
                                                     "def handler(event, context):\n"
                                                     "    time.sleep(0.25)\n"
                                                     "    return {'n': event['n'], 'requestId': context.aws_request_id}\n")
                    .ok());
        const int n = nonce();
        verifyHealthy(m_engine->invokeAndWait(request(QStringLiteral("healthy"), numbered(n))), n); // warm
    }

    void crash_data()
    {
        QTest::addColumn<QByteArray>("fault");
        QTest::addColumn<QString>("exit"); // how the engine describes the runtime's end
        QTest::newRow("exit 3") << QByteArrayLiteral("    os._exit(3)\n") << QStringLiteral("exit status 3");
        QTest::newRow("SIGSEGV") << QByteArrayLiteral("    os.kill(os.getpid(), signal.SIGSEGV)\n    time.sleep(5)\n")
                                 << QStringLiteral("signal: segmentation fault");
        QTest::newRow("null pointer") << QByteArrayLiteral("    ctypes.string_at(0)\n") << QStringLiteral("signal: segmentation fault");
        QTest::newRow("abort") << QByteArrayLiteral("    os.abort()\n") << QStringLiteral("signal: aborted");
    }
    void crash()
    {
        QFETCH(QByteArray, fault);
        QFETCH(QString, exit);
        const QString name = rowFunctionName(QStringLiteral("crash"));
        QVERIFY(addPython(name, faultyPython(fault)).ok());
        InvokeResult r;
        invokeBeside(faultRequest(name), r);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(r.record.status, InvocationStatus::Crash);
        QCOMPARE(r.record.errorType, QStringLiteral("Runtime.ExitError"));
        QCOMPARE(r.record.errorMessage, exitedMessage(r, exit));
        verifyErrorDocument(r, QStringLiteral("Runtime.ExitError"), exitedMessage(r, exit));
        QVERIFY2(logText(r.logs).contains(exitedMessage(r, exit)), qPrintable(logText(r.logs)));
        verifyNoProcessLeft(r.logs);
        verifyServingAfter(name);
    }

    void hangPastTheTimeout()
    {
        QVERIFY(addPython(QStringLiteral("hang"), faultyPython("    time.sleep(60)\n"), [](FunctionConfig &c) { c.timeoutSeconds = 1; }).ok());
        InvokeResult r;
        invokeBeside(faultRequest(QStringLiteral("hang")), r);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(r.record.status, InvocationStatus::Timeout);
        QCOMPARE(r.record.errorType, QStringLiteral("Sandbox.Timedout"));
        const QRegularExpression message(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z ") + r.record.requestId
                                         + QStringLiteral(" Task timed out after 1.00 seconds$"));
        QVERIFY2(message.match(r.record.errorMessage).hasMatch(), qPrintable(r.record.errorMessage));
        QCOMPARE(json(r.response).value(QStringLiteral("errorMessage")).toString(), r.record.errorMessage);
        QVERIFY2(r.record.durationMs >= 1000 && r.record.durationMs < 3000, qPrintable(QString::number(r.record.durationMs)));
        verifyNoProcessLeft(r.logs);
        verifyServingAfter(QStringLiteral("hang"));
    }

    void exceedMemory()
    {
        // At most 1 GB even if nothing stopped it; the limit is 128 MB.
        QVERIFY(addPython(QStringLiteral("hog"), faultyPython("    hold = []\n"
                                                              "    for _ in range(64):\n"
                                                              "        hold.append(bytearray(16 << 20))\n"
                                                              "        time.sleep(0.01)\n"
                                                              "    time.sleep(60)\n"),
                          [](FunctionConfig &c) { c.memoryMb = 128; c.timeoutSeconds = 10; })
                    .ok());
        InvokeResult r;
        invokeBeside(faultRequest(QStringLiteral("hog")), r);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(r.record.status, InvocationStatus::OutOfMemory);
        QCOMPARE(r.record.errorType, QStringLiteral("Runtime.OutOfMemory"));
        QCOMPARE(r.record.errorMessage, exitedMessage(r, QStringLiteral("signal: killed")));
        verifyErrorDocument(r, QStringLiteral("Runtime.OutOfMemory"), exitedMessage(r, QStringLiteral("signal: killed")));
        QVERIFY2(r.record.maxMemoryUsedMb >= 128, qPrintable(QString::number(r.record.maxMemoryUsedMb)));
        QVERIFY2(r.record.durationMs < 5000, qPrintable(QString::number(r.record.durationMs))); // killed, not timed out
        verifyNoProcessLeft(r.logs);
        verifyServingAfter(QStringLiteral("hog"));
    }

    // A fork bomb: the handler forks until fork fails (the environment's pids cgroup or
    // RLIMIT_NPROC, kProcessLimit) or it reaches `cap`, then hangs. The kernel exempts uid 0
    // from RLIMIT_NPROC, so as root without a pids cgroup only the cap bounds it: the test
    // itself never makes more than `cap` processes. Either way the timeout kills the whole
    // process group.
    void forkBomb()
    {
        const int cap = kProcessLimit + 50;
        QVERIFY(addPython(QStringLiteral("bomb"), faultyPython("    sleep = shutil.which('sleep')\n"
                                                               "    made = 0\n"
                                                               "    try:\n"
                                                               "        while made < event['cap']:\n"
                                                               "            if os.fork() == 0:\n"
                                                               "                try:\n"
                                                               "                    os.execv(sleep, ['sleep', '30'])\n"
                                                               "                finally:\n"
                                                               "                    os._exit(127)\n"
                                                               "            made += 1\n"
                                                               "        print('forked', made, 'processes', flush=True)\n"
                                                               "    except OSError as e:\n"
                                                               "        print('fork refused after', made, 'processes:', e.strerror, flush=True)\n"
                                                               "    time.sleep(600)\n"),
                          [](FunctionConfig &c) { c.timeoutSeconds = 2; c.memoryMb = 1024; })
                    .ok());
        InvokeResult r;
        invokeBeside(faultRequest(QStringLiteral("bomb"), {{QStringLiteral("cap"), cap}}), r);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(r.record.status, InvocationStatus::Timeout);
        QVERIFY2(r.record.errorMessage.endsWith(QStringLiteral(" Task timed out after 2.00 seconds")), qPrintable(r.record.errorMessage));

        const QString log = logText(r.logs);
        // The cap binds through a pids cgroup where one can be made, else RLIMIT_NPROC,
        // which does nothing for root: then only the timeout (and the test's own cap) stop it.
        if (::getuid() == 0 && !CgroupPids::available()) {
            QVERIFY2(log.contains(QStringLiteral("forked %1 processes").arg(cap)), qPrintable(log));
        } else {
            const QRegularExpression refused(QStringLiteral("fork refused after (\\d+) processes: Resource temporarily unavailable"));
            const QRegularExpressionMatch m = refused.match(log);
            QVERIFY2(m.hasMatch(), qPrintable(log));
            QVERIFY(m.captured(1).toInt() < kProcessLimit);
        }
        verifyNoProcessLeft(r.logs);
        verifyServingAfter(QStringLiteral("bomb"));
    }

    // 100 MB on stdout: the log keeps the first maxLogBytesPerInvocation and says it was
    // truncated, the invocation completes, and the engine does not hold the output.
    void floodStdout()
    {
        QVERIFY(addPython(QStringLiteral("flood"), faultyPython("    chunk = ('x' * 1023 + '\\n') * 1024\n"
                                                                "    for _ in range(event['mb']):\n"
                                                                "        sys.stdout.write(chunk)\n"
                                                                "    sys.stdout.flush()\n"
                                                                "    return {'wrote': event['mb'] * len(chunk)}\n"),
                          [](FunctionConfig &c) { c.timeoutSeconds = 60; })
                    .ok());
        const int mb = 100;
        const qint64 before = liveHeapBytes();
        qint64 peak = before;
        QTimer sampler;
        connect(&sampler, &QTimer::timeout, this, [&peak] { peak = std::max(peak, liveHeapBytes()); });
        sampler.start(5);
        InvokeResult r;
        invokeBeside(faultRequest(QStringLiteral("flood"), {{QStringLiteral("mb"), mb}}), r, 60000);
        sampler.stop();
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(r.record.status, InvocationStatus::Success);
        QCOMPARE(json(r.response).value(QStringLiteral("wrote")).toInteger(), qint64(mb) * 1024 * 1024);
        QVERIFY(r.record.logTruncated);

        const qint64 cap = m_engine->options().maxLogBytesPerInvocation;
        const QString marker = QStringLiteral("[funcdesk] log output truncated: this invocation wrote more than ")
            + QString::number(cap) + QStringLiteral(" bytes");
        qint64 kept = 0;
        int markers = 0;
        for (const LogLine &l : std::as_const(r.logs)) {
            if (l.text == marker)
                ++markers;
            else if (!l.framing)
                kept += l.text.size() + 1;
        }
        QCOMPARE(markers, 1);
        QVERIFY2(kept <= cap, qPrintable(QString::number(kept)));
        QVERIFY(kept > cap - 2048); // the lines up to the cap are kept
        const qint64 grownMb = (peak - before) >> 20;
        QVERIFY2(grownMb < 32, qPrintable(QStringLiteral("the engine held %1 MB").arg(grownMb)));

        verifyServingAfter(QStringLiteral("flood"));
    }

    // Writing to the runtime channel (fd 4) what is not a valid answer ends the request at
    // once with a protocol error; the handler's own answer never comes.
    void garbageOnTheChannel_data()
    {
        QTest::addColumn<QByteArray>("garbage");
        QTest::addColumn<QString>("problem");
        const QByteArray text = QByteArrayLiteral("garbage! ").repeated(64);
        const quint32 length = quint32(uchar(text[0])) | quint32(uchar(text[1])) << 8 | quint32(uchar(text[2])) << 16
            | quint32(uchar(text[3])) << 24;
        QTest::newRow("text") << text << QStringLiteral("invalid frame length ") + QString::number(length);
        QTest::newRow("zero length") << QByteArray(16, '\0') << QStringLiteral("invalid frame length 0");
        const QByteArray unknown = QByteArrayLiteral("Zjunk");
        QTest::newRow("unknown frame type") << littleEndian(quint32(unknown.size())) + unknown
                                            << QStringLiteral("unknown frame type ") + QString::number(int(uchar('Z')));
        const QByteArray alien = QByteArrayLiteral("Snot-my-request\n{}");
        QTest::newRow("answer to another request") << littleEndian(quint32(alien.size())) + alien
                                                   << QStringLiteral("response for an unknown request not-my-request");
    }
    void garbageOnTheChannel()
    {
        QFETCH(QByteArray, garbage);
        QFETCH(QString, problem);
        const QString name = rowFunctionName(QStringLiteral("garbage"));
        QVERIFY(addPython(name, faultyPython("    os.write(4, bytes.fromhex(event['garbage']))\n"
                                             "    time.sleep(60)\n"),
                          [](FunctionConfig &c) { c.timeoutSeconds = 10; })
                    .ok());
        InvokeResult r;
        invokeBeside(faultRequest(name, {{QStringLiteral("garbage"), QString::fromLatin1(garbage.toHex())}}), r);
        if (QTest::currentTestFailed())
            return;
        const QString message = QStringLiteral("RequestId: ") + r.record.requestId + QStringLiteral(" Error: ") + problem;
        QCOMPARE(r.record.status, InvocationStatus::Crash);
        QCOMPARE(r.record.errorType, QStringLiteral("Runtime.Unknown"));
        QCOMPARE(r.record.errorMessage, message);
        verifyErrorDocument(r, QStringLiteral("Runtime.Unknown"), message);
        QVERIFY2(r.record.durationMs < 5000, qPrintable(QString::number(r.record.durationMs))); // not the timeout
        verifyNoProcessLeft(r.logs);
        verifyServingAfter(name);
    }

    // A custom runtime that never asks for /next: the cold start's init is cut at Lambda's
    // 10 s init limit and the bootstrap is killed.
    void providedNeverCallsNext()
    {
        const QString pidFile = m_dir.filePath(QStringLiteral("never-next.pid"));
        const QString hangFlag = m_dir.filePath(QStringLiteral("never-next.hang"));
        writeFile(hangFlag, "1");
        QVERIFY(addProvided(QStringLiteral("never-next"), kNeverNextBootstrap, [&](FunctionConfig &c) {
                    c.timeoutSeconds = 3;
                    c.environment.insert(QStringLiteral("PID_FILE"), pidFile);
                    c.environment.insert(QStringLiteral("HANG_FLAG"), hangFlag);
                }).ok());
        InvokeResult r;
        invokeBeside(faultRequest(QStringLiteral("never-next")), r, 30000);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(r.record.status, InvocationStatus::Timeout);
        QCOMPARE(r.record.errorType, QStringLiteral("Sandbox.Timedout"));
        QVERIFY2(r.record.errorMessage.endsWith(r.record.requestId + QStringLiteral(" Task timed out after 10.00 seconds")),
                 qPrintable(r.record.errorMessage));
        QVERIFY(r.record.cold);
        QVERIFY2(r.record.initDurationMs >= 10000 && r.record.initDurationMs < 13000, qPrintable(QString::number(r.record.initDurationMs)));
        // As Lambda logs an init that ran out of time: INIT_REPORT ... Status: timeout.
        QStringList texts;
        for (const LogLine &l : r.logs)
            texts << l.text;
        QVERIFY2(texts.indexOf(QRegularExpression(QStringLiteral("^INIT_REPORT Init Duration: 1\\d{4}\\.\\d\\d ms\tPhase: init\tStatus: timeout$"))) >= 0,
                 qPrintable(texts.join(QLatin1Char('\n'))));
        QVERIFY2(texts.last().endsWith(QStringLiteral("\tStatus: timeout")), qPrintable(texts.last()));
        QVERIFY2(r.record.maxMemoryUsedMb > 0, qPrintable(texts.last()));

        QFile pid(pidFile);
        QVERIFY(pid.open(QIODevice::ReadOnly));
        const int bootstrapPid = pid.readAll().toInt();
        QVERIFY(bootstrapPid > 1);
        QTRY_COMPARE_WITH_TIMEOUT(reapGroup(bootstrapPid), 0, 5000); // the bootstrap led its group

        QVERIFY(QFile::remove(hangFlag));
        verifyServingAfter(QStringLiteral("never-next"));
    }

    // A custom runtime that posts its response twice: the first one is the answer, the
    // second is refused (403 InvalidStateTransition), and the environment keeps serving.
    void providedPostsTwice()
    {
        QVERIFY(addProvided(QStringLiteral("twice"), kDoublePostBootstrap).ok());
        const int n = nonce();
        InvokeResult r;
        invokeBeside(request(QStringLiteral("twice"), numbered(n)), r);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(r.record.status, InvocationStatus::Success);
        QJsonObject answer = json(r.response);
        QCOMPARE(answer.value(QStringLiteral("answer")).toString(), QStringLiteral("first"));
        QCOMPARE(answer.value(QStringLiteral("n")).toInt(), n);

        const int m = nonce();
        const InvokeResult next = m_engine->invokeAndWait(request(QStringLiteral("twice"), numbered(m)));
        QCOMPARE(next.record.status, InvocationStatus::Success);
        QVERIFY(!next.record.cold); // the same environment
        QCOMPARE(next.record.environmentId, r.record.environmentId);
        answer = json(next.response);
        QCOMPARE(answer.value(QStringLiteral("answer")).toString(), QStringLiteral("first"));
        QCOMPARE(answer.value(QStringLiteral("n")).toInt(), m);
        const QJsonObject previous = answer.value(QStringLiteral("previous")).toObject();
        QCOMPARE(previous.value(QStringLiteral("first")).toInt(), 202);
        QCOMPARE(previous.value(QStringLiteral("second")).toInt(), 403);
        QCOMPARE(previous.value(QStringLiteral("errorType")).toString(), QStringLiteral("InvalidStateTransition"));
        const int k = nonce();
        verifyHealthy(m_engine->invokeAndWait(request(QStringLiteral("healthy"), numbered(k))), k);
    }

    // A bootstrap that cannot be executed is refused when the function is registered (the
    // API's create and deploy register), naming the code dir.
    void unusableBootstrap_data()
    {
        QTest::addColumn<bool>("directory");
        QTest::newRow("not executable") << false;
        QTest::newRow("a directory") << true;
    }
    void unusableBootstrap()
    {
        QFETCH(bool, directory);
        const QString name = rowFunctionName(QStringLiteral("unusable"));
        const FunctionConfig c = providedConfig(name);
        const QString bootstrap = c.codeDir + QStringLiteral("/bootstrap");
        if (directory)
            QVERIFY(QDir().mkpath(bootstrap));
        else
            writeFile(bootstrap, kEchoBootstrap); // mode 0644
        const Status s = m_engine->registerFunction(c);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().type, QString(errc::InvalidParameterValue));
        QCOMPARE(s.error().message, QStringLiteral("No executable bootstrap in ") + c.codeDir);
        const QList<FunctionConfig> registered = m_engine->functions();
        QVERIFY(std::none_of(registered.begin(), registered.end(), [&](const FunctionConfig &f) { return f.name == name; }));
        const InvokeResult r = m_engine->invokeAndWait(request(name));
        QCOMPARE(r.record.errorType, QString(errc::ResourceNotFound));
    }

    // The bootstrap breaks after registration (its file changed on disk): the invocation
    // that needs a new environment fails saying why, and works again once it is fixed.
    void bootstrapBrokenBeforeInvoke_data()
    {
        QTest::addColumn<bool>("directory");
        QTest::addColumn<QString>("reason");
        QTest::newRow("not executable") << false << QStringLiteral("Permission denied");
        QTest::newRow("a directory") << true << QStringLiteral("Is a directory");
    }
    void bootstrapBrokenBeforeInvoke()
    {
        QFETCH(bool, directory);
        QFETCH(QString, reason);
        const QString name = rowFunctionName(QStringLiteral("broken"));
        QVERIFY(addProvided(name, kEchoBootstrap).ok());
        const QString bootstrap = codeDir(name) + QStringLiteral("/bootstrap");
        if (directory) {
            QVERIFY(QFile::remove(bootstrap));
            QVERIFY(QDir().mkpath(bootstrap));
        } else {
            QVERIFY(::chmod(QFile::encodeName(bootstrap).constData(), 0644) == 0);
        }
        InvokeResult r;
        invokeBeside(request(name), r);
        if (QTest::currentTestFailed())
            return;
        const QString message = QStringLiteral("cannot execute ") + bootstrap + QStringLiteral(": ") + reason;
        QCOMPARE(r.record.status, InvocationStatus::Error);
        QCOMPARE(r.record.errorType, QStringLiteral("Runtime.InvalidEntrypoint"));
        QCOMPARE(r.record.errorMessage, message);
        verifyErrorDocument(r, QStringLiteral("Runtime.InvalidEntrypoint"), message);

        if (directory)
            QVERIFY(QDir(bootstrap).removeRecursively());
        writeFile(bootstrap, kEchoBootstrap, true);
        verifyServingAfter(name);
    }

    void cleanupTestCase()
    {
        m_engine.reset();
        QCOMPARE(childPids(), QStringList());
        QTRY_COMPARE(openFdCount(), m_fdsBefore);
    }
};

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
