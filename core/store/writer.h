#pragma once
// The store's single writer: takes invocation records and log lines by value from any
// thread and writes them in batched transactions, with the per-second and per-minute
// rollups updated in the same transaction (so charts never scan raw rows).
//
// Threading: a Writer owns one std::thread and that thread's SQLite connection. The
// enqueue functions and flush() are thread-safe and may be called from any thread;
// enqueue only locks a mutex and appends to a vector (the writer thread swaps the
// vector out), so it never waits for SQLite. Construct and destroy from one thread.
// The destructor stops the thread after writing everything enqueued before it.
//
// Batches are committed at least every flushIntervalMs (default 200 ms), sooner when
// maxPendingRecords are waiting. Every written record carries its cost from the
// CostModel (InvocationRecord::costUsd and billedDurationMs are overwritten). Between
// batches the writer prunes old rows in small chunks (RetentionPolicy).
//
// A batch that fails to commit is kept and retried on the next cycle; after
// kMaxRetries failures it is dropped and counted in Stats::droppedRecords.
//
// To record from the engine, hand the writer to Engine::setRecordSink(): it is a
// RecordSink whose calls are the enqueue functions.

#include "common/invocationrecord.h"
#include "common/result.h"
#include "store/captures.h"
#include "store/costmodel.h"
#include "store/retention.h"

#include <QList>
#include <QString>

#include <memory>

namespace funcdesk::store {

struct WriterOptions
{
    QString databasePath;
    CostModel costModel;
    RetentionPolicy retention;
    int flushIntervalMs = 200;
    int maxPendingRecords = 20'000; // wake the writer early past this many records + lines
    bool pruning = true;
    CaptureOptions capture; // request / response payloads kept for replay (captures.h)
};

struct WriterStats
{
    qint64 committedRecords = 0;
    qint64 committedLogLines = 0;
    qint64 batches = 0;
    qint64 droppedRecords = 0;
    qint64 prunedRows = 0;
    qint64 writeCpuUs = 0; // CPU time (user + system) the writer thread spent writing batches
    QString lastError;
};

class WriterPrivate;

class Writer final : public RecordSink
{
public:
    static constexpr int kMaxRetries = 10;

    // Starts the writer thread and opens (and migrates) the database on it. Returns the
    // open error if the database cannot be used.
    static Result<std::unique_ptr<Writer>> start(const WriterOptions &options);
    ~Writer() override;
    Writer(const Writer &) = delete;
    Writer &operator=(const Writer &) = delete;

    void enqueue(const InvocationRecord &record);
    void enqueue(InvocationRecord &&record);
    void enqueue(LogLine line);
    void enqueue(const QList<LogLine> &lines);

    // RecordSink, for the engine.
    void recordLines(const QList<LogLine> &lines) override { enqueue(lines); }
    void recordInvocation(const InvocationRecord &record) override { enqueue(record); }
    // Keeps the exchange when CaptureOptions say so; otherwise returns without a lock.
    void recordExchange(const InvocationRecord &record, const QByteArray &request, const QByteArray &response) override;
    // An exact concurrency sample from the engine; merged into peak_concurrency as a max.
    void recordConcurrency(const QString &function, const QString &version, qint64 timestampMs, int concurrent);

    // Blocks until everything enqueued before the call is committed (or dropped).
    // Returns the last write error, if the batch failed. Not for the GUI thread.
    Status flush();
    // Runs retention pruning to completion on the writer thread and waits for it.
    Result<qint64> pruneNow();

    WriterStats stats() const;

private:
    Writer();
    std::unique_ptr<WriterPrivate> d;
};

} // namespace funcdesk::store
