#include "store/rollup.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace funcdesk::store {

void RollupBucket::add(const InvocationRecord &r, double gbs, double cost, int histogramBucket)
{
    costUsd += cost;
    if (r.status == InvocationStatus::Throttled) {
        ++throttles;
        return;
    }
    ++count;
    switch (r.status) {
    case InvocationStatus::Error:
        ++errors;
        break;
    case InvocationStatus::Timeout:
        ++timeouts;
        break;
    case InvocationStatus::OutOfMemory:
        ++ooms;
        break;
    case InvocationStatus::Crash:
        ++crashes;
        break;
    default:
        break;
    }
    if (r.cold) {
        ++cold;
        initSum += r.initDurationMs;
        ++initCount;
    }
    durationSum += r.durationMs;
    durationMax = std::max(durationMax, r.durationMs);
    gbSeconds += gbs;
    histogram.addToBucket(histogramBucket, r.durationMs);
}

void RollupBucket::merge(const RollupBucket &o)
{
    count += o.count;
    cold += o.cold;
    errors += o.errors;
    timeouts += o.timeouts;
    ooms += o.ooms;
    crashes += o.crashes;
    throttles += o.throttles;
    durationSum += o.durationSum;
    durationMax = std::max(durationMax, o.durationMax);
    initSum += o.initSum;
    initCount += o.initCount;
    gbSeconds += o.gbSeconds;
    costUsd += o.costUsd;
    peakConcurrency = std::max(peakConcurrency, o.peakConcurrency);
    histogram.merge(o.histogram);
}

RollupBucket &RollupAccumulator::bucket(const QString &function, const QString &version, qint64 epochSecond)
{
    const qint64 ts = epochSecond - epochSecond % m_resolution;
    // A batch is mostly one function and version, in start order: the last bucket is
    // usually the one (map nodes stay put, so the pointer stays valid).
    if (m_last && m_lastKey.ts == ts && sameString(m_lastKey.function, function) && sameString(m_lastKey.version, version))
        return *m_last;
    RollupKey key{function, version, ts};
    m_last = &m_buckets[key];
    m_lastKey = std::move(key);
    return *m_last;
}

void RollupAccumulator::add(const InvocationRecord &r, double gbSeconds, double cost)
{
    bucket(r.function, r.version, r.startMs / 1000).add(r, gbSeconds, cost, DurationHistogram::bucketOf(r.durationMs));
}

void RollupAccumulator::add(const InvocationRecord &r, double gbSeconds, double cost, int histogramBucket)
{
    bucket(r.function, r.version, r.startMs / 1000).add(r, gbSeconds, cost, histogramBucket);
}

void RollupAccumulator::notePeak(const QString &function, const QString &version, qint64 epochSecond, int peak)
{
    RollupBucket &b = bucket(function, version, epochSecond);
    b.peakConcurrency = std::max(b.peakConcurrency, peak);
}

// ---- RollupTableWriter ----------------------------------------------------------------

Result<RollupTableWriter> RollupTableWriter::create(Connection &conn, const char *table)
{
    const QByteArray name(table);
    auto select = conn.prepare("SELECT count, cold, errors, timeouts, ooms, crashes, throttles, duration_sum, "
                               "duration_max, init_sum, init_count, gb_seconds, cost_usd, peak_concurrency, hist FROM "
                               + name + " WHERE function=?1 AND ts=?2 AND version=?3");
    if (!select)
        return select.error();
    auto upsert = conn.prepare("INSERT OR REPLACE INTO " + name
                               + "(function, ts, version, count, cold, errors, timeouts, ooms, crashes, throttles, "
                                 "duration_sum, duration_max, init_sum, init_count, gb_seconds, cost_usd, "
                                 "peak_concurrency, hist) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
                                 "?16,?17,?18)");
    if (!upsert)
        return upsert.error();
    RollupTableWriter w;
    w.m_select = std::move(*select);
    w.m_upsert = std::move(*upsert);
    return w;
}

Status RollupTableWriter::write(const RollupAccumulator &acc)
{
    for (const auto &[key, fresh] : acc.buckets()) {
        RollupBucket b = fresh;
        m_select.bind(1, key.function).bind(2, key.ts).bind(3, key.version);
        auto row = m_select.step();
        if (!row)
            return row.error();
        if (*row) {
            RollupBucket old;
            old.count = m_select.int64(0);
            old.cold = m_select.int64(1);
            old.errors = m_select.int64(2);
            old.timeouts = m_select.int64(3);
            old.ooms = m_select.int64(4);
            old.crashes = m_select.int64(5);
            old.throttles = m_select.int64(6);
            old.durationSum = m_select.real(7);
            old.durationMax = m_select.real(8);
            old.initSum = m_select.real(9);
            old.initCount = m_select.int64(10);
            old.gbSeconds = m_select.real(11);
            old.costUsd = m_select.real(12);
            old.peakConcurrency = int(m_select.int64(13));
            old.histogram.mergeBlob(m_select.blob(14));
            b.merge(old);
        }
        m_select.reset();
        m_upsert.bind(1, key.function).bind(2, key.ts).bind(3, key.version);
        m_upsert.bind(4, b.count).bind(5, b.cold).bind(6, b.errors).bind(7, b.timeouts).bind(8, b.ooms);
        m_upsert.bind(9, b.crashes).bind(10, b.throttles).bind(11, b.durationSum).bind(12, b.durationMax);
        m_upsert.bind(13, b.initSum).bind(14, b.initCount).bind(15, b.gbSeconds).bind(16, b.costUsd);
        m_upsert.bind(17, b.peakConcurrency);
        if (b.histogram.isEmpty())
            m_upsert.bindNull(18);
        else
            m_upsert.bind(18, b.histogram.encode());
        if (auto s = m_upsert.run(); !s)
            return s;
    }
    return {};
}

// ---- ConcurrencyTracker ---------------------------------------------------------------

void ConcurrencyTracker::process(const std::vector<InvocationRecord> &batch, RollupAccumulator &acc1s,
                                 RollupAccumulator &acc1m)
{
    // Groups of the previous batch are reused; those this batch does not touch go below.
    for (auto &[key, g] : m_groups) {
        g.fresh.clear();
        g.firstNewStart = std::numeric_limits<qint64>::max();
    }
    Group *last = nullptr;
    for (const InvocationRecord &r : batch) {
        m_latestStart = std::max(m_latestStart, r.startMs);
        if (r.status == InvocationStatus::Throttled)
            continue;
        if (!last || !sameString(last->function, r.function) || !sameString(last->version, r.version)) {
            last = &m_groups[{r.function, r.version}];
            if (last->function.isNull()) { // new
                last->function = r.function;
                last->version = r.version;
            }
        }
        Group &g = *last;
        // At most kMaxSweepMs long: a nonsensical duration (days) must not keep every
        // later batch sweeping far ahead, nor stay carried for days.
        const qint64 span = std::clamp<qint64>(qint64(std::ceil(r.durationMs + (r.cold ? r.initDurationMs : 0))), 1,
                                               kMaxSweepMs);
        g.fresh.push_back({r.startMs, r.startMs + span});
        g.firstNewStart = std::min(g.firstNewStart, r.startMs);
    }
    for (auto it = m_groups.begin(); it != m_groups.end();) {
        if (it->second.fresh.empty())
            it = m_groups.erase(it); // quiet in this batch
        else
            ++it;
    }
    for (auto &[versionKey, g] : m_groups) {
        Carried &carried = m_carried[g.function + QLatin1Char('\n') + g.version];
        // Records arrive as invocations finish, so in nearly ascending end: each goes in
        // a few places from the back, where the few that end later move up by one. (The
        // deque's own insert took 70 % of the tracker when a cold start's long interval
        // sat at the back: it moves even one element through its general path.)
        auto &byEnd = carried.byEnd;
        for (const Interval &iv : g.fresh) {
            carried.latestStart = std::max(carried.latestStart, iv.start);
            byEnd.push_back(iv);
            auto at = std::prev(byEnd.end());
            while (at != byEnd.begin() && std::prev(at)->end > iv.end) {
                *at = *std::prev(at);
                --at;
            }
            *at = iv;
        }
        // The level at millisecond m is the number of intervals [start, end) holding m; a
        // second's peak is the highest level of its milliseconds. Before the batch's first
        // new start no level changed, and the peaks earlier batches found there are kept
        // (a stored peak only ever rises: the rollup merges by max). So levels are swept
        // from that millisecond on. Only intervals ending after it count, and sorted by
        // end they are the last ones: a batch visits those, not everything carried (2 s
        // of intervals, 110 k at 55 k invocations/s), nor the rest of that second's.
        const qint64 fromMs = g.firstNewStart;
        const qint64 toMs = std::min(carried.byEnd.back().end, fromMs + kMaxSweepMs);
        if (toMs > fromMs) {
            std::vector<int> &delta = m_delta;
            delta.assign(size_t(toMs - fromMs) + 1, 0);
            for (auto it = carried.byEnd.rbegin(); it != carried.byEnd.rend() && it->end > fromMs; ++it) {
                const qint64 start = std::max(it->start, fromMs);
                const qint64 end = std::min(it->end, toMs);
                if (end <= start)
                    continue;
                ++delta[size_t(start - fromMs)];
                --delta[size_t(end - fromMs)];
            }
            const qint64 firstSecond = fromMs / 1000;
            std::vector<int> &peaks = m_peaks;
            peaks.assign(size_t((toMs - 1) / 1000 - firstSecond) + 1, 0);
            int level = 0;
            for (qint64 m = fromMs; m < toMs; ++m) {
                level += delta[size_t(m - fromMs)];
                int &peak = peaks[size_t(m / 1000 - firstSecond)];
                peak = std::max(peak, level);
            }
            for (size_t i = 0; i < peaks.size(); ++i) {
                if (peaks[i] > 0) {
                    acc1s.notePeak(g.function, g.version, firstSecond + qint64(i), peaks[i]);
                    acc1m.notePeak(g.function, g.version, firstSecond + qint64(i), peaks[i]);
                }
            }
        }
        // A sweep over a long invocation (up to an hour of milliseconds) does not keep its
        // megabytes; a usual one (a batch's few hundred milliseconds) does.
        if (m_delta.capacity() > kKeepSweepMs) {
            m_delta = {};
            m_peaks = {};
        }
        // Carry what ended recently, for overlaps with the next batch.
        while (!carried.byEnd.empty() && carried.byEnd.front().end <= carried.latestStart - kCarryMs)
            carried.byEnd.pop_front();
    }
    // Forget intervals of quiet groups once they are older than the carry window.
    for (auto it = m_carried.begin(); it != m_carried.end();) {
        auto &byEnd = it.value().byEnd;
        const qsizetype cut = it.key().indexOf(QLatin1Char('\n'));
        if (!m_groups.contains({it.key().left(cut), it.key().mid(cut + 1)})) {
            while (!byEnd.empty() && byEnd.front().end <= m_latestStart - kCarryMs)
                byEnd.pop_front();
        }
        if (byEnd.empty())
            it = m_carried.erase(it);
        else
            ++it;
    }
}

} // namespace funcdesk::store
