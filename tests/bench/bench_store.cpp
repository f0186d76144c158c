// Store benchmarks: writer ingest rate and enqueue cost, and the Monitor queries over
// 10 M invocations in 24 h.
//
// The query database holds 10 M invocations' worth of rollups (4 functions, 24 h, per
// second and per minute, histograms from lognormal durations) plus 1 M raw invocations
// in blocks (10 M would be ~1.2 GB and minutes to generate on a routine bench; the
// Monitor queries never read raw rows). It is generated once into
// <build>/bench-cache/store-10m-v<schema>.db and reused.
#include "bench.h"

#include "store/blocks.h"
#include "store/histogram.h"
#include "store/migrations.h"
#include "store/queries.h"
#include "store/tops.h"
#include "store/sqlite.h"
#include "store/writer.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <chrono>
#include <cmath>
#include <ctime>
#include <random>
#include <sys/resource.h>

using namespace funcdesk;
using namespace funcdesk::store;
using funcdesk::bench::nowUs;

namespace {

constexpr int kFunctions = 4;
constexpr qint64 kInvocations = 10'000'000;
constexpr qint64 kRawRows = 1'000'000;
constexpr qint64 kDaySeconds = 86400;
// Fixed day (2026-01-01 UTC) so the cached file stays valid.
constexpr qint64 kBaseSeconds = 1767225600;

QString functionName(int i) { return QStringLiteral("fn%1").arg(i); }

InvocationRecord benchRecord(int i, qint64 startMs)
{
    InvocationRecord r;
    // A UUIDv7 made at the start, as the engine's are.
    r.requestId = QStringLiteral("%1-%2-7000-8000-%3")
                      .arg(quint64(startMs) >> 16, 8, 16, QLatin1Char('0'))
                      .arg(quint64(startMs) & 0xffff, 4, 16, QLatin1Char('0'))
                      .arg(i, 12, 10, QLatin1Char('0'));
    r.function = functionName(i % kFunctions);
    r.version = QStringLiteral("$LATEST");
    r.environmentId = QStringLiteral("env%1").arg(i % 16);
    r.trigger = TriggerKind::LoadGenerator;
    r.startMs = startMs;
    r.durationMs = 0.05 + (i % 97) * 0.37;
    r.memorySizeMb = 128;
    r.maxMemoryUsedMb = 40;
    r.cold = i % 1000 == 0;
    r.initDurationMs = r.cold ? 120 : 0;
    r.requestBytes = 2;
    r.responseBytes = 20;
    return r;
}

Status generate(const QString &path)
{
    auto conn = Connection::open(path);
    if (!conn)
        return conn.error();
    if (auto s = conn->exec("PRAGMA synchronous=OFF"); !s)
        return s;
    auto tx = Transaction::begin(*conn);
    if (!tx)
        return tx.error();
    QByteArray cols = "(function, ts, version, count, cold, errors, timeouts, ooms, crashes, throttles, duration_sum, "
                      "duration_max, init_sum, init_count, gb_seconds, cost_usd, peak_concurrency, hist) VALUES "
                      "(?1,?2,'$LATEST',?3,?4,?5,0,0,0,0,?6,?7,?8,?4,?9,?10,?11,?12)";
    auto ins1s = conn->prepare("INSERT INTO rollups_1s" + cols);
    auto ins1m = conn->prepare("INSERT INTO rollups_1m" + cols);
    if (!ins1s || !ins1m)
        return (!ins1s ? ins1s.error() : ins1m.error());
    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> duration(2.0, 0.9);
    const qint64 perSecond = kInvocations / kFunctions / kDaySeconds; // 28
    const qint64 extra = kInvocations / kFunctions - perSecond * kDaySeconds;
    CostModel model;
    struct Acc
    {
        qint64 count = 0, cold = 0, errors = 0;
        double sum = 0, max = 0, gbs = 0, cost = 0;
        int peak = 0;
        DurationHistogram hist;
        void add(const Acc &o)
        {
            count += o.count, cold += o.cold, errors += o.errors;
            sum += o.sum, max = std::max(max, o.max), gbs += o.gbs, cost += o.cost;
            peak = std::max(peak, o.peak);
            hist.merge(o.hist);
        }
    };
    auto bind = [](Statement &s, int fn, qint64 ts, const Acc &a) {
        s.bind(1, functionName(fn)).bind(2, ts).bind(3, a.count).bind(4, a.cold).bind(5, a.errors);
        s.bind(6, a.sum).bind(7, a.max).bind(8, a.cold * 120.0).bind(9, a.gbs).bind(10, a.cost);
        s.bind(11, a.peak).bind(12, a.hist.encode());
        return s.run();
    };
    for (int fn = 0; fn < kFunctions; ++fn) {
        Acc minute;
        for (qint64 s = 0; s < kDaySeconds; ++s) {
            Acc sec;
            const qint64 n = perSecond + (s < extra ? 1 : 0);
            for (qint64 i = 0; i < n; ++i) {
                const double d = duration(rng);
                const double gbs = 128.0 / 1024 * std::ceil(d) / 1000;
                sec.count++;
                sec.sum += d;
                sec.max = std::max(sec.max, d);
                sec.gbs += gbs;
                sec.cost += model.pricePerMillionRequests / 1e6 + gbs * model.pricePerGbSecondX86;
                sec.hist.add(d);
            }
            sec.cold = (s % 300 == 0) ? 1 : 0;
            sec.errors = (s % 50 == 0) ? 1 : 0;
            sec.peak = int(1 + n * 8 / 1000);
            if (auto st = bind(*ins1s, fn, kBaseSeconds + s, sec); !st)
                return st;
            minute.add(sec);
            if (s % 60 == 59) {
                if (auto st = bind(*ins1m, fn, kBaseSeconds + s - 59, minute); !st)
                    return st;
                minute = Acc();
            }
        }
    }
    auto blocks = BlockWriter::create(*conn);
    if (!blocks)
        return blocks.error();
    std::vector<InvocationRecord> batch;
    for (qint64 i = 0; i < kRawRows; ++i) {
        InvocationRecord r = benchRecord(int(i), kBaseSeconds * 1000 + i * (kDaySeconds * 1000 / kRawRows));
        r.billedDurationMs = model.billedDurationMs(r);
        r.costUsd = model.cost(r);
        batch.push_back(std::move(r));
        if (batch.size() == 20'000 || i + 1 == kRawRows) { // the writer's batches at the same rate
            if (auto st = blocks->append(batch, nullptr); !st)
                return st;
            batch.clear();
        }
    }
    if (auto s = rebuildInvocationTops(*conn); !s) // what the writer keeps as it goes
        return s;
    if (auto s = conn->exec("CREATE TABLE bench_complete(x)"); !s)
        return s;
    if (auto s = tx->commit(); !s)
        return s;
    return conn->exec("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;");
}

Result<QString> benchDatabase()
{
    const QString dir = QStringLiteral(FUNCDESK_BINARY_DIR "/bench-cache");
    QDir().mkpath(dir);
    const QString path = dir + QStringLiteral("/store-10m-v") + QString::number(kSchemaVersion) + QStringLiteral(".db");
    if (QFile::exists(path)) {
        auto conn = Connection::open(path, {.readOnly = true});
        if (conn && conn->queryInt("SELECT count(*) FROM bench_complete").ok())
            return path;
    }
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(path + suffix);
    const QString tmp = path + QStringLiteral(".tmp");
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(tmp + suffix);
    if (auto s = generate(tmp); !s)
        return s.error();
    if (!QFile::rename(tmp, path))
        return makeError(QStringLiteral("BenchError"), QStringLiteral("cannot move %1 into place").arg(tmp));
    return path;
}

double threadCpuUs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e6 + double(ts.tv_nsec) / 1e3;
}

double processCpuUs()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

template<typename F>
double medianMs(int runs, F &&fn)
{
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        const double t0 = nowUs();
        fn();
        times.push_back((nowUs() - t0) / 1000.0);
    }
    return funcdesk::bench::percentile(times, 50);
}

// A writer on a fresh database in `dir`, without pruning; null (with a warning) if it
// cannot start.
std::unique_ptr<Writer> startWriter(const QTemporaryDir &dir, const char *bench)
{
    WriterOptions options;
    options.databasePath = dir.filePath(QStringLiteral("writer.db"));
    options.pruning = false;
    auto writer = Writer::start(options);
    if (!writer) {
        qWarning("%s: %s", bench, qPrintable(writer.error().toString()));
        return nullptr;
    }
    return std::move(*writer);
}

// Records of one warm no-op function as the engine hands them to the writer: they share
// the function's and its four environments' strings, and their durations (40-80 us) are
// whole nanoseconds, as the engine measures them.
class NoopRecords
{
public:
    InvocationRecord make(int n, qint64 startMs) const
    {
        InvocationRecord r = benchRecord(n * kFunctions, startMs);
        r.function = m_function;
        r.environmentId = m_environments[size_t(n % 4)];
        r.durationMs = std::chrono::duration<double, std::milli>(std::chrono::nanoseconds(40'000 + 79 * (n % 500))).count();
        r.cold = false;
        r.initDurationMs = 0;
        return r;
    }

private:
    QString m_function = functionName(0);
    std::vector<QString> m_environments = {QStringLiteral("env0"), QStringLiteral("env1"), QStringLiteral("env2"),
                                           QStringLiteral("env3")};
};

} // namespace

FUNCDESK_BENCHMARK("store ingest")
{
    QTemporaryDir dir;
    const std::unique_ptr<Writer> writer = startWriter(dir, "store ingest");
    if (!writer)
        return;
    const int n = 200'000;
    const qint64 base = QDateTime::currentMSecsSinceEpoch() - 60'000;
    // Build the values first so the enqueue timing measures only the hand-off.
    std::vector<InvocationRecord> records;
    std::vector<QList<LogLine>> logs;
    records.reserve(n);
    logs.reserve(n);
    for (int i = 0; i < n; ++i) {
        records.push_back(benchRecord(i, base + i / 4));
        const InvocationRecord &r = records.back();
        logs.push_back({LogLine{r.startMs, r.requestId, r.function, r.environmentId,
                                QStringLiteral("START RequestId: %1 Version: $LATEST").arg(r.requestId)},
                        LogLine{r.startMs, r.requestId, r.function, r.environmentId,
                                QStringLiteral("END RequestId: %1").arg(r.requestId)},
                        LogLine{r.startMs, r.requestId, r.function, r.environmentId,
                                QStringLiteral("REPORT RequestId: %1\tDuration: 1.00 ms").arg(r.requestId)}});
    }
    // Enqueue cost is the producer thread's CPU time (robust on a loaded machine); ingest
    // is wall clock from the first enqueue to the final commit, plus the process's CPU.
    const double t0 = nowUs();
    const double cpu0 = processCpuUs();
    const double e0 = threadCpuUs();
    for (int i = 0; i < n; ++i) {
        writer->enqueue(std::move(records[size_t(i)]));
        writer->enqueue(std::move(logs[size_t(i)]));
    }
    const double enqueueUs = threadCpuUs() - e0;
    const Status flushed = writer->flush();
    const double seconds = (nowUs() - t0) / 1e6;
    const double cpuUs = processCpuUs() - cpu0;
    if (!flushed)
        qWarning("store ingest: %s", qPrintable(flushed.error().toString()));
    reporter.add(QStringLiteral("store.ingest_records_per_s"), n / seconds, QStringLiteral("rec/s"),
                 QStringLiteral(">= 10000 (each with 3 log lines)"));
    reporter.add(QStringLiteral("store.ingest_cpu_us_per_record"), cpuUs / n, QStringLiteral("us"),
                 QStringLiteral("<= 100 (record + 3 log lines, all threads)"));
    reporter.add(QStringLiteral("store.enqueue_cpu_ns_per_record"), enqueueUs * 1000 / n, QStringLiteral("ns"),
                 QStringLiteral("<= 2000 (record + 3 log lines)"));
}

// The writer's CPU per record on its own, as recording a no-op function at full load
// gives it work: batches of 8,000 records (40 k invocations/s, one commit per 200 ms)
// from four environments, no log lines. Noise from the engine and the functions, which
// share the cores in the recording bench, stays out.
FUNCDESK_BENCHMARK("store writer alone")
{
    QTemporaryDir dir;
    const std::unique_ptr<Writer> writer = startWriter(dir, "store writer alone");
    if (!writer)
        return;
    const NoopRecords noop;
    const qint64 base = QDateTime::currentMSecsSinceEpoch() - 120'000;
    constexpr int kBatch = 8000;
    constexpr int kBatches = 40;
    std::vector<double> usPerRecord;
    qint64 cpuBefore = 0;
    for (int b = 0; b < kBatches; ++b) {
        std::vector<InvocationRecord> batch;
        batch.reserve(kBatch);
        for (int i = 0; i < kBatch; ++i) {
            const int n = b * kBatch + i;
            // 40 per ms, arriving in the order they finish, which for these is the order
            // they started.
            InvocationRecord r = noop.make(n, base + n / 40);
            r.cold = i == 0; // an environment starting now and then, not one in a thousand
            r.initDurationMs = r.cold ? 120 : 0;
            batch.push_back(std::move(r));
        }
        for (InvocationRecord &r : batch)
            writer->enqueue(std::move(r));
        if (auto s = writer->flush(); !s) {
            qWarning("store writer alone: %s", qPrintable(s.error().toString()));
            return;
        }
        const qint64 cpu = writer->stats().writeCpuUs;
        if (b > 0) // the first batch creates the tables' first pages
            usPerRecord.push_back(double(cpu - cpuBefore) / kBatch);
        cpuBefore = cpu;
    }
    reporter.add(QStringLiteral("store.writer_alone_cpu_us_per_record"), funcdesk::bench::percentile(usPerRecord, 50),
                 QStringLiteral("us"), QStringLiteral("(median of 39 batches of 8,000)"));
}

// What the writer spends encoding a block of 1,024 records of a no-op function (block
// format 4), as the engine measures them: the machine's noise drowns a few percent of
// the writer in the recording bench, so the encoder is timed on its own.
FUNCDESK_BENCHMARK("store block encode")
{
    const qint64 base = QDateTime::currentMSecsSinceEpoch();
    const NoopRecords noop;
    std::vector<InvocationRecord> records;
    for (int i = 0; i < kBlockRows; ++i) {
        InvocationRecord r = noop.make(i, base + i / 20);
        r.billedDurationMs = 1; // as the writer's cost model sets them before encoding
        r.costUsd = 2.1e-9;
        records.push_back(r);
    }
    std::vector<const InvocationRecord *> ptrs;
    for (const auto &r : records)
        ptrs.push_back(&r);
    BlockEncoder encoder;
    qsizetype bytes = 0;
    std::vector<double> nsPerRecord;
    for (int round = 0; round < 15; ++round) {
        const double c0 = threadCpuUs();
        for (int i = 0; i < 200; ++i)
            bytes = encoder.encode(ptrs).size();
        nsPerRecord.push_back((threadCpuUs() - c0) * 1000 / (200.0 * kBlockRows));
    }
    reporter.add(QStringLiteral("store.block_encode_ns_per_record"), funcdesk::bench::percentile(nsPerRecord, 50),
                 QStringLiteral("ns"), QStringLiteral("(median of 15 rounds, writer thread CPU)"));
    reporter.add(QStringLiteral("store.block_bytes_per_record"), double(bytes) / kBlockRows, QStringLiteral("B"));
}

FUNCDESK_BENCHMARK("store queries over 10M invocations")
{
    const double g0 = nowUs();
    auto path = benchDatabase();
    if (!path) {
        qWarning("store bench db: %s", qPrintable(path.error().toString()));
        return;
    }
    const double generatedS = (nowUs() - g0) / 1e6;
    if (generatedS > 5)
        qInfo("store bench: generated %s in %.0f s", qPrintable(*path), generatedS);
    auto conn = Connection::open(*path, {.readOnly = true});
    if (!conn) {
        qWarning("store bench: %s", qPrintable(conn.error().toString()));
        return;
    }
    const qint64 from = kBaseSeconds * 1000;
    const qint64 to = from + kDaySeconds * 1000;
    const int runs = 7;
    qint64 points = 0;
    const double series = medianMs(runs, [&] {
        auto s = timeSeries(*conn, SeriesQuery{functionName(0), {}, from, to, 60});
        points = s ? s->size() : -1;
    });
    reporter.add(QStringLiteral("store.series_24h_ms"), series, QStringLiteral("ms"),
                 QStringLiteral("<= 100 (1 function, 1440 points)"));
    const double seriesAll = medianMs(runs, [&] { (void)timeSeries(*conn, SeriesQuery{{}, {}, from, to, 60}); });
    reporter.add(QStringLiteral("store.series_24h_all_functions_ms"), seriesAll, QStringLiteral("ms"),
                 QStringLiteral("<= 100"));
    qint64 counted = 0;
    const double pct = medianMs(runs, [&] {
        auto d = durationSummary(*conn, SeriesQuery{functionName(0), {}, from, to, 60});
        counted = d ? d->count : -1;
    });
    reporter.add(QStringLiteral("store.percentiles_24h_ms"), pct, QStringLiteral("ms"), QStringLiteral("<= 100"));
    const double pctAll = medianMs(runs, [&] { (void)durationSummary(*conn, SeriesQuery{{}, {}, from, to, 60}); });
    reporter.add(QStringLiteral("store.percentiles_24h_all_functions_ms"), pctAll, QStringLiteral("ms"),
                 QStringLiteral("<= 100"));
    const double perSecond = medianMs(runs, [&] {
        (void)timeSeries(*conn, SeriesQuery{functionName(0), {}, to - 3600 * 1000, to, 1});
    });
    reporter.add(QStringLiteral("store.series_1h_at_1s_ms"), perSecond, QStringLiteral("ms"),
                 QStringLiteral("<= 100 (3600 points)"));
    const double top = medianMs(runs, [&] {
        (void)topInvocations(*conn, functionName(1), from, to, RankBy::Duration, 20);
    });
    reporter.add(QStringLiteral("store.top20_slowest_24h_ms"), top, QStringLiteral("ms"),
                 QStringLiteral("<= 100"));
    if (points != 1440 || counted != kInvocations / kFunctions)
        qWarning("store bench: unexpected results: %lld points, %lld invocations", static_cast<long long>(points),
                 static_cast<long long>(counted));
}
