#include "store/retention.h"

#include "store/blocks.h"
#include "store/sqlite.h"

#include <algorithm>
#include <limits>

namespace funcdesk::store {

namespace {

// Deletes up to `limit` rows selected by `sql` (bound with ?1 = cutoff, ?2 = limit).
Result<qint64> deleteChunk(Connection &conn, const char *sql, qint64 cutoff, qint64 limit)
{
    auto stmt = conn.prepare(sql);
    if (!stmt)
        return stmt.error();
    stmt->bind(1, cutoff).bind(2, limit);
    if (auto s = stmt->run(); !s)
        return s.error();
    return qint64(conn.changes());
}

Result<qint64> deleteOverCap(Connection &conn, const char *table, qint64 cap, qint64 limit)
{
    const QByteArray name(table);
    auto range = conn.prepare("SELECT min(id), max(id) FROM " + name);
    if (!range)
        return range.error();
    auto row = range->step();
    if (!row)
        return row.error();
    if (!*row || range->isNull(0))
        return qint64(0);
    const qint64 lo = range->int64(0);
    const qint64 rows = range->int64(1) - lo + 1;
    if (rows <= cap)
        return qint64(0);
    const qint64 excess = std::min(rows - cap, limit);
    auto del = conn.prepare("DELETE FROM " + name + " WHERE id < ?1");
    if (!del)
        return del.error();
    del->bind(1, lo + excess);
    if (auto s = del->run(); !s)
        return s.error();
    return qint64(conn.changes());
}

// The oldest blocks while the store holds more than `cap` invocations, at most about
// `limit` invocations' worth per call.
Result<qint64> deleteBlocksOverCap(Connection &conn, qint64 cap, qint64 limit)
{
    auto total = conn.queryInt("SELECT n FROM invocation_count");
    if (!total)
        return total.error();
    if (*total <= cap)
        return qint64(0);
    const qint64 excess = std::min(*total - cap, limit);
    auto oldest = conn.prepare("SELECT id, rows FROM invocation_blocks ORDER BY id");
    if (!oldest)
        return oldest.error();
    qint64 lastId = -1;
    qint64 rows = 0;
    while (rows < excess) {
        auto row = oldest->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        lastId = oldest->int64(0);
        rows += oldest->int64(1);
    }
    oldest->reset();
    if (lastId < 0)
        return qint64(0);
    return deleteBlocks(conn, "SELECT id FROM invocation_blocks WHERE id <= ?1 LIMIT ?2", lastId, limit);
}

} // namespace

Result<PruneResult> pruneStep(Connection &conn, const RetentionPolicy &policy, qint64 nowMs)
{
    auto tx = Transaction::begin(conn);
    if (!tx)
        return tx.error();
    const qint64 limit = policy.chunkRows;
    const qint64 rawCutoffMs = nowMs - policy.rawMaxAgeMs;
    const qint64 secondCutoff = (nowMs - policy.secondRollupMaxAgeMs) / 1000;
    const qint64 minuteCutoff = (nowMs - policy.minuteRollupMaxAgeMs) / 1000;
    struct Step
    {
        const char *sql;
        qint64 cutoff;
    };
    const Step steps[] = {
        {"DELETE FROM log_lines WHERE id IN (SELECT id FROM log_lines WHERE ts_ms < ?1 LIMIT ?2)", rawCutoffMs},
        {"DELETE FROM rollups_1s WHERE (function, ts, version) IN "
         "(SELECT function, ts, version FROM rollups_1s WHERE ts < ?1 LIMIT ?2)",
         secondCutoff},
        {"DELETE FROM rollups_1m WHERE (function, ts, version) IN "
         "(SELECT function, ts, version FROM rollups_1m WHERE ts < ?1 LIMIT ?2)",
         minuteCutoff},
    };
    PruneResult result;
    // Invocations go a block at a time (blocks.h): the oldest blocks whose last start is
    // past the cutoff, then the oldest while over the row cap.
    const qint64 blockLimit = std::max<qint64>(1, limit / kBlockRows);
    {
        auto n = deleteBlocks(conn, "SELECT id FROM invocation_blocks WHERE last_start_ms < ?1 ORDER BY id LIMIT ?2",
                              rawCutoffMs, blockLimit);
        if (!n)
            return n.error();
        result.deleted += *n;
        result.more = result.more || *n > 0; // blocks vary in size: look again
    }
    {
        auto n = deleteBlocksOverCap(conn, policy.rawMaxRows, std::max<qint64>(limit, kBlockRows));
        if (!n)
            return n.error();
        result.deleted += *n;
        result.more = result.more || *n > 0;
    }
    for (const Step &step : steps) {
        auto n = deleteChunk(conn, step.sql, step.cutoff, limit);
        if (!n)
            return n.error();
        result.deleted += *n;
        result.more = result.more || *n >= limit;
    }
    {
        auto n = deleteOverCap(conn, "log_lines", policy.rawMaxRows, limit);
        if (!n)
            return n.error();
        result.deleted += *n;
        result.more = result.more || *n >= limit;
    }
    // The per-minute tops (tops.h) of minutes no invocation is left of, by age or by cap
    // (every block's records started within kMaxBlockSpanMs of its last start).
    auto oldest = conn.queryInt("SELECT coalesce(min(last_start_ms), 9223372036854775807) FROM invocation_blocks");
    if (!oldest)
        return oldest.error();
    if (*oldest != std::numeric_limits<qint64>::max())
        *oldest -= kMaxBlockSpanMs;
    auto tops = deleteChunk(conn,
                            "DELETE FROM invocation_tops WHERE (minute, function, rank_by, invocation_id) IN "
                            "(SELECT minute, function, rank_by, invocation_id FROM invocation_tops WHERE minute < ?1 "
                            "LIMIT ?2)",
                            *oldest / 60000, limit);
    if (!tops)
        return tops.error();
    result.deleted += *tops;
    result.more = result.more || *tops >= limit;
    if (auto s = tx->commit(); !s)
        return s.error();
    return result;
}

Result<qint64> pruneAll(Connection &conn, const RetentionPolicy &policy, qint64 nowMs)
{
    qint64 total = 0;
    for (;;) {
        auto step = pruneStep(conn, policy, nowMs);
        if (!step)
            return step.error();
        total += step->deleted;
        if (!step->more)
            return total;
    }
}

} // namespace funcdesk::store
