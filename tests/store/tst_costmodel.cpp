// The cost model: Lambda us-east-1 prices, 1 ms billing, INIT billing switch, arm64,
// throttles free, and the monthly free tier.
#include "store/costmodel.h"

#include <QDateTime>
#include <cmath>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::store;

namespace {

InvocationRecord record(double durationMs, int memoryMb, const QString &arch = QStringLiteral("x86_64"),
                        double initMs = 0, InvocationStatus status = InvocationStatus::Success)
{
    InvocationRecord r;
    r.durationMs = durationMs;
    r.memorySizeMb = memoryMb;
    r.architecture = arch;
    r.cold = initMs > 0;
    r.initDurationMs = initMs;
    r.status = status;
    r.startMs = QDateTime(QDate(2026, 3, 10), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();
    return r;
}

bool fuzzyEqual(double a, double b) { return std::abs(a - b) <= 1e-15 + 1e-9 * std::abs(b); }

} // namespace

class TestCostModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cost_data()
    {
        QTest::addColumn<InvocationRecord>("rec");
        QTest::addColumn<bool>("billInit");
        QTest::addColumn<qint64>("billedMs");
        QTest::addColumn<double>("gbSeconds");
        QTest::addColumn<double>("cost");
        const double req = 0.20 / 1e6;
        const double x86 = 0.0000166667;
        const double arm = 0.0000133334;
        QTest::newRow("1 ms at 128 MB") << record(0.4, 128) << true << qint64(1) << 0.000125 << req + 0.000125 * x86;
        QTest::newRow("rounds up per ms") << record(100.01, 1024) << true << qint64(101) << 0.101 << req + 0.101 * x86;
        QTest::newRow("exact ms") << record(250.0, 512) << true << qint64(250) << 0.125 << req + 0.125 * x86;
        QTest::newRow("arm64 cheaper") << record(1000, 1024, QStringLiteral("arm64")) << true << qint64(1000) << 1.0
                                       << req + 1.0 * arm;
        QTest::newRow("cold, INIT billed") << record(10, 1024, QStringLiteral("x86_64"), 189.3) << true << qint64(200)
                                           << 0.2 << req + 0.2 * x86;
        QTest::newRow("cold, INIT not billed") << record(10, 1024, QStringLiteral("x86_64"), 189.3) << false
                                               << qint64(10) << 0.01 << req + 0.01 * x86;
        QTest::newRow("cold arm64, INIT billed") << record(0.5, 2048, QStringLiteral("arm64"), 99.5) << true
                                                 << qint64(101) << 0.202 << req + 0.202 * arm;
        QTest::newRow("10 GB for 15 min") << record(900000, 10240) << true << qint64(900000) << 9000.0
                                          << req + 9000.0 * x86;
        QTest::newRow("error still billed") << record(5, 128, QStringLiteral("x86_64"), 0, InvocationStatus::Error)
                                            << true << qint64(5) << 0.000625 << req + 0.000625 * x86;
        QTest::newRow("throttle free") << record(0, 128, QStringLiteral("x86_64"), 0, InvocationStatus::Throttled)
                                       << true << qint64(0) << 0.0 << 0.0;
    }
    void cost()
    {
        QFETCH(InvocationRecord, rec);
        QFETCH(bool, billInit);
        QFETCH(qint64, billedMs);
        QFETCH(double, gbSeconds);
        QFETCH(double, cost);
        CostModel model;
        model.billInit = billInit;
        QCOMPARE(model.billedDurationMs(rec), billedMs);
        QVERIFY2(fuzzyEqual(model.gbSeconds(rec), gbSeconds), qPrintable(QString::number(model.gbSeconds(rec))));
        QVERIFY2(fuzzyEqual(model.cost(rec), cost), qPrintable(QString::number(model.cost(rec), 'g', 12)));
        MonthlyUsage usage;
        QVERIFY(fuzzyEqual(costWithFreeTier(model, rec, usage), cost)); // free tier off: same
    }

    void freeTierCoversAllowanceThenCharges()
    {
        CostModel model;
        model.freeTier = true;
        MonthlyUsage usage;
        // 1 GB for 100 s = 100 GB-s per call: 4,000 calls use the 400,000 GB-s allowance.
        const InvocationRecord r = record(100'000, 1024);
        for (int i = 0; i < 4000; ++i)
            QCOMPARE(costWithFreeTier(model, r, usage), 0.0);
        QVERIFY(fuzzyEqual(usage.gbSeconds, 400'000));
        // Past the GB-s allowance: compute charged, requests still free.
        QVERIFY(fuzzyEqual(costWithFreeTier(model, r, usage), 100 * model.pricePerGbSecondX86));
        // A new month starts a fresh allowance.
        InvocationRecord next = r;
        next.startMs = QDateTime(QDate(2026, 4, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
        QCOMPARE(costWithFreeTier(model, next, usage), 0.0);
        QCOMPARE(usage.requests, 1.0);
    }

    void freeTierRequestAllowance()
    {
        CostModel model;
        model.freeTier = true;
        MonthlyUsage usage{MonthlyUsage::monthKeyOf(record(1, 128).startMs), 1'000'000 - 1, 0};
        const InvocationRecord r = record(1, 128);
        QCOMPARE(costWithFreeTier(model, r, usage), 0.0);                   // the millionth request
        QVERIFY(fuzzyEqual(costWithFreeTier(model, r, usage), 0.20 / 1e6)); // beyond: request charged, GB-s free
    }

    void freeTierSplitsAStraddlingRecord()
    {
        CostModel model;
        model.freeTier = true;
        MonthlyUsage usage{MonthlyUsage::monthKeyOf(record(1, 128).startMs), 0, 399'950};
        // 100 GB-s, 50 of them still free.
        QVERIFY(fuzzyEqual(costWithFreeTier(model, record(100'000, 1024), usage), 50 * model.pricePerGbSecondX86));
    }
};

QTEST_GUILESS_MAIN(TestCostModel)
#include "tst_costmodel.moc"
