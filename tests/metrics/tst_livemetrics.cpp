#include "metrics/livemetrics.h"

#include <QTest>

#include <thread>

using namespace funcdesk;
using namespace funcdesk::metrics;

namespace {
InvocationRecord rec(const char *fn, qint64 startMs, double ms, InvocationStatus st = InvocationStatus::Success,
                     bool cold = false)
{
    InvocationRecord r;
    r.function = QLatin1String(fn);
    r.startMs = startMs;
    r.durationMs = ms;
    r.billedDurationMs = qint64(ms + 0.999);
    r.memorySizeMb = 1024;
    r.status = st;
    r.cold = cold;
    return r;
}
} // namespace

class TestLiveMetrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bucketsPerSecondPerFunctionAndTotal()
    {
        LiveMetrics m(60);
        m.record(rec("a", 100'000, 10, InvocationStatus::Success, true));
        m.record(rec("a", 100'200, 30));
        m.record(rec("b", 101'000, 5, InvocationStatus::Error));
        m.record(rec("b", 101'100, 0, InvocationStatus::Throttled));

        const Series all = m.snapshot(QString(), 3, 101);
        QCOMPARE(all.firstSecond, qint64(99));
        QCOMPARE(int(all.points.size()), 3);
        QCOMPARE(all.points[0].invocations, 0);
        QCOMPARE(all.points[1].invocations, 2);
        QCOMPARE(all.points[1].coldStarts, 1);
        QCOMPARE(all.points[1].durationSumMs, 40.0);
        QCOMPARE(all.points[1].durationMaxMs, 30.0);
        QCOMPARE(all.points[2].invocations, 1);
        QCOMPARE(all.points[2].errors, 1);
        QCOMPARE(all.points[2].throttles, 1);
        QCOMPARE(all.points[1].gbSeconds, 0.010 + 0.030);

        const Series a = m.snapshot(QStringLiteral("a"), 3, 101);
        QCOMPARE(a.points[2].invocations, 0);
        QCOMPARE(m.totalInvocations(), quint64(4));
    }

    void oldSecondsFallOutOfTheWindow()
    {
        LiveMetrics m(10);
        m.record(rec("a", 5'000, 1));
        m.record(rec("a", 15'000, 1)); // same ring slot, ten seconds later
        const Series s = m.snapshot(QStringLiteral("a"), 10, 15);
        int total = 0;
        for (const auto &p : s.points)
            total += p.invocations;
        QCOMPARE(total, 1);
        QCOMPARE(s.points.back().invocations, 1);
        // Asking for second 5 again yields nothing: the slot now belongs to second 15.
        QCOMPARE(m.snapshot(QStringLiteral("a"), 1, 5).points[0].invocations, 0);
    }

    void concurrentRecordersLoseNothing()
    {
        LiveMetrics m(60);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&m] {
                for (int i = 0; i < 5000; ++i)
                    m.record(rec("a", 50'000, 1));
            });
        for (auto &t : threads)
            t.join();
        QCOMPARE(m.snapshot(QStringLiteral("a"), 1, 50).points[0].invocations, 20000);
    }

    void concurrencyKeepsThePeak()
    {
        LiveMetrics m(60);
        m.sampleConcurrency(QStringLiteral("a"), 3, 70);
        m.sampleConcurrency(QStringLiteral("a"), 1, 70);
        QCOMPARE(m.snapshot(QStringLiteral("a"), 1, 70).points[0].peakConcurrency, 3);
    }
};

QTEST_GUILESS_MAIN(TestLiveMetrics)
#include "tst_livemetrics.moc"
