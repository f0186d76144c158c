// The python3 runtime end to end: the real interpreter through resources/runtimes/python.

#include "enginetest.h"
#include "engine/debugsession.h"

#include <QProcess>

#include <QJsonArray>
#include <QRegularExpression>

using namespace enginetest;

Q_DECLARE_METATYPE(funcdesk::InvocationStatus)

class TestRuntimePython : public QObject, protected RuntimeFixture
{
    Q_OBJECT

public:
    TestRuntimePython() : RuntimeFixture(Runtime::Python3) {}

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        startEngine();
        FunctionConfig hello;
        hello.name = QStringLiteral("hello");
        hello.codeDir = QStringLiteral(FUNCDESK_SOURCE_DIR "/resources/examples/python3-hello");
        QVERIFY(m_engine->registerFunction(hello).ok());
    }

    void resolvesTheRealInterpreter()
    {
        const QString path = m_engine->resolvedInterpreter(Runtime::Python3);
        QVERIFY(QFileInfo(path).isExecutable());
        QVERIFY2(!path.contains(QStringLiteral("/shims/")), qPrintable(path));
    }

    void coldThenWarmSharesModuleGlobals()
    {
        const InvokeResult a = m_engine->invokeAndWait(request(QStringLiteral("hello"), "{\"name\":\"Ada\"}"));
        QCOMPARE(a.record.status, InvocationStatus::Success);
        QVERIFY(a.record.cold);
        QVERIFY(a.record.initDurationMs > 0);
        QCOMPARE(json(a.response).value(QStringLiteral("invocations")).toInt(), 1);
        QCOMPARE(json(a.response).value(QStringLiteral("requestId")).toString(), a.record.requestId);
        const InvokeResult b = m_engine->invokeAndWait(request(QStringLiteral("hello")));
        QVERIFY(!b.record.cold);
        QCOMPARE(b.record.environmentId, a.record.environmentId);
        QCOMPARE(json(b.response).value(QStringLiteral("invocations")).toInt(), 2);
        // print() is raw, attributed to the request, between START and END.
        QCOMPARE(b.logs.at(1).text, QStringLiteral("greeting world (invocation 2 of this environment)"));
        QCOMPARE(b.logs.at(1).requestId, b.record.requestId);
        const QRegularExpression report(QStringLiteral(
            "^REPORT RequestId: [0-9a-f-]{36}\tDuration: \\d+\\.\\d\\d ms\tBilled Duration: \\d+ ms\tMemory Size: 128 MB\t"
            "Max Memory Used: \\d+ MB\t$"));
        QVERIFY2(report.match(b.logs.last().text).hasMatch(), qPrintable(b.logs.last().text));
        QVERIFY(b.record.maxMemoryUsedMb >= 5 && b.record.maxMemoryUsedMb < 128);
    }

    void contextAndEnvironmentMatchLambda()
    {
        QVERIFY(add(QStringLiteral("ctx"), {{QStringLiteral("app.py"), R"(
import os
def handler(event, context):
    return {
        'request': context.aws_request_id, 'name': context.function_name, 'version': context.function_version,
        'arn': context.invoked_function_arn, 'memory': context.memory_limit_in_mb,
        'group': context.log_group_name, 'stream': context.log_stream_name,
        'remaining': context.get_remaining_time_in_millis(),
        'custom': context.client_context.custom, 'ccEnv': context.client_context.env,
        'installation': context.client_context.client.installation_id,
        'appTitle': context.client_context.client.app_title,
        'appPackage': context.client_context.client.app_package_name,
        'identityId': context.identity.cognito_identity_id,
        'identityPool': context.identity.cognito_identity_pool_id,
        'env': dict(os.environ), 'cwd': os.getcwd(),
    }
)"}},
                    QStringLiteral("app.handler"), [](FunctionConfig &c) {
                        c.environment.insert(QStringLiteral("STAGE"), QStringLiteral("dev"));
                        c.runtimeId = QStringLiteral("python3.13"); // whatever python3 the machine has
                    })
                    .ok());
        qputenv("FUNCDESK_APP_ONLY", "1");
        InvokeRequest req = request(QStringLiteral("ctx"));
        // The document the AWS SDKs send as X-Amz-Client-Context (base64), with a mobile client.
        req.clientContext = R"({"client":{"installation_id":"inst-1","app_title":"Shop","app_package_name":"com.example"},)"
                            R"("custom":{"k":"v"},"env":{"locale":"en"}})";
        const QJsonObject o = json(m_engine->invokeAndWait(req).response);
        qunsetenv("FUNCDESK_APP_ONLY");
        QCOMPARE(o.value(QStringLiteral("name")).toString(), QStringLiteral("ctx"));
        QCOMPARE(o.value(QStringLiteral("version")).toString(), QStringLiteral("$LATEST"));
        QCOMPARE(o.value(QStringLiteral("arn")).toString(), QStringLiteral("arn:aws:lambda:us-east-1:000000000000:function:ctx"));
        QCOMPARE(o.value(QStringLiteral("memory")).toString(), QStringLiteral("128")); // a string, as on Lambda
        QCOMPARE(o.value(QStringLiteral("group")).toString(), QStringLiteral("/aws/lambda/ctx"));
        QVERIFY(o.value(QStringLiteral("stream")).toString().contains(QStringLiteral("[$LATEST]")));
        const int remaining = o.value(QStringLiteral("remaining")).toInt();
        QVERIFY2(remaining > 2000 && remaining <= 3000, qPrintable(QString::number(remaining)));
        // client_context and identity are objects with attributes, as on Lambda's Python runtime.
        QCOMPARE(o.value(QStringLiteral("custom")).toObject().value(QStringLiteral("k")).toString(), QStringLiteral("v"));
        QCOMPARE(o.value(QStringLiteral("ccEnv")).toObject().value(QStringLiteral("locale")).toString(), QStringLiteral("en"));
        QCOMPARE(o.value(QStringLiteral("installation")).toString(), QStringLiteral("inst-1"));
        QCOMPARE(o.value(QStringLiteral("appTitle")).toString(), QStringLiteral("Shop"));
        QCOMPARE(o.value(QStringLiteral("appPackage")).toString(), QStringLiteral("com.example"));
        QVERIFY(o.contains(QStringLiteral("identityId")) && o.value(QStringLiteral("identityId")).isNull());
        QVERIFY(o.contains(QStringLiteral("identityPool")) && o.value(QStringLiteral("identityPool")).isNull());
        const QJsonObject env = o.value(QStringLiteral("env")).toObject();
        QCOMPARE(env.value(QStringLiteral("STAGE")).toString(), QStringLiteral("dev"));
        QVERIFY(!env.contains(QStringLiteral("FUNCDESK_APP_ONLY")));
        QVERIFY(!env.contains(QStringLiteral("PYENV_VERSION")));
        QCOMPARE(env.value(QStringLiteral("AWS_EXECUTION_ENV")).toString(), QStringLiteral("AWS_Lambda_python3.13"));
        QCOMPARE(o.value(QStringLiteral("cwd")).toString(), m_dir.path() + QStringLiteral("/code/ctx"));
        const QRegularExpression trace(QStringLiteral("^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$"));
        QVERIFY2(trace.match(env.value(QStringLiteral("_X_AMZN_TRACE_ID")).toString()).hasMatch(),
                 qPrintable(env.value(QStringLiteral("_X_AMZN_TRACE_ID")).toString()));
    }

    void handlerExceptionsCarryAStackTrace()
    {
        QVERIFY(add(QStringLiteral("boom"), {{QStringLiteral("lambda_function.py"), "def lambda_handler(event, context):\n    raise ValueError('bad input')\n"}},
                    QStringLiteral("lambda_function.lambda_handler"))
                    .ok());
        const InvokeResult r = m_engine->invokeAndWait(request(QStringLiteral("boom")));
        QCOMPARE(r.record.status, InvocationStatus::Error);
        QVERIFY(r.functionError);
        const QJsonObject doc = json(r.response);
        QCOMPARE(doc.value(QStringLiteral("errorType")).toString(), QStringLiteral("ValueError"));
        QCOMPARE(doc.value(QStringLiteral("errorMessage")).toString(), QStringLiteral("bad input"));
        const QJsonArray stack = doc.value(QStringLiteral("stackTrace")).toArray();
        QCOMPARE(stack.size(), 1);
        QVERIFY(stack.at(0).toString().contains(QStringLiteral("lambda_function.py\", line 2, in lambda_handler")));
        QCOMPARE(r.record.errorType, QStringLiteral("ValueError"));
        // The environment survives a handled exception.
        QVERIFY(!m_engine->invokeAndWait(request(QStringLiteral("boom"))).record.cold);
    }

    void initErrors_data()
    {
        QTest::addColumn<QByteArray>("code");
        QTest::addColumn<QString>("handler");
        QTest::addColumn<QString>("errorType");
        QTest::addColumn<QString>("message");
        QTest::newRow("syntax") << QByteArray("def handler(event, context)\n    return 1\n") << "mod.handler"
                                << "Runtime.UserCodeSyntaxError"
                                << "Syntax error in module 'mod'";
        QTest::newRow("missing module") << QByteArray("x = 1\n") << "nothere.handler"
                                        << "Runtime.ImportModuleError"
                                        << "Unable to import module 'nothere': No module named 'nothere'";
        QTest::newRow("missing handler") << QByteArray("x = 1\n") << "mod.handler"
                                         << "Runtime.HandlerNotFound"
                                         << "Handler 'handler' missing on module 'mod'";
        QTest::newRow("malformed") << QByteArray("x = 1\n") << "handler"
                                   << "Runtime.MalformedHandlerName"
                                   << "Bad handler";
    }

    void initErrors()
    {
        QFETCH(QByteArray, code);
        QFETCH(QString, handler);
        QFETCH(QString, errorType);
        QFETCH(QString, message);
        const QString name = rowFunctionName(QStringLiteral("init"));
        QVERIFY(add(name, {{QStringLiteral("mod.py"), code}}, handler).ok());
        const InvokeResult r = m_engine->invokeAndWait(request(name));
        QCOMPARE(r.record.status, InvocationStatus::Error);
        QCOMPARE(r.record.errorType, errorType);
        QVERIFY2(r.record.errorMessage.contains(message), qPrintable(r.record.errorMessage));
        QCOMPARE(json(r.response).value(QStringLiteral("errorType")).toString(), errorType);
        QVERIFY(r.record.cold);
        QVERIFY(r.record.initFailed);
        // As Lambda logs a failed init: INIT_REPORT, then START, END and a REPORT with the
        // time and memory the request took and the error, no Init Duration.
        QStringList texts;
        for (const LogLine &l : r.logs)
            texts << l.text;
        const QRegularExpression initReport(QStringLiteral("^INIT_REPORT Init Duration: (\\d+\\.\\d\\d) ms\tPhase: init\tStatus: error\tError Type: ")
                                            + QRegularExpression::escape(errorType) + QLatin1Char('$'));
        const qsizetype at = texts.indexOf(initReport);
        QVERIFY2(at >= 0, qPrintable(texts.join(QLatin1Char('\n'))));
        QVERIFY(initReport.match(texts.at(at)).captured(1).toDouble() > 0);
        QVERIFY2(texts.value(at + 1).startsWith(QStringLiteral("START RequestId: ") + r.record.requestId), qPrintable(texts.join(QLatin1Char('\n'))));
        QCOMPARE(texts.at(texts.size() - 2), QStringLiteral("END RequestId: ") + r.record.requestId);
        const QRegularExpression report(QStringLiteral("^REPORT RequestId: [0-9a-f-]{36}\tDuration: (\\d+\\.\\d\\d) ms\tBilled Duration: \\d+ ms\t"
                                                       "Memory Size: 128 MB\tMax Memory Used: (\\d+) MB\tStatus: error\tError Type: ")
                                        + QRegularExpression::escape(errorType) + QLatin1Char('$'));
        const QRegularExpressionMatch m = report.match(texts.last());
        QVERIFY2(m.hasMatch(), qPrintable(texts.last()));
        QVERIFY2(m.captured(1).toDouble() > 0, qPrintable(texts.last()));
        QVERIFY2(m.captured(2).toInt() > 0, qPrintable(texts.last()));
        // The failed environment retired: the next call tries a fresh one.
        const InvokeResult again = m_engine->invokeAndWait(request(name));
        QVERIFY(again.record.cold);
        QVERIFY(again.record.environmentId != r.record.environmentId);
    }

    void dottedSubpackageHandlers()
    {
        QVERIFY(add(QStringLiteral("pkg"), {{QStringLiteral("pkg/__init__.py"), ""}, {QStringLiteral("pkg/sub/__init__.py"), ""}, {QStringLiteral("pkg/sub/mod.py"), "def h(e, c):\n    return 'deep'\n"}},
                    QStringLiteral("pkg.sub.mod.h"))
                    .ok());
        QCOMPARE(m_engine->invokeAndWait(request(QStringLiteral("pkg"))).response, QByteArray("\"deep\""));
        QVERIFY(add(QStringLiteral("slash"), {{QStringLiteral("src/handlers/mod.py"), "def h(e, c):\n    return 'slash'\n"}, {QStringLiteral("src/__init__.py"), ""}, {QStringLiteral("src/handlers/__init__.py"), ""}},
                    QStringLiteral("src/handlers/mod.h"))
                    .ok());
        QCOMPARE(m_engine->invokeAndWait(request(QStringLiteral("slash"))).response, QByteArray("\"slash\""));
    }

    void loggingModuleIsFormattedAsOnLambda()
    {
        QVERIFY(add(QStringLiteral("logs"), {{QStringLiteral("app.py"), "import logging\nlogger = logging.getLogger()\nlogger.setLevel(logging.INFO)\n"
                                                                        "def handler(e, c):\n    logger.info('hello %s', 'log')\n    print('plain')\n    return None\n"}},
                    QStringLiteral("app.handler"))
                    .ok());
        const InvokeResult r = m_engine->invokeAndWait(request(QStringLiteral("logs")));
        QCOMPARE(r.response, QByteArray("null"));
        QStringList texts;
        for (const LogLine &l : r.logs)
            texts << l.text;
        const QRegularExpression info(QStringLiteral("^\\[INFO\\]\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\t")
                                      + r.record.requestId + QStringLiteral("\thello log$"));
        QVERIFY2(texts.indexOf(info) >= 0, qPrintable(texts.join(QLatin1Char('\n'))));
        QVERIFY(texts.contains(QStringLiteral("plain")));
    }

    void parallelCallsAndThrottling()
    {
        QVERIFY(add(QStringLiteral("sleepy"), {{QStringLiteral("app.py"), "import time\ndef handler(e, c):\n    time.sleep(0.4)\n    return 1\n"}},
                    QStringLiteral("app.handler"))
                    .ok());
        Collector c;
        m_engine->invoke(request(QStringLiteral("sleepy")), c.callback());
        m_engine->invoke(request(QStringLiteral("sleepy")), c.callback());
        QTRY_COMPARE_WITH_TIMEOUT(c.count(), 2, 10000);
        QCOMPARE(c.results().at(0).record.status, InvocationStatus::Success);
        QCOMPARE(c.results().at(1).record.status, InvocationStatus::Success);
        QVERIFY(c.results().at(0).record.environmentId != c.results().at(1).record.environmentId);

        QVERIFY(add(QStringLiteral("limited"), {{QStringLiteral("app.py"), "import time\ndef handler(e, c):\n    time.sleep(0.4)\n    return 1\n"}},
                    QStringLiteral("app.handler"), [](FunctionConfig &f) { f.reservedConcurrency = 1; })
                    .ok());
        Collector t;
        m_engine->invoke(request(QStringLiteral("limited")), t.callback());
        m_engine->invoke(request(QStringLiteral("limited")), t.callback());
        QTRY_COMPARE_WITH_TIMEOUT(t.count(), 2, 10000);
        QCOMPARE(int(t.results().at(0).throttled) + int(t.results().at(1).throttled), 1);
    }

    void timeoutKillsAndTheNextCallIsCold()
    {
        QVERIFY(add(QStringLiteral("slow"), {{QStringLiteral("app.py"), "import time\ndef handler(e, c):\n    print('before')\n    time.sleep(30)\n"}},
                    QStringLiteral("app.handler"), [](FunctionConfig &c) { c.timeoutSeconds = 1; })
                    .ok());
        const InvokeResult r = m_engine->invokeAndWait(request(QStringLiteral("slow")));
        QCOMPARE(r.record.status, InvocationStatus::Timeout);
        const QRegularExpression msg(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z ") + r.record.requestId
                                     + QStringLiteral(" Task timed out after 1.00 seconds$"));
        QVERIFY2(msg.match(json(r.response).value(QStringLiteral("errorMessage")).toString()).hasMatch(), r.response.constData());
        bool sawBefore = false;
        for (const LogLine &l : r.logs)
            sawBefore = sawBefore || l.text == QLatin1String("before");
        QVERIFY(sawBefore); // output before the kill is kept
        QVERIFY(m_engine->invokeAndWait(request(QStringLiteral("slow"))).record.cold);
    }

    void memoryLimitKills()
    {
        QVERIFY(add(QStringLiteral("hog"), {{QStringLiteral("app.py"), "import time\nhold = []\ndef handler(e, c):\n    for _ in range(40):\n        hold.append(bytearray(8 << 20))\n"
                                                                       "        time.sleep(0.01)\n    time.sleep(5)\n"}},
                    QStringLiteral("app.handler"))
                    .ok());
        const InvokeResult r = m_engine->invokeAndWait(request(QStringLiteral("hog")));
        QCOMPARE(r.record.status, InvocationStatus::OutOfMemory);
        QCOMPARE(r.record.errorType, QStringLiteral("Runtime.OutOfMemory"));
        QVERIFY(r.record.maxMemoryUsedMb >= 128);
        QVERIFY(r.record.durationMs < 4000);
    }

    void exitingIsACrash()
    {
        QVERIFY(add(QStringLiteral("quit"), {{QStringLiteral("app.py"), "import os\ndef handler(e, c):\n    os._exit(1)\n"}},
                    QStringLiteral("app.handler"))
                    .ok());
        const InvokeResult r = m_engine->invokeAndWait(request(QStringLiteral("quit")));
        QCOMPARE(r.record.status, InvocationStatus::Crash);
        QCOMPARE(r.record.errorType, QStringLiteral("Runtime.ExitError"));
        QCOMPARE(r.record.errorMessage, QStringLiteral("RequestId: ") + r.record.requestId + QStringLiteral(" Error: Runtime exited with error: exit status 1"));
        QVERIFY(m_engine->invokeAndWait(request(QStringLiteral("quit"))).record.cold);
    }

    // Each request's trace id is in os.environ (and a child process's environment), and
    // setting it does not grow the process: through setenv() glibc kept every value,
    // ~140 bytes an invocation, 7 MB over these 50,000.
    void traceIdPerRequestWithoutGrowth()
    {
        QVERIFY(add(QStringLiteral("trace"), {{QStringLiteral("app.py"), "import os, subprocess\n"
                                                                         "def handler(e, c):\n"
                                                                         "    if not e.get('report'):\n        return None\n"
                                                                         "    child = subprocess.run(['printenv', '_X_AMZN_TRACE_ID'], env=os.environ, capture_output=True)\n"
                                                                         "    rss = int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE')\n"
                                                                         "    return {'trace': os.environ.get('_X_AMZN_TRACE_ID'), 'child': child.stdout.decode().strip(), 'rss': rss}\n"}},
                    QStringLiteral("app.handler"))
                    .ok());
        const QByteArray report = QByteArrayLiteral("{\"report\":true}");
        for (int i = 0; i < 2000; ++i) // warm up the interpreter's allocations
            m_engine->invokeAndWait(request(QStringLiteral("trace")));
        const QJsonObject before = json(m_engine->invokeAndWait(request(QStringLiteral("trace"), report)).response);
        for (int i = 0; i < 50000; ++i)
            m_engine->invokeAndWait(request(QStringLiteral("trace")));
        const QJsonObject after = json(m_engine->invokeAndWait(request(QStringLiteral("trace"), report)).response);
        QVERIFY(before.value(QStringLiteral("trace")).toString().startsWith(QLatin1String("Root=1-")));
        QVERIFY(after.value(QStringLiteral("trace")).toString() != before.value(QStringLiteral("trace")).toString());
        QCOMPARE(after.value(QStringLiteral("child")).toString(), after.value(QStringLiteral("trace")).toString());
        const double grownMb = (after.value(QStringLiteral("rss")).toDouble() - before.value(QStringLiteral("rss")).toDouble()) / 1048576.0;
        QVERIFY2(grownMb < 2.0, qPrintable(QStringLiteral("grew %1 MB").arg(grownMb)));
    }

    void largePayloadRoundTrips()
    {
        QVERIFY(add(QStringLiteral("echo"), {{QStringLiteral("app.py"), "def handler(e, c):\n    return e\n"}},
                    QStringLiteral("app.handler"))
                    .ok());
        const QByteArray payload = "{\"blob\":\"" + QByteArray(5 * 1024 * 1024, 'z') + "\"}";
        const InvokeResult r = m_engine->invokeAndWait(request(QStringLiteral("echo"), payload));
        QCOMPARE(r.record.status, InvocationStatus::Success);
        QCOMPARE(json(r.response).value(QStringLiteral("blob")).toString().size(), 5 * 1024 * 1024);
    }

    // The shim decodes and encodes through json's C scanner and encoder directly; what
    // they do not take as it is goes through json itself. Payloads with whitespace and
    // non-ASCII text, results json encodes its own way, and a result json refuses (Lambda's
    // Runtime.MarshalError with json's message), after which encoding still works.
    void jsonIsLambdasOwn_data()
    {
        QTest::addColumn<QByteArray>("code");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QByteArray>("response");
        QTest::newRow("echo, whitespace around") << QByteArray("def handler(e, c):\n    return e\n")
                                                 << QByteArray(" \n{\"a\": [1, 2.5]} \n") << QByteArray("{\"a\": [1, 2.5]}");
        QTest::newRow("echo, non-ASCII") << QByteArray("def handler(e, c):\n    return e\n")
                                         << QByteArray("\"caf\xc3\xa9 \\u2603\"") << QByteArray("\"caf\\u00e9 \\u2603\"");
        QTest::newRow("floats and nan") << QByteArray("def handler(e, c):\n    return [0.1, 1e100, float('nan'), -0.0, None]\n")
                                        << QByteArray("{}") << QByteArray("[0.1, 1e+100, NaN, -0.0, null]");
        QTest::newRow("a set is refused")
            << QByteArray("def handler(e, c):\n    return {'ok': [1, {2}]}\n") << QByteArray("{}")
            << QByteArray("Unable to marshal response: Object of type set is not JSON serializable");
        QTest::newRow("a cycle is refused")
            << QByteArray("def handler(e, c):\n    a = []\n    a.append(a)\n    return a\n") << QByteArray("{}")
            << QByteArray("Unable to marshal response: Circular reference detected");
    }

    void jsonIsLambdasOwn()
    {
        QFETCH(QByteArray, code);
        QFETCH(QByteArray, payload);
        QFETCH(QByteArray, response);
        const QString name = QStringLiteral("json%1").arg(qHash(QByteArray(QTest::currentDataTag())) % 100000);
        QVERIFY(add(name, {{QStringLiteral("app.py"), code}}, QStringLiteral("app.handler")).ok());
        const InvokeResult r = m_engine->invokeAndWait(request(name, payload));
        if (response.startsWith("Unable to marshal")) {
            QVERIFY(r.functionError);
            QCOMPARE(json(r.response).value(QStringLiteral("errorType")).toString(), QStringLiteral("Runtime.MarshalError"));
            QCOMPARE(json(r.response).value(QStringLiteral("errorMessage")).toString(), QString::fromUtf8(response));
            // The same environment encodes the next result: the very list that was a cycle,
            // now without one.
            QVERIFY(add(QStringLiteral("jsonafter"), {{QStringLiteral("app.py"), "a = []\na.append(a)\ncalls = 0\ndef handler(e, c):\n    global calls\n    calls += 1\n    if calls == 1:\n        return a\n    a.clear()\n    a.append(1)\n    return [a, {'k': [2]}]\n"}},
                        QStringLiteral("app.handler")).ok());
            QVERIFY(m_engine->invokeAndWait(request(QStringLiteral("jsonafter"))).functionError);
            const InvokeResult next = m_engine->invokeAndWait(request(QStringLiteral("jsonafter")));
            QVERIFY(!next.record.cold);
            QCOMPARE(next.response, QByteArray("[[1], {\"k\": [2]}]"));
            return;
        }
        QCOMPARE(r.record.status, InvocationStatus::Success);
        QCOMPARE(r.response, response);
    }

    // Over 6 MB: Lambda's Function.ResponseSizeTooLarge with its message (its 6291556, not
    // 6 MiB), and the same environment serves the next request warm.
    void responseOverTheLimitKeepsTheEnvironment()
    {
        QVERIFY(add(QStringLiteral("big"), {{QStringLiteral("app.py"), "def handler(e, c):\n    return 'x' * e['n'] if e.get('n') else 'small'\n"}},
                    QStringLiteral("app.handler"))
                    .ok());
        const InvokeResult big = m_engine->invokeAndWait(request(QStringLiteral("big"), "{\"n\":7000000}"));
        QCOMPARE(big.record.status, InvocationStatus::Error);
        QCOMPARE(big.record.errorType, QStringLiteral("Function.ResponseSizeTooLarge"));
        QCOMPARE(big.record.errorMessage,
                 QStringLiteral("Response payload size exceeded maximum allowed payload size (6291556 bytes)."));
        QVERIFY(big.functionError);
        const InvokeResult next = m_engine->invokeAndWait(request(QStringLiteral("big"), "{}"));
        QCOMPARE(next.record.status, InvocationStatus::Success);
        QCOMPARE(next.response, QByteArray("\"small\""));
        QVERIFY(!next.record.cold);
        QCOMPARE(next.record.environmentId, big.record.environmentId);
        // Exactly 6 MiB of payload still fits (Lambda's real limit is 6,291,456 bytes).
        const InvokeResult edge = m_engine->invokeAndWait(request(QStringLiteral("big"), "{\"n\":6291454}"));
        QCOMPARE(edge.record.status, InvocationStatus::Success);
        QCOMPARE(edge.response.size(), 6291456);
    }

    // Debugging a python3 function goes through debugpy; where this interpreter cannot import
    // it, the request fails at once with an error that names the package.
    void debugWithoutDebugpyNamesThePackage()
    {
        QProcess probe;
        probe.start(m_engine->resolvedInterpreter(Runtime::Python3), {QStringLiteral("-c"), QStringLiteral("import debugpy")});
        QVERIFY(probe.waitForFinished(20000));
        if (probe.exitCode() == 0)
            QSKIP("debugpy is installed for this python3");
        QVERIFY(add(QStringLiteral("pydbg"), {{QStringLiteral("app.py"), "def handler(e, c):\n    return 1\n"}}, QStringLiteral("app.handler")).ok());
        InvokeRequest req = request(QStringLiteral("pydbg"));
        req.debugPort = freeLoopbackPort();
        const InvokeResult r = m_engine->invokeAndWait(req);
        QCOMPARE(r.record.status, InvocationStatus::Error);
        QCOMPARE(r.record.errorType, QStringLiteral("Runtime.DebuggerUnavailable"));
        QVERIFY2(r.record.errorMessage.contains(QStringLiteral("debugpy")) && r.record.errorMessage.contains(QStringLiteral("pip install debugpy")),
                 qPrintable(r.record.errorMessage));
        QVERIFY(r.record.debugged);
        QCOMPARE(m_engine->invokeAndWait(request(QStringLiteral("pydbg"))).response, QByteArray("1")); // not a debug run: fine
    }

    void tmpdirAndGlobalsSurviveWarmStarts()
    {
        QVERIFY(add(QStringLiteral("tmp"), {{QStringLiteral("app.py"), "import os, tempfile\ndef handler(e, c):\n    p = os.path.join(tempfile.gettempdir(), 'mark')\n"
                                                                       "    seen = os.path.exists(p)\n    open(p, 'w').write('x')\n    return {'seen': seen, 'tmp': tempfile.gettempdir()}\n"}},
                    QStringLiteral("app.handler"))
                    .ok());
        const QJsonObject a = json(m_engine->invokeAndWait(request(QStringLiteral("tmp"))).response);
        const QJsonObject b = json(m_engine->invokeAndWait(request(QStringLiteral("tmp"))).response);
        QVERIFY(!a.value(QStringLiteral("seen")).toBool());
        QVERIFY(b.value(QStringLiteral("seen")).toBool());
        QVERIFY(a.value(QStringLiteral("tmp")).toString().startsWith(m_dir.path() + QStringLiteral("/run/")));
    }

    void provisionedAndNoLeaks()
    {
        const int fds = openFdCount();
        {
            EngineOptions o;
            o.runDir = m_dir.path() + QStringLiteral("/run2");
            Engine engine(o);
            FunctionConfig c;
            c.name = QStringLiteral("warm");
            c.codeDir = QStringLiteral(FUNCDESK_SOURCE_DIR "/resources/examples/python3-hello");
            c.provisionedConcurrency = 1;
            QVERIFY(engine.registerFunction(c).ok());
            QTRY_VERIFY(!engine.environments().isEmpty() && engine.environments().first().state == EnvironmentState::Idle);
            const InvokeResult r = engine.invokeAndWait(request(QStringLiteral("warm")));
            QVERIFY(!r.record.cold);
            QCOMPARE(r.record.status, InvocationStatus::Success);
        }
        QTRY_COMPARE(openFdCount(), fds);
    }

    void cleanupTestCase()
    {
        m_engine.reset();
        QCOMPARE(childPids(), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestRuntimePython)
#include "tst_runtime_python.moc"
