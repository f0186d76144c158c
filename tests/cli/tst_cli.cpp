// The real `funcdesk` binary, run with QProcess: help, version, usage errors and exit
// codes, and the data-dir commands (deploy, list, publish, export) on a temporary data dir.

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include "store/sqlite.h"
#include "store/writer.h"
#include "versioning/versionstore.h"

#include <yaml-cpp/yaml.h>

namespace {

const QString kBinary = QStringLiteral(FUNCDESK_BINARY_DIR "/app/funcdesk");

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runFuncdesk(const QStringList &args, const QString &workingDir = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("FUNCDESK_DATA_DIR"));
    env.remove(QStringLiteral("FUNCDESK_ENDPOINT"));
    env.remove(QStringLiteral("FUNCDESK_TOKEN"));
    p.setProcessEnvironment(env);
    if (!workingDir.isEmpty())
        p.setWorkingDirectory(workingDir);
    p.start(kBinary, args);
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    Run r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// A port nothing listens on: bind one, then let it go.
quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

void writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(kBinary), qPrintable(kBinary)); }

    void version()
    {
        const Run r = runFuncdesk({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QStringLiteral("funcdesk " FUNCDESK_VERSION));
    }

    void helpDocumentsCommandsAndExitCodes()
    {
        const Run r = runFuncdesk({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        for (const char *word : {"serve", "list", "invoke", "deploy", "publish", "logs", "export", "Exit codes",
                                 "2  usage error", "3  function", "4  function error", "5  engine/API unreachable"})
            QVERIFY2(r.out.contains(QLatin1String(word)), word);
    }

    void commandHelp_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("option"); // one option its help must list
        QTest::newRow("serve") << QStringLiteral("serve") << QStringLiteral("--port");
        QTest::newRow("list") << QStringLiteral("list") << QStringLiteral("--json");
        QTest::newRow("invoke") << QStringLiteral("invoke") << QStringLiteral("--payload");
        QTest::newRow("deploy") << QStringLiteral("deploy") << QStringLiteral("--message");
        QTest::newRow("publish") << QStringLiteral("publish") << QStringLiteral("--description");
        QTest::newRow("logs") << QStringLiteral("logs") << QStringLiteral("--follow");
        QTest::newRow("export") << QStringLiteral("export") << QStringLiteral("--format");
    }
    void commandHelp()
    {
        QFETCH(QString, command);
        QFETCH(QString, option);
        const Run r = runFuncdesk({command, QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QStringLiteral("Usage: funcdesk ") + command), qPrintable(r.out));
        QVERIFY2(r.out.contains(option), qPrintable(r.out));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        auto row = [](const char *name, QStringList args, const char *message) {
            QTest::newRow(name) << args << QString::fromLatin1(message);
        };
        row("unknown command", {QStringLiteral("frobnicate")}, "unknown command 'frobnicate'");
        row("unknown option", {QStringLiteral("list"), QStringLiteral("--bogus")}, "Unknown option 'bogus'");
        row("extra argument", {QStringLiteral("list"), QStringLiteral("extra")}, "unexpected argument 'extra'");
        row("invoke without name", {QStringLiteral("invoke")}, "missing argument");
        row("invoke bad payload", {QStringLiteral("invoke"), QStringLiteral("f"), QStringLiteral("--payload"), QStringLiteral("{bad")},
            "the payload is not valid JSON");
        row("invoke missing payload file", {QStringLiteral("invoke"), QStringLiteral("f"), QStringLiteral("--payload"), QStringLiteral("@/nonexistent/event.json")}, "cannot read payload file");
        row("invoke async with log", {QStringLiteral("invoke"), QStringLiteral("f"), QStringLiteral("--async"), QStringLiteral("--log")},
            "--log needs a synchronous invocation");
        row("export without format", {QStringLiteral("export"), QStringLiteral("f")}, "--format sam|knative is required");
        row("export unknown format", {QStringLiteral("export"), QStringLiteral("f"), QStringLiteral("--format"), QStringLiteral("zip")},
            "unknown format 'zip'");
        row("logs bad since", {QStringLiteral("logs"), QStringLiteral("f"), QStringLiteral("--since"), QStringLiteral("ten")},
            "--since takes a number and a unit");
        row("deploy missing folder", {QStringLiteral("deploy"), QStringLiteral("/nonexistent/folder")}, "not a folder");
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run r = runFuncdesk(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    // Without a display the window cannot open: a clear message that names the headless
    // command and exit code 3, instead of Qt's platform plugin abort (SIGABRT).
    void noDisplayNamesServeInsteadOfAborting()
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *var : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "FUNCDESK_DATA_DIR"})
            env.remove(QString::fromLatin1(var));
        QTemporaryDir data;
        p.setProcessEnvironment(env);
        p.start(kBinary, {QStringLiteral("--data-dir"), data.path()});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 3);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains(QLatin1String("no display")), qPrintable(err));
        QVERIFY2(err.contains(QLatin1String("funcdesk serve")), qPrintable(err));
        QVERIFY2(!err.contains(QLatin1String("platform plugin")), qPrintable(err));
    }

    // The experiment commands on a data dir: an open-loop load's summary (and its
    // experiment row), power tuning's table, the scenarios' list and one scenario's run,
    // and the clear refusal when another Funcdesk holds the data dir.
    void experimentCommands()
    {
        QTemporaryDir tmp;
        const QString data = tmp.filePath(QStringLiteral("data"));
        const QString fn = tmp.filePath(QStringLiteral("src/noop"));
        writeFile(fn + QStringLiteral("/lambda_function.py"), "def lambda_handler(event, context):\n    return 1\n");
        const QStringList dd{QStringLiteral("--data-dir"), data};
        Run r = runFuncdesk(QStringList{QStringLiteral("deploy"), fn} + dd);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        r = runFuncdesk(QStringList{QStringLiteral("load"), QStringLiteral("noop"), QStringLiteral("--rate"), QStringLiteral("40"),
                                    QStringLiteral("--duration"), QStringLiteral("1s"), QStringLiteral("--json")}
                        + dd);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject load = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(load.value(QStringLiteral("sent")).toInt(), 40);
        QCOMPARE(load.value(QStringLiteral("ok")).toInt(), 40);
        // One environment keeps up with 40/s once warm. A request that comes while the first
        // cold start is still running needs an environment of its own: one or two on an idle
        // machine, a few more where a cold start spans several 25 ms arrivals (ASan, a loaded
        // CI machine). Most requests are warm either way.
        const int coldStarts = load.value(QStringLiteral("coldStarts")).toInt();
        QVERIFY2(coldStarts >= 1 && coldStarts <= 10, qPrintable(QString::number(coldStarts)));
        QVERIFY(load.value(QStringLiteral("latencyMs")).toObject().value(QStringLiteral("p99")).toDouble() > 0);
        {
            auto conn = funcdesk::store::Connection::open(funcdesk::DataDir{data}.database());
            QVERIFY(conn);
            QCOMPARE(*conn->queryInt("SELECT count(*) FROM experiments WHERE kind = 'load' AND ended_ms IS NOT NULL"), 1);
        }

        r = runFuncdesk(QStringList{QStringLiteral("load"), QStringLiteral("noop"), QStringLiteral("--shape"),
                                    QStringLiteral("ramp:10..")}
                        + dd);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("ramp")), qPrintable(r.err));

        r = runFuncdesk(QStringList{QStringLiteral("tune"), QStringLiteral("noop"), QStringLiteral("--memory"),
                                    QStringLiteral("128,1024"), QStringLiteral("-n"), QStringLiteral("3")}
                        + dd);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("MEMORY MB")) && r.out.contains(QStringLiteral("1024")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("Strategy balanced")), qPrintable(r.out));

        r = runFuncdesk(QStringList{QStringLiteral("learn"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(QJsonDocument::fromJson(r.out.toUtf8()).array().size() >= 7);

        r = runFuncdesk(QStringList{QStringLiteral("learn"), QStringLiteral("run"), QStringLiteral("burst")} + dd);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.startsWith(QStringLiteral("PASSED  burst")), qPrintable(r.out));

        r = runFuncdesk(QStringList{QStringLiteral("learn"), QStringLiteral("run"), QStringLiteral("no-such")} + dd);
        QCOMPARE(r.exitCode, 2);

        // Another Funcdesk holds the data dir: refused, saying why and what to do.
        QProcess serve;
        serve.start(kBinary, QStringList{QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0")} + dd);
        QVERIFY(serve.waitForReadyRead(30000));
        r = runFuncdesk(QStringList{QStringLiteral("learn"), QStringLiteral("run"), QStringLiteral("burst")} + dd);
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains(QStringLiteral("Learn page")), qPrintable(r.err));
        serve.terminate();
        QVERIFY(serve.waitForFinished(30000));
    }

    void unreachableEngineExitsFive()
    {
        const QString endpoint = QStringLiteral("http://127.0.0.1:") + QString::number(closedPort());
        const Run r = runFuncdesk({QStringLiteral("invoke"), QStringLiteral("f"), QStringLiteral("--endpoint"), endpoint});
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains(QStringLiteral("no engine answers at")), qPrintable(r.err));
    }

    void dataDirCommands()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString data = tmp.filePath(QStringLiteral("data"));
        const QString fn = tmp.filePath(QStringLiteral("src/hello"));
        writeFile(fn + QStringLiteral("/lambda_function.py"),
                  "def lambda_handler(event, context):\n    return {'hello': event.get('name', 'world')}\n");
        writeFile(fn + QStringLiteral("/function.json"),
                  R"json({"runtime": "python3.12", "handler": "lambda_function.lambda_handler", "memorySize": 256,
                      "timeout": 10, "environment": {"STAGE": "dev"},
                      "triggers": {"functionUrl": true, "schedules": ["rate(5 minutes)"]}})json");
        const QStringList dd{QStringLiteral("--data-dir"), data};

        Run r = runFuncdesk(QStringList{QStringLiteral("deploy"), fn, QStringLiteral("--message"), QStringLiteral("first")} + dd);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QStringLiteral("Created and deployed hello")));

        r = runFuncdesk(QStringList{QStringLiteral("deploy"), fn} + dd);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("Nothing to deploy")), qPrintable(r.out));
        QVERIFY2(!r.err.contains(QStringLiteral("deprecated")), qPrintable(r.err));

        // A deprecated identifier deploys, with a warning, and is kept as given.
        const QString old = tmp.filePath(QStringLiteral("src/legacy"));
        writeFile(old + QStringLiteral("/index.js"), "exports.handler = async () => 1;\n");
        writeFile(old + QStringLiteral("/function.json"), R"({"runtime": "nodejs16.x", "handler": "index.handler"})");
        const QStringList legacyData{QStringLiteral("--data-dir"), tmp.filePath(QStringLiteral("legacy-data"))};
        r = runFuncdesk(QStringList{QStringLiteral("deploy"), old} + legacyData);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("warning: nodejs16.x is deprecated on Lambda since 2024-06-12")), qPrintable(r.err));
        r = runFuncdesk(QStringList{QStringLiteral("list"), QStringLiteral("--json")} + legacyData);
        QVERIFY2(r.out.contains(QStringLiteral("\"nodejs16.x\"")), qPrintable(r.out));

        r = runFuncdesk(QStringList{QStringLiteral("list"), QStringLiteral("--json")} + dd);
        QCOMPARE(r.exitCode, 0);
        const QJsonArray functions = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(functions.size(), 1);
        QCOMPARE(functions.at(0)[QStringLiteral("FunctionName")].toString(), QStringLiteral("hello"));
        QCOMPARE(functions.at(0)[QStringLiteral("MemorySize")].toInt(), 256);
        QCOMPARE(functions.at(0)[QStringLiteral("Runtime")].toString(), QStringLiteral("python3.12")); // as given

        r = runFuncdesk(QStringList{QStringLiteral("list")} + dd);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith(QStringLiteral("NAME")));
        QVERIFY(r.out.contains(QStringLiteral("256 MB")));
        // The table says when this machine's python3 is another version than python3.12.
        QProcess python;
        python.start(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import sys; print('%d.%d' % sys.version_info[:2])")});
        QVERIFY(python.waitForFinished(20000));
        const QString local = QString::fromLatin1(python.readAllStandardOutput()).trimmed();
        if (local == QLatin1String("3.12"))
            QVERIFY2(r.out.contains(QStringLiteral("python3.12 ")) && !r.out.contains(QStringLiteral("(local")), qPrintable(r.out));
        else
            QVERIFY2(r.out.contains(QStringLiteral("python3.12 (local ") + local + QLatin1Char(')')), qPrintable(r.out));

        r = runFuncdesk(QStringList{QStringLiteral("publish"), QStringLiteral("hello"), QStringLiteral("--json")} + dd);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8())[QStringLiteral("Version")].toString(), QStringLiteral("1"));

        const QString out = tmp.filePath(QStringLiteral("out"));
        r = runFuncdesk(QStringList{QStringLiteral("export"), QStringLiteral("hello"), QStringLiteral("--format"), QStringLiteral("sam"),
                                    QStringLiteral("--qualifier"), QStringLiteral("1"), QStringLiteral("--out"), out}
                        + dd);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const YAML::Node doc = YAML::LoadFile(QFile::encodeName(out + QStringLiteral("/template.yaml")).toStdString());
        const YAML::Node p = doc["Resources"]["HelloFunction"]["Properties"];
        QCOMPARE(p["MemorySize"].as<int>(), 256);
        QCOMPARE(p["Timeout"].as<int>(), 10);
        QCOMPARE(p["Runtime"].as<std::string>(), std::string("python3.12"));
        QCOMPARE(p["Environment"]["Variables"]["STAGE"].as<std::string>(), std::string("dev"));
        QCOMPARE(p["Events"]["Schedule1"]["Properties"]["Schedule"].as<std::string>(), std::string("rate(5 minutes)"));
        QCOMPARE(p["FunctionUrlConfig"]["AuthType"].as<std::string>(), std::string("NONE"));
        QVERIFY(QFile::exists(out + QStringLiteral("/hello.zip")));

        r = runFuncdesk(QStringList{QStringLiteral("export"), QStringLiteral("hello"), QStringLiteral("--format"),
                                    QStringLiteral("knative")}
                            + dd,
                        tmp.path());
        QCOMPARE(r.exitCode, 0);
        QVERIFY(QFile::exists(tmp.filePath(QStringLiteral("hello-knative/service.yaml"))));

        // A second version behind a weighted alias: the export carries the split over.
        writeFile(fn + QStringLiteral("/lambda_function.py"), "def lambda_handler(event, context):\n    return 2\n");
        QCOMPARE(runFuncdesk(QStringList{QStringLiteral("deploy"), fn} + dd).exitCode, 0);
        QCOMPARE(runFuncdesk(QStringList{QStringLiteral("publish"), QStringLiteral("hello")} + dd).exitCode, 0);
        {
            funcdesk::VersionStore store(funcdesk::DataDir{data});
            funcdesk::AliasConfig live;
            live.name = QStringLiteral("live");
            live.functionVersion = QStringLiteral("1");
            live.additionalVersion = QStringLiteral("2");
            live.additionalWeight = 0.2;
            QVERIFY(store.createAlias(QStringLiteral("hello"), live).ok());
        }
        const QString kout = tmp.filePath(QStringLiteral("kout"));
        r = runFuncdesk(QStringList{QStringLiteral("export"), QStringLiteral("hello"), QStringLiteral("--format"),
                                    QStringLiteral("knative"), QStringLiteral("--qualifier"), QStringLiteral("live"),
                                    QStringLiteral("--out"), kout, QStringLiteral("--json")}
                        + dd);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8())[QStringLiteral("version")].toString(), QStringLiteral("2"));
        const YAML::Node svc = YAML::LoadFile(QFile::encodeName(kout + QStringLiteral("/service.yaml")).toStdString());
        QCOMPARE(svc["spec"]["template"]["metadata"]["name"].as<std::string>(), std::string("hello-v2"));
        QCOMPARE(svc["spec"]["traffic"][0]["revisionName"].as<std::string>(), std::string("hello-v1"));
        QCOMPARE(svc["spec"]["traffic"][0]["percent"].as<int>(), 80);
        QCOMPARE(svc["spec"]["traffic"][1]["revisionName"].as<std::string>(), std::string("hello-v2"));
        QCOMPARE(svc["spec"]["traffic"][1]["percent"].as<int>(), 20);

        const QString sout = tmp.filePath(QStringLiteral("sout"));
        r = runFuncdesk(QStringList{QStringLiteral("export"), QStringLiteral("hello"), QStringLiteral("--format"),
                                    QStringLiteral("sam"), QStringLiteral("--qualifier"), QStringLiteral("live"),
                                    QStringLiteral("--out"), sout}
                        + dd);
        QCOMPARE(r.exitCode, 0);
        const YAML::Node sam = YAML::LoadFile(QFile::encodeName(sout + QStringLiteral("/template.yaml")).toStdString());
        const YAML::Node props = sam["Resources"]["HelloFunction"]["Properties"];
        QCOMPARE(props["AutoPublishAlias"].as<std::string>(), std::string("live"));
        QCOMPARE(props["DeploymentPreference"]["Type"].as<std::string>(), std::string("Canary10Percent5Minutes"));

        r = runFuncdesk(QStringList{QStringLiteral("export"), QStringLiteral("hello"), QStringLiteral("--format"),
                                    QStringLiteral("sam"), QStringLiteral("--qualifier"), QStringLiteral("nosuchalias")}
                        + dd);
        QCOMPARE(r.exitCode, 3);
    }

    void logsReadTheStore()
    {
        QTemporaryDir tmp;
        const QString data = tmp.filePath(QStringLiteral("data"));
        const QString fn = tmp.filePath(QStringLiteral("logged"));
        writeFile(fn + QStringLiteral("/lambda_function.py"), "def lambda_handler(event, context):\n    return 1\n");
        const QStringList dd{QStringLiteral("--data-dir"), data};
        QCOMPARE(runFuncdesk(QStringList{QStringLiteral("deploy"), fn} + dd).exitCode, 0);

        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        {
            auto writer = funcdesk::store::Writer::start({.databasePath = data + QStringLiteral("/funcdesk.db")});
            QVERIFY(writer.ok());
            auto line = [](qint64 ts, const char *fn, const char *text) {
                return funcdesk::LogLine{ts, QStringLiteral("req-1"), QString::fromLatin1(fn), QStringLiteral("env"),
                                         QString::fromLatin1(text)};
            };
            (*writer)->enqueue(QList<funcdesk::LogLine>{line(now - 2 * 3600 * 1000, "logged", "too old"),
                                                        line(now - 1000, "logged", "START RequestId: req-1 Version: $LATEST"),
                                                        line(now - 900, "logged", "hello from the handler"),
                                                        line(now - 800, "other", "someone else's line")});
            QVERIFY((*writer)->flush().ok());
        }
        Run r = runFuncdesk(QStringList{QStringLiteral("logs"), QStringLiteral("logged"), QStringLiteral("--json")} + dd);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray lines = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.at(0)[QStringLiteral("message")].toString(), QStringLiteral("START RequestId: req-1 Version: $LATEST"));
        QCOMPARE(lines.at(1)[QStringLiteral("message")].toString(), QStringLiteral("hello from the handler"));
        QCOMPARE(lines.at(1)[QStringLiteral("requestId")].toString(), QStringLiteral("req-1"));

        r = runFuncdesk(QStringList{QStringLiteral("logs"), QStringLiteral("logged"), QStringLiteral("--since"), QStringLiteral("3h")} + dd);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.count(QLatin1Char('\n')), 3);
        QVERIFY(r.out.contains(QStringLiteral("too old")));
        QVERIFY(!r.out.contains(QStringLiteral("someone else")));
    }

    // serve on a free port; while it holds the data dir, deploy/list/publish go over its API
    // (found through the endpoint file), invoke runs handlers; SIGTERM stops it cleanly.
    void serveInvokeListOverTheApi()
    {
        QTemporaryDir tmp;
        const QString data = tmp.filePath(QStringLiteral("data"));
        const QStringList dd{QStringLiteral("--data-dir"), data};
        const QString hello = tmp.filePath(QStringLiteral("src/hello"));
        writeFile(hello + QStringLiteral("/lambda_function.py"),
                  "import json\n"
                  "def lambda_handler(event, context):\n"
                  "    print('handling', json.dumps(event))\n"
                  "    return {'hello': event.get('name', 'world')}\n");
        const QString broken = tmp.filePath(QStringLiteral("src/broken"));
        writeFile(broken + QStringLiteral("/lambda_function.py"),
                  "def lambda_handler(event, context):\n    raise ValueError('boom')\n");
        // One function exists before the engine starts (deployed directly).
        QCOMPARE(runFuncdesk(QStringList{QStringLiteral("deploy"), hello} + dd).exitCode, 0);

        QProcess serve;
        serve.setProcessChannelMode(QProcess::SeparateChannels);
        serve.start(kBinary, QStringList{QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--json")} + dd);
        QVERIFY(serve.waitForStarted());
        const auto stopServe = qScopeGuard([&serve] {
            if (serve.state() != QProcess::NotRunning) {
                serve.kill();
                serve.waitForFinished();
            }
        });
        QTRY_VERIFY_WITH_TIMEOUT(serve.canReadLine() || serve.state() == QProcess::NotRunning, 30000);
        const QJsonObject started = QJsonDocument::fromJson(serve.readLine()).object();
        const QString endpoint = started.value(QStringLiteral("endpoint")).toString();
        QVERIFY2(endpoint.startsWith(QStringLiteral("http://127.0.0.1:")), qPrintable(QString::fromUtf8(serve.readAllStandardError())));
        QFile endpointFile(data + QStringLiteral("/funcdesk.endpoint"));
        QVERIFY(endpointFile.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(endpointFile.readAll()).trimmed(), endpoint);
        endpointFile.close();

        // A second engine on the same data dir is refused.
        Run r = runFuncdesk(QStringList{QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0")} + dd);
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains(QStringLiteral("DataDirInUse")), qPrintable(r.err));

        r = runFuncdesk(QStringList{QStringLiteral("invoke"), QStringLiteral("hello"), QStringLiteral("--payload"),
                                    QStringLiteral("{\"name\": \"funcdesk\"}")}
                        + dd);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("hello")).toString(),
                 QStringLiteral("funcdesk"));

        writeFile(tmp.filePath(QStringLiteral("event.json")), R"({"name": "from a file"})");
        r = runFuncdesk(QStringList{QStringLiteral("invoke"), QStringLiteral("hello"), QStringLiteral("--payload"),
                                    QLatin1Char('@') + tmp.filePath(QStringLiteral("event.json"))}
                        + dd);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("from a file")), qPrintable(r.out));

        r = runFuncdesk(QStringList{QStringLiteral("invoke"), QStringLiteral("hello"), QStringLiteral("--log")} + dd);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(QStringLiteral("REPORT RequestId:")), qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("handling {}")));

        // Deploy over the API (the engine holds the data dir), then the failing handler.
        r = runFuncdesk(QStringList{QStringLiteral("deploy"), broken} + dd);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runFuncdesk(QStringList{QStringLiteral("invoke"), QStringLiteral("broken"), QStringLiteral("--json")} + dd);
        QCOMPARE(r.exitCode, 4);
        const QJsonObject failed = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(failed.value(QStringLiteral("FunctionError")).toString(), QStringLiteral("Unhandled"));
        QCOMPARE(failed.value(QStringLiteral("Payload")).toObject().value(QStringLiteral("errorMessage")).toString(),
                 QStringLiteral("boom"));

        r = runFuncdesk(QStringList{QStringLiteral("invoke"), QStringLiteral("nope")} + dd);
        QCOMPARE(r.exitCode, 3);

        // --debug: the attach instructions first; without debugpy for this python3, the
        // function's error names the package.
        QProcess debugpy;
        debugpy.start(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import debugpy")});
        QVERIFY(debugpy.waitForFinished(20000));
        if (debugpy.exitCode() != 0) {
            r = runFuncdesk(QStringList{QStringLiteral("invoke"), QStringLiteral("hello"), QStringLiteral("--debug")} + dd);
            QCOMPARE(r.exitCode, 4);
            QVERIFY2(r.err.contains(QStringLiteral("Debugger listening on 127.0.0.1:")), qPrintable(r.err));
            QVERIFY2(r.err.contains(QStringLiteral("\"type\": \"debugpy\"")), qPrintable(r.err));
            QVERIFY2(r.out.contains(QStringLiteral("Runtime.DebuggerUnavailable")) && r.out.contains(QStringLiteral("pip install debugpy")),
                     qPrintable(r.out));
        }

        r = runFuncdesk(QStringList{QStringLiteral("list"), QStringLiteral("--json")} + dd);
        QCOMPARE(r.exitCode, 0);
        QStringList names;
        const QJsonArray listed = QJsonDocument::fromJson(r.out.toUtf8()).array();
        for (const QJsonValue &f : listed)
            names << f[QStringLiteral("FunctionName")].toString();
        QCOMPARE(names, (QStringList{QStringLiteral("broken"), QStringLiteral("hello")}));

        r = runFuncdesk(QStringList{QStringLiteral("publish"), QStringLiteral("hello"), QStringLiteral("--json")} + dd);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8())[QStringLiteral("Version")].toString(), QStringLiteral("1"));
        r = runFuncdesk(QStringList{QStringLiteral("invoke"), QStringLiteral("hello"), QStringLiteral("--qualifier"),
                                    QStringLiteral("1"), QStringLiteral("--json")}
                        + dd);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8())[QStringLiteral("ExecutedVersion")].toString(), QStringLiteral("1"));

        r = runFuncdesk(QStringList{QStringLiteral("invoke"), QStringLiteral("hello"), QStringLiteral("--async"),
                                    QStringLiteral("--json")}
                        + dd);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8())[QStringLiteral("StatusCode")].toInt(), 202);

        // logs --follow prints lines recorded after it started.
        QProcess follow;
        follow.start(kBinary, QStringList{QStringLiteral("logs"), QStringLiteral("hello"), QStringLiteral("--follow"), QStringLiteral("--json"), QStringLiteral("--since"), QStringLiteral("1h")} + dd);
        QVERIFY(follow.waitForStarted());
        const auto stopFollow = qScopeGuard([&follow] {
            follow.kill();
            follow.waitForFinished();
        });
        QByteArray followed;
        QTRY_VERIFY_WITH_TIMEOUT((followed += follow.readAllStandardOutput()).contains("handling {\\\"name\\\": \\\"funcdesk\\\"}"), 15000);
        r = runFuncdesk(QStringList{QStringLiteral("invoke"), QStringLiteral("hello"), QStringLiteral("--payload"),
                                    QStringLiteral("{\"name\": \"follow-me\"}")}
                        + dd);
        QCOMPARE(r.exitCode, 0);
        QTRY_VERIFY_WITH_TIMEOUT((followed += follow.readAllStandardOutput()).contains("follow-me"), 15000);
        // Every line once: JSON lines, no repeats of the first invocation's output.
        QCOMPARE(followed.count("handling {\\\"name\\\": \\\"funcdesk\\\"}"), qsizetype(1));

        serve.terminate(); // SIGTERM
        QVERIFY(serve.waitForFinished(30000));
        QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
        QCOMPARE(serve.exitCode(), 0);
        QVERIFY(!QFile::exists(data + QStringLiteral("/funcdesk.endpoint")));
    }

    void serveToken()
    {
        QTemporaryDir tmp;
        const QStringList dd{QStringLiteral("--data-dir"), tmp.filePath(QStringLiteral("data"))};
        Run r = runFuncdesk(QStringList{QStringLiteral("serve"), QStringLiteral("--bind"), QStringLiteral("0.0.0.0"),
                                        QStringLiteral("--port"), QStringLiteral("0")}
                            + dd);
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains(QStringLiteral("requires a token")), qPrintable(r.err));

        QProcess serve;
        serve.start(kBinary, QStringList{QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--token"), QStringLiteral("s3cret")} + dd);
        QVERIFY(serve.waitForStarted());
        const auto stopServe = qScopeGuard([&serve] {
            serve.terminate();
            if (!serve.waitForFinished(30000)) {
                serve.kill();
                serve.waitForFinished();
            }
        });
        QTRY_VERIFY_WITH_TIMEOUT(serve.canReadLine() || serve.state() == QProcess::NotRunning, 30000);
        QVERIFY2(serve.readLine().startsWith("Funcdesk engine serving"), qPrintable(QString::fromUtf8(serve.readAllStandardError())));

        r = runFuncdesk(QStringList{QStringLiteral("list")} + dd);
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains(QStringLiteral("security token")), qPrintable(r.err));
        r = runFuncdesk(QStringList{QStringLiteral("list"), QStringLiteral("--token"), QStringLiteral("s3cret")} + dd);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out.trimmed(), QStringLiteral("No functions."));
    }

    void notFoundExitsThree_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("publish") << QStringList{QStringLiteral("publish"), QStringLiteral("nope")};
        QTest::newRow("export") << QStringList{QStringLiteral("export"), QStringLiteral("nope"), QStringLiteral("--format"),
                                               QStringLiteral("sam")};
        QTest::newRow("logs") << QStringList{QStringLiteral("logs"), QStringLiteral("nope")};
    }
    void notFoundExitsThree()
    {
        QFETCH(QStringList, args);
        QTemporaryDir tmp;
        const Run r = runFuncdesk(args + QStringList{QStringLiteral("--data-dir"), tmp.path()});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(QStringLiteral("nope")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
