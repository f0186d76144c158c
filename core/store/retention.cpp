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

// Ids of the blocks `sql` (columns: id, rows; ?1 bound to `bind`) lists, in its order,
// until they hold at least `rows` invocations.
Result<std::vector<qint64>> pickBlocks(Connection &conn, const char *sql, qint64 bind, qint64 rows)
{
    auto stmt = conn.prepare(sql);
    if (!stmt)
        return stmt.error();
    stmt->bind(1, bind);
    std::vector<qint64> ids;
    qint64 picked = 0;
    while (picked < rows) {
        auto row = stmt->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        ids.push_back(stmt->int64(0));
        picked += std::max<qint64>(1, stmt->int64(1));
    }
    return ids;
}

// About `limit` invocations' worth of the oldest blocks past the age cutoff: blocks vary
// from one record to kBlockRows, so the step is counted in invocations, not blocks.
Result<qint64> deleteBlocksByAge(Connection &conn, qint64 cutoffMs, qint64 limit)
{
    auto ids = pickBlocks(conn, "SELECT id, rows FROM invocation_blocks WHERE last_start_ms < ?1 ORDER BY last_start_ms",
                          cutoffMs, limit);
    if (!ids)
        return ids.error();
    return deleteBlocks(conn, *ids);
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
    auto ids = pickBlocks(conn, "SELECT id, rows FROM invocation_blocks WHERE id >= ?1 ORDER BY id", 0,
                          std::min(*total - cap, limit));
    if (!ids)
        return ids.error();
    return deleteBlocks(conn, *ids);
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
        {"DELETE FROM trace_spans WHERE span_id IN (SELECT span_id FROM trace_spans WHERE start_ms < ?1 LIMIT ?2)", rawCutoffMs},
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
    for (const bool byAge : {true, false}) {
        auto n = byAge ? deleteBlocksByAge(conn, rawCutoffMs, limit)
                       : deleteBlocksOverCap(conn, policy.rawMaxRows, limit);
        if (!n)
            return n.error();
        result.deleted += *n;
        result.more = result.more || *n >= limit;
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
