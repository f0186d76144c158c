// Read-side queries over data written through the writer: series at several
// resolutions, duration summaries, top N, lookups by request id, log search, totals.
#include "common/reportline.h"
#include "store/blocks.h"
#include "store/queries.h"
#include "store/sqlite.h"
#include "store/writer.h"
#include "tempdb.h"

#include <QDateTime>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::store;

namespace {

// Fixed layout, minute-aligned base 30 minutes ago:
//   "alpha": 120 invocations, one per second over minutes 0-1, duration 10 + i % 10 ms,
//            every 10th an error, every 30th cold (init 200 ms), 2 throttles at second 5
//   "beta":  10 invocations in minute 1, duration 1000 + i ms, 1024 MB
// Log lines: one per alpha invocation ("handling order <i>"), errors log "boom: <i>".
struct Fixture
{
    test::TempDb db;
    qint64 base = 0;

    bool write()
    {
        base = (QDateTime::currentMSecsSinceEpoch() / 60000 - 30) * 60000;
        WriterOptions o;
        o.databasePath = db.path();
        o.pruning = false;
        auto writer = Writer::start(o);
        if (!writer)
            return false;
        for (int i = 0; i < 120; ++i) {
            InvocationRecord r;
            r.requestId = QStringLiteral("a-%1").arg(i);
            r.function = QStringLiteral("alpha");
            r.environmentId = QStringLiteral("env");
            r.version = i < 60 ? QStringLiteral("1") : QStringLiteral("2");
            r.startMs = base + i * 1000;
            r.durationMs = 10 + i % 10;
            r.memorySizeMb = 128;
            r.status = i % 10 == 0 ? InvocationStatus::Error : InvocationStatus::Success;
            r.cold = i % 30 == 0;
            r.initDurationMs = r.cold ? 200 : 0;
            (*writer)->enqueue(r);
            (*writer)->enqueue(LogLine{r.startMs, r.requestId, r.function, QStringLiteral("env"),
                                       QStringLiteral("handling order %1").arg(i)});
            (*writer)->enqueue(framingLines(r)); // as the engine sends them: not stored, rebuilt on read
            if (r.status == InvocationStatus::Error)
                (*writer)->enqueue(LogLine{r.startMs + 5, r.requestId, r.function, QStringLiteral("env"),
                                           QStringLiteral("boom: %1 [100%_done]").arg(i)});
        }
        for (int i = 0; i < 2; ++i) {
            InvocationRecord t;
            t.requestId = QStringLiteral("t-%1").arg(i);
            t.function = QStringLiteral("alpha");
            t.version = QStringLiteral("1");
            t.startMs = base + 5000;
            t.status = InvocationStatus::Throttled;
            (*writer)->enqueue(t);
        }
        for (int i = 0; i < 10; ++i) {
            InvocationRecord r;
            r.requestId = QStringLiteral("b-%1").arg(i);
            r.function = QStringLiteral("beta");
            r.version = QStringLiteral("$LATEST");
            r.startMs = base + 60000 + i * 5000;
            r.durationMs = 1000 + i;
            r.memorySizeMb = 1024;
            (*writer)->enqueue(r);
        }
        return (*writer)->flush().ok();
    }
};

} // namespace

class TestQueries : public QObject
{
    Q_OBJECT
    Fixture f;
    Connection conn;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(f.write());
        auto c = Connection::open(f.db.path(), {.readOnly = true});
        QVERIFY(c);
        conn = std::move(*c);
    }

    void seriesPerMinute()
    {
        auto s = timeSeries(conn, SeriesQuery{QStringLiteral("alpha"), {}, f.base, f.base + 3 * 60000, 60});
        QVERIFY(s);
        QCOMPARE(s->size(), 3);
        const SeriesPoint &m0 = s->at(0);
        QCOMPARE(m0.timestampMs, f.base);
        QCOMPARE(m0.invocations, qint64(60));
        QCOMPARE(m0.throttles, qint64(2));
        QCOMPARE(m0.errors, qint64(6));
        QCOMPARE(m0.coldStarts, qint64(2));
        QCOMPARE(m0.avgInitDurationMs, 200.0);
        QCOMPARE(m0.avgDurationMs, 14.5);
        QVERIFY(std::abs(m0.p50Ms - 14) / 14 <= 0.02);
        QVERIFY(std::abs(m0.p99Ms - 19) / 19 <= 0.02);
        QCOMPARE(m0.maxDurationMs, 19.0);
        QCOMPARE(s->at(1).invocations, qint64(60));
        QCOMPARE(s->at(2).invocations, qint64(0));
        QVERIFY(m0.costUsd > 0);
        QVERIFY(m0.gbSeconds > 0);
    }

    void seriesResolutions_data()
    {
        QTest::addColumn<QString>("function");
        QTest::addColumn<int>("resolution");
        QTest::addColumn<int>("points");
        QTest::addColumn<qint64>("total");
        QTest::newRow("1 s") << QStringLiteral("alpha") << 1 << 180 << qint64(120);
        QTest::newRow("10 s") << QStringLiteral("alpha") << 10 << 18 << qint64(120);
        QTest::newRow("5 min") << QStringLiteral("alpha") << 300 << -1 << qint64(120); // 1 or 2: base is minute-aligned
        QTest::newRow("all functions, 1 min") << QString() << 60 << 3 << qint64(130);
        QTest::newRow("beta 1 s") << QStringLiteral("beta") << 1 << 180 << qint64(10);
    }
    void seriesResolutions()
    {
        QFETCH(QString, function);
        QFETCH(int, resolution);
        QFETCH(int, points);
        QFETCH(qint64, total);
        const qint64 from = f.base / (resolution * 1000LL) * resolution * 1000LL;
        auto s = timeSeries(conn, SeriesQuery{function, {}, from, f.base + 180000, resolution});
        QVERIFY(s);
        if (points < 0) // the three minutes may straddle a bucket boundary
            points = int((f.base + 180000 - 1) / (resolution * 1000LL) - from / (resolution * 1000LL) + 1);
        QCOMPARE(s->size(), points);
        qint64 sum = 0;
        double cost = 0;
        for (const SeriesPoint &p : *s) {
            sum += p.invocations;
            cost += p.costUsd;
        }
        QCOMPARE(sum, total);
        QVERIFY(cost > 0);
    }

    void seriesByVersion()
    {
        auto s = timeSeries(conn, SeriesQuery{QStringLiteral("alpha"), QStringLiteral("2"), f.base, f.base + 120000, 60});
        QVERIFY(s);
        QCOMPARE(s->at(0).invocations, qint64(0));
        QCOMPARE(s->at(1).invocations, qint64(60));
    }

    void summaryOverRange()
    {
        auto d = durationSummary(conn, SeriesQuery{QStringLiteral("beta"), {}, f.base, f.base + 180000, 60});
        QVERIFY(d);
        QCOMPARE(d->count, qint64(10));
        QCOMPARE(d->avgMs, 1004.5);
        QCOMPARE(d->maxMs, 1009.0);
        QVERIFY(std::abs(d->p50Ms - 1004) / 1004 <= 0.02);
        auto none = durationSummary(conn, SeriesQuery{QStringLiteral("nobody"), {}, f.base, f.base + 180000, 60});
        QVERIFY(none);
        QCOMPARE(none->count, qint64(0));
    }

    void topByDurationAndCost()
    {
        auto slow = topInvocations(conn, {}, f.base, f.base + 180000, RankBy::Duration, 3);
        QVERIFY(slow);
        QCOMPARE(slow->size(), 3);
        QCOMPARE(slow->at(0).requestId, QStringLiteral("b-9"));
        QCOMPARE(slow->at(2).requestId, QStringLiteral("b-7"));
        auto alphaSlow = topInvocations(conn, QStringLiteral("alpha"), f.base, f.base + 180000, RankBy::Duration, 1);
        QVERIFY(alphaSlow);
        QCOMPARE(alphaSlow->first().durationMs, 19.0);
        // a narrow range (read through the start index and sorted)
        auto narrow = topInvocations(conn, QStringLiteral("alpha"), f.base + 3000, f.base + 6000, RankBy::Duration, 2);
        QVERIFY(narrow);
        QCOMPARE(narrow->size(), 2);
        QCOMPARE(narrow->at(0).requestId, QStringLiteral("a-5"));
        QCOMPARE(narrow->at(1).requestId, QStringLiteral("a-4"));
        auto narrowAll = topInvocations(conn, {}, f.base + 3000, f.base + 6000, RankBy::Duration, 10);
        QVERIFY(narrowAll);
        QCOMPARE(narrowAll->size(), 5); // a-3, a-4, a-5, then the two throttles (no duration)
        QCOMPARE(narrowAll->at(0).requestId, QStringLiteral("a-5"));
        QCOMPARE(narrowAll->at(4).status, InvocationStatus::Throttled);
        auto costly = topInvocations(conn, QStringLiteral("alpha"), f.base, f.base + 180000, RankBy::Cost, 4);
        QVERIFY(costly);
        QCOMPARE(costly->size(), 4);
        QVERIFY(costly->at(0).cold); // INIT billed by default
        QVERIFY(costly->at(0).costUsd >= costly->at(3).costUsd);
    }

    // The per-minute tops answer exactly what a sort of the raw rows would, over whole
    // minutes, ragged ends and single minutes, for N up to and beyond what they keep, and
    // when a minute was written by two writer sessions (the second loads the first's tops).
    void topsMatchASortOfTheRawRows()
    {
        test::TempDb db;
        const qint64 base = (QDateTime::currentMSecsSinceEpoch() / 60000 - 20) * 60000;
        std::vector<InvocationRecord> all;
        quint32 seed = 12345;
        auto next = [&seed] { return seed = seed * 1664525u + 1013904223u; };
        for (int i = 0; i < 600; ++i) { // 200 a minute over three minutes
            InvocationRecord r;
            r.requestId = QStringLiteral("t-%1").arg(i);
            r.function = i % 7 == 0 ? QStringLiteral("other") : QStringLiteral("fn");
            r.version = QStringLiteral("$LATEST");
            r.startMs = base + i * 300;
            r.durationMs = double(next() % 100000) / 100.0;
            r.memorySizeMb = 128 << (next() % 4); // cost ranks differ from duration ranks
            all.push_back(r);
        }
        WriterOptions o;
        o.databasePath = db.path();
        o.pruning = false;
        for (auto [from, to] : {std::pair(0, 300), std::pair(300, 600)}) { // a restart mid-minute
            auto writer = Writer::start(o);
            QVERIFY(writer);
            for (int i = from; i < to; ++i)
                (*writer)->enqueue(all[size_t(i)]);
            QVERIFY((*writer)->flush());
        }
        auto c = Connection::open(db.path(), {.readOnly = true});
        QVERIFY(c);
        auto stored = recentInvocations(*c, {}, base, base + 600000, 1000); // costs as the writer set them
        QVERIFY(stored);
        QCOMPARE(stored->size(), 600);

        for (const RankBy by : {RankBy::Duration, RankBy::Cost}) {
            for (const auto &[from, to] : {std::pair(base, base + 180000), std::pair(base + 12345, base + 170001),
                                           std::pair(base + 61000, base + 119000), std::pair(base + 60000, base + 120000)}) {
                for (const int n : {1, 10, kTopsPerMinute, kTopsPerMinute + 15}) {
                    for (const QString &function : {QStringLiteral("fn"), QString()}) {
                        QList<InvocationRecord> expected;
                        for (const InvocationRecord &r : std::as_const(*stored))
                            if (r.startMs >= from && r.startMs < to && (function.isEmpty() || r.function == function))
                                expected.append(r);
                        std::stable_sort(expected.begin(), expected.end(), [by](const auto &a, const auto &b) {
                            return by == RankBy::Duration ? a.durationMs > b.durationMs : a.costUsd > b.costUsd;
                        });
                        expected.resize(std::min<qsizetype>(expected.size(), n));
                        auto top = topInvocations(*c, function, from, to, by, n);
                        QVERIFY(top);
                        QCOMPARE(top->size(), expected.size());
                        for (qsizetype i = 0; i < expected.size(); ++i) {
                            const double want = by == RankBy::Duration ? expected[i].durationMs : expected[i].costUsd;
                            const double got = by == RankBy::Duration ? top->at(i).durationMs : top->at(i).costUsd;
                            QCOMPARE(got, want);
                        }
                    }
                }
            }
        }
        // the tops stay small: two lists of kTopsPerMinute per function and minute
        QVERIFY(*c->queryInt("SELECT count(*) FROM invocation_tops") <= 2 * 2 * 4 * kTopsPerMinute);

        // Blocks gone from under the tops (pruned by the row cap, oldest block first; here
        // the blocks of the two slowest): the top N still has N rows, the next ones down,
        // not fewer.
        {
            auto w = Connection::open(db.path());
            QVERIFY(w);
            auto slowest = w->prepare("SELECT DISTINCT invocation_id / 4096 FROM invocation_tops WHERE function = 'fn' "
                                      "AND rank_by = 0 ORDER BY value DESC LIMIT 2");
            QVERIFY(slowest);
            std::vector<qint64> blocks;
            while (*slowest->step())
                blocks.push_back(slowest->int64(0));
            slowest->reset();
            QCOMPARE(blocks.size(), size_t(2));
            auto gone = deleteBlocks(*w, blocks);
            QVERIFY(gone);
            QVERIFY(*gone >= 2);
            auto left = allInvocations(*w);
            QVERIFY(left);
            QCOMPARE(left->size(), 600 - *gone);
        }
        auto left = allInvocations(*c);
        QVERIFY(left);
        QList<InvocationRecord> remaining;
        for (const InvocationRecord &r : std::as_const(*left))
            if (r.function == QLatin1String("fn"))
                remaining.append(r);
        std::stable_sort(remaining.begin(), remaining.end(),
                         [](const auto &a, const auto &b) { return a.durationMs > b.durationMs; });
        QVERIFY(stored->at(0).durationMs != remaining.at(0).durationMs || stored->size() != left->size());
        auto afterPrune = topInvocations(*c, QStringLiteral("fn"), base, base + 180000, RankBy::Duration, 10);
        QVERIFY(afterPrune);
        QCOMPARE(afterPrune->size(), 10);
        for (qsizetype i = 0; i < 10; ++i)
            QCOMPARE(afterPrune->at(i).durationMs, remaining.at(i).durationMs);
    }

    // Equal values (a no-op function's costs are all the same) rank the earlier start
    // minute first, then the earlier invocation, whether a minute is answered from the
    // kept tops or from the blocks: the same top N either way.
    void tiesRankTheEarlierInvocationFirstInTopsAndScansAlike()
    {
        test::TempDb db;
        const qint64 base = (QDateTime::currentMSecsSinceEpoch() / 60000 - 20) * 60000;
        WriterOptions o;
        o.databasePath = db.path();
        o.pruning = false;
        auto writer = Writer::start(o);
        QVERIFY(writer);
        for (int i = 0; i < 6 * kTopsPerMinute; ++i) { // two minutes, all the same duration and cost
            InvocationRecord r;
            r.requestId = QStringLiteral("tie-%1").arg(i, 3, 10, QLatin1Char('0'));
            r.function = QStringLiteral("fn");
            r.version = QStringLiteral("$LATEST");
            r.startMs = base + 1000 + i * 100 + (i >= 3 * kTopsPerMinute ? 60000 : 0);
            r.durationMs = 5;
            r.memorySizeMb = 128;
            (*writer)->enqueue(r);
            if (i % 10 == 9)
                QVERIFY((*writer)->flush()); // several batches: later ties must not displace earlier ones
        }
        QVERIFY((*writer)->flush());
        auto c = Connection::open(db.path(), {.readOnly = true});
        QVERIFY(c);
        for (const RankBy by : {RankBy::Duration, RankBy::Cost}) {
            // [base, ...) starts on a minute (the tops); base + 1 ms reads the first minute
            // from the blocks, and the second (when asked) from the tops.
            for (const auto &[from, to] : {std::pair(base, base + 60000), std::pair(base + 1, base + 60000),
                                           std::pair(base, base + 120000), std::pair(base + 1, base + 120000)}) {
                auto top = topInvocations(*c, QStringLiteral("fn"), from, to, by, 5);
                QVERIFY(top);
                QStringList ids;
                for (const InvocationRecord &r : std::as_const(*top))
                    ids.append(r.requestId);
                ids.sort();
                QCOMPARE(ids, QStringList({u"tie-000"_qs, u"tie-001"_qs, u"tie-002"_qs, u"tie-003"_qs, u"tie-004"_qs}));
            }
        }
    }

    void invocationAndItsLogs()
    {
        auto r = invocationByRequestId(conn, QStringLiteral("a-20"));
        QVERIFY(r && r->has_value());
        const InvocationRecord &rec = **r;
        QCOMPARE(rec.function, QStringLiteral("alpha"));
        QCOMPARE(rec.status, InvocationStatus::Error);
        QCOMPARE(rec.durationMs, 10.0);
        QCOMPARE(rec.billedDurationMs, qint64(10));
        auto missing = invocationByRequestId(conn, QStringLiteral("nope"));
        QVERIFY(missing && !missing->has_value());
        auto lines = logLinesOf(conn, QStringLiteral("a-20"));
        QVERIFY(lines);
        QCOMPARE(lines->size(), 5);
        QCOMPARE(lines->at(0).text, QStringLiteral("START RequestId: a-20 Version: 1"));
        QCOMPARE(lines->at(1).text, QStringLiteral("handling order 20"));
        QCOMPARE(lines->at(2).text, QStringLiteral("boom: 20 [100%_done]"));
        QCOMPARE(lines->at(3).text, QStringLiteral("END RequestId: a-20"));
        // rebuilt exactly as the engine formats it
        QCOMPARE(lines->at(4).text, QStringLiteral("REPORT RequestId: a-20\tDuration: 10.00 ms\tBilled Duration: 10 ms\t"
                                                   "Memory Size: 128 MB\tMax Memory Used: 0 MB\t"));
        QCOMPARE(lines->at(4).timestampMs, rec.startMs + 10);
        // a cold start: START once init is done, Init Duration in the REPORT
        auto cold = logLinesOf(conn, QStringLiteral("a-30"));
        QVERIFY(cold);
        QCOMPARE(cold->size(), 5);
        // (the fixture stamps its lines 0 and 5 ms after the start, i.e. during init: they come first)
        QCOMPARE(cold->at(2).text, QStringLiteral("START RequestId: a-30 Version: 1"));
        QCOMPARE(cold->at(2).timestampMs, f.base + 30000 + 200);
        QVERIFY(cold->at(4).text.endsWith(QLatin1String("\tInit Duration: 200.00 ms\t")));
        QCOMPARE(*conn.queryInt("SELECT count(*) FROM log_lines WHERE text GLOB 'START *'"), qint64(0));
        auto recent = recentInvocations(conn, QStringLiteral("beta"), f.base, f.base + 180000, 3);
        QVERIFY(recent);
        QCOMPARE(recent->size(), 3);
        QCOMPARE(recent->first().requestId, QStringLiteral("b-9"));
    }

    void logSearch_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("function");
        QTest::addColumn<QString>("requestId");
        QTest::addColumn<qint64>("fromOffset");
        QTest::addColumn<qint64>("toOffset");
        QTest::addColumn<int>("hits");
        QTest::newRow("word") << QStringLiteral("boom") << QString() << QString() << qint64(0) << qint64(0) << 12;
        QTest::newRow("prefix") << QStringLiteral("handl") << QString() << QString() << qint64(0) << qint64(0) << 120;
        // all words must match, the last as a prefix: 7 and 70..79
        QTest::newRow("two words") << QStringLiteral("order 7") << QString() << QString() << qint64(0) << qint64(0)
                                   << 11;
        QTest::newRow("prefix last word") << QStringLiteral("order 1") << QString() << QString() << qint64(0)
                                          << qint64(0) << 31;
        // a trailing space ends the last word: no prefix match
        QTest::newRow("complete last word") << QStringLiteral("order 1 ") << QString() << QString() << qint64(0)
                                            << qint64(0) << 1;
        QTest::newRow("time window") << QStringLiteral("boom") << QString() << QString() << qint64(0)
                                     << qint64(60000) << 6;
        QTest::newRow("by request") << QString() << QString() << QStringLiteral("a-30") << qint64(0) << qint64(0)
                                    << 5; // START, handling, boom, END, REPORT
        QTest::newRow("other function") << QStringLiteral("boom") << QStringLiteral("beta") << QString() << qint64(0)
                                        << qint64(0) << 0;
        QTest::newRow("quotes are literal") << QStringLiteral("\"boom") << QString() << QString() << qint64(0)
                                            << qint64(0) << 12;
        // framing lines are not stored, so a text search over all requests does not find them
        QTest::newRow("framing not searched") << QStringLiteral("RequestId") << QString() << QString() << qint64(0)
                                              << qint64(0) << 0;
        QTest::newRow("framing by request") << QString() << QString() << QStringLiteral("a-5") << qint64(0)
                                            << qint64(0) << 4;
        QTest::newRow("framing by request and text") << QStringLiteral("report") << QString()
                                                     << QStringLiteral("a-5") << qint64(0) << qint64(0) << 1;
        // browsing a window: each of a-0..a-9 has START, its line, END and REPORT; a-0 also "boom"
        QTest::newRow("browse with framing") << QString() << QStringLiteral("alpha") << QString() << qint64(0)
                                             << qint64(10000) << 41;
        QTest::newRow("no match") << QStringLiteral("zebra") << QString() << QString() << qint64(0) << qint64(0) << 0;
    }
    void logSearch()
    {
        QFETCH(QString, text);
        QFETCH(QString, function);
        QFETCH(QString, requestId);
        QFETCH(qint64, fromOffset);
        QFETCH(qint64, toOffset);
        QFETCH(int, hits);
        LogSearch s{text, function, requestId, f.base + fromOffset, toOffset ? f.base + toOffset : 0, 1000};
        auto found = searchLogs(conn, s);
        QVERIFY2(found, qPrintable(found ? QString() : found.error().toString()));
        QCOMPARE(found->size(), hits);
        for (qsizetype i = 1; i < found->size(); ++i)
            QVERIFY(found->at(i - 1).timestampMs >= found->at(i).timestampMs); // newest first
    }

    void totalsPerFunction()
    {
        auto totals = functionTotals(conn);
        QVERIFY(totals);
        QCOMPARE(totals->size(), 2);
        const FunctionTotals &a = totals->at(0);
        QCOMPARE(a.function, QStringLiteral("alpha"));
        QCOMPARE(a.invocations, qint64(120));
        QCOMPARE(a.errors, qint64(12));
        QCOMPARE(a.throttles, qint64(2));
        QCOMPARE(a.lastInvokedMs, f.base + 119000);
        QVERIFY(a.costUsd > 0);
        QCOMPARE(totals->at(1).invocations, qint64(10));
    }
};

QTEST_GUILESS_MAIN(TestQueries)
#include "tst_queries.moc"
