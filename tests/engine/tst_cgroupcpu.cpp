// CPU in proportion to memory: the quota arithmetic, and on a machine where a cgroup
// method works, a CPU-bound python function really runs slower at 128 MB than at
// 1,769 MB (one vCPU), with the limit reported in the environment's info.

#include "enginetest.h"

#include "engine/cgroupcpu.h"

using namespace enginetest;

class TestCgroupCpu : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    FunctionConfig spinner(int memoryMb, std::optional<bool> scale)
    {
        FunctionConfig c;
        c.name = QStringLiteral("spin%1").arg(memoryMb);
        c.runtime = Runtime::Python3;
        c.handler = QStringLiteral("app.handler");
        c.memoryMb = memoryMb;
        c.timeoutSeconds = 60;
        c.scaleCpu = scale;
        c.codeDir = m_dir.path() + QStringLiteral("/code");
        writeFile(c.codeDir + QStringLiteral("/app.py"),
                  "def handler(event, context):\n"
                  "    n = 0\n"
                  "    for i in range(event['loops']):\n"
                  "        n += i * i\n"
                  "    return n\n");
        return c;
    }

private Q_SLOTS:
    void quotaFollowsLambdasRule_data()
    {
        QTest::addColumn<int>("memoryMb");
        QTest::addColumn<qint64>("quotaUs");
        QTest::newRow("128 MB") << 128 << qint64(7236);
        QTest::newRow("1769 MB is one vCPU") << 1769 << qint64(100000);
        QTest::newRow("3538 MB is two") << 3538 << qint64(200000);
        QTest::newRow("10240 MB") << 10240 << qint64(578858);
    }
    void quotaFollowsLambdasRule()
    {
        QFETCH(int, memoryMb);
        QFETCH(qint64, quotaUs);
        QCOMPARE(cpuQuotaUs(vcpusForMemory(memoryMb)), quotaUs);
        QCOMPARE(cpuQuotaUs(0.001), qint64(1000)); // the kernel's minimum
    }

    void cpuBoundCodeSlowsDownAtSmallMemory()
    {
        if (cpuScalingMethod() == CpuScaling::None) {
            QVERIFY(Engine::cpuScalingMethod().isEmpty());
            QSKIP("no cgroup CPU method here: scaled functions run at full speed and results say so");
        }
        QVERIFY(!Engine::cpuScalingMethod().isEmpty());
        EngineOptions o;
        o.runDir = m_dir.path() + QStringLiteral("/run");
        Engine engine(o);
        QVERIFY(engine.registerFunction(spinner(128, true)).ok());
        QVERIFY(engine.registerFunction(spinner(1769, true)).ok());
        QVERIFY(engine.registerFunction(spinner(256, std::nullopt)).ok()); // the engine's default: off

        const QByteArray work = QByteArrayLiteral("{\"loops\": 300000}"); // ~20-40 ms of one CPU
        const auto warmDuration = [&](const QString &name) {
            engine.invokeAndWait(request(name, work)); // cold start outside the measurement
            double best = 1e9;
            for (int i = 0; i < 3; ++i) {
                const InvokeResult r = engine.invokeAndWait(request(name, work));
                if (r.record.status != InvocationStatus::Success)
                    return -1.0;
                best = std::min(best, r.record.durationMs);
            }
            return best;
        };
        const double slow = warmDuration(QStringLiteral("spin128"));
        const double fast = warmDuration(QStringLiteral("spin1769"));
        QVERIFY(slow > 0 && fast > 0);
        // 1769/128 = 13.8x less CPU; anything above 4x shows the quota at work even on a
        // busy machine, where the one-vCPU run also waits for the CPU.
        QVERIFY2(slow > 4 * fast, qPrintable(QStringLiteral("128 MB: %1 ms, 1769 MB: %2 ms").arg(slow).arg(fast)));

        bool sawLimit = false;
        bool sawUnlimited = false;
        for (const EnvironmentInfo &e : engine.environments()) {
            if (e.function == QStringLiteral("spin128")) {
                QCOMPARE(e.cpuLimitVcpus, vcpusForMemory(128));
                sawLimit = true;
            }
        }
        engine.invokeAndWait(request(QStringLiteral("spin256"), QByteArrayLiteral("{\"loops\": 10}")));
        for (const EnvironmentInfo &e : engine.environments()) {
            if (e.function == QStringLiteral("spin256")) {
                QCOMPARE(e.cpuLimitVcpus, 0.0);
                sawUnlimited = true;
            }
        }
        QVERIFY(sawLimit && sawUnlimited);
    }
};

QTEST_GUILESS_MAIN(TestCgroupCpu)
#include "tst_cgroupcpu.moc"
