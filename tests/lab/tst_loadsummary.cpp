// Load summaries: nearest-rank percentiles, latency from the intended send time (not the
// actual one), schedule lag, achieved rate, and the counts; hand-made samples throughout.

#include "lab/loadsummary.h"

#include <QJsonObject>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::lab;

namespace {

LoadSample sample(qint64 intendedMs, qint64 sentMs, qint64 doneMs, InvocationStatus status = InvocationStatus::Success,
                  bool cold = false, bool throttled = false)
{
    return LoadSample{intendedMs * 1000, sentMs * 1000, doneMs < 0 ? -1 : doneMs * 1000, status, cold, throttled};
}

} // namespace

class TestLoadSummary : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void percentile_data()
    {
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<double>("p");
        QTest::addColumn<double>("expected");
        const QList<double> ten{10, 1, 9, 2, 8, 3, 7, 4, 6, 5}; // 1..10, shuffled
        QTest::newRow("empty") << QList<double>{} << 50.0 << 0.0;
        QTest::newRow("one value") << QList<double>{7} << 99.0 << 7.0;
        QTest::newRow("p50 of 10") << ten << 50.0 << 5.0; // rank ceil(5) = 5
        QTest::newRow("p90 of 10") << ten << 90.0 << 9.0;
        QTest::newRow("p99 of 10") << ten << 99.0 << 10.0; // rank ceil(9.9) = 10
        QTest::newRow("p0 is the minimum") << ten << 0.0 << 1.0;
        QTest::newRow("p100 is the maximum") << ten << 100.0 << 10.0;
        QTest::newRow("p51 of 10 rounds up") << ten << 51.0 << 6.0;
        QTest::newRow("p50 of 4, no interpolation") << QList<double>{1, 2, 3, 4} << 50.0 << 2.0;
    }
    void percentile()
    {
        QFETCH(QList<double>, values);
        QFETCH(double, p);
        QFETCH(double, expected);
        QCOMPARE(lab::percentile(values, p), expected);
    }

    void latencyIsFromTheIntendedTime()
    {
        // Each request is sent 40 ms late and answered 10 ms after it was sent: the client
        // waited 50 ms for every one of them, and that is what must be reported.
        QList<LoadSample> samples;
        for (int i = 0; i < 10; ++i)
            samples << sample(i * 100, i * 100 + 40, i * 100 + 50);
        const LoadSummary s = summarize(samples, 1.0, 10);
        QCOMPARE(s.p50Ms, 50.0);
        QCOMPARE(s.p99Ms, 50.0);
        QCOMPARE(s.maxMs, 50.0);
        QCOMPARE(s.scheduleLagP99Ms, 40.0);
    }

    void percentilesAndLag()
    {
        // Latencies 10, 20, ..., 100 ms from the intended time; lags 0 except one of 7 ms.
        QList<LoadSample> samples;
        for (int i = 1; i <= 10; ++i)
            samples << sample(0, i == 10 ? 7 : 0, i * 10);
        const LoadSummary s = summarize(samples, 2.0, 5);
        QCOMPARE(s.p50Ms, 50.0);
        QCOMPARE(s.p90Ms, 90.0);
        QCOMPARE(s.p99Ms, 100.0);
        QCOMPARE(s.maxMs, 100.0);
        QCOMPARE(s.scheduleLagP99Ms, 7.0);
        QCOMPARE(s.achievedRate, 5.0); // 10 completed over 2 s
        QCOMPARE(s.targetRate, 5.0);
        QCOMPARE(s.durationSeconds, 2.0);
    }

    void counts()
    {
        const QList<LoadSample> samples{
            sample(0, 0, 30, InvocationStatus::Success, true),
            sample(10, 10, 25, InvocationStatus::Success),
            sample(20, 20, 900, InvocationStatus::Timeout),
            sample(30, 30, 60, InvocationStatus::Error, true),
            sample(40, 40, 41, InvocationStatus::Throttled, false, true),
            sample(50, 50, 51, InvocationStatus::Throttled, false, false), // status alone counts too
            sample(60, 60, -1),                                            // never answered (a cancelled run)
        };
        const LoadSummary s = summarize(samples, 4.0, 2);
        QCOMPARE(s.sent, 7);
        QCOMPARE(s.completed, 6);
        QCOMPARE(s.ok, 2);
        QCOMPARE(s.errors, 2);
        QCOMPARE(s.throttled, 2);
        QCOMPARE(s.coldStarts, 2);
        QCOMPARE(s.achievedRate, 1.5); // 6 over 4 s
        // Throttles and the unanswered one stay out of latency: 30, 15, 880, 30.
        QCOMPARE(s.maxMs, 880.0);
        QCOMPARE(s.p50Ms, 30.0);
    }

    void emptyRun()
    {
        const LoadSummary s = summarize({}, 0, 0);
        QCOMPARE(s.sent, 0);
        QCOMPARE(s.p99Ms, 0.0);
        QCOMPARE(s.maxMs, 0.0);
        QCOMPARE(s.achievedRate, 0.0);
    }

    void json()
    {
        LoadSummary s;
        s.sent = 50;
        s.completed = 49;
        s.ok = 47;
        s.errors = 1;
        s.throttled = 1;
        s.coldStarts = 3;
        s.p50Ms = 201.5;
        s.p90Ms = 210;
        s.p99Ms = 250;
        s.maxMs = 260;
        s.achievedRate = 49;
        s.targetRate = 50;
        s.scheduleLagP99Ms = 1.25;
        s.durationSeconds = 1;
        const QJsonObject j = toJson(s);
        QCOMPARE(j.value(QStringLiteral("sent")).toInt(), 50);
        QCOMPARE(j.value(QStringLiteral("completed")).toInt(), 49);
        QCOMPARE(j.value(QStringLiteral("ok")).toInt(), 47);
        QCOMPARE(j.value(QStringLiteral("errors")).toInt(), 1);
        QCOMPARE(j.value(QStringLiteral("throttled")).toInt(), 1);
        QCOMPARE(j.value(QStringLiteral("coldStarts")).toInt(), 3);
        const QJsonObject latency = j.value(QStringLiteral("latencyMs")).toObject();
        QCOMPARE(latency.value(QStringLiteral("p50")).toDouble(), 201.5);
        QCOMPARE(latency.value(QStringLiteral("p90")).toDouble(), 210.0);
        QCOMPARE(latency.value(QStringLiteral("p99")).toDouble(), 250.0);
        QCOMPARE(latency.value(QStringLiteral("max")).toDouble(), 260.0);
        QCOMPARE(j.value(QStringLiteral("achievedRate")).toDouble(), 49.0);
        QCOMPARE(j.value(QStringLiteral("targetRate")).toDouble(), 50.0);
        QCOMPARE(j.value(QStringLiteral("scheduleLagP99Ms")).toDouble(), 1.25);
        QCOMPARE(j.value(QStringLiteral("durationSeconds")).toDouble(), 1.0);
    }
};

QTEST_GUILESS_MAIN(TestLoadSummary)
#include "tst_loadsummary.moc"
