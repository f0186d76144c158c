#include "store/writer.h"

#include "common/logging.h"
#include "store/blocks.h"
#include "store/histogram.h"
#include "store/rollup.h"
#include "store/sqlite.h"
#include "store/tops.h"
#include "store/traces.h"

#include <QDateTime>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include <pthread.h>
#include <time.h>

namespace funcdesk::store {

namespace {

struct ConcurrencySample
{
    QString function;
    QString version;
    qint64 timestampMs = 0;
    int concurrent = 0;
};

struct Batch
{
    std::vector<InvocationRecord> records;
    std::vector<LogLine> lines;
    std::vector<ConcurrencySample> samples;
    std::vector<Capture> captures;
    bool isEmpty() const { return records.empty() && lines.empty() && samples.empty() && captures.empty(); }
    void clear() // keeps the vectors' memory
    {
        records.clear();
        lines.clear();
        samples.clear();
        captures.clear();
    }
    size_t size() const { return records.size() + lines.size(); }
    void append(Batch &&o)
    {
        std::move(o.records.begin(), o.records.end(), std::back_inserter(records));
        std::move(o.lines.begin(), o.lines.end(), std::back_inserter(lines));
        std::move(o.samples.begin(), o.samples.end(), std::back_inserter(samples));
        std::move(o.captures.begin(), o.captures.end(), std::back_inserter(captures));
    }
};

QString nullIfEmpty(const QString &s) { return s.isEmpty() ? QString() : s; }

qint64 threadCpuUs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

} // namespace

class WriterPrivate
{
public:
    explicit WriterPrivate(WriterOptions o) : options(std::move(o)), captures(options.capture) {}

    void run(std::promise<Status> opened);
    Status openOnThread();
    Status writeBatch(Batch &batch);
    void loadMonthlyUsage();

    const WriterOptions options;

    // Shared state, guarded by mutex.
    mutable std::mutex mutex;
    std::condition_variable wake;
    std::condition_variable done;
    Batch pending;
    // The last written batch, still holding its records: the next producer destroys them
    // (on its own thread, where their strings' reference counts and memory live) and
    // keeps the vectors' memory for the batch after next. The writer thread clears it
    // only if no producer came in between.
    Batch spare;
    bool spareDirty = false;
    void cleanSpare()
    {
        if (spareDirty) {
            spare.clear();
            spareDirty = false;
        }
    }
    quint64 enqueuedSeq = 0;
    quint64 committedSeq = 0;
    quint64 pruneRequestSeq = 0;
    quint64 pruneDoneSeq = 0;
    Result<qint64> pruneResult = qint64(0);
    Status lastStatus;
    bool stop = false;
    bool flushRequested = false;
    WriterStats stats;
    std::thread thread;
    std::mutex captureRateMutex; // producers' side of capture sampling
    CaptureRate captureRate;

    // Writer thread only.
    Connection conn;
    std::optional<BlockWriter> blocks;
    Statement insertLine;
    std::optional<RollupTableWriter> rollups1s;
    std::optional<RollupTableWriter> rollups1m;
    ConcurrencyTracker tracker;
    TopsTracker tops;
    MonthlyUsage usage;
    CaptureWriter captures;
    TraceWriter traces;
};

Status WriterPrivate::openOnThread()
{
    // What the writer reads back is small and hot: the current seconds' rollup rows, the
    // tops, the b-trees' right edges. The blocks' pages are written once and not read
    // again, yet each passes through the cache, which mallocs (and faults in) page after
    // page until it is full: 8 MB fills within a few seconds at full load, then recycles.
    auto c = Connection::open(options.databasePath, {.cacheSizeKb = 8 * 1024});
    if (!c)
        return c.error();
    conn = std::move(*c);
    auto b = BlockWriter::create(conn);
    if (!b)
        return b.error();
    blocks = std::move(*b);
    auto line = conn.prepare(
        "INSERT INTO log_lines(ts_ms, request_id, function, environment_id, text) VALUES (?1,?2,?3,?4,?5)");
    if (!line)
        return line.error();
    insertLine = std::move(*line);
    auto r1 = RollupTableWriter::create(conn, "rollups_1s");
    if (!r1)
        return r1.error();
    rollups1s = std::move(*r1);
    auto r2 = RollupTableWriter::create(conn, "rollups_1m");
    if (!r2)
        return r2.error();
    rollups1m = std::move(*r2);
    loadMonthlyUsage();
    return {};
}

void WriterPrivate::loadMonthlyUsage()
{
    // Free-tier allowance already used this month, from the minute rollups.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QDate today = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).date();
    const qint64 monthStart = QDateTime(QDate(today.year(), today.month(), 1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
    usage = MonthlyUsage{MonthlyUsage::monthKeyOf(now), 0, 0};
    auto stmt = conn.prepare("SELECT total(count), total(gb_seconds) FROM rollups_1m WHERE ts >= ?1");
    if (!stmt)
        return;
    stmt->bind(1, monthStart);
    if (auto row = stmt->step(); row && *row) {
        usage.requests = stmt->real(0);
        usage.gbSeconds = stmt->real(1);
    }
}

Status WriterPrivate::writeBatch(Batch &batch)
{
    auto tx = Transaction::begin(conn);
    if (!tx)
        return tx.error();
    RollupAccumulator acc1s(1);
    RollupAccumulator acc1m(60);
    for (InvocationRecord &r : batch.records) {
        r.billedDurationMs = options.costModel.billedDurationMs(r);
        r.costUsd = costWithFreeTier(options.costModel, r, usage);
        const double gbs = options.costModel.gbSeconds(r);
        const int bucket = DurationHistogram::bucketOf(r.durationMs);
        acc1s.add(r, gbs, r.costUsd, bucket);
        acc1m.add(r, gbs, r.costUsd, bucket);
    }
    if (auto st = blocks->append(batch.records, &tops); !st)
        return st;
    for (const LogLine &l : batch.lines) {
        insertLine.bind(1, l.timestampMs).bind(2, nullIfEmpty(l.requestId)).bind(3, l.function);
        insertLine.bind(4, l.environmentId).bind(5, l.text.isNull() ? QStringLiteral("") : l.text);
        if (auto st = insertLine.run(); !st)
            return st;
    }
    tracker.process(batch.records, acc1s, acc1m);
    for (const ConcurrencySample &c : batch.samples) {
        acc1s.notePeak(c.function, c.version, c.timestampMs / 1000, c.concurrent);
        acc1m.notePeak(c.function, c.version, c.timestampMs / 1000, c.concurrent);
    }
    if (auto st = rollups1s->write(acc1s); !st)
        return st;
    if (auto st = rollups1m->write(acc1m); !st)
        return st;
    if (auto st = tops.write(conn); !st)
        return st;
    if (auto st = captures.write(conn, batch.captures); !st)
        return st;
    if (auto st = traces.write(conn, batch.records); !st)
        return st;
    return tx->commit();
}

void WriterPrivate::run(std::promise<Status> opened)
{
    ::pthread_setname_np(::pthread_self(), "funcdesk-store"); // in top and perf
    // A throughput thread: when it wakes it waits for its turn instead of preempting the
    // engine or a function (no wakeup preemption), at the same share of the CPU.
    sched_param batchParam{};
    (void)::pthread_setschedparam(::pthread_self(), SCHED_BATCH, &batchParam);
    Status openStatus = openOnThread();
    const bool ok = openStatus.ok();
    opened.set_value(std::move(openStatus));
    if (!ok)
        return;

    using Clock = std::chrono::steady_clock;
    const auto interval = std::chrono::milliseconds(options.flushIntervalMs);
    const auto pruneInterval = std::chrono::milliseconds(options.retention.intervalMs);
    auto lastPrune = Clock::now();
    bool pruneBacklog = false;
    Batch retry;
    int retries = 0;

    std::unique_lock lock(mutex);
    for (;;) {
        const auto deadline = Clock::now() + interval;
        wake.wait_until(lock, deadline, [&] {
            return stop || flushRequested || pruneRequestSeq > pruneDoneSeq
                || pending.size() >= size_t(options.maxPendingRecords);
        });
        Batch batch;
        std::swap(batch, pending);
        // Producers fill the vectors of the batch before: their memory is already mapped,
        // where a fresh megabyte each batch cost the engine thread a page fault every
        // 4 KB. Pre-sized here, so producers rarely pay for a reallocation.
        cleanSpare();
        std::swap(pending, spare);
        pending.records.reserve(batch.records.size());
        pending.lines.reserve(batch.lines.size());
        const quint64 seq = enqueuedSeq;
        const quint64 pruneSeq = pruneRequestSeq;
        const bool stopping = stop;
        flushRequested = false;
        lock.unlock();

        if (!retry.isEmpty()) {
            retry.append(std::move(batch));
            batch = std::move(retry);
            retry = Batch();
        }
        Status status;
        qint64 written = 0;
        qint64 writtenLines = 0;
        qint64 dropped = 0;
        qint64 cpuUs = 0;
        if (!batch.isEmpty()) {
            const qint64 cpuBefore = threadCpuUs();
            status = writeBatch(batch);
            cpuUs = threadCpuUs() - cpuBefore;
            if (status) {
                written = qint64(batch.records.size());
                writtenLines = qint64(batch.lines.size());
                retries = 0;
            } else {
                tops.reset(); // it may hold ids of the rolled-back rows
                qCWarning(lcStore) << "writer batch failed:" << status.error().toString();
                if (++retries > Writer::kMaxRetries || stopping) {
                    dropped = qint64(batch.records.size());
                    retries = 0;
                } else {
                    retry = std::move(batch);
                }
            }
        }
        Result<qint64> pruned = qint64(0);
        const bool pruneRequested = pruneSeq > pruneDoneSeq;
        if (pruneRequested) {
            pruned = pruneAll(conn, options.retention, QDateTime::currentMSecsSinceEpoch());
        } else if (options.pruning && !stopping && (pruneBacklog || Clock::now() - lastPrune >= pruneInterval)) {
            // With a backlog, delete at least twice what this batch added, so pruning
            // keeps pace with ingestion at the row caps.
            RetentionPolicy policy = options.retention;
            if (pruneBacklog)
                policy.chunkRows = int(std::max<size_t>(size_t(policy.chunkRows), 2 * batch.size()));
            auto step = pruneStep(conn, policy, QDateTime::currentMSecsSinceEpoch());
            lastPrune = Clock::now();
            pruneBacklog = step && step->more;
            pruned = step ? Result<qint64>(step->deleted) : Result<qint64>(step.error());
        }
        const bool hadBatch = !batch.isEmpty();

        lock.lock();
        spare = std::move(batch);
        spareDirty = !spare.isEmpty();
        if (retry.isEmpty())
            committedSeq = seq; // everything up to seq is written or dropped
        if (hadBatch || !status.ok())
            lastStatus = status;
        stats.committedRecords += written;
        stats.committedLogLines += writtenLines;
        stats.droppedRecords += dropped;
        stats.writeCpuUs += cpuUs;
        if (written || writtenLines)
            ++stats.batches;
        if (!status)
            stats.lastError = status.error().toString();
        if (pruned)
            stats.prunedRows += *pruned;
        else
            stats.lastError = pruned.error().toString();
        if (pruneRequested) {
            pruneResult = pruned;
            pruneDoneSeq = pruneSeq;
        }
        done.notify_all();
        if (stopping && pending.isEmpty() && retry.isEmpty())
            break;
    }
}

// ---- Writer --------------------------------------------------------------------------

Writer::Writer() = default;

Result<std::unique_ptr<Writer>> Writer::start(const WriterOptions &options)
{
    std::unique_ptr<Writer> w(new Writer());
    w->d = std::make_unique<WriterPrivate>(options);
    std::promise<Status> opened;
    auto future = opened.get_future();
    WriterPrivate *d = w->d.get();
    d->thread = std::thread([d, p = std::move(opened)]() mutable { d->run(std::move(p)); });
    Status s = future.get();
    if (!s) {
        d->thread.join();
        return s.error();
    }
    return w;
}

Writer::~Writer()
{
    if (!d || !d->thread.joinable())
        return;
    {
        std::lock_guard lock(d->mutex);
        d->stop = true;
    }
    d->wake.notify_one();
    d->thread.join();
}

void Writer::enqueue(const InvocationRecord &record)
{
    enqueue(InvocationRecord(record)); // copied before the lock is taken
}

void Writer::enqueue(InvocationRecord &&record)
{
    std::lock_guard lock(d->mutex);
    d->cleanSpare();
    d->pending.records.push_back(std::move(record));
    ++d->enqueuedSeq;
    if (d->pending.size() == size_t(d->options.maxPendingRecords))
        d->wake.notify_one();
}

void Writer::enqueue(LogLine line)
{
    if (line.framing) // rebuilt from the invocation record on read
        return;
    std::lock_guard lock(d->mutex);
    d->cleanSpare();
    d->pending.lines.push_back(std::move(line));
    ++d->enqueuedSeq;
    if (d->pending.size() == size_t(d->options.maxPendingRecords))
        d->wake.notify_one();
}

void Writer::enqueue(const QList<LogLine> &lines)
{
    // Most lists are a request's START / END / REPORT only: nothing to take the lock for.
    if (std::all_of(lines.cbegin(), lines.cend(), [](const LogLine &l) { return l.framing; }))
        return;
    std::lock_guard lock(d->mutex);
    d->cleanSpare();
    const size_t before = d->pending.size();
    for (const LogLine &l : lines) {
        if (!l.framing) // rebuilt from the invocation record on read
            d->pending.lines.push_back(l);
    }
    ++d->enqueuedSeq;
    const auto threshold = size_t(d->options.maxPendingRecords);
    if (before < threshold && d->pending.size() >= threshold)
        d->wake.notify_one();
}

void Writer::recordExchange(const InvocationRecord &record, const QByteArray &request, const QByteArray &response)
{
    if (!shouldCapture(d->options.capture, record, request))
        return;
    {
        std::lock_guard lock(d->captureRateMutex);
        if (!d->captureRate.admit(d->options.capture, record.function, record.startMs))
            return;
    }
    Capture capture = makeCapture(d->options.capture, record, request, response); // copied before the lock
    std::lock_guard lock(d->mutex);
    d->cleanSpare();
    d->pending.captures.push_back(std::move(capture));
    ++d->enqueuedSeq;
}

void Writer::recordConcurrency(const QString &function, const QString &version, qint64 timestampMs, int concurrent)
{
    std::lock_guard lock(d->mutex);
    d->cleanSpare();
    d->pending.samples.push_back(ConcurrencySample{function, version, timestampMs, concurrent});
    ++d->enqueuedSeq;
}

Status Writer::flush()
{
    std::unique_lock lock(d->mutex);
    const quint64 target = d->enqueuedSeq;
    d->flushRequested = true;
    d->wake.notify_one();
    d->done.wait(lock, [&] { return d->committedSeq >= target; });
    return d->lastStatus;
}

Result<qint64> Writer::pruneNow()
{
    std::unique_lock lock(d->mutex);
    const quint64 target = ++d->pruneRequestSeq;
    d->wake.notify_one();
    d->done.wait(lock, [&] { return d->pruneDoneSeq >= target; });
    return d->pruneResult;
}

WriterStats Writer::stats() const
{
    std::lock_guard lock(d->mutex);
    return d->stats;
}

} // namespace funcdesk::store
