// cgroup v2 memory limits: used where a delegated memory controller exists, declined
// cleanly elsewhere (the engine then enforces memory with its RSS watchdog).

#include "engine/cgroupmemory.h"

#include <QFile>
#include <QTest>

using namespace funcdesk::engine;

class TestCgroupMemory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void declinesOrConfinesAChild()
    {
        if (!CgroupMemory::available()) {
            QVERIFY(!CgroupMemory::create(QStringLiteral("test"), 128 << 20).ok());
            QSKIP("no delegated cgroup v2 memory controller here: the engine uses its RSS watchdog");
        }
        auto cg = CgroupMemory::create(QStringLiteral("test") + QString::number(::getpid()), 128 << 20);
        QVERIFY(cg.ok());
        QVERIFY(cg->procsFd() >= 0);
        SpawnSpec spec;
        spec.program = QStringLiteral("/bin/sh");
        spec.arguments = {QStringLiteral("-c"), QStringLiteral("sleep 5")};
        spec.cgroupProcsFd = cg->procsFd();
        auto child = ChildProcess::spawn(spec);
        QVERIFY(child.ok());
        QFile f(QStringLiteral("/proc/") + QString::number(child->pid()) + QStringLiteral("/cgroup"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("funcdesk-test"));
        QVERIFY(cg->peakKb() > 0);
        QVERIFY(!cg->oomKilled());
        child->killAndReap();
    }
};

QTEST_GUILESS_MAIN(TestCgroupMemory)
#include "tst_cgroupmemory.moc"
