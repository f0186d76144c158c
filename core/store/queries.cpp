#include "store/queries.h"

#include "store/blocks.h"
#include "store/histogram.h"
#include "store/migrations.h"
#include "store/sqlite.h"
#include "common/reportline.h"

#include <QDateTime>
#include <QHash>
#include <QRegularExpression>

#include <algorithm>
#include <tuple>
#include <limits>
#include <map>
#include <queue>

namespace funcdesk::store {

namespace {

LogLine lineFromRow(const Statement &s)
{
    return LogLine{s.int64(0), s.text(1), s.text(2), s.text(3), s.text(4)};
}

Result<QList<LogLine>> collectLines(Statement &stmt)
{
    return collectRows<LogLine>(stmt, lineFromRow);
}

// Rollup rows of a query, ordered by ts. Bind: ?1 from (s), ?2 to (s), ?3 function, ?4 version.
Result<Statement> selectRollups(Connection &conn, const SeriesQuery &q, bool minuteTable)
{
    QByteArray sql = "SELECT ts, count, cold, errors, timeouts, ooms, crashes, throttles, duration_sum, "
                     "duration_max, init_sum, init_count, gb_seconds, cost_usd, peak_concurrency, hist FROM ";
    sql += minuteTable ? "rollups_1m" : "rollups_1s";
    sql += " WHERE ts >= ?1 AND ts < ?2";
    if (!q.function.isEmpty())
        sql += " AND function = ?3";
    if (!q.version.isEmpty())
        sql += " AND version = ?4";
    sql += " ORDER BY ts";
    auto stmt = conn.prepare(sql);
    if (!stmt)
        return stmt.error();
    const qint64 step = minuteTable ? 60 : 1;
    const qint64 from = q.fromMs / 1000 / step * step;
    const qint64 to = (q.toMs + 999) / 1000;
    stmt->bind(1, from).bind(2, to);
    if (!q.function.isEmpty())
        stmt->bind(3, q.function);
    if (!q.version.isEmpty())
        stmt->bind(4, q.version);
    return stmt;
}

constexpr qint64 kRequestLogSlackMs = 5000;
// How long before a range an invocation may have started and still have its END / REPORT
// in it: the longest timeout Lambda allows.
constexpr qint64 kFramingLookbackMs = 900 * 1000;

bool useMinuteTableForRange(const SeriesQuery &q)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const bool recent = q.fromMs >= now - 47LL * 3600 * 1000;
    return !(recent && q.toMs - q.fromMs <= kSecondTableMaxRangeMs);
}

// Every word quoted (so FTS5 syntax is literal); the last one as a prefix unless the
// text ends in whitespace.
QString ftsQuery(const QString &text)
{
    const bool prefix = !text.isEmpty() && !text.back().isSpace();
    static const QRegularExpression ws(QStringLiteral("\\s+"));
    const QStringList words = text.split(ws, Qt::SkipEmptyParts);
    QStringList parts;
    for (qsizetype i = 0; i < words.size(); ++i) {
        QString w = words[i];
        w.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        parts.append(QLatin1Char('"') + w + QLatin1Char('"') + (prefix && i == words.size() - 1 ? QStringLiteral("*") : QString()));
    }
    return parts.join(QLatin1Char(' '));
}

QString likeEscaped(const QString &text)
{
    QString s = text;
    s.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    s.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    s.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + s + QLatin1Char('%');
}

// Where a request's log lines can be: its function and a time window around its
// invocation(s) (async retries share a request id). log_lines has no request id index
// (random keys made it the costliest part of writing), so lookups by request id go
// through the invocation and the (function, ts) index.
struct RequestWindow
{
    QList<InvocationRecord> invocations; // oldest first
    QString function;
    qint64 fromMs = 0;
    qint64 toMs = 0;
    bool found = false;
};

// Every invocation with this request id, oldest first: from invocation_request_ids, and
// for a UUIDv7 id, from the blocks around the id's time (see blocks.h).
Result<QList<InvocationRecord>> invocationsWithRequestId(Connection &conn, const QString &requestId)
{
    const QByteArray utf8 = requestId.toUtf8();
    std::map<qint64, InvocationRecord> found; // by invocation id: a block can come from both
    auto collect = [&](const BlockReader &block) {
        for (int i = 0; i < block.size(); ++i) {
            if (block.hasRequestId(i, utf8) && !found.contains(block.invocationId(i)))
                found.emplace(block.invocationId(i), block.record(i));
        }
        return true;
    };
    auto indexed = conn.prepare("SELECT b.id, b.function, b.data FROM invocation_request_ids r "
                                "JOIN invocation_blocks b ON b.id = r.block_id WHERE r.request_id = ?1");
    if (!indexed)
        return indexed.error();
    indexed->bind(1, requestId);
    if (auto st = forEachBlock(*indexed, collect); !st)
        return st.error();
    if (const auto t = requestIdTimeMs(requestId)) {
        auto near = conn.prepare("SELECT id, function, data FROM invocation_blocks INDEXED BY invocation_blocks_last "
                                 "WHERE last_start_ms >= ?1 AND last_start_ms <= ?2 AND first_start_ms <= ?3");
        if (!near)
            return near.error();
        near->bind(1, *t - kRequestIdSlackMs).bind(2, *t + kRequestIdSlackMs + kMaxBlockSpanMs);
        near->bind(3, *t + kRequestIdSlackMs);
        if (auto st = forEachBlock(*near, collect); !st)
            return st.error();
    }
    QList<InvocationRecord> out;
    out.reserve(qsizetype(found.size()));
    for (auto &[id, r] : found)
        out.append(std::move(r));
    std::stable_sort(out.begin(), out.end(),
                     [](const InvocationRecord &a, const InvocationRecord &b) { return a.startMs < b.startMs; });
    return out;
}

Result<RequestWindow> requestWindow(Connection &conn, const QString &requestId)
{
    auto rows = invocationsWithRequestId(conn, requestId);
    if (!rows)
        return rows.error();
    RequestWindow w;
    w.invocations = std::move(*rows);
    if (w.invocations.isEmpty())
        return w;
    w.found = true;
    w.function = w.invocations.first().function;
    w.fromMs = std::numeric_limits<qint64>::max();
    w.toMs = std::numeric_limits<qint64>::min();
    for (const InvocationRecord &r : std::as_const(w.invocations)) {
        if (r.function != w.function)
            w.function.clear();
        w.fromMs = std::min(w.fromMs, r.startMs - qint64(r.initDurationMs));
        w.toMs = std::max(w.toMs, r.startMs + qint64(r.initDurationMs + r.durationMs));
    }
    w.fromMs -= kRequestLogSlackMs;
    w.toMs += kRequestLogSlackMs;
    return w;
}

// Stored lines merged with the framing lines rebuilt from `invocations`: START before
// anything stamped in the same millisecond, END and REPORT after it. `stored` is in
// the order wanted (oldest or newest first); lines outside [fromMs, toMs) are dropped.
QList<LogLine> withFraming(QList<LogLine> stored, const QList<InvocationRecord> &invocations, qint64 fromMs,
                           qint64 toMs, bool newestFirst, int limit, const QString &text = {})
{
    struct Ranked
    {
        LogLine line;
        int rank; // START 0, stored 1, END 2, REPORT 3
    };
    std::vector<Ranked> all;
    all.reserve(size_t(stored.size() + 3 * invocations.size()));
    for (LogLine &l : stored)
        all.push_back({std::move(l), 1});
    const QStringList words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QHash<QString, QList<qint64>> storedTimes; // request id + environment id -> its lines' stamps
    if (!invocations.isEmpty()) {
        for (const Ranked &s : all)
            storedTimes[s.line.requestId + QLatin1Char('\n') + s.line.environmentId].append(s.line.timestampMs);
    }
    for (const InvocationRecord &r : invocations) {
        QList<LogLine> framing = framingLines(r);
        if (framing.size() == 3) {
            // END and REPORT are stamped from the start and the duration, to the
            // millisecond below; what the handler printed last was read a moment later.
            // Keep them after it, as the engine wrote them.
            const qint64 started = framing[0].timestampMs;
            qint64 ended = framing[1].timestampMs;
            const qint64 latest = ended + 1000;
            for (const qint64 ts : storedTimes.value(r.requestId + QLatin1Char('\n') + r.environmentId)) {
                if (ts >= started && ts <= latest)
                    ended = std::max(ended, ts);
            }
            framing[1].timestampMs = framing[2].timestampMs = ended;
        }
        int rank = 0;
        for (LogLine &l : framing) {
            const int lineRank = rank == 0 ? 0 : rank + 1;
            ++rank;
            if (l.timestampMs < fromMs || l.timestampMs >= toMs)
                continue;
            if (!std::all_of(words.begin(), words.end(),
                             [&](const QString &w) { return l.text.contains(w, Qt::CaseInsensitive); }))
                continue;
            all.push_back({std::move(l), lineRank});
        }
    }
    std::stable_sort(all.begin(), all.end(), [newestFirst](const Ranked &a, const Ranked &b) {
        const auto ka = std::pair(a.line.timestampMs, a.rank);
        const auto kb = std::pair(b.line.timestampMs, b.rank);
        return newestFirst ? kb < ka : ka < kb;
    });
    QList<LogLine> out;
    out.reserve(qsizetype(std::min<size_t>(all.size(), size_t(std::max(limit, 0)))));
    for (Ranked &r : all) {
        if (out.size() >= limit)
            break;
        out.append(std::move(r.line));
    }
    return out;
}

} // namespace

Result<QList<SeriesPoint>> timeSeries(Connection &conn, const SeriesQuery &q)
{
    if (q.resolutionSeconds <= 0 || q.toMs <= q.fromMs)
        return QList<SeriesPoint>();
    const bool minute = q.resolutionSeconds % 60 == 0;
    const qint64 res = q.resolutionSeconds;
    const qint64 first = q.fromMs / 1000 / res * res; // bucket starts, seconds
    const qint64 last = (q.toMs - 1) / 1000 / res * res;
    const qint64 buckets = (last - first) / res + 1;
    if (buckets > 10'000'000)
        return makeError(errc::StoreError, QStringLiteral("time series too large: %1 points").arg(buckets));
    QList<SeriesPoint> points(buckets);
    for (qint64 i = 0; i < buckets; ++i)
        points[i].timestampMs = (first + i * res) * 1000;

    SeriesQuery bounded = q;
    bounded.fromMs = first * 1000;
    auto stmt = selectRollups(conn, bounded, minute);
    if (!stmt)
        return stmt.error();

    DurationHistogram hist;
    qint64 current = -1; // bucket index being filled
    qint64 currentTs = -1;
    int concurrencyAtTs = 0;
    qint64 initCount = 0;
    auto finish = [&]() {
        if (current < 0)
            return;
        SeriesPoint &p = points[current];
        p.peakConcurrency = std::max(p.peakConcurrency, concurrencyAtTs);
        p.errors = p.handlerErrors + p.timeouts + p.outOfMemory + p.crashes;
        if (p.invocations > 0) {
            p.avgDurationMs /= double(p.invocations);
            hist.setBounds(-1, p.maxDurationMs);
            p.p50Ms = hist.percentile(50);
            p.p90Ms = hist.percentile(90);
            p.p99Ms = hist.percentile(99);
        }
        if (initCount > 0)
            p.avgInitDurationMs /= double(initCount);
        hist.clear();
        initCount = 0;
    };
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        const qint64 ts = stmt->int64(0);
        const qint64 index = (ts - first) / res;
        if (index < 0 || index >= buckets)
            continue;
        if (index != current) {
            finish();
            current = index;
            currentTs = -1;
            concurrencyAtTs = 0;
        }
        if (ts != currentTs) {
            points[current].peakConcurrency = std::max(points[current].peakConcurrency, concurrencyAtTs);
            concurrencyAtTs = 0;
            currentTs = ts;
        }
        SeriesPoint &p = points[current];
        p.invocations += stmt->int64(1);
        p.coldStarts += stmt->int64(2);
        p.handlerErrors += stmt->int64(3);
        p.timeouts += stmt->int64(4);
        p.outOfMemory += stmt->int64(5);
        p.crashes += stmt->int64(6);
        p.throttles += stmt->int64(7);
        p.avgDurationMs += stmt->real(8); // sum until finish()
        p.maxDurationMs = std::max(p.maxDurationMs, stmt->real(9));
        p.avgInitDurationMs += stmt->real(10);
        initCount += stmt->int64(11);
        p.gbSeconds += stmt->real(12);
        p.costUsd += stmt->real(13);
        concurrencyAtTs += int(stmt->int64(14)); // versions run side by side: add them up
        if (!stmt->isNull(15))
            hist.mergeBlob(stmt->blob(15));
    }
    finish();
    return points;
}

Result<DurationSummary> durationSummary(Connection &conn, const SeriesQuery &q)
{
    auto stmt = selectRollups(conn, q, useMinuteTableForRange(q));
    if (!stmt)
        return stmt.error();
    DurationHistogram hist;
    DurationSummary out;
    double sum = 0;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        out.count += stmt->int64(1);
        sum += stmt->real(8);
        out.maxMs = std::max(out.maxMs, stmt->real(9));
        if (!stmt->isNull(15))
            hist.mergeBlob(stmt->blob(15));
    }
    if (out.count > 0) {
        out.avgMs = sum / double(out.count);
        hist.setBounds(-1, out.maxMs);
        out.p50Ms = hist.percentile(50);
        out.p90Ms = hist.percentile(90);
        out.p99Ms = hist.percentile(99);
    }
    return out;
}

namespace {

qint64 saturatingAdd(qint64 a, qint64 b)
{
    return a > std::numeric_limits<qint64>::max() - b ? std::numeric_limits<qint64>::max() : a + b;
}

// Blocks that can hold invocations started in [?1, ?3): their last start is at least the
// range's start and at most kMaxBlockSpanMs past its end (?2). With a function: ?4.
QByteArray blocksInRange(bool oneFunction, const char *extraColumns = "")
{
    QByteArray sql = QByteArray("SELECT id, function, data") + extraColumns + " FROM invocation_blocks WHERE ";
    sql += oneFunction ? "function = ?4 AND " : "";
    sql += "last_start_ms >= ?1 AND last_start_ms < ?2 AND first_start_ms < ?3";
    return sql;
}

void bindRange(Statement &stmt, qint64 fromMs, qint64 toMs)
{
    stmt.bind(1, fromMs).bind(2, saturatingAdd(toMs, kMaxBlockSpanMs + 1)).bind(3, toMs);
}

double rankValue(const BlockReader &block, int i, RankBy by)
{
    return by == RankBy::Duration ? block.durationMs(i) : block.costUsd(i);
}

// A function's top N of [fromMs, toMs), from its blocks in the range: for partial
// minutes, and for N beyond what invocation_tops keeps.
Result<QList<InvocationRecord>> topByScan(Connection &conn, const QString &function, qint64 fromMs, qint64 toMs,
                                          RankBy by, int limit)
{
    auto stmt = conn.prepare(blocksInRange(true));
    if (!stmt)
        return stmt.error();
    bindRange(*stmt, fromMs, toMs);
    stmt->bind(4, function);
    // Min-heap of the best `limit` so far; a record is decoded only when it enters.
    // Ties: the earlier start minute, then the lower invocation id (see topFromTops).
    using Key = std::tuple<double, qint64, qint64>; // value, -start minute, -invocation id
    using Entry = std::pair<Key, InvocationRecord>;
    auto worse = [](const Entry &a, const Entry &b) { return a.first > b.first; };
    std::priority_queue<Entry, std::vector<Entry>, decltype(worse)> best(worse);
    auto st = forEachBlock(*stmt, [&](const BlockReader &block) {
        for (int i = 0; i < block.size(); ++i) {
            const qint64 start = block.startMs(i);
            if (start < fromMs || start >= toMs)
                continue;
            const Key key(rankValue(block, i, by), -(start / 60000), -block.invocationId(i));
            if (int(best.size()) < limit) {
                best.emplace(key, block.record(i));
            } else if (limit > 0 && key > best.top().first) {
                best.pop();
                best.emplace(key, block.record(i));
            }
        }
        return true;
    });
    if (!st)
        return st.error();
    QList<InvocationRecord> out;
    out.reserve(qsizetype(best.size()));
    while (!best.empty()) {
        out.prepend(best.top().second);
        best.pop();
    }
    return out;
}

// Invocations by invocation id (blocks.h), in the order given; ids whose block is gone
// are skipped.
Result<QList<InvocationRecord>> invocationsById(Connection &conn, const QList<qint64> &ids)
{
    auto stmt = conn.prepare("SELECT id, function, data FROM invocation_blocks WHERE id = ?1");
    if (!stmt)
        return stmt.error();
    std::map<qint64, std::optional<BlockReader>> blocks;
    QList<InvocationRecord> out;
    for (qint64 id : ids) {
        const qint64 blockId = id / kBlockIdSlots;
        const int slot = int(id % kBlockIdSlots);
        auto it = blocks.find(blockId);
        if (it == blocks.end()) {
            std::optional<BlockReader> reader;
            stmt->bind(1, blockId);
            auto st = forEachBlock(*stmt, [&](const BlockReader &b) {
                reader = b;
                return false;
            });
            stmt->reset();
            if (!st)
                return st.error();
            it = blocks.emplace(blockId, std::move(reader)).first;
        }
        if (it->second && slot < it->second->size())
            out.append(it->second->record(slot));
    }
    return out;
}

// A function's top N over the whole minutes [firstMinute, endMinute), from the per-minute
// tops (see tops.h). Across most of the function's history, walking the value index
// finds them soonest; for a narrow range, reading its minutes and sorting is cheaper.
// SQLite's planner cannot know which, so the query says.
Result<QList<InvocationRecord>> topFromTops(Connection &conn, const QString &function, qint64 firstMinute,
                                            qint64 endMinute, RankBy by, int limit)
{
    // The function's first and last starts, near enough to choose a plan: the first
    // block by last start holds its first start within kMaxBlockSpanMs.
    auto span = conn.prepare("SELECT (SELECT first_start_ms FROM invocation_blocks WHERE function = ?1 "
                             "ORDER BY last_start_ms LIMIT 1), "
                             "(SELECT max(last_start_ms) FROM invocation_blocks WHERE function = ?1)");
    if (!span)
        return span.error();
    span->bind(1, function);
    auto row = span->step();
    if (!row)
        return row.error();
    if (!*row || span->isNull(0))
        return QList<InvocationRecord>();
    const qint64 first = span->int64(0) / 60000;
    const qint64 last = span->int64(1) / 60000;
    span->reset();
    const double covered = double(std::max<qint64>(0, std::min(endMinute, last + 1) - std::max(firstMinute, first)))
        / double(std::max<qint64>(1, last - first + 1));
    // The join keeps tops whose block was pruned out of the LIMIT; the filter below keeps
    // an id from answering for another function or time.
    QByteArray sql = "SELECT t.invocation_id, t.value FROM invocation_tops t ";
    sql += covered >= 0.1 ? "INDEXED BY invocation_tops_value" : "";
    sql += " JOIN invocation_blocks b ON b.id = t.invocation_id / " + QByteArray::number(kBlockIdSlots)
        + " AND b.function = t.function WHERE ";
    sql += covered >= 0.1 ? "t.function = ?3" : "+t.function = ?3"; // else the minute range of the primary key
    sql += " AND t.rank_by = ?5 AND t.minute >= ?1 AND t.minute < ?2";
    auto stmt = conn.prepare(sql + " ORDER BY t.value DESC LIMIT ?4");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, firstMinute).bind(2, endMinute).bind(3, function).bind(4, limit).bind(5, int(by));
    using Row = std::pair<double, qint64>; // value, invocation id
    auto rows = collectRows<Row>(*stmt, [](const Statement &s) { return Row{s.real(1), s.int64(0)}; });
    if (!rows)
        return rows.error();
    // Ties rank the earlier start minute first, then the lower invocation id, here, in
    // topByScan, sortTop and the tops tracker alike. The walk above stops at the limit
    // in index order, which among equal values is by minute and id only in the last
    // step; so the rows tied with the last value are read again in that order, which is
    // the index's own past the value (no sort; "value DESC, minute, invocation_id" in
    // one query made SQLite sort the whole range: 0.14 -> 4.6 ms).
    if (!rows->isEmpty() && rows->size() == limit) {
        const double last = rows->last().first;
        auto tied = conn.prepare(sql + " AND t.value = ?6 ORDER BY t.minute, t.invocation_id LIMIT ?4");
        if (!tied)
            return tied.error();
        tied->bind(1, firstMinute).bind(2, endMinute).bind(3, function).bind(4, limit).bind(5, int(by)).bind(6, last);
        auto ties = collectRows<Row>(*tied, [](const Statement &s) { return Row{s.real(1), s.int64(0)}; });
        if (!ties)
            return ties.error();
        rows->removeIf([last](const Row &r) { return r.first == last; });
        for (const Row &r : std::as_const(*ties)) {
            if (rows->size() == limit)
                break;
            rows->append(r);
        }
    }
    QList<qint64> ids;
    ids.reserve(rows->size());
    for (const Row &r : std::as_const(*rows))
        ids.append(r.second);
    auto records = invocationsById(conn, ids);
    if (!records)
        return records;
    records->removeIf([&](const InvocationRecord &r) {
        return r.function != function || r.startMs < firstMinute * 60000 || r.startMs >= endMinute * 60000;
    });
    return records;
}

void sortTop(QList<InvocationRecord> &records, RankBy by, int limit)
{
    // Ties: the earlier start minute; within a minute the parts come in id order already.
    std::stable_sort(records.begin(), records.end(), [by](const InvocationRecord &a, const InvocationRecord &b) {
        const double va = by == RankBy::Duration ? a.durationMs : a.costUsd;
        const double vb = by == RankBy::Duration ? b.durationMs : b.costUsd;
        return va > vb || (va == vb && a.startMs / 60000 < b.startMs / 60000);
    });
    if (records.size() > limit)
        records.resize(limit);
}

Result<QList<InvocationRecord>> topOfFunction(Connection &conn, const QString &function, qint64 fromMs, qint64 toMs,
                                              RankBy by, int limit)
{
    const qint64 firstMinute = fromMs / 60000 + (fromMs % 60000 != 0 ? 1 : 0);
    const qint64 endMinute = toMs / 60000;
    if (limit > kTopsPerMinute || firstMinute >= endMinute)
        return topByScan(conn, function, fromMs, toMs, by, limit);
    auto top = topFromTops(conn, function, firstMinute, endMinute, by, limit);
    if (!top)
        return top;
    for (const auto &[from, to] : {std::pair(fromMs, firstMinute * 60000), std::pair(endMinute * 60000, toMs)}) {
        if (from >= to)
            continue;
        auto edge = topByScan(conn, function, from, to, by, limit);
        if (!edge)
            return edge;
        top->append(*edge);
    }
    sortTop(*top, by, limit);
    return top;
}

} // namespace

Result<QList<InvocationRecord>> topInvocations(Connection &conn, const QString &function, qint64 fromMs, qint64 toMs,
                                               RankBy by, int limit)
{
    if (!function.isEmpty())
        return topOfFunction(conn, function, fromMs, toMs, by, limit);
    // All functions: the functions active in the range (from the minute rollups), each
    // function's top N, merged.
    auto names = conn.prepare("SELECT DISTINCT function FROM rollups_1m WHERE ts >= ?1 AND ts < ?2");
    if (!names)
        return names.error();
    names->bind(1, fromMs / 60000 * 60).bind(2, (toMs + 999) / 1000);
    QList<InvocationRecord> all;
    for (;;) {
        auto row = names->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        auto top = topOfFunction(conn, names->text(0), fromMs, toMs, by, limit);
        if (!top)
            return top.error();
        all.append(*top);
    }
    sortTop(all, by, limit);
    return all;
}

Result<QList<InvocationRecord>> recentInvocations(Connection &conn, const QString &function, qint64 fromMs,
                                                  qint64 toMs, int limit)
{
    auto stmt = conn.prepare(blocksInRange(!function.isEmpty(), ", last_start_ms") + " ORDER BY last_start_ms DESC");
    if (!stmt)
        return stmt.error();
    bindRange(*stmt, fromMs, toMs);
    if (!function.isEmpty())
        stmt->bind(4, function);
    struct Candidate
    {
        qint64 start;
        qint64 id;
        BlockReader const *block;
        int slot;
    };
    auto newer = [](const Candidate &a, const Candidate &b) { return a.start != b.start ? a.start > b.start : a.id > b.id; };
    std::vector<std::unique_ptr<BlockReader>> kept;
    std::vector<Candidate> best;
    qint64 threshold = std::numeric_limits<qint64>::min(); // the limit-th newest start so far
    auto st = forEachBlock(*stmt, [&](const BlockReader &block) {
        if (limit <= 0 || (int(best.size()) >= limit && stmt->int64(3) < threshold))
            return false; // blocks come newest last start first: none of the rest can enter
        kept.push_back(std::make_unique<BlockReader>(block));
        for (int i = 0; i < block.size(); ++i) {
            const qint64 start = block.startMs(i);
            if (start >= fromMs && start < toMs)
                best.push_back({start, block.invocationId(i), kept.back().get(), i});
        }
        if (int(best.size()) > limit) {
            std::nth_element(best.begin(), best.begin() + (limit - 1), best.end(), newer);
            best.resize(size_t(limit));
        }
        if (int(best.size()) >= limit)
            threshold = std::min_element(best.begin(), best.end(), [](const Candidate &a, const Candidate &b) {
                            return a.start < b.start;
                        })->start;
        return true;
    });
    if (!st)
        return st.error();
    std::sort(best.begin(), best.end(), newer);
    QList<InvocationRecord> out;
    out.reserve(qsizetype(best.size()));
    for (const Candidate &c : best)
        out.append(c.block->record(c.slot));
    return out;
}

Result<std::optional<InvocationRecord>> invocationByRequestId(Connection &conn, const QString &requestId)
{
    auto rows = invocationsWithRequestId(conn, requestId);
    if (!rows)
        return rows.error();
    if (rows->isEmpty())
        return std::optional<InvocationRecord>();
    return std::optional<InvocationRecord>(rows->last());
}

Result<QList<LogLine>> logLinesOf(Connection &conn, const QString &requestId)
{
    auto window = requestWindow(conn, requestId);
    if (!window)
        return window.error();
    if (!window->found) { // not finished yet, or pruned: look through the last hour
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        window->fromMs = now - 3600 * 1000;
        window->toMs = now + 60 * 1000;
    }
    QByteArray sql = "SELECT ts_ms, request_id, function, environment_id, text FROM log_lines "
                     "WHERE ts_ms >= ?2 AND ts_ms < ?3 AND request_id = ?1";
    if (!window->function.isEmpty())
        sql += " AND function = ?4";
    sql += " ORDER BY id";
    auto stmt = conn.prepare(sql);
    if (!stmt)
        return stmt.error();
    stmt->bind(1, requestId).bind(2, window->fromMs).bind(3, window->toMs);
    if (!window->function.isEmpty())
        stmt->bind(4, window->function);
    auto stored = collectLines(*stmt);
    if (!stored)
        return stored.error();
    return withFraming(std::move(*stored), window->invocations, std::numeric_limits<qint64>::min(),
                       std::numeric_limits<qint64>::max(), false, std::numeric_limits<int>::max());
}

Result<QList<LogLine>> searchLogs(Connection &conn, const LogSearch &searchIn)
{
    LogSearch search = searchIn;
    QList<InvocationRecord> framed;    // whose START / END / REPORT may belong in the answer
    if (!search.requestId.isEmpty()) { // narrow to the request's window (see requestWindow)
        auto window = requestWindow(conn, search.requestId);
        if (!window)
            return window.error();
        framed = window->invocations;
        if (window->found) {
            search.fromMs = std::max(search.fromMs, window->fromMs);
            search.toMs = search.toMs > 0 ? std::min(search.toMs, window->toMs) : window->toMs;
            if (search.function.isEmpty())
                search.function = window->function;
        }
    }
    const QString text = search.text.trimmed();
    const bool fts = !text.isEmpty() && hasLogFts(conn);
    const QString match = fts ? ftsQuery(search.text) : QString();
    QByteArray sql = "SELECT l.ts_ms, l.request_id, l.function, l.environment_id, l.text FROM ";
    sql += fts ? "log_fts JOIN log_lines l ON l.id = log_fts.rowid WHERE log_fts MATCH ?1 AND " : "log_lines l WHERE ";
    sql += "l.ts_ms >= ?2 AND l.ts_ms < ?3";
    if (!text.isEmpty() && !fts)
        sql += " AND l.text LIKE ?1 ESCAPE '\\'";
    if (!search.function.isEmpty())
        sql += " AND l.function = ?4";
    if (!search.requestId.isEmpty())
        sql += " AND l.request_id = ?5";
    sql += " ORDER BY l.ts_ms DESC, l.id DESC LIMIT ?6";
    auto stmt = conn.prepare(sql);
    if (!stmt)
        return stmt.error();
    if (!text.isEmpty())
        stmt->bind(1, fts ? match : likeEscaped(text));
    stmt->bind(2, search.fromMs).bind(3, search.toMs > 0 ? search.toMs : std::numeric_limits<qint64>::max());
    if (!search.function.isEmpty())
        stmt->bind(4, search.function);
    if (!search.requestId.isEmpty())
        stmt->bind(5, search.requestId);
    stmt->bind(6, search.limit);
    auto stored = collectLines(*stmt);
    if (!stored)
        return stored.error();
    const qint64 toMs = search.toMs > 0 ? search.toMs : std::numeric_limits<qint64>::max();
    if (search.requestId.isEmpty() && text.isEmpty()) {
        // Framing lines of the newest `limit` invocations that started in the range, or
        // early enough before it for their END / REPORT to fall in it.
        auto recent = recentInvocations(conn, search.function, search.fromMs - kFramingLookbackMs, toMs, search.limit);
        if (!recent)
            return recent.error();
        framed = std::move(*recent);
    }
    return withFraming(std::move(*stored), framed, search.fromMs, toMs, true, search.limit, text);
}

Result<QList<FunctionTotals>> functionTotals(Connection &conn, qint64 sinceMs)
{
    auto stmt = conn.prepare("SELECT function, total(count), total(errors + timeouts + ooms + crashes), "
                             "total(throttles), total(cost_usd), max(ts) FROM rollups_1m WHERE ts >= ?1 "
                             "GROUP BY function ORDER BY function");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, sinceMs / 1000 / 60 * 60);
    auto last = conn.prepare("SELECT max(last_start_ms) FROM invocation_blocks WHERE function = ?1");
    if (!last)
        return last.error();
    QList<FunctionTotals> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        FunctionTotals t;
        t.function = stmt->text(0);
        t.invocations = qint64(stmt->real(1));
        t.errors = qint64(stmt->real(2));
        t.throttles = qint64(stmt->real(3));
        t.costUsd = stmt->real(4);
        t.lastInvokedMs = stmt->int64(5) * 1000;
        last->bind(1, t.function);
        if (auto r = last->step(); r && *r && !last->isNull(0))
            t.lastInvokedMs = std::max(t.lastInvokedMs, last->int64(0));
        last->reset();
        out.append(t);
    }
    return out;
}

} // namespace funcdesk::store
