// The nodejs runtime end to end: the real node through resources/runtimes/node.

#include "enginetest.h"
#include "engine/debugsession.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTimer>
#include <QWebSocket>

#include <QJsonArray>
#include <QRegularExpression>

using namespace enginetest;

class TestRuntimeNode : public QObject, protected RuntimeFixture
{
    Q_OBJECT

public:
    TestRuntimeNode() : RuntimeFixture(Runtime::NodeJs) {}

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        startEngine();
        for (const char *example : {"nodejs-hello", "nodejs-esm"}) {
            FunctionConfig c;
            c.name = QString::fromLatin1(example);
            c.runtime = Runtime::NodeJs;
            c.handler = QStringLiteral("index.handler");
            c.codeDir = QStringLiteral(FUNCDESK_SOURCE_DIR "/resources/examples/") + c.name;
            QVERIFY(m_engine->registerFunction(c).ok());
        }
    }

    void coldThenWarmSharesModuleState()
    {
        const InvokeResult a = m_engine->invokeAndWait(request(QStringLiteral("nodejs-hello"), "{\"name\":\"Grace\"}"));
        QCOMPARE(a.record.status, InvocationStatus::Success);
        QVERIFY(a.record.cold);
        QCOMPARE(json(a.response).value(QStringLiteral("invocations")).toInt(), 1);
        const InvokeResult b = m_engine->invokeAndWait(request(QStringLiteral("nodejs-hello")));
        QVERIFY(!b.record.cold);
        QCOMPARE(json(b.response).value(QStringLiteral("invocations")).toInt(), 2);
        QCOMPARE(json(b.response).value(QStringLiteral("requestId")).toString(), b.record.requestId);
        // console.log as on Lambda: "<ISO time>\t<request id>\tINFO\t<message>"
        const QRegularExpression line(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\t") + b.record.requestId
                                      + QStringLiteral("\tINFO\tgreeting world \\(invocation 2 of this environment\\)$"));
        QVERIFY2(line.match(b.logs.at(1).text).hasMatch(), qPrintable(b.logs.at(1).text));
    }

    void esmModules()
    {
        const InvokeResult r = m_engine->invokeAndWait(request(QStringLiteral("nodejs-esm"), "[1,2]"));
        QCOMPARE(r.record.status, InvocationStatus::Success);
        QCOMPARE(json(r.response).value(QStringLiteral("module")).toString(), QStringLiteral("esm"));
        QVERIFY(add(QStringLiteral("typemodule"), {{QStringLiteral("package.json"), "{\"type\":\"module\"}"}, {QStringLiteral("app.js"), "export const run = async () => import.meta.url.startsWith('file:');\n"}},
                    QStringLiteral("app.run"))
                    .ok());
        QCOMPARE(m_engine->invokeAndWait(request(QStringLiteral("typemodule"))).response, QByteArray("true"));
        QVERIFY(add(QStringLiteral("cjs"), {{QStringLiteral("lib/app.cjs"), "module.exports.nested = { fn: async () => 'cjs' };\n"}},
                    QStringLiteral("lib/app.nested.fn"))
                    .ok());
        QCOMPARE(m_engine->invokeAndWait(request(QStringLiteral("cjs"))).response, QByteArray("\"cjs\""));
    }

    void callbackHandlers_data()
    {
        QTest::addColumn<QByteArray>("code");
        QTest::addColumn<QByteArray>("response");
        QTest::addColumn<bool>("error");
        QTest::newRow("callback result") << QByteArray("exports.h = (e, c, cb) => { setTimeout(() => cb(null, {ok: e.v}), 5); };")
                                         << QByteArray("{\"ok\":3}") << false;
        QTest::newRow("callback error") << QByteArray("exports.h = (e, c, cb) => cb(new TypeError('nope'));")
                                        << QByteArray() << true;
        QTest::newRow("undefined is null") << QByteArray("exports.h = async () => undefined;") << QByteArray("null") << false;
        QTest::newRow("never settles") << QByteArray("exports.h = () => new Promise(() => {});") << QByteArray() << true;
        QTest::newRow("sync throw") << QByteArray("exports.h = () => { throw new RangeError('far'); };") << QByteArray() << true;
    }

    void callbackHandlers()
    {
        QFETCH(QByteArray, code);
        QFETCH(QByteArray, response);
        QFETCH(bool, error);
        const QString name = rowFunctionName(QStringLiteral("cb"));
        QVERIFY(add(name, {{QStringLiteral("index.js"), code}}, QStringLiteral("index.h")).ok());
        const InvokeResult r = m_engine->invokeAndWait(request(name, "{\"v\":3}"));
        QCOMPARE(r.functionError, error);
        if (!error)
            QCOMPARE(r.response, response);
    }

    // context.callbackWaitsForEmptyEventLoop: the handler leaves a 150 ms timer behind that
    // logs "timer ran" and marks the result object. Where that line lands (this request's
    // log, or the next one's after the environment was frozen) says whether the answer
    // waited for the empty event loop; the result shows it too (serialized when sent).
    void callbackWaitsForEmptyEventLoop_data()
    {
        QTest::addColumn<QString>("handler");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<bool>("waited");
        QTest::newRow("callback, waits by default") << QStringLiteral("index.cb") << QByteArray("{}") << true;
        QTest::newRow("callback, waits set false") << QStringLiteral("index.cb") << QByteArray("{\"waits\":false}") << false;
        QTest::newRow("callback, waits set true") << QStringLiteral("index.cb") << QByteArray("{\"waits\":true}") << true;
        QTest::newRow("callback error") << QStringLiteral("index.err") << QByteArray("{}") << false;
        QTest::newRow("async handler") << QStringLiteral("index.asy") << QByteArray("{}") << false;
        QTest::newRow("context.succeed") << QStringLiteral("index.succeed") << QByteArray("{}") << false;
    }

    void callbackWaitsForEmptyEventLoop()
    {
        QFETCH(QString, handler);
        QFETCH(QByteArray, payload);
        QFETCH(bool, waited);
        const QByteArray code =
            "let leftover = 'none';\n"
            "const later = (out) => {\n"
            "  leftover = 'pending';\n"
            "  setTimeout(() => { console.log('timer ran'); out.timer = 'ran'; leftover = 'ran'; }, 150);\n"
            "  return out;\n"
            "};\n"
            "const check = (cb) => setTimeout(() => cb(null, { leftover }), 200);\n"
            "exports.cb = (e, c, cb) => {\n"
            "  if (e.check) return check(cb);\n"
            "  if (e.waits !== undefined) c.callbackWaitsForEmptyEventLoop = e.waits;\n"
            "  cb(null, later({ timer: 'pending' }));\n"
            "};\n"
            "exports.err = (e, c, cb) => { if (e.check) return check(cb); later({}); cb(new Error('early')); };\n"
            "exports.asy = async (e) => e.check ? new Promise((r) => check((_, v) => r(v))) : later({ timer: 'pending' });\n"
            "exports.succeed = (e, c, cb) => e.check ? check(cb) : c.succeed(later({ timer: 'pending' }));\n";
        const QString name = rowFunctionName(QStringLiteral("waits"));
        QVERIFY(add(name, {{QStringLiteral("index.js"), code}}, handler).ok());
        auto timerLogged = [](const InvokeResult &r) {
            for (const LogLine &l : r.logs) {
                if (l.text.endsWith(QStringLiteral("\tINFO\ttimer ran")))
                    return l.requestId == r.record.requestId;
            }
            return false;
        };

        const InvokeResult first = m_engine->invokeAndWait(request(name, payload));
        QCOMPARE(timerLogged(first), waited);
        if (handler == QLatin1String("index.err")) {
            QCOMPARE(first.record.status, InvocationStatus::Error);
            QCOMPARE(json(first.response).value(QStringLiteral("errorMessage")).toString(), QStringLiteral("early"));
        } else {
            QCOMPARE(first.record.status, InvocationStatus::Success);
            QCOMPARE(json(first.response).value(QStringLiteral("timer")).toString(), waited ? QStringLiteral("ran") : QStringLiteral("pending"));
        }
        if (waited)
            QVERIFY2(first.record.durationMs >= 140, qPrintable(QString::number(first.record.durationMs)));

        // What did not run before the answer was frozen with the environment and runs during
        // the next invocation (same warm environment), as on Lambda.
        const InvokeResult next = m_engine->invokeAndWait(request(name, "{\"check\":true}"));
        QVERIFY(!next.record.cold);
        QCOMPARE(json(next.response).value(QStringLiteral("leftover")).toString(), QStringLiteral("ran"));
        QCOMPARE(timerLogged(next), !waited);
    }

    void exceptionsCarryNameAndStack()
    {
        QVERIFY(add(QStringLiteral("boom"), {{QStringLiteral("index.mjs"), "export const handler = async () => { throw new TypeError('bad thing'); };\n"}},
                    QStringLiteral("index.handler"))
                    .ok());
        const InvokeResult r = m_engine->invokeAndWait(request(QStringLiteral("boom")));
        QCOMPARE(r.record.status, InvocationStatus::Error);
        const QJsonObject doc = json(r.response);
        QCOMPARE(doc.value(QStringLiteral("errorType")).toString(), QStringLiteral("TypeError"));
        QCOMPARE(doc.value(QStringLiteral("errorMessage")).toString(), QStringLiteral("bad thing"));
        const QJsonArray stack = doc.value(QStringLiteral("stackTrace")).toArray();
        QVERIFY(stack.size() >= 2);
        QCOMPARE(stack.at(0).toString(), QStringLiteral("TypeError: bad thing"));
        QVERIFY(stack.at(1).toString().contains(QStringLiteral("index.mjs")));
        QCOMPARE(doc.value(QStringLiteral("trace")).toArray(), stack);
        bool logged = false;
        for (const LogLine &l : r.logs)
            logged = logged || (l.text.contains(QStringLiteral("\tERROR\tInvoke Error")) && l.requestId == r.record.requestId);
        QVERIFY(logged);
    }

    void initErrors_data()
    {
        QTest::addColumn<QByteArray>("code");
        QTest::addColumn<QString>("handler");
        QTest::addColumn<QString>("errorType");
        QTest::addColumn<QString>("message");
        QTest::newRow("syntax") << QByteArray("exports.handler = async (e => 1;\n") << "index.handler"
                                << "Runtime.UserCodeSyntaxError"
                                << "SyntaxError";
        QTest::newRow("missing file") << QByteArray("exports.handler = 1;") << "nothere.handler"
                                      << "Runtime.ImportModuleError"
                                      << "Cannot find module 'nothere'";
        QTest::newRow("missing dependency") << QByteArray("require('left-pad-nowhere');\nexports.handler = async () => 1;")
                                            << "index.handler"
                                            << "Runtime.ImportModuleError"
                                            << "left-pad-nowhere";
        QTest::newRow("missing handler") << QByteArray("exports.other = async () => 1;") << "index.handler"
                                         << "Runtime.HandlerNotFound"
                                         << "index.handler is undefined or not exported";
    }

    void initErrors()
    {
        QFETCH(QByteArray, code);
        QFETCH(QString, handler);
        QFETCH(QString, errorType);
        QFETCH(QString, message);
        const QString name = rowFunctionName(QStringLiteral("init"));
        QVERIFY(add(name, {{QStringLiteral("index.js"), code}}, handler).ok());
        const InvokeResult r = m_engine->invokeAndWait(request(name));
        QCOMPARE(r.record.errorType, errorType);
        QVERIFY2(r.record.errorMessage.contains(message), qPrintable(r.record.errorMessage));
        QVERIFY(r.record.cold);
        QVERIFY(m_engine->invokeAndWait(request(name)).record.cold);
    }

    void contextMatchesLambda()
    {
        QVERIFY(add(QStringLiteral("ctx"), {{QStringLiteral("index.js"), "exports.handler = async (e, c) => ({ id: c.awsRequestId, name: c.functionName, version: c.functionVersion,"
                                                                         " arn: c.invokedFunctionArn, memory: c.memoryLimitInMB, group: c.logGroupName, stream: c.logStreamName,"
                                                                         " remaining: c.getRemainingTimeInMillis(), waits: c.callbackWaitsForEmptyEventLoop, tz: process.env.TZ,"
                                                                         " secret: process.env.FUNCDESK_APP_ONLY ?? null, flags: process.execArgv, gc: typeof global.gc });"}},
                    QStringLiteral("index.handler"), [](FunctionConfig &c) { c.memoryMb = 512; })
                    .ok());
        qputenv("FUNCDESK_APP_ONLY", "1");
        InvokeRequest req = request(QStringLiteral("ctx"));
        req.alias = QStringLiteral("live");
        const InvokeResult r = m_engine->invokeAndWait(req);
        qunsetenv("FUNCDESK_APP_ONLY");
        const QJsonObject o = json(r.response);
        QCOMPARE(o.value(QStringLiteral("id")).toString(), r.record.requestId);
        QCOMPARE(o.value(QStringLiteral("name")).toString(), QStringLiteral("ctx"));
        QCOMPARE(o.value(QStringLiteral("memory")).toString(), QStringLiteral("512"));
        QCOMPARE(o.value(QStringLiteral("arn")).toString(), QStringLiteral("arn:aws:lambda:us-east-1:000000000000:function:ctx:live"));
        QCOMPARE(o.value(QStringLiteral("group")).toString(), QStringLiteral("/aws/lambda/ctx"));
        QVERIFY(o.value(QStringLiteral("remaining")).toInt() > 2000);
        QVERIFY(o.value(QStringLiteral("waits")).toBool());
        QCOMPARE(o.value(QStringLiteral("tz")).toString(), QStringLiteral("UTC"));
        QVERIFY(o.value(QStringLiteral("secret")).isNull());
        // node started as Lambda's bootstrap starts it, its heap sized from the memory setting
        const QStringList flags = o.value(QStringLiteral("flags")).toVariant().toStringList();
        QCOMPARE(flags, (QStringList{QStringLiteral("--expose-gc"), QStringLiteral("--max-semi-space-size=25"), QStringLiteral("--max-old-space-size=461")}));
        QCOMPARE(o.value(QStringLiteral("gc")).toString(), QStringLiteral("function"));
        QCOMPARE(r.record.alias, QStringLiteral("live"));
    }

    // Lambda's Node.js runtime hands the client context over as the parsed document (plain
    // objects, the mobile SDK's snake_case keys kept) and identity as undefined without a
    // Cognito identity.
    void clientContextAndIdentity()
    {
        QVERIFY(add(QStringLiteral("cc"), {{QStringLiteral("index.js"),
                                            "exports.handler = async (e, c) => ({ custom: c.clientContext && c.clientContext.custom,"
                                            " installation: c.clientContext && c.clientContext.client.installation_id,"
                                            " env: c.clientContext && c.clientContext.env, identity: typeof c.identity });"}},
                    QStringLiteral("index.handler"))
                    .ok());
        InvokeRequest req = request(QStringLiteral("cc"));
        req.clientContext = R"({"client":{"installation_id":"inst-1","app_title":"Shop"},"custom":{"k":"v"},"env":{"locale":"en"}})";
        const QJsonObject o = json(m_engine->invokeAndWait(req).response);
        QCOMPARE(o.value(QStringLiteral("custom")).toObject().value(QStringLiteral("k")).toString(), QStringLiteral("v"));
        QCOMPARE(o.value(QStringLiteral("installation")).toString(), QStringLiteral("inst-1"));
        QCOMPARE(o.value(QStringLiteral("env")).toObject().value(QStringLiteral("locale")).toString(), QStringLiteral("en"));
        QCOMPARE(o.value(QStringLiteral("identity")).toString(), QStringLiteral("undefined"));
        const QJsonObject none = json(m_engine->invokeAndWait(request(QStringLiteral("cc"))).response);
        QVERIFY(none.value(QStringLiteral("custom")).isUndefined() || none.value(QStringLiteral("custom")).isNull());
    }

    void processExitIsACrash()
    {
        QVERIFY(add(QStringLiteral("quit"), {{QStringLiteral("index.js"), "exports.handler = async () => process.exit(3);"}},
                    QStringLiteral("index.handler"))
                    .ok());
        const InvokeResult r = m_engine->invokeAndWait(request(QStringLiteral("quit")));
        QCOMPARE(r.record.status, InvocationStatus::Crash);
        QVERIFY(r.record.errorMessage.endsWith(QStringLiteral("Runtime exited with error: exit status 3")));
        QVERIFY(m_engine->invokeAndWait(request(QStringLiteral("quit"))).record.cold);
    }

    void timeoutAndMemoryLimits()
    {
        QVERIFY(add(QStringLiteral("never"), {{QStringLiteral("index.js"), "exports.handler = () => new Promise((r) => setTimeout(r, 60000));"}},
                    QStringLiteral("index.handler"), [](FunctionConfig &c) { c.timeoutSeconds = 1; })
                    .ok());
        const InvokeResult t = m_engine->invokeAndWait(request(QStringLiteral("never")));
        QCOMPARE(t.record.status, InvocationStatus::Timeout);
        QVERIFY(t.record.errorMessage.endsWith(QStringLiteral("Task timed out after 1.00 seconds")));
        QVERIFY(add(QStringLiteral("hog"), {{QStringLiteral("index.js"), "const hold = [];\nexports.handler = async () => { for (let i = 0; i < 40; ++i) { hold.push(Buffer.alloc(8 << 20, 1));"
                                                                         " await new Promise(r => setTimeout(r, 10)); } await new Promise(r => setTimeout(r, 5000)); };"}},
                    QStringLiteral("index.handler"), [](FunctionConfig &c) { c.timeoutSeconds = 10; })
                    .ok());
        const InvokeResult m = m_engine->invokeAndWait(request(QStringLiteral("hog")));
        QCOMPARE(m.record.status, InvocationStatus::OutOfMemory);
        QCOMPARE(m.record.errorType, QStringLiteral("Runtime.OutOfMemory"));
    }

    // Each request's trace id is in process.env (and a child process's environment), and
    // setting it does not grow the process: through setenv() glibc kept every value,
    // ~160 bytes an invocation, 8 MB over these 50,000.
    void traceIdPerRequestWithoutGrowth()
    {
        QVERIFY(add(QStringLiteral("trace"), {{QStringLiteral("index.js"), "const { execSync } = require('child_process');\n"
                                                                           "exports.handler = async (e) => {\n"
                                                                           "  if (!e.report) return null;\n"
                                                                           "  global.gc();\n"
                                                                           "  return { trace: process.env._X_AMZN_TRACE_ID, listed: Object.keys(process.env).includes('_X_AMZN_TRACE_ID'),\n"
                                                                           "           child: execSync('printenv _X_AMZN_TRACE_ID').toString().trim(), rss: process.memoryUsage.rss() };\n"
                                                                           "};\n"}},
                    QStringLiteral("index.handler"))
                    .ok());
        const QByteArray report = QByteArrayLiteral("{\"report\":true}");
        for (int i = 0; i < 2000; ++i) // warm up: JIT, heap
            m_engine->invokeAndWait(request(QStringLiteral("trace")));
        const QJsonObject before = json(m_engine->invokeAndWait(request(QStringLiteral("trace"), report)).response);
        for (int i = 0; i < 50000; ++i)
            m_engine->invokeAndWait(request(QStringLiteral("trace")));
        const QJsonObject after = json(m_engine->invokeAndWait(request(QStringLiteral("trace"), report)).response);
        QVERIFY(before.value(QStringLiteral("trace")).toString().startsWith(QLatin1String("Root=1-")));
        QVERIFY(after.value(QStringLiteral("trace")).toString() != before.value(QStringLiteral("trace")).toString());
        QVERIFY(after.value(QStringLiteral("listed")).toBool());
        QCOMPARE(after.value(QStringLiteral("child")).toString(), after.value(QStringLiteral("trace")).toString());
        const double grownMb = (after.value(QStringLiteral("rss")).toDouble() - before.value(QStringLiteral("rss")).toDouble()) / 1048576.0;
        QVERIFY2(grownMb < 3.0, qPrintable(QStringLiteral("grew %1 MB").arg(grownMb)));
    }

    void largePayloadRoundTrips()
    {
        QVERIFY(add(QStringLiteral("echo"), {{QStringLiteral("index.js"), "exports.handler = async (e) => e;"}},
                    QStringLiteral("index.handler"))
                    .ok());
        const QByteArray payload = "{\"blob\":\"" + QByteArray(5 * 1024 * 1024, 'n') + "\"}";
        const InvokeResult r = m_engine->invokeAndWait(request(QStringLiteral("echo"), payload));
        QCOMPARE(r.record.status, InvocationStatus::Success);
        QCOMPARE(r.response.size(), payload.size());
    }

    // Over 6 MB: Lambda's Function.ResponseSizeTooLarge, and the same environment serves the
    // next request.
    void responseOverTheLimitKeepsTheEnvironment()
    {
        QVERIFY(add(QStringLiteral("big"), {{QStringLiteral("index.js"),
                                             "exports.handler = async (e) => e.n ? 'x'.repeat(e.n) : 'small';"}},
                    QStringLiteral("index.handler"))
                    .ok());
        const InvokeResult big = m_engine->invokeAndWait(request(QStringLiteral("big"), "{\"n\":7000000}"));
        QCOMPARE(big.record.status, InvocationStatus::Error);
        QCOMPARE(big.record.errorType, QStringLiteral("Function.ResponseSizeTooLarge"));
        QCOMPARE(big.record.errorMessage,
                 QStringLiteral("Response payload size exceeded maximum allowed payload size (6291556 bytes)."));
        QVERIFY(big.functionError);
        QCOMPARE(json(big.response).value(QStringLiteral("errorType")).toString(), QStringLiteral("Function.ResponseSizeTooLarge"));
        const InvokeResult next = m_engine->invokeAndWait(request(QStringLiteral("big"), "{}"));
        QCOMPARE(next.record.status, InvocationStatus::Success);
        QCOMPARE(next.response, QByteArray("\"small\""));
        QVERIFY(!next.record.cold);
        QCOMPARE(next.record.environmentId, big.record.environmentId);
    }

    // `--debug`: a fresh environment with node's inspector on loopback waits for a debugger
    // (the WebSocket URL from /json/list), runs once one has attached, lets it break in the
    // handler past the function's timeout (suspended while attached), and completes after
    // it detaches. The record says it was debugged; the environment is not reused.
    void debugSessionThroughTheInspector()
    {
        QVERIFY(add(QStringLiteral("dbg"), {{QStringLiteral("index.js"), "exports.handler = async (e) => { debugger; return { ok: true, n: e.n }; };"}},
                    QStringLiteral("index.handler"), [](FunctionConfig &c) { c.timeoutSeconds = 1; })
                    .ok());
        const quint16 port = freeLoopbackPort();
        QVERIFY(port > 0);
        InvokeRequest req = request(QStringLiteral("dbg"), "{\"n\":7}");
        req.debugPort = port;
        Collector collector;
        m_engine->invoke(req, collector.callback());

        QNetworkAccessManager net;
        net.setProxy(QNetworkProxy::NoProxy);
        QString wsUrl;
        QElapsedTimer waited;
        waited.start();
        while (wsUrl.isEmpty() && waited.elapsed() < 15000) {
            std::unique_ptr<QNetworkReply> reply(net.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/json/list").arg(port)))));
            QSignalSpy done(reply.get(), &QNetworkReply::finished);
            done.wait(2000);
            const QJsonArray targets = QJsonDocument::fromJson(reply->readAll()).array();
            if (!targets.isEmpty())
                wsUrl = targets.at(0).toObject().value(QStringLiteral("webSocketDebuggerUrl")).toString();
            if (wsUrl.isEmpty())
                QTest::qWait(100);
        }
        QVERIFY2(!wsUrl.isEmpty(), "the inspector never answered /json/list");
        QTest::qWait(300);
        QCOMPARE(collector.count(), 0); // waiting for a debugger

        QWebSocket ws;
        int pauses = 0;
        QElapsedTimer pausedFor;
        connect(&ws, &QWebSocket::textMessageReceived, &ws, [&](const QString &text) {
            const QJsonObject m = QJsonDocument::fromJson(text.toUtf8()).object();
            if (m.value(QStringLiteral("method")).toString() != QLatin1String("Debugger.paused"))
                return;
            if (++pauses == 1) { // the break before the runtime's first line
                ws.sendTextMessage(QStringLiteral(R"({"id":10,"method":"Debugger.resume"})"));
                return;
            }
            // In the handler (`debugger;`): stay past the 1 s timeout, then go on and detach.
            pausedFor.start();
            QTimer::singleShot(1600, &ws, [&ws] {
                ws.sendTextMessage(QStringLiteral(R"({"id":11,"method":"Debugger.resume"})"));
                QTimer::singleShot(100, &ws, [&ws] { ws.close(); });
            });
        });
        QSignalSpy connected(&ws, &QWebSocket::connected);
        ws.open(QUrl(wsUrl));
        QVERIFY(connected.wait(5000));
        ws.sendTextMessage(QStringLiteral(R"({"id":1,"method":"Debugger.enable"})"));
        ws.sendTextMessage(QStringLiteral(R"({"id":2,"method":"Runtime.runIfWaitingForDebugger"})"));
        QTRY_COMPARE_WITH_TIMEOUT(collector.count(), 1, 20000);
        const InvokeResult r = collector.results().first();
        QCOMPARE(pauses, 2);
        QVERIFY(pausedFor.isValid() && pausedFor.elapsed() >= 1500);
        QCOMPARE(r.record.status, InvocationStatus::Success);
        QCOMPARE(json(r.response).value(QStringLiteral("n")).toInt(), 7);
        QVERIFY(r.record.debugged);
        const InvokeResult after = m_engine->invokeAndWait(request(QStringLiteral("dbg"), "{\"n\":8}"));
        QCOMPARE(after.record.status, InvocationStatus::Success); // the ordinary way: `debugger;` is a no-op
        QVERIFY(after.record.cold);
        QVERIFY(!after.record.debugged);
        // The instructions name the port and give VS Code's attach configuration.
        const QString text = debugInstructions(DebugTarget{QStringLiteral("dbg"), Runtime::NodeJs, port, QStringLiteral("/src/dbg"), QStringLiteral("/var/task")});
        QVERIFY(text.contains(QStringLiteral("127.0.0.1:%1").arg(port)));
        const QJsonObject launch = QJsonDocument::fromJson(vsCodeLaunchConfiguration(
                                                               DebugTarget{QStringLiteral("dbg"), Runtime::NodeJs, port, QStringLiteral("/src/dbg"), QStringLiteral("/var/task")})
                                                               .toUtf8())
                                       .object();
        QCOMPARE(launch.value(QStringLiteral("type")).toString(), QStringLiteral("node"));
        QCOMPARE(launch.value(QStringLiteral("request")).toString(), QStringLiteral("attach"));
        QCOMPARE(launch.value(QStringLiteral("port")).toInt(), int(port));
        QCOMPARE(launch.value(QStringLiteral("remoteRoot")).toString(), QStringLiteral("/var/task"));
    }

    void cleanupTestCase()
    {
        m_engine.reset();
        QCOMPARE(childPids(), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestRuntimeNode)
#include "tst_runtime_node.moc"
