// Peak concurrency (ConcurrencyTracker, rollup.h): the per-second peak the writer stores
// for a function and version, from the [start, start + init + duration) intervals of the
// records it sees batch by batch. Each batch goes into fresh accumulators whose peaks are
// merged by maximum, as the writer and the rollup tables do, so a row's expected peaks
// are what rollups_1s (and, by minute, rollups_1m) end up holding.
#include "store/rollup.h"

#include <QTest>

#include <algorithm>

using namespace funcdesk;
using namespace funcdesk::store;

namespace {

// A whole minute (epoch ms): the offsets below then name seconds and minutes of their own,
// and the tracker sees realistic times rather than ones next to its initial zeros.
constexpr qint64 kBaseMs = 1'700'000'040'000;
static_assert(kBaseMs % 60'000 == 0, "the base is a whole minute");

struct Span
{
    qint64 startMs = 0; // after kBaseMs
    double durationMs = 0;
    double initMs = 0;
    bool cold = false;
    InvocationStatus status = InvocationStatus::Success;
    QString function = QStringLiteral("fn");
    QString version = QStringLiteral("$LATEST");
};

Span run(qint64 startMs, double durationMs)
{
    Span s;
    s.startMs = startMs;
    s.durationMs = durationMs;
    return s;
}

Span coldRun(qint64 startMs, double durationMs, double initMs)
{
    Span s = run(startMs, durationMs);
    s.initMs = initMs;
    s.cold = true;
    return s;
}

// An init time on a warm record (not one the engine sends, but the tracker must not
// count it: only a cold start's environment was busy initialising).
Span warmRunWithInit(qint64 startMs, double durationMs, double initMs)
{
    Span s = run(startMs, durationMs);
    s.initMs = initMs;
    return s;
}

Span throttled(qint64 startMs, double durationMs)
{
    Span s = run(startMs, durationMs);
    s.status = InvocationStatus::Throttled;
    return s;
}

Span of(const QString &function, const QString &version, qint64 startMs, double durationMs)
{
    Span s = run(startMs, durationMs);
    s.function = function;
    s.version = version;
    return s;
}

Span otherFunction(qint64 startMs, double durationMs)
{
    return of(QStringLiteral("other"), QStringLiteral("$LATEST"), startMs, durationMs);
}

using Batch = QList<Span>;
using Batches = QList<Batch>;
using Peaks = QMap<qint64, int>; // second (or minute's first second) after kBaseMs -> peak

struct Stored
{
    QMap<QString, Peaks> seconds; // by "function/version"
    QMap<QString, Peaks> minutes;
};

void mergePeaks(const RollupAccumulator &acc, QMap<QString, Peaks> &into)
{
    for (const auto &[key, bucket] : acc.buckets()) {
        int &peak = into[key.function + QLatin1Char('/') + key.version][key.ts - kBaseMs / 1000];
        peak = std::max(peak, bucket.peakConcurrency);
    }
}

// Runs the batches through one tracker as the writer does.
Stored track(const Batches &batches)
{
    ConcurrencyTracker tracker;
    Stored stored;
    for (const Batch &batch : batches) {
        std::vector<InvocationRecord> records;
        for (const Span &s : batch) {
            InvocationRecord r;
            r.requestId = QStringLiteral("r%1").arg(records.size());
            r.function = s.function;
            r.version = s.version;
            r.startMs = kBaseMs + s.startMs;
            r.durationMs = s.durationMs;
            r.initDurationMs = s.initMs;
            r.cold = s.cold;
            r.status = s.status;
            records.push_back(r);
        }
        RollupAccumulator acc1s(1);
        RollupAccumulator acc1m(60);
        tracker.process(records, acc1s, acc1m);
        mergePeaks(acc1s, stored.seconds);
        mergePeaks(acc1m, stored.minutes);
    }
    return stored;
}

// The per-minute peaks the per-second ones imply.
Peaks byMinute(const Peaks &seconds)
{
    Peaks minutes;
    for (auto it = seconds.cbegin(); it != seconds.cend(); ++it) {
        int &peak = minutes[it.key() - it.key() % 60];
        peak = std::max(peak, it.value());
    }
    return minutes;
}

// As text, so that a failure shows both sides ("second:peak ...").
QString describe(const Peaks &peaks)
{
    QStringList parts;
    for (auto it = peaks.cbegin(); it != peaks.cend(); ++it)
        parts << QStringLiteral("%1:%2").arg(it.key()).arg(it.value());
    return parts.join(QLatin1Char(' '));
}

} // namespace

Q_DECLARE_METATYPE(Span)

class TestRollup : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void peakConcurrencyPerSecond_data()
    {
        QTest::addColumn<Batches>("batches");
        QTest::addColumn<Peaks>("peaks");

        QTest::newRow("one invocation") << Batches{{run(100, 200)}} << Peaks{{0, 1}};
        QTest::newRow("one after another") << Batches{{run(100, 200), run(300, 200), run(500, 200)}} << Peaks{{0, 1}};
        // Levels: 2 at 200-700, 3 at 700-800 (A, B, D) and 900-950 (A, D, C), then A and C
        // to 1500, C alone to 2100.
        QTest::newRow("overlapping")
            << Batches{{run(0, 1500), run(200, 600), run(700, 250), run(900, 1200)}} << Peaks{{0, 3}, {1, 2}, {2, 1}};
        QTest::newRow("same start") << Batches{{run(500, 10), run(500, 10), run(500, 10)}} << Peaks{{0, 3}};

        // An interval is [start, end): one that ends where another starts is not concurrent
        // with it, and an end on a whole second does not reach into that second.
        QTest::newRow("back to back at a whole second") << Batches{{run(400, 600), run(1000, 300)}} << Peaks{{0, 1}, {1, 1}};
        QTest::newRow("back to back within a second") << Batches{{run(100, 300), run(400, 300)}} << Peaks{{0, 1}};
        QTest::newRow("ends on a whole second") << Batches{{run(400, 600)}} << Peaks{{0, 1}};
        QTest::newRow("starts on a whole second") << Batches{{run(1000, 500)}} << Peaks{{1, 1}};
        QTest::newRow("1 ms either side of a whole second") << Batches{{run(999, 2)}} << Peaks{{0, 1}, {1, 1}};
        QTest::newRow("last millisecond of a second") << Batches{{run(1999, 1)}} << Peaks{{1, 1}};
        // Durations round up to whole milliseconds, and every invocation takes at least one.
        QTest::newRow("zero duration") << Batches{{run(1999, 0)}} << Peaks{{1, 1}};
        QTest::newRow("under a millisecond") << Batches{{run(1999, 0.3), run(1999, 0.3)}} << Peaks{{1, 2}};
        QTest::newRow("a fraction rounds up") << Batches{{run(1999, 1.2)}} << Peaks{{1, 1}, {2, 1}};
        QTest::newRow("a minute boundary")
            << Batches{{run(59'500, 1000), run(59'900, 100)}} << Peaks{{59, 2}, {60, 1}};

        QTest::newRow("a cold start counts its init") << Batches{{coldRun(500, 100, 600)}} << Peaks{{0, 1}, {1, 1}};
        QTest::newRow("a warm start does not") << Batches{{warmRunWithInit(500, 100, 600)}} << Peaks{{0, 1}};
        QTest::newRow("throttles did not run") << Batches{{run(100, 500), throttled(200, 500)}} << Peaks{{0, 1}};

        // Records arrive as invocations end, nearly in end order; one that ends later than
        // those after it (a cold start, a long call) must still be counted where it runs.
        QTest::newRow("ending later, first in its batch") << Batches{{run(0, 3000), run(100, 10)}}
                                                          << Peaks{{0, 2}, {1, 1}, {2, 1}};
        // Ends 100, 2550, 150, 160: at 140-150 the long one and two short ones.
        QTest::newRow("ending later, among others")
            << Batches{{run(0, 100), run(50, 2500), run(120, 30), run(140, 20)}} << Peaks{{0, 3}, {1, 1}, {2, 1}};
        // The long one is carried; batch 2's ends before it, and batch 3 must still find it
        // behind that one: 3 in second 2, not the 2 of batch 2.
        QTest::newRow("ending later, carried past a later batch")
            << Batches{{run(0, 3000)}, {run(2000, 100)}, {run(2500, 200), run(2550, 100)}}
            << Peaks{{0, 1}, {1, 1}, {2, 3}};

        // Intervals of earlier batches are carried for kCarryMs after the latest start seen,
        // for records that arrive late (an async retry, a slow batch).
        QTest::newRow("overlapping the previous batch") << Batches{{run(0, 1000)}, {run(500, 100)}} << Peaks{{0, 2}};
        QTest::newRow("late, within the carry window")
            << Batches{{run(0, 1000)}, {run(2500, 10)}, {run(500, 100)}} << Peaks{{0, 2}, {2, 1}};
        QTest::newRow("late, within the carry window of a quiet function")
            << Batches{{run(0, 1000)}, {otherFunction(2500, 10)}, {run(500, 100)}} << Peaks{{0, 2}};
        // Past it the earlier interval is gone: the documented undercount (rollup.h).
        QTest::newRow("late, past the carry window")
            << Batches{{run(0, 1000)}, {run(5000, 10)}, {run(500, 100)}} << Peaks{{0, 1}, {5, 1}};
        QTest::newRow("late, past the carry window of a quiet function")
            << Batches{{run(0, 1000)}, {otherFunction(5000, 10)}, {run(500, 100)}} << Peaks{{0, 1}};

        // A nonsensical duration (days) is cut at kMaxSweepMs: an hour of seconds, and it
        // is not carried into a batch after that hour.
        Peaks hour;
        for (qint64 s = 0; s < ConcurrencyTracker::kMaxSweepMs / 1000; ++s)
            hour[s] = 1;
        QTest::newRow("at most an hour") << Batches{{run(0, 3.0 * 24 * 3600 * 1000)}} << hour;
        hour[4000] = 1;
        QTest::newRow("at most an hour, then another")
            << Batches{{run(0, 3.0 * 24 * 3600 * 1000)}, {run(4'000'000, 10)}} << hour;
    }

    void peakConcurrencyPerSecond()
    {
        QFETCH(Batches, batches);
        QFETCH(Peaks, peaks);
        const Stored stored = track(batches);
        const QString key = QStringLiteral("fn/$LATEST");
        QCOMPARE(describe(stored.seconds.value(key)), describe(peaks));
        QCOMPARE(describe(stored.minutes.value(key)), describe(byMinute(peaks)));
    }

    // Each function and version has its own peaks, however their records interleave.
    void functionsAndVersionsPeakApart()
    {
        const QString latest = QStringLiteral("$LATEST");
        const QString fn = QStringLiteral("fn");
        const Stored stored = track({{of(fn, latest, 0, 1000), of(fn, QStringLiteral("2"), 100, 800),
                                      of(fn, latest, 200, 300), of(QStringLiteral("other"), latest, 300, 100)}});
        QCOMPARE(stored.seconds.keys(), (QStringList{QStringLiteral("fn/$LATEST"), QStringLiteral("fn/2"), QStringLiteral("other/$LATEST")}));
        QCOMPARE(describe(stored.seconds.value(QStringLiteral("fn/$LATEST"))), describe(Peaks{{0, 2}}));
        QCOMPARE(describe(stored.seconds.value(QStringLiteral("fn/2"))), describe(Peaks{{0, 1}}));
        QCOMPARE(describe(stored.seconds.value(QStringLiteral("other/$LATEST"))), describe(Peaks{{0, 1}}));
    }
};

QTEST_GUILESS_MAIN(TestRollup)
#include "tst_rollup.moc"
