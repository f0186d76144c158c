// Value logic shared by the telemetry pages: bucket widths per range, live seconds as
// series points, range totals and human number formats.
#include "ui/pages/telemetry.h"

#include <QTest>

using namespace funcdesk;
using namespace funcdesk::ui;

class TestTelemetry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void resolution_data();
    void resolution();
    void rangesStayUnderPointBudget();
    void everyPageListsTheOneRangeType();
    void liveToPoints();
    void liveAxisStartsAtTheFirstActivity();
    void totals();
    void formats_data();
    void formats();
};

void TestTelemetry::resolution_data()
{
    QTest::addColumn<qint64>("spanMs");
    QTest::addColumn<int>("expected");
    QTest::newRow("5 min") << qint64(300'000) << 1;
    QTest::newRow("25 min at 1 s") << qint64(1500'000) << 1;
    QTest::newRow("1 h") << qint64(3600'000) << 60;
    QTest::newRow("24 h") << qint64(86'400'000) << 60;
    QTest::newRow("7 d") << qint64(7 * 86'400'000LL) << 600;
    QTest::newRow("30 d") << qint64(30 * 86'400'000LL) << 1800;
    QTest::newRow("zero") << qint64(0) << 1;
}

void TestTelemetry::resolution()
{
    QFETCH(qint64, spanMs);
    QFETCH(int, expected);
    QCOMPARE(resolutionFor(spanMs), expected);
}

void TestTelemetry::rangesStayUnderPointBudget()
{
    const QList<RangePreset> ranges = monitorRanges();
    QCOMPARE(ranges.size(), 4);
    QVERIFY(ranges.first().live);
    for (const RangePreset &r : ranges) {
        const int res = resolutionFor(r.spanMs);
        QVERIFY2(res == 1 || res % 60 == 0, qPrintable(r.label)); // the store keeps 1 s and minute rollups
        QVERIFY2(r.spanMs / (res * 1000LL) + 1 <= 1500, qPrintable(r.label));
    }
    for (int points : {10, 100, 1000})
        QVERIFY(86'400'000LL / (resolutionFor(86'400'000LL, points) * 1000LL) + 1 <= points);
}

void TestTelemetry::everyPageListsTheOneRangeType()
{
    constexpr qint64 hour = 3600'000;
    const qint64 now = 1'700'000'000'000;
    const QList<RangePreset> stored = storedRanges();
    QCOMPARE(stored.size(), 3);
    for (const RangePreset &r : stored)
        QVERIFY2(!r.live && r.spanMs > 0, qPrintable(r.label));
    QCOMPARE(monitorRanges().mid(1).size(), stored.size()); // the Monitor: Live first, then the stored ones
    QCOMPARE(monitorRanges().at(1).spanMs, hour);
    const QList<RangePreset> totals = totalsRanges();
    QCOMPARE(totals.size(), 4);
    QCOMPARE(totals.last().spanMs, qint64(0)); // all retained
    QCOMPARE(totals.last().startMs(now), qint64(0));
    QCOMPARE(totals.first().startMs(now), now - hour);
    const QList<RangePreset> logs = logRanges();
    QCOMPARE(logs.size(), 4);
    QCOMPARE(logs.first().spanMs, 15 * 60'000LL);
    QCOMPARE(logs.at(3).spanMs, 7 * 24 * hour);
}

void TestTelemetry::liveToPoints()
{
    metrics::Series s;
    s.firstSecond = 1000;
    metrics::SecondBucket a;
    a.second = 1000;
    a.invocations = 4;
    a.coldStarts = 2;
    a.errors = 1;
    a.throttles = 3;
    a.durationSumMs = 40;
    a.durationMaxMs = 25;
    a.initSumMs = 300;
    a.gbSeconds = 0.5;
    a.costUsd = 0.01;
    a.peakConcurrency = 2;
    s.points = {a, metrics::SecondBucket{}};
    const QList<store::SeriesPoint> p = pointsFromLive(s);
    QCOMPARE(p.size(), 2);
    QCOMPARE(p.at(0).timestampMs, 1'000'000);
    QCOMPARE(p.at(1).timestampMs, 1'001'000);
    QCOMPARE(p.at(0).invocations, 4);
    QCOMPARE(p.at(0).avgDurationMs, 10.0);
    QCOMPARE(p.at(0).maxDurationMs, 25.0);
    QCOMPARE(p.at(0).avgInitDurationMs, 150.0);
    QCOMPARE(p.at(0).throttles, 3);
    QCOMPARE(p.at(0).peakConcurrency, 2);
    QCOMPARE(p.at(1).avgDurationMs, 0.0); // an empty second is zeros, not NaN
    QCOMPARE(p.at(1).avgInitDurationMs, 0.0);

    const ChartSeries chart = seriesOf(QStringLiteral("x"), Qt::red, p, [](const store::SeriesPoint &pt) {
        return double(pt.invocations);
    });
    QCOMPARE(chart.points.size(), 2);
    QCOMPARE(chart.points.at(0), QPointF(1'000'000, 4));
    // Durations of empty seconds are unknown: a filtered series leaves them out.
    const ChartSeries durations = seriesOf(
        QStringLiteral("avg"), Qt::blue, p,
        [](const store::SeriesPoint &pt) { return pt.avgDurationMs; }, hasInvocations);
    QCOMPARE(durations.points.size(), 1);
    QCOMPARE(durations.points.at(0), QPointF(1'000'000, 10));
    QCOMPARE(seriesOf(
                 QStringLiteral("init"), Qt::blue, p, [](const store::SeriesPoint &) { return 1.0; }, hasColdStarts)
                 .points.size(),
             1);
}

void TestTelemetry::liveAxisStartsAtTheFirstActivity()
{
    // Five minutes of seconds, oldest first, as LiveMetrics hands them (zeros where idle).
    const qint64 first = 1'700'000'000'000;
    QList<store::SeriesPoint> points(300);
    for (int i = 0; i < points.size(); ++i)
        points[i].timestampMs = first + i * 1000LL;
    const qint64 to = first + 300'000;
    QCOMPARE(liveStartMs(points, to), to - 30'000); // nothing yet: the last half minute
    points[280].invocations = 3;                    // just started, 20 s ago
    QCOMPARE(liveStartMs(points, to), to - 30'000); // still half a minute: 20 s would stretch across
    points[250].invocations = 1;                    // 50 s ago
    QCOMPARE(liveStartMs(points, to), first + 250'000);
    points[100].throttles = 1; // 200 s ago
    QCOMPARE(liveStartMs(points, to), first + 100'000);
    points[0].peakConcurrency = 1; // busy for the whole window
    QCOMPARE(liveStartMs(points, to), first);
    QCOMPARE(liveStartMs(points.mid(285), to), first + 285'000); // never before the first point
    QCOMPARE(liveStartMs({}, to, 5000), to - 5000);
}

void TestTelemetry::totals()
{
    store::SeriesPoint a;
    a.invocations = 10;
    a.errors = 1;
    a.coldStarts = 2;
    a.avgDurationMs = 10;
    a.gbSeconds = 1;
    a.costUsd = 0.5;
    a.peakConcurrency = 3;
    store::SeriesPoint b;
    b.invocations = 30;
    b.errors = 3;
    b.avgDurationMs = 30;
    b.throttles = 5;
    b.gbSeconds = 2;
    b.costUsd = 0.25;
    b.peakConcurrency = 1;
    const RangeTotals t = totalsOf({a, b});
    QCOMPARE(t.invocations, 40);
    QCOMPARE(t.errors, 4);
    QCOMPARE(t.throttles, 5);
    QCOMPARE(t.errorRate(), 0.1);
    QCOMPARE(t.coldShare(), 0.05);
    QCOMPARE(t.avgDurationMs, 25.0); // weighted by invocations
    QCOMPARE(t.gbSeconds, 3.0);
    QCOMPARE(t.costUsd, 0.75);
    QCOMPARE(t.peakConcurrency, 3);
    QVERIFY(!t.empty());
    QVERIFY(totalsOf({}).empty());
    QCOMPARE(totalsOf({}).errorRate(), 0.0);
}

void TestTelemetry::formats_data()
{
    QTest::addColumn<QString>("actual");
    QTest::addColumn<QString>("expected");
    QTest::newRow("count 0") << formatCount(0) << QStringLiteral("0");
    QTest::newRow("count 999") << formatCount(999) << QStringLiteral("999");
    QTest::newRow("count 1234") << formatCount(1234) << QStringLiteral("1.2 k");
    QTest::newRow("count 34000") << formatCount(34000) << QStringLiteral("34 k");
    QTest::newRow("count 250000") << formatCount(250000) << QStringLiteral("250 k");
    QTest::newRow("count 5.6 M") << formatCount(5'600'000) << QStringLiteral("5.6 M");
    QTest::newRow("count rate") << formatCount(2.5) << QStringLiteral("2.5");
    QTest::newRow("ms 0") << formatMs(0) << QStringLiteral("0 ms");
    QTest::newRow("ms 0.42") << formatMs(0.42) << QStringLiteral("0.42 ms");
    QTest::newRow("ms 3.4") << formatMs(3.44) << QStringLiteral("3.4 ms");
    QTest::newRow("ms 120") << formatMs(120.4) << QStringLiteral("120 ms");
    QTest::newRow("ms 1250") << formatMs(1250) << QStringLiteral("1.25 s");
    QTest::newRow("ms 150000") << formatMs(150000) << QStringLiteral("2.5 min");
    QTest::newRow("usd 0") << formatUsd(0) << QStringLiteral("$0");
    QTest::newRow("usd tiny") << formatUsd(0.000021) << QStringLiteral("$0.000021");
    QTest::newRow("usd small") << formatUsd(0.0042) << QStringLiteral("$0.0042");
    QTest::newRow("usd cents") << formatUsd(1.234) << QStringLiteral("$1.23");
    QTest::newRow("pct 0") << formatPercent(0) << QStringLiteral("0 %");
    QTest::newRow("pct tiny") << formatPercent(0.0005) << QStringLiteral("<0.1 %");
    QTest::newRow("pct 2.5") << formatPercent(0.025) << QStringLiteral("2.5 %");
    QTest::newRow("pct 100") << formatPercent(1) << QStringLiteral("100 %");
    QTest::newRow("gbs 0") << formatGbSeconds(0) << QStringLiteral("0 GB-s");
    QTest::newRow("gbs small") << formatGbSeconds(0.0123) << QStringLiteral("0.0123 GB-s");
    QTest::newRow("gbs 12.3") << formatGbSeconds(12.3) << QStringLiteral("12.3 GB-s");
    QTest::newRow("gbs big") << formatGbSeconds(1234) << QStringLiteral("1.2 k GB-s");
    QTest::newRow("age s") << formatAge(12'000) << QStringLiteral("12 s");
    QTest::newRow("age min") << formatAge(185'000) << QStringLiteral("3 min 05 s");
    QTest::newRow("age h") << formatAge(7'800'000) << QStringLiteral("2 h 10 min");
    QTest::newRow("age d") << formatAge(273'600'000) << QStringLiteral("3 d 4 h");
    QTest::newRow("mem MB") << formatMemoryMb(128) << QStringLiteral("128 MB");
    QTest::newRow("mem GB") << formatMemoryMb(1536) << QStringLiteral("1.5 GB");
}

void TestTelemetry::formats()
{
    QFETCH(QString, actual);
    QFETCH(QString, expected);
    QCOMPARE(actual, expected);
}

QTEST_GUILESS_MAIN(TestTelemetry)
#include "tst_telemetry.moc"
