// The process cap in a pids cgroup (cgrouppids.h), with real python3: a function that
// forks as fast as it can gets EAGAIN at the environment's cap, as root too (where
// RLIMIT_NPROC does nothing), and the next request still runs.

#include "enginetest.h"

#include "engine/cgrouppids.h"

using namespace enginetest;

namespace {

const QByteArray kForkPy = QByteArrayLiteral(
    "import os, time\n\n"
    "def lambda_handler(event, context):\n"
    "    forked = 0\n"
    "    refused = None\n"
    "    for _ in range(event.get('forks', 0)):\n"
    "        try:\n"
    "            pid = os.fork()\n"
    "        except OSError as e:\n"
    "            refused = type(e).__name__\n"
    "            break\n"
    "        if pid == 0:\n"
    "            time.sleep(5)\n"
    "            os._exit(0)\n"
    "        forked += 1\n"
    "    return {'forked': forked, 'refused': refused}\n");

} // namespace

class TestCgroupPids : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        if (!CgroupPids::available())
            QSKIP("no writable pids cgroup here: the cap is RLIMIT_NPROC alone (which does not bind root)");
    }

    void aForkBombStopsAtTheCap()
    {
        EngineOptions o;
        o.runDir = m_dir.filePath(QStringLiteral("run"));
        o.maxProcessesPerEnvironment = 20;
        Engine engine(o);
        FunctionConfig c;
        c.name = QStringLiteral("forker");
        c.codeDir = m_dir.filePath(QStringLiteral("forker"));
        c.timeoutSeconds = 10;
        writeFile(c.codeDir + QStringLiteral("/lambda_function.py"), kForkPy);
        QVERIFY(engine.registerFunction(c).ok());
        InvokeRequest r;
        r.function = c.name;
        r.payload = QByteArrayLiteral("{\"forks\": 200}");
        const InvokeResult bomb = engine.invokeAndWait(r);
        QCOMPARE(bomb.record.status, InvocationStatus::Success);
        const QJsonObject o1 = json(bomb.response);
        // 20 processes and threads in all, the interpreter among them.
        QVERIFY2(o1.value(QStringLiteral("forked")).toInt() < 20, bomb.response.constData());
        QVERIFY2(o1.value(QStringLiteral("forked")).toInt() >= 5, bomb.response.constData());
        QCOMPARE(o1.value(QStringLiteral("refused")).toString(), QStringLiteral("BlockingIOError")); // EAGAIN
        r.payload = QByteArrayLiteral("{\"forks\": 0}");
        QCOMPARE(engine.invokeAndWait(r).record.status, InvocationStatus::Success);
    }
};

QTEST_GUILESS_MAIN(TestCgroupPids)
#include "tst_cgrouppids.moc"
