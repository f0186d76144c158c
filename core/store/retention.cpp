#include "store/retention.h"

#include "store/sqlite.h"

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
        {"DELETE FROM invocations WHERE id IN (SELECT id FROM invocations WHERE start_ms < ?1 LIMIT ?2)", rawCutoffMs},
        {"DELETE FROM log_lines WHERE id IN (SELECT id FROM log_lines WHERE ts_ms < ?1 LIMIT ?2)", rawCutoffMs},
        {"DELETE FROM rollups_1s WHERE (function, ts, version) IN "
         "(SELECT function, ts, version FROM rollups_1s WHERE ts < ?1 LIMIT ?2)",
         secondCutoff},
        {"DELETE FROM rollups_1m WHERE (function, ts, version) IN "
         "(SELECT function, ts, version FROM rollups_1m WHERE ts < ?1 LIMIT ?2)",
         minuteCutoff},
    };
    PruneResult result;
    for (const Step &step : steps) {
        auto n = deleteChunk(conn, step.sql, step.cutoff, limit);
        if (!n)
            return n.error();
        result.deleted += *n;
        result.more = result.more || *n >= limit;
    }
    for (const char *table : {"invocations", "log_lines"}) {
        auto n = deleteOverCap(conn, table, policy.rawMaxRows, limit);
        if (!n)
            return n.error();
        result.deleted += *n;
        result.more = result.more || *n >= limit;
    }
    // The per-minute tops (tops.h) of minutes no raw row is left of, by age or by cap.
    auto oldest = conn.queryInt("SELECT coalesce(min(start_ms), 9223372036854775807) FROM invocations");
    if (!oldest)
        return oldest.error();
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
