// The bubblewrap sandbox around environments (engine/sandbox.h), with real python3: a
// function cannot read the user's files, cannot write outside its /tmp, cannot change its
// own (published) code, sees Lambda's paths, gets no network when it is turned off, and
// its Max Memory Used does not count bwrap's own processes. Skipped, saying why, where
// bwrap cannot make a sandbox.

#include "enginetest.h"

#include "engine/sandbox.h"

#include <QJsonArray>
#include <QStandardPaths>
#include <QTcpServer>

using namespace enginetest;

namespace {

const QByteArray kProbePy = QByteArrayLiteral(
    "import json, os, socket\n\n"
    "def attempt(fn):\n"
    "    try:\n"
    "        fn()\n"
    "        return 'ok'\n"
    "    except OSError as e:\n"
    "        return type(e).__name__\n\n"
    "def write(path):\n"
    "    with open(path, 'w') as f:\n"
    "        f.write('x')\n\n"
    "def read(path):\n"
    "    with open(path) as f:\n"
    "        return f.read()\n\n"
    "def lambda_handler(event, context):\n"
    "    port = event.get('port', 0)\n"
    "    def connect():\n"
    "        socket.create_connection(('127.0.0.1', port), timeout=2).close()\n"
    "    st = os.statvfs('/tmp')\n"
    "    return {\n"
    "        'readHomeFile': attempt(lambda: read(event['secret'])),\n"
    "        'listHome': attempt(lambda: os.listdir(event['home'])),\n"
    "        'realHome': sorted(os.listdir(event['realHome'])) if os.path.isdir(event['realHome']) else [],\n"
    "        'writeCode': attempt(lambda: write('/var/task/lambda_function.py')),\n"
    "        'writeCodeHostPath': attempt(lambda: write(event['codeDir'] + '/lambda_function.py')),\n"
    "        'writeUsr': attempt(lambda: write('/usr/escape')),\n"
    "        'writeScratchRoot': attempt(lambda: write(event['scratchRoot'] + '/escape')),\n"
    "        'writeTmp': attempt(lambda: write('/tmp/inside')),\n"
    "        'tmpMb': round(st.f_blocks * st.f_frsize / 1048576),\n"
    "        'cwd': os.getcwd(),\n"
    "        'taskRoot': os.environ.get('LAMBDA_TASK_ROOT'),\n"
    "        'tmpdir': os.environ.get('TMPDIR'),\n"
    "        'connect': attempt(connect) if port else 'skipped',\n"
    "    }\n");

} // namespace

class TestSandbox : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_home;   // a stand-in for the user's files: a directory outside the function
    QString m_secret; // a file in it

    FunctionConfig probe(const QString &name, const QString &codeDir)
    {
        writeFile(codeDir + QStringLiteral("/lambda_function.py"), kProbePy);
        FunctionConfig c;
        c.name = name;
        c.codeDir = codeDir;
        c.timeoutSeconds = 10;
        return c;
    }

    QJsonObject event(const QString &codeDir, quint16 port = 0) const
    {
        return {{QStringLiteral("secret"), m_secret},
                {QStringLiteral("home"), m_home},
                {QStringLiteral("realHome"), QDir::homePath()},
                {QStringLiteral("codeDir"), codeDir},
                {QStringLiteral("scratchRoot"), m_dir.filePath(QStringLiteral("run"))},
                {QStringLiteral("port"), port}};
    }

    InvokeResult invoke(Engine &engine, const QString &name, const QJsonObject &payload)
    {
        InvokeRequest r;
        r.function = name;
        r.payload = QJsonDocument(payload).toJson(QJsonDocument::Compact);
        return engine.invokeAndWait(r);
    }

    EngineOptions options(bool sandbox) const
    {
        EngineOptions o;
        o.runDir = m_dir.filePath(QStringLiteral("run"));
        o.shimDir = m_shims; // under /tmp, where the sandbox has a /tmp of its own
        o.sandbox = sandbox;
        return o;
    }

    QString m_shims; // a copy of resources/runtimes in the temporary dir

private Q_SLOTS:
    void initTestCase()
    {
        if (const QString why = Engine::sandboxUnavailableReason(); !why.isEmpty())
            QSKIP(qPrintable(QStringLiteral("no sandbox on this machine: ") + why));
        // The shims from a folder under /tmp, as a checkout there (a CI clone) has them.
        m_shims = m_dir.filePath(QStringLiteral("shims"));
        for (const char *file : {"python/bootstrap.py", "node/bootstrap.js"}) {
            QFile source(QStringLiteral(FUNCDESK_SOURCE_DIR "/resources/runtimes/") + QLatin1String(file));
            QVERIFY(source.open(QIODevice::ReadOnly));
            writeFile(m_shims + QLatin1Char('/') + QLatin1String(file), source.readAll());
        }
        m_home = m_dir.filePath(QStringLiteral("home/user"));
        m_secret = m_home + QStringLiteral("/.ssh/id_ed25519");
        writeFile(m_secret, QByteArrayLiteral("PRIVATE KEY"));
    }

    void aFunctionCannotReachWhatIsNotItsOwn()
    {
        Engine engine(options(true));
        const QString code = m_dir.filePath(QStringLiteral("versions/probe/1"));
        FunctionConfig c = probe(QStringLiteral("probe"), code);
        c.version = QStringLiteral("1");
        QVERIFY(engine.registerFunction(c).ok());
        InvokeRequest r;
        r.function = c.name;
        r.version = c.version;
        r.payload = QJsonDocument(event(code)).toJson(QJsonDocument::Compact);
        const InvokeResult result = engine.invokeAndWait(r);
        QVERIFY2(result.record.status == InvocationStatus::Success, result.response.constData());
        const QJsonObject o = json(result.response);
        // The user's files are not there at all.
        QCOMPARE(o.value(QStringLiteral("readHomeFile")).toString(), QStringLiteral("FileNotFoundError"));
        QCOMPARE(o.value(QStringLiteral("listHome")).toString(), QStringLiteral("FileNotFoundError"));
        // Of the real home, at most the way to a runtime installed there (a pyenv prefix).
        const QString prefix = runtimePrefix(engine.resolvedInterpreter(Runtime::Python3));
        const QJsonArray seen = o.value(QStringLiteral("realHome")).toArray();
        for (const QJsonValue &entry : seen)
            QVERIFY2(prefix.startsWith(QDir::homePath() + QLatin1Char('/') + entry.toString() + QLatin1Char('/')),
                     qPrintable(QStringLiteral("%1 is visible in the sandbox").arg(entry.toString())));
        // Its code is read-only, under its Lambda path and its host path alike (the host
        // path does not exist inside); the published version's file is unchanged.
        QCOMPARE(o.value(QStringLiteral("writeCode")).toString(), QStringLiteral("OSError")); // EROFS
        QVERIFY(o.value(QStringLiteral("writeCodeHostPath")).toString() != QLatin1String("ok"));
        QCOMPARE(QFile(code + QStringLiteral("/lambda_function.py")).size(), qint64(kProbePy.size()));
        // Nothing outside /tmp is writable; /tmp is, and is Lambda's 512 MB.
        QCOMPARE(o.value(QStringLiteral("writeUsr")).toString(), QStringLiteral("OSError"));
        QVERIFY(o.value(QStringLiteral("writeScratchRoot")).toString() != QLatin1String("ok"));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("run/escape"))));
        QCOMPARE(o.value(QStringLiteral("writeTmp")).toString(), QStringLiteral("ok"));
        QCOMPARE(o.value(QStringLiteral("tmpMb")).toInt(), 512);
        // Lambda's paths.
        QCOMPARE(o.value(QStringLiteral("cwd")).toString(), QStringLiteral("/var/task"));
        QCOMPARE(o.value(QStringLiteral("taskRoot")).toString(), QStringLiteral("/var/task"));
        QCOMPARE(o.value(QStringLiteral("tmpdir")).toString(), QStringLiteral("/tmp"));
        const QList<EnvironmentInfo> envs = engine.environments();
        QCOMPARE(envs.size(), 1);
        QVERIFY(envs.first().sandboxed);
    }

    void theNetworkCanBeTurnedOff()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        Engine engine(options(true));
        const QString onDir = m_dir.filePath(QStringLiteral("code/net-on"));
        const QString offDir = m_dir.filePath(QStringLiteral("code/net-off"));
        QVERIFY(engine.registerFunction(probe(QStringLiteral("neton"), onDir)).ok());
        FunctionConfig off = probe(QStringLiteral("netoff"), offDir);
        off.network = false;
        off.ephemeralStorageMb = 1024;
        QVERIFY(engine.registerFunction(off).ok());
        const QJsonObject on = json(invoke(engine, QStringLiteral("neton"), event(onDir, server.serverPort())).response);
        const QJsonObject none = json(invoke(engine, QStringLiteral("netoff"), event(offDir, server.serverPort())).response);
        QCOMPARE(on.value(QStringLiteral("connect")).toString(), QStringLiteral("ok"));
        QVERIFY2(none.value(QStringLiteral("connect")).toString() != QLatin1String("ok"),
                 qPrintable(none.value(QStringLiteral("connect")).toString()));
        QCOMPARE(none.value(QStringLiteral("tmpMb")).toInt(), 1024); // its own ephemeral storage

        // A custom runtime needs the network for the Runtime API: refused, saying why.
        FunctionConfig provided = probe(QStringLiteral("customoff"), offDir);
        provided.runtime = Runtime::Provided;
        writeFile(offDir + QStringLiteral("/bootstrap"), QByteArrayLiteral("#!/bin/sh\n"), true);
        provided.network = false;
        const Status refused = engine.registerFunction(provided);
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().message.contains(QStringLiteral("network")));
    }

    void maxMemoryUsedLeavesOutTheSandboxItself()
    {
        const QString code = m_dir.filePath(QStringLiteral("code/mem"));
        writeFile(code + QStringLiteral("/lambda_function.py"),
                  QByteArrayLiteral("def lambda_handler(event, context):\n    return {}\n"));
        FunctionConfig c;
        c.name = QStringLiteral("mem");
        c.codeDir = code;
        int used[2] = {0, 0};
        for (const bool sandbox : {false, true}) {
            Engine engine(options(sandbox));
            QVERIFY(engine.registerFunction(c).ok());
            InvokeRequest r;
            r.function = c.name;
            engine.invokeAndWait(r);
            used[sandbox] = engine.invokeAndWait(r).record.maxMemoryUsedMb;
        }
        // bwrap and its init hold about 3 MB; they are not the function's memory.
        QVERIFY2(std::abs(used[1] - used[0]) <= 1, qPrintable(QStringLiteral("%1 MB sandboxed, %2 MB not").arg(used[1]).arg(used[0])));
    }
};

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
