// Serverless against always-on: the monthly cost formulas against hand-computed numbers,
// the crossover (checked against a brute-force scan of the step function), and the
// sentences that explain it.

#include "lab/crossover.h"

#include <QTest>

#include <cmath>

using namespace funcdesk;
using namespace funcdesk::lab;

namespace {

constexpr double kX86 = 0.0000166667;
constexpr double kRequest = 0.20 / 1e6;

bool near(double a, double b, double tolerance)
{
    return std::abs(a - b) <= tolerance;
}

AlwaysOnInstance instance(const char *name)
{
    for (const AlwaysOnInstance &i : defaultInstances()) {
        if (i.name == QLatin1String(name))
            return i;
    }
    return {};
}

// The first rate (in steps of `step`) where always-on is strictly cheaper; -1 if none up to `limit`.
double firstCheaperByScan(double billedMs, int memoryMb, const AlwaysOnInstance &inst, double step, double limit)
{
    const store::CostModel model;
    for (double r = step; r <= limit; r += step) {
        if (alwaysOnMonthlyCost(r, billedMs, inst) < lambdaMonthlyCost(r, billedMs, memoryMb, model))
            return r;
    }
    return -1;
}

} // namespace

class TestCrossover : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaults()
    {
        const QList<AlwaysOnInstance> all = defaultInstances();
        QCOMPARE(all.size(), 4);
        const AlwaysOnInstance t3 = instance("t3.medium");
        QCOMPARE(t3.hourlyUsd, 0.0416);
        QCOMPARE(t3.vcpus, 2.0);
        QCOMPARE(t3.memoryGb, 4.0);
        QCOMPARE(instance("t4g.small").hourlyUsd, 0.0168);
        QCOMPARE(instance("m6i.large").memoryGb, 8.0);
        QCOMPARE(instance("c6i.xlarge").vcpus, 4.0);
    }

    void lambdaMonthly_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<double>("billedMs");
        QTest::addColumn<int>("memoryMb");
        QTest::addColumn<double>("expected"); // worked out by hand, to the cent
        // 10/s = 25.92 M requests; each 0.1 GB-s: 2.592 M GB-s * $0.0000166667 + 25.92 * $0.20.
        QTest::newRow("10/s, 100 ms, 1 GB") << 10.0 << 100.0 << 1024 << 48.384;
        // 1/s = 2.592 M requests; each 0.0015 GB-s: 3888 GB-s -> $0.0648, requests $0.5184.
        QTest::newRow("1/s, 12 ms, 128 MB") << 1.0 << 12.0 << 128 << 0.5832;
        QTest::newRow("nothing") << 0.0 << 100.0 << 1024 << 0.0;
    }
    void lambdaMonthly()
    {
        QFETCH(double, rate);
        QFETCH(double, billedMs);
        QFETCH(int, memoryMb);
        QFETCH(double, expected);
        const double cost = lambdaMonthlyCost(rate, billedMs, memoryMb, store::CostModel{});
        QVERIFY2(near(cost, expected, 0.001), qPrintable(QString::number(cost, 'f', 6)));
        const double exact = rate * 2'592'000 * (billedMs / 1000 * memoryMb / 1024.0 * kX86 + kRequest);
        QVERIFY(near(cost, exact, 1e-9));
    }

    void instances()
    {
        const AlwaysOnInstance t3 = instance("t3.medium");
        QCOMPARE(requestsPerSecondPerInstance(t3, 10), 200.0); // 2 vCPU, 10 ms each
        QCOMPARE(requestsPerSecondPerInstance(instance("c6i.xlarge"), 250), 16.0);
        QCOMPARE(requestsPerSecondPerInstance(t3, 0), 0.0);
        QCOMPARE(instancesNeeded(0, 100), 1); // always on, even when idle
        QCOMPARE(instancesNeeded(100, 100), 1);
        QCOMPARE(instancesNeeded(100.5, 100), 2);
        QCOMPARE(instancesNeeded(200, 100), 2);
        QCOMPARE(instancesNeeded(3 * 0.1, 0.1), 3); // 0.30000000000000004 / 0.1 = 3.0000000000000004: no fourth
        QCOMPARE(instancesNeeded(201, 100), 3);
        // 720 h of t3.medium: $29.952; one serves 200/s at 10 ms.
        QVERIFY(near(alwaysOnMonthlyCost(5, 10, t3), 29.952, 1e-9));
        QVERIFY(near(alwaysOnMonthlyCost(200, 10, t3), 29.952, 1e-9));
        QVERIFY(near(alwaysOnMonthlyCost(201, 10, t3), 59.904, 1e-9));
    }

    void crossoverWhereCostsMeet_data()
    {
        QTest::addColumn<double>("billedMs");
        QTest::addColumn<int>("memoryMb");
        QTest::addColumn<QString>("instance");
        QTest::addColumn<double>("expected"); // by hand: H / k
        // k = 2,592,000 * (0.0015 GB-s * $0.0000166667 + $0.0000002) = $0.58320013 per (request/s);
        // H = 0.0416 * 720 = $29.952; 29.952 / 0.58320013 = 51.358.
        QTest::newRow("12 ms, 128 MB vs t3.medium") << 12.0 << 128 << QStringLiteral("t3.medium") << 51.358;
        // k = 2,592,000 * (0.05 GB-s * ... + ...) = $2.67840432; H = 0.096 * 720 = $69.12 -> 25.806.
        QTest::newRow("50 ms, 1 GB vs m6i.large") << 50.0 << 1024 << QStringLiteral("m6i.large") << 25.806;
    }
    void crossoverWhereCostsMeet()
    {
        QFETCH(double, billedMs);
        QFETCH(int, memoryMb);
        QFETCH(QString, instance);
        QFETCH(double, expected);
        const store::CostModel model;
        AlwaysOnInstance inst;
        for (const AlwaysOnInstance &i : defaultInstances())
            inst = i.name == instance ? i : inst;
        const double r = crossoverRequestsPerSecond(billedMs, memoryMb, inst, model);
        QVERIFY2(near(r, expected, 0.001), qPrintable(QString::number(r, 'f', 6)));
        // Both cost the same there; Lambda is cheaper just below, the instance just above.
        QVERIFY(near(lambdaMonthlyCost(r, billedMs, memoryMb, model), alwaysOnMonthlyCost(r, billedMs, inst), 1e-6));
        QVERIFY(lambdaMonthlyCost(r * 0.99, billedMs, memoryMb, model) < alwaysOnMonthlyCost(r * 0.99, billedMs, inst));
        QVERIFY(lambdaMonthlyCost(r * 1.01, billedMs, memoryMb, model) > alwaysOnMonthlyCost(r * 1.01, billedMs, inst));
        // And no lower rate: a scan of the step function finds the same point.
        const double scanned = firstCheaperByScan(billedMs, memoryMb, inst, 0.01, 10 * r);
        QVERIFY2(scanned > r && scanned <= r + 0.01 + 1e-9, qPrintable(QString::number(scanned)));
    }

    void neverMeet()
    {
        // 1000 ms at 128 MB: a busy t4g.small serves 2/s, which cost $11.84 on Lambda, under
        // its $12.096: the instance never wins, at any number of instances.
        const AlwaysOnInstance small = instance("t4g.small");
        QVERIFY(std::isinf(crossoverRequestsPerSecond(1000, 128, small, store::CostModel{})));
        QCOMPARE(firstCheaperByScan(1000, 128, small, 0.01, 40), -1.0);
    }

    void explanation_data()
    {
        QTest::addColumn<double>("billedMs");
        QTest::addColumn<int>("memoryMb");
        QTest::addColumn<QString>("instance");
        QTest::addColumn<QString>("sentence");
        QTest::newRow("meets") << 12.0 << 128 << QStringLiteral("t3.medium")
                               << QStringLiteral("Above 51.4 requests/s (133.1 M a month) one t3.medium ($29.95 a month) "
                                                 "is cheaper than this function on Lambda (128 MB, 12 ms billed).");
        QTest::newRow("never meets") << 1000.0 << 128 << QStringLiteral("t4g.small")
                                     << QStringLiteral("Lambda stays cheaper than t4g.small at any rate: one t4g.small "
                                                       "($12.10 a month) serves at most 2.0 requests/s of this function, "
                                                       "which cost $11.84 a month on Lambda (128 MB, 1000 ms billed).");
    }
    void explanation()
    {
        QFETCH(double, billedMs);
        QFETCH(int, memoryMb);
        QFETCH(QString, instance);
        QFETCH(QString, sentence);
        AlwaysOnInstance inst;
        for (const AlwaysOnInstance &i : defaultInstances())
            inst = i.name == instance ? i : inst;
        QCOMPARE(explainCrossover(billedMs, memoryMb, inst, store::CostModel{}), sentence);
    }
};

QTEST_GUILESS_MAIN(TestCrossover)
#include "tst_crossover.moc"
