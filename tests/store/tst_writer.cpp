// The batched writer: concurrent enqueue, periodic and shutdown flushes, cost on every
// record, rollups consistent with raw rows, percentiles from rollups, peak concurrency,
// retention and downsampling, and crash safety with a SIGKILLed child.
#include "store/queries.h"
#include "store/retention.h"
#include "store/sqlite.h"
#include "store/writer.h"
#include "invocationtable.h"
#include "tempdb.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>
#include <vector>

using namespace funcdesk;
using namespace funcdesk::store;

namespace {

constexpr qint64 kHourMs = 3600LL * 1000;
constexpr qint64 kDayMs = 24 * kHourMs;

InvocationRecord makeRecord(const QString &function, qint64 startMs, double durationMs, int i = 0)
{
    InvocationRecord r;
    r.requestId = QStringLiteral("%1-%2-%3").arg(function).arg(startMs).arg(i);
    r.function = function;
    r.version = QStringLiteral("$LATEST");
    r.startMs = startMs;
    r.durationMs = durationMs;
    r.memorySizeMb = 256;
    return r;
}

qint64 count(Connection &conn, const char *sql)
{
    auto v = conn.queryInt(sql);
    return v ? *v : -1;
}

// The per-second peak concurrency recorded for a function's second, -1 without a row.
qint64 peakOf(Connection &conn, const QString &function, qint64 epochSecond)
{
    auto stmt = conn.prepare("SELECT peak_concurrency FROM rollups_1s WHERE function = ?1 AND ts = ?2");
    stmt->bind(1, function).bind(2, epochSecond);
    return *stmt->step() ? stmt->int64(0) : -1;
}

std::unique_ptr<Writer> startWriter(const QString &path, int flushMs = 200, bool pruning = false)
{
    WriterOptions o;
    o.databasePath = path;
    o.flushIntervalMs = flushMs;
    o.pruning = pruning;
    auto w = Writer::start(o);
    if (!w)
        qWarning() << w.error().toString();
    return w ? std::move(*w) : nullptr;
}

double exactPercentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v[std::max<size_t>(1, size_t(std::ceil(p / 100.0 * double(v.size())))) - 1];
}

} // namespace

class TestWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void concurrentEnqueueKeepsEveryRowAndRollupsAgree()
    {
        test::TempDb db;
        const int threads = 4;
        const int perThread = 5000;
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 10'000;
        {
            auto writer = startWriter(db.path());
            QVERIFY(writer);
            std::vector<std::thread> producers;
            for (int t = 0; t < threads; ++t) {
                producers.emplace_back([&, t] {
                    const QString fn = QStringLiteral("fn%1").arg(t % 2);
                    for (int i = 0; i < perThread; ++i) {
                        InvocationRecord r = makeRecord(fn, t0 + (i * 7) % 9000, 1 + (i % 300), t * perThread + i);
                        if (i % 50 == 0)
                            r.status = InvocationStatus::Throttled;
                        else if (i % 17 == 0)
                            r.status = InvocationStatus::Timeout;
                        r.cold = i % 100 == 1;
                        r.initDurationMs = r.cold ? 150 : 0;
                        writer->enqueue(LogLine{r.startMs, r.requestId, fn, QStringLiteral("e"),
                                                QStringLiteral("line %1").arg(i)});
                        writer->enqueue(std::move(r));
                    }
                });
            }
            for (auto &p : producers)
                p.join();
        } // destructor flushes
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        QVERIFY(test::materializeInvocations(*conn));
        const qint64 total = threads * perThread;
        QCOMPARE(count(*conn, "SELECT count(*) FROM invocations"), total);
        QCOMPARE(count(*conn, "SELECT n FROM invocation_count"), total);
        QCOMPARE(count(*conn, "SELECT count(DISTINCT request_id) FROM invocations"), total);
        QCOMPARE(count(*conn, "SELECT count(*) FROM log_lines"), total);
        for (const char *table : {"rollups_1s", "rollups_1m"}) {
            const QByteArray sql = QByteArray("SELECT (SELECT total(count + throttles) FROM ") + table
                + ") = (SELECT count(*) FROM invocations) AND (SELECT total(throttles) FROM " + table
                + ") = (SELECT count(*) FROM invocations WHERE status='throttled') AND (SELECT total(timeouts) FROM "
                + table + ") = (SELECT count(*) FROM invocations WHERE status='timeout') AND (SELECT total(cold) FROM "
                + table + ") = (SELECT count(*) FROM invocations WHERE cold)";
            QCOMPARE(count(*conn, sql.constData()), qint64(1));
        }
        // Per function and second, rollup counts equal raw counts.
        const char *raw = "SELECT function, start_ms / 1000, count(*) FROM invocations GROUP BY 1, 2";
        // (rows with no invocations exist where a peak-concurrency interval spills into the next second)
        const char *rolled = "SELECT function, ts, sum(count + throttles) FROM rollups_1s GROUP BY 1, 2 "
                             "HAVING sum(count + throttles) > 0";
        const QByteArray missing = QByteArray("SELECT count(*) FROM (") + raw + " EXCEPT " + rolled + ")";
        const QByteArray extra = QByteArray("SELECT count(*) FROM (") + rolled + " EXCEPT " + raw + ")";
        QCOMPARE(count(*conn, missing.constData()), qint64(0));
        QCOMPARE(count(*conn, extra.constData()), qint64(0));
        // Every record carries its cost; the rollups carry the same total.
        QCOMPARE(count(*conn, "SELECT count(*) FROM invocations WHERE status != 'throttled' AND cost_usd <= 0"),
                 qint64(0));
        QCOMPARE(count(*conn, "SELECT abs((SELECT total(cost_usd) FROM invocations) - "
                              "(SELECT total(cost_usd) FROM rollups_1m)) < 1e-9"),
                 qint64(1));
    }

    // The writer thread is named, so it can be found in top and perf.
    void writerThreadIsNamed()
    {
        test::TempDb db;
        auto w = Writer::start({.databasePath = db.path()});
        QVERIFY(w);
        int found = 0;
        const QDir tasks(QStringLiteral("/proc/self/task"));
        for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
            if (comm.open(QIODevice::ReadOnly) && comm.readAll().trimmed() == "funcdesk-store")
                ++found;
        }
        QCOMPARE(found, 1);
    }

    void flushesAtLeastEvery200ms()
    {
        test::TempDb db;
        auto writer = startWriter(db.path(), 200);
        QVERIFY(writer);
        auto reader = Connection::open(db.path(), {.readOnly = true});
        QVERIFY(reader);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int i = 1; i <= 3; ++i) {
            writer->enqueue(makeRecord(QStringLiteral("f"), now, 5, i));
            // No flush() call: the writer must commit on its own within its interval.
            QTRY_VERIFY_WITH_TIMEOUT(count(*reader, "SELECT n FROM invocation_count") == i, 500);
        }
    }

    void destructorFlushesEverything()
    {
        test::TempDb db;
        {
            auto writer = startWriter(db.path(), 60'000);
            QVERIFY(writer);
            for (int i = 0; i < 1000; ++i)
                writer->enqueue(makeRecord(QStringLiteral("f"), 1'700'000'000'000 + i, 2, i));
            writer->enqueue(LogLine{1, QString(), QStringLiteral("f"), QStringLiteral("e"), QStringLiteral("x")});
        }
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        QVERIFY(test::materializeInvocations(*conn));
        QCOMPARE(count(*conn, "SELECT count(*) FROM invocations"), qint64(1000));
        QCOMPARE(count(*conn, "SELECT count(*) FROM log_lines WHERE request_id IS NULL"), qint64(1));
    }

    void recordsCarryCostAndBilledDuration()
    {
        test::TempDb db;
        WriterOptions o;
        o.databasePath = db.path();
        o.costModel.billInit = false;
        auto writer = Writer::start(o);
        QVERIFY(writer);
        InvocationRecord r = makeRecord(QStringLiteral("f"), QDateTime::currentMSecsSinceEpoch(), 99.2);
        r.memorySizeMb = 1024;
        r.architecture = QStringLiteral("arm64");
        r.cold = true;
        r.initDurationMs = 300;
        r.costUsd = 123; // ignored: the store prices it
        (*writer)->enqueue(r);
        QVERIFY((*writer)->flush());
        auto conn = Connection::open(db.path(), {.readOnly = true});
        QVERIFY(conn);
        auto back = invocationByRequestId(*conn, r.requestId);
        QVERIFY(back && back->has_value());
        QCOMPARE((*back)->billedDurationMs, qint64(100));
        QVERIFY(std::abs((*back)->costUsd - (0.2e-6 + 0.1 * 0.0000133334)) < 1e-15);
    }

    void rollupPercentilesWithin2PercentOfExact_data()
    {
        QTest::addColumn<int>("dist");
        QTest::newRow("uniform") << 0;
        QTest::newRow("exponential") << 1;
        QTest::newRow("lognormal") << 2;
        QTest::newRow("bimodal") << 3;
    }
    void rollupPercentilesWithin2PercentOfExact()
    {
        QFETCH(int, dist);
        test::TempDb db;
        std::mt19937_64 rng(1234 + dist);
        std::uniform_real_distribution<double> uni(0.5, 500);
        std::exponential_distribution<double> expo(1.0 / 25);
        std::lognormal_distribution<double> logn(2.5, 1.0);
        std::normal_distribution<double> fast(1.5, 0.2), slow(2000, 100);
        std::bernoulli_distribution coin(0.05);
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 20 * 60 * 1000;
        std::vector<double> values;
        {
            auto writer = startWriter(db.path());
            QVERIFY(writer);
            for (int i = 0; i < 20000; ++i) {
                double v = 0;
                switch (dist) {
                case 0:
                    v = uni(rng);
                    break;
                case 1:
                    v = expo(rng);
                    break;
                case 2:
                    v = logn(rng);
                    break;
                default:
                    v = std::max(0.05, coin(rng) ? slow(rng) : fast(rng));
                    break;
                }
                values.push_back(v);
                // spread over 10 minutes, two versions, several batches
                InvocationRecord r = makeRecord(QStringLiteral("p"), t0 + i * 30, v, i);
                r.version = i % 3 ? QStringLiteral("1") : QStringLiteral("2");
                writer->enqueue(std::move(r));
                if (i % 5000 == 4999)
                    QVERIFY(writer->flush());
            }
        }
        auto conn = Connection::open(db.path(), {.readOnly = true});
        QVERIFY(conn);
        for (const bool longRange : {false, true}) {
            SeriesQuery q{QStringLiteral("p"), {}, t0, t0 + 20000 * 30, 60};
            if (longRange) // reads the minute table
                q.fromMs -= 4 * kHourMs;
            auto summary = durationSummary(*conn, q);
            QVERIFY(summary);
            QCOMPARE(summary->count, qint64(values.size()));
            for (const auto &[p, got] : {std::pair{50.0, summary->p50Ms}, {90.0, summary->p90Ms}, {99.0, summary->p99Ms}}) {
                const double exact = exactPercentile(values, p);
                QVERIFY2(std::abs(got - exact) / exact <= 0.02,
                         qPrintable(QStringLiteral("p%1: exact %2, from rollups %3").arg(p).arg(exact).arg(got)));
            }
        }
    }

    // A record with a nonsensical duration (days) neither hides the real peaks of its
    // function nor makes every later batch sweep its whole span.
    void peakConcurrencySurvivesANonsensicalDuration()
    {
        test::TempDb db;
        const qint64 base = (QDateTime::currentMSecsSinceEpoch() / 1000 - 100) * 1000;
        {
            auto writer = startWriter(db.path());
            QVERIFY(writer);
            writer->enqueue(makeRecord(QStringLiteral("c"), base - 500, 5.0 * 24 * 3600 * 1000, 99));
            QVERIFY(writer->flush());
            for (int i = 0; i < 3; ++i) // three overlapping at base+250, on top of the broken one
                writer->enqueue(makeRecord(QStringLiteral("c"), base + i * 100, 300, i));
            QVERIFY(writer->flush());
            for (int i = 0; i < 2; ++i) // two overlapping in second 3
                writer->enqueue(makeRecord(QStringLiteral("c"), base + 3000 + i * 100, 300, 10 + i));
        }
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        auto peak = [&](qint64 second) { return peakOf(*conn, QStringLiteral("c"), base / 1000 + second); };
        QCOMPARE(peak(0), qint64(4));
        QCOMPARE(peak(3), qint64(3));
    }

    // A batch's records can end out of order (a long one first, short ones after); a
    // later batch must still count the long one where it overlaps.
    void peakConcurrencyCountsALongInvocationFromAnEarlierBatch()
    {
        test::TempDb db;
        const qint64 base = (QDateTime::currentMSecsSinceEpoch() / 1000 - 100) * 1000;
        {
            auto writer = startWriter(db.path());
            QVERIFY(writer);
            writer->enqueue(makeRecord(QStringLiteral("c"), base + 100, 2000, 0)); // until base+2100
            for (int i = 1; i <= 3; ++i)
                writer->enqueue(makeRecord(QStringLiteral("c"), base + 100 + i * 100, 50, i));
            QVERIFY(writer->flush());
            writer->enqueue(makeRecord(QStringLiteral("c"), base + 1500, 100, 9));
        }
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        auto peak = [&](qint64 second) { return peakOf(*conn, QStringLiteral("c"), base / 1000 + second); };
        QCOMPARE(peak(0), qint64(2));
        QCOMPARE(peak(1), qint64(2));
    }

    // A batch sweeps levels from its first new start on: a second's peak found by an
    // earlier batch before that millisecond stays, and one that the new records raise
    // counts what earlier batches left running.
    void peakConcurrencyOfASecondSplitAcrossBatches()
    {
        test::TempDb db;
        const qint64 base = (QDateTime::currentMSecsSinceEpoch() / 1000 - 100) * 1000;
        {
            auto writer = startWriter(db.path());
            QVERIFY(writer);
            for (int i = 0; i < 3; ++i) // second 0: three at base+200..250
                writer->enqueue(makeRecord(QStringLiteral("c"), base + 100 + i * 50, 200, i));
            writer->enqueue(makeRecord(QStringLiteral("c"), base + 2100, 800, 3)); // second 2: one until 2900
            QVERIFY(writer->flush());
            writer->enqueue(makeRecord(QStringLiteral("c"), base + 600, 50, 10));   // alone, later in second 0
            writer->enqueue(makeRecord(QStringLiteral("c"), base + 2500, 100, 11)); // over the one from before
            writer->enqueue(makeRecord(QStringLiteral("c"), base + 2520, 100, 12));
        }
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        auto peak = [&](qint64 second) { return peakOf(*conn, QStringLiteral("c"), base / 1000 + second); };
        QCOMPARE(peak(0), qint64(3));
        QCOMPARE(peak(2), qint64(3));
    }

    void peakConcurrencyFromOverlappingIntervals()
    {
        test::TempDb db;
        const qint64 base = (QDateTime::currentMSecsSinceEpoch() / 1000 - 100) * 1000;
        {
            auto writer = startWriter(db.path());
            QVERIFY(writer);
            // Second 0: five invocations overlap at base+400.
            for (int i = 0; i < 5; ++i)
                writer->enqueue(makeRecord(QStringLiteral("c"), base + i * 100, 450, i));
            // Second 2: strictly one after another.
            for (int i = 0; i < 4; ++i)
                writer->enqueue(makeRecord(QStringLiteral("c"), base + 2000 + i * 200, 150, 10 + i));
            QVERIFY(writer->flush());
            // A long invocation in the next batch spanning seconds 1..3 adds one in second 2.
            writer->enqueue(makeRecord(QStringLiteral("c"), base + 1500, 1800, 20));
            // Explicit engine sample wins when higher.
            writer->recordConcurrency(QStringLiteral("c"), QStringLiteral("$LATEST"), base + 5000, 9);
        }
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        auto peak = [&](qint64 second) { return peakOf(*conn, QStringLiteral("c"), base / 1000 + second); };
        QCOMPARE(peak(0), qint64(5));
        QCOMPARE(peak(1), qint64(1));
        QCOMPARE(peak(2), qint64(2));
        QCOMPARE(peak(5), qint64(9));
        auto series = timeSeries(*conn, SeriesQuery{QStringLiteral("c"), {}, base, base + 6000, 1});
        QVERIFY(series);
        QCOMPARE(series->size(), 6);
        QCOMPARE(series->at(0).peakConcurrency, 5);
        QCOMPARE(series->at(0).invocations, qint64(5));
        QCOMPARE(series->at(4).invocations, qint64(0));
    }

    void retentionPrunesAndDownsamples()
    {
        test::TempDb db;
        // Mid-second: a 10 ms invocation starting in a second's last 10 ms also runs in the
        // next one, whose rollup row (its peak concurrency) would make 31 seconds of 30.
        const qint64 now = QDateTime::currentMSecsSinceEpoch() / 1000 * 1000 - 500;
        WriterOptions o;
        o.databasePath = db.path();
        o.pruning = false;
        o.retention.chunkRows = 7; // many small chunks
        auto writer = Writer::start(o);
        QVERIFY(writer);
        struct Age
        {
            const char *fn;
            qint64 ageMs;
        };
        const Age ages[] = {{"ancient", 100 * kDayMs}, {"old", 10 * kDayMs}, {"days", 3 * kDayMs}, {"fresh", kHourMs}};
        for (const Age &a : ages) {
            for (int i = 0; i < 30; ++i) {
                const qint64 t = now - a.ageMs + i * 1000;
                (*writer)->enqueue(makeRecord(QLatin1String(a.fn), t, 10, i));
                (*writer)->enqueue(LogLine{t, QStringLiteral("r"), QLatin1String(a.fn), {}, QStringLiteral("x")});
                (*writer)->enqueue(LogLine{t, QStringLiteral("r"), QLatin1String(a.fn), {}, QStringLiteral("END RequestId: r")});
            }
        }
        QVERIFY((*writer)->flush());
        auto pruned = (*writer)->pruneNow();
        QVERIFY(pruned);
        QVERIFY(*pruned > 0);
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        QVERIFY(test::materializeInvocations(*conn));
        auto rows = [&](const char *table, const char *fn) {
            auto stmt = conn->prepare(QByteArray("SELECT count(*) FROM ") + table + " WHERE function=?1");
            stmt->bind(1, QLatin1String(fn));
            return *stmt->step() ? stmt->int64(0) : -1;
        };
        // raw: 7 days
        QCOMPARE(rows("invocations", "old"), qint64(0));
        QCOMPARE(rows("log_lines", "old"), qint64(0));
        QCOMPARE(rows("invocations", "days"), qint64(30));
        QCOMPARE(rows("log_lines", "fresh"), qint64(60));
        if (hasFts5()) { // pruning kept the text index consistent (a write-mode command)
            auto rw = Connection::open(db.path());
            QVERIFY(rw);
            const Status check = rw->exec("INSERT INTO log_fts(log_fts) VALUES ('integrity-check')");
            QVERIFY2(check, qPrintable(check ? QString() : check.error().toString()));
        }
        // per-second rollups: 48 h; their minutes stay
        QCOMPARE(rows("rollups_1s", "days"), qint64(0));
        QCOMPARE(rows("rollups_1s", "fresh"), qint64(30));
        QVERIFY(rows("rollups_1m", "days") >= 1);
        QVERIFY(rows("rollups_1m", "old") >= 1);
        // per-minute rollups: 90 days
        QCOMPARE(rows("rollups_1m", "ancient"), qint64(0));
        // the old minutes still answer a series query
        auto series = timeSeries(*conn, SeriesQuery{QStringLiteral("days"), {}, now - 3 * kDayMs - kHourMs, now - 3 * kDayMs + kHourMs, 3600});
        QVERIFY(series);
        qint64 total = 0;
        for (const SeriesPoint &p : *series)
            total += p.invocations;
        QCOMPARE(total, qint64(30));
    }

    void retentionCapsRawRows()
    {
        test::TempDb db;
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        {
            auto writer = startWriter(db.path());
            QVERIFY(writer);
            for (int i = 0; i < 100; ++i) {
                writer->enqueue(makeRecord(QStringLiteral("f"), now - 1000 + i, 1, i));
                if (i % 10 == 9) // ten batches: ten blocks of ten
                    QVERIFY(writer->flush());
            }
        }
        QCOMPARE(count(*conn, "SELECT count(*) FROM invocation_blocks"), qint64(10));
        RetentionPolicy policy;
        policy.rawMaxRows = 40;
        policy.chunkRows = 25;
        auto deleted = pruneAll(*conn, policy, now);
        QVERIFY(deleted);
        QCOMPARE(*deleted, qint64(60));
        QVERIFY(test::materializeInvocations(*conn));
        QCOMPARE(count(*conn, "SELECT count(*) FROM invocations"), qint64(40));
        QCOMPARE(count(*conn, "SELECT n FROM invocation_count"), qint64(40));
        QCOMPARE(count(*conn, "SELECT min(start_ms) FROM invocations"), now - 1000 + 60); // newest kept
        QCOMPARE(count(*conn, "SELECT total(count) FROM rollups_1s"), qint64(100));       // rollups untouched
    }

    void startFailsCleanlyOnCorruptFile()
    {
        test::TempDb db;
        QVERIFY(db.writeFile(QByteArray(2048, 'x')));
        WriterOptions o;
        o.databasePath = db.path();
        auto writer = Writer::start(o);
        QVERIFY(!writer);
        QCOMPARE(writer.error().type, errc::StoreCorrupt);
    }

    void survivesSigkillMidWrite()
    {
        test::TempDb db;
        const int perBatch = 300;
        QProcess child;
        child.start(QStringLiteral(STORE_HELPER),
                    {QStringLiteral("crashwriter"), db.path(), QString::number(perBatch)});
        QVERIFY(child.waitForStarted());
        int committed = 0;
        QByteArray pending;
        // Wait until several batches are committed, then kill it while it writes the next.
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     pending += child.readAllStandardOutput();
                                     qsizetype nl;
                                     while ((nl = pending.indexOf('\n')) >= 0) {
                                         const QByteArray line = pending.left(nl);
                                         pending.remove(0, nl + 1);
                                         if (line.startsWith("committed "))
                                             committed = line.mid(10).toInt();
                                     }
                                     return committed >= 8;
                                 }()),
                                 20000);
        child.kill(); // SIGKILL
        QVERIFY(child.waitForFinished());
        // Anything printed before the kill was committed.
        pending += child.readAllStandardOutput();
        for (const QByteArray &line : pending.split('\n'))
            if (line.startsWith("committed "))
                committed = std::max(committed, line.mid(10).toInt());

        auto conn = Connection::open(db.path());
        QVERIFY2(conn, qPrintable(conn ? QString() : conn.error().toString()));
        QCOMPARE(*conn->queryText("PRAGMA integrity_check"), QStringLiteral("ok"));
        QVERIFY(test::materializeInvocations(*conn));
        auto stmt = conn->prepare("SELECT CAST(version AS INTEGER) AS b, count(*) FROM invocations "
                                  "GROUP BY b ORDER BY b");
        QVERIFY(stmt);
        QHash<int, qint64> perBatchRows;
        while (*stmt->step())
            perBatchRows.insert(int(stmt->int64(0)), stmt->int64(1));
        for (int b = 1; b <= committed; ++b)
            QVERIFY2(perBatchRows.value(b) == perBatch, qPrintable(QStringLiteral("batch %1 has %2 rows").arg(b).arg(perBatchRows.value(b))));
        // Rollups stayed consistent with raw rows through the kill.
        QCOMPARE(count(*conn, "SELECT (SELECT total(count) FROM rollups_1s) = (SELECT count(*) FROM invocations)"),
                 qint64(1));
    }
};

QTEST_GUILESS_MAIN(TestWriter)
#include "tst_writer.moc"
