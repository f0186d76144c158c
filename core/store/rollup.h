#pragma once
// Per-second and per-minute rollups of invocation records (tables rollups_1s and
// rollups_1m, same columns). Used by the writer, on the writer thread only.
//
// A record is counted in the bucket of its start time. `count` is invocations that ran
// (throttles excluded, as in Lambda's Invocations metric); throttles are counted apart.
// Errors are split by kind: errors (handler error), timeouts, ooms, crashes.
//
// Peak concurrency is computed by ConcurrencyTracker from the [start, start + init +
// duration) intervals of the records the writer sees: the current batch plus intervals
// of earlier batches that ended within the last kCarryMs. Invocations that overlap
// records written more than kCarryMs earlier are not counted against those seconds, so
// the figure can undercount for very long invocations; the engine can send exact
// samples (Writer::recordConcurrency), which are merged as a maximum.

#include "common/invocationrecord.h"
#include "common/result.h"
#include "store/histogram.h"
#include "store/sqlite.h"

#include <QHash>
#include <QString>

#include <deque>
#include <limits>
#include <map>
#include <tuple>
#include <vector>

namespace funcdesk::store {

struct RollupKey
{
    QString function;
    QString version;
    qint64 ts = 0; // bucket start, seconds since the epoch
    bool operator<(const RollupKey &o) const
    {
        return std::tie(function, ts, version) < std::tie(o.function, o.ts, o.version);
    }
};

struct RollupBucket
{
    qint64 count = 0;
    qint64 cold = 0;
    qint64 errors = 0;
    qint64 timeouts = 0;
    qint64 ooms = 0;
    qint64 crashes = 0;
    qint64 throttles = 0;
    double durationSum = 0;
    double durationMax = 0;
    double initSum = 0;
    qint64 initCount = 0;
    double gbSeconds = 0;
    double costUsd = 0;
    int peakConcurrency = 0;
    DurationHistogram histogram;

    void add(const InvocationRecord &r, double gbSeconds, double cost, int histogramBucket);
    void merge(const RollupBucket &other);
};

class RollupAccumulator
{
public:
    explicit RollupAccumulator(int resolutionSeconds) : m_resolution(resolutionSeconds) {}
    RollupAccumulator(const RollupAccumulator &) = delete; // m_last points into m_buckets
    RollupAccumulator &operator=(const RollupAccumulator &) = delete;
    void add(const InvocationRecord &r, double gbSeconds, double cost);
    // With DurationHistogram::bucketOf(r.durationMs) computed once for both resolutions.
    void add(const InvocationRecord &r, double gbSeconds, double cost, int histogramBucket);
    void notePeak(const QString &function, const QString &version, qint64 epochSecond, int peak);
    bool isEmpty() const { return m_buckets.empty(); }
    void clear()
    {
        m_buckets.clear();
        m_last = nullptr;
    }
    const std::map<RollupKey, RollupBucket> &buckets() const { return m_buckets; }

private:
    RollupBucket &bucket(const QString &function, const QString &version, qint64 epochSecond);
    int m_resolution;
    std::map<RollupKey, RollupBucket> m_buckets;
    RollupBucket *m_last = nullptr;
    RollupKey m_lastKey;
};

// Merges accumulated buckets into a rollup table (read, merge, replace) inside the
// caller's transaction. Holds prepared statements for its connection.
class RollupTableWriter
{
public:
    static Result<RollupTableWriter> create(Connection &conn, const char *table);
    Status write(const RollupAccumulator &acc);

private:
    Statement m_select;
    Statement m_upsert;
};

class ConcurrencyTracker
{
public:
    static constexpr qint64 kCarryMs = 2000;
    static constexpr qint64 kMaxSweepMs = 3600 * 1000;
    static constexpr size_t kKeepSweepMs = 64 * 1000;
    // Adds the batch's intervals, then reports per function+version per second peaks for
    // the seconds the batch touches into `acc1s` and `acc1m`.
    void process(const std::vector<InvocationRecord> &batch, RollupAccumulator &acc1s, RollupAccumulator &acc1m);

private:
    struct Interval
    {
        qint64 start;
        qint64 end;
    };
    struct Carried
    {
        std::deque<Interval> byEnd; // ascending end
        qint64 latestStart = 0;
    };
    struct Group
    {
        QString function;
        QString version;
        qint64 firstNewStart = std::numeric_limits<qint64>::max();
        std::vector<Interval> fresh;
    };
    QHash<QString, Carried> m_carried; // key: function + '\n' + version
    qint64 m_latestStart = 0;          // of every record seen
    // Scratch kept from one batch to the next, so that a batch does not allocate (and
    // fault in) its working memory afresh: the current batch's intervals by function and
    // version (std::map: nodes stay put), and the sweep's level changes.
    std::map<std::pair<QString, QString>, Group> m_groups;
    std::vector<int> m_delta;
    std::vector<int> m_peaks;
};

} // namespace funcdesk::store
