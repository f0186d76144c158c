// CPU in proportion to memory where no cgroup can do it: the SIGSTOP/SIGCONT duty cycle
// (cgroupcpu.h), with real python3. FUNCDESK_NO_CGROUP keeps the cgroup methods out, as
// on a machine without a writable cgroup.

#include "enginetest.h"

#include "engine/cgroupcpu.h"

#include <QElapsedTimer>

using namespace enginetest;

namespace {

const bool kNoCgroups = qputenv("FUNCDESK_NO_CGROUP", "1"); // before anything probes

// A fixed amount of pure-Python work, and the process states of the environment after it.
const QByteArray kBusyPy = QByteArrayLiteral("def lambda_handler(event, context):\n"
                                             "    n = 0\n"
                                             "    for i in range(event['loops']):\n"
                                             "        n += i\n"
                                             "    return {'n': n}\n");

QString processState(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return {};
    const QByteArray line = stat.readAll();
    const int close = line.lastIndexOf(')');
    return close < 0 ? QString() : QString::fromLatin1(line.mid(close + 2, 1));
}

} // namespace

class TestCpuDutyCycle : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(kNoCgroups);
        QCOMPARE(Engine::cpuScalingMethod(), QStringLiteral("SIGSTOP/SIGCONT duty cycle"));
    }

    void cpuBoundWorkSlowsWithLessMemory()
    {
        EngineOptions o;
        o.runDir = m_dir.filePath(QStringLiteral("run"));
        Engine engine(o);
        const QString code = m_dir.filePath(QStringLiteral("busy"));
        writeFile(code + QStringLiteral("/lambda_function.py"), kBusyPy);
        QMap<int, double> durations;
        for (const int memoryMb : {1769, 128}) {
            FunctionConfig c;
            c.name = QStringLiteral("busy%1").arg(memoryMb);
            c.codeDir = code;
            c.memoryMb = memoryMb;
            c.timeoutSeconds = 60;
            c.scaleCpu = true;
            QVERIFY(engine.registerFunction(c).ok());
            InvokeRequest r;
            r.function = c.name;
            r.payload = QByteArrayLiteral("{\"loops\": 1000}");
            QCOMPARE(engine.invokeAndWait(r).record.status, InvocationStatus::Success); // warm
            r.payload = QByteArrayLiteral("{\"loops\": 1500000}");
            const InvokeResult x = engine.invokeAndWait(r);
            QCOMPARE(x.record.status, InvocationStatus::Success);
            durations.insert(memoryMb, x.record.durationMs);

            const QList<EnvironmentInfo> envs = engine.environments();
            const auto it = std::find_if(envs.cbegin(), envs.cend(), [&c](const EnvironmentInfo &e) { return e.function == c.name; });
            QVERIFY(it != envs.cend());
            QCOMPARE(it->cpuLimitVcpus, std::min(1.0, vcpusForMemory(memoryMb)));
            // Idle between requests, it is left running, not stopped half-way through a period.
            QCOMPARE(it->state, EnvironmentState::Idle);
            QTest::qWait(20);
            QVERIFY2(processState(it->pid) != QLatin1String("T"), qPrintable(processState(it->pid)));
        }
        // 0.072 of a CPU against a whole one: about 14 times slower; a loaded 2-core
        // machine narrows the gap, so at least 5.
        const double ratio = durations.value(128) / durations.value(1769);
        qInfo("128 MB: %.0f ms, 1769 MB: %.0f ms, ratio %.1f", durations.value(128), durations.value(1769), ratio);
        QVERIFY2(ratio >= 5, qPrintable(QString::number(ratio)));
    }
};

QTEST_GUILESS_MAIN(TestCpuDutyCycle)
#include "tst_cpudutycycle.moc"
