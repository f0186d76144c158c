#include "store/traces.h"

#include <QSet>

namespace funcdesk::store {

namespace {

constexpr const char *kSpanColumns = "span_id, trace_id, parent_span_id, request_id, function, version, trigger, "
                                     "start_ms, duration_ms, init_ms, status, error_type, error_message";

Span spanFromRow(const Statement &s)
{
    Span sp;
    sp.spanId = s.text(0);
    sp.traceId = s.text(1);
    sp.parentSpanId = s.text(2);
    sp.requestId = s.text(3);
    sp.function = s.text(4);
    sp.version = s.text(5);
    sp.trigger = triggerFromName(s.text(6));
    sp.startMs = s.int64(7);
    sp.durationMs = s.real(8);
    sp.initMs = s.real(9);
    sp.status = statusFromName(s.text(10));
    sp.errorType = s.text(11);
    sp.errorMessage = s.text(12);
    return sp;
}

} // namespace

TraceWriter::TraceWriter() = default;
TraceWriter::~TraceWriter() = default;
TraceWriter::TraceWriter(TraceWriter &&) noexcept = default;
TraceWriter &TraceWriter::operator=(TraceWriter &&) noexcept = default;

Status TraceWriter::write(Connection &conn, const std::vector<InvocationRecord> &records)
{
    for (const InvocationRecord &r : records) {
        if (!r.traced() || r.spanId.isEmpty())
            continue;
        if (!m_insert) {
            auto stmt = conn.prepare("INSERT OR REPLACE INTO trace_spans(span_id, trace_id, parent_span_id, request_id, "
                                     "function, version, trigger, start_ms, duration_ms, init_ms, status, error_type, "
                                     "error_message) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)");
            if (!stmt)
                return stmt.error();
            m_insert = std::make_unique<Statement>(std::move(*stmt));
        }
        Statement &s = *m_insert;
        s.bind(1, r.spanId).bind(2, r.traceId).bind(3, r.parentSpanId.isEmpty() ? QString() : r.parentSpanId);
        s.bind(4, r.requestId).bind(5, r.function).bind(6, r.version).bind(7, triggerName(r.trigger));
        s.bind(8, r.startMs).bind(9, r.durationMs).bind(10, r.initDurationMs).bind(11, statusName(r.status));
        s.bind(12, r.errorType.isEmpty() ? QString() : r.errorType);
        s.bind(13, r.errorMessage.isEmpty() ? QString() : r.errorMessage);
        if (auto st = s.run(); !st)
            return st;
    }
    return {};
}

Result<QList<Span>> traceSpans(Connection &conn, const QString &traceId)
{
    auto stmt = conn.prepare(QByteArray("SELECT ") + kSpanColumns + " FROM trace_spans WHERE trace_id = ?1 ORDER BY start_ms, span_id");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, traceId);
    return collectRows<Span>(*stmt, spanFromRow);
}

Result<QList<TraceSummary>> recentTraces(Connection &conn, qint64 sinceMs, int limit, const QString &function)
{
    // The traces first (by their newest span), then each one's spans summed up here: a
    // trace has a handful of spans, and the list is at most `limit` long.
    QByteArray sql = "SELECT trace_id, max(start_ms) AS last FROM trace_spans WHERE start_ms >= ?1 ";
    if (!function.isEmpty())
        sql += "AND trace_id IN (SELECT trace_id FROM trace_spans WHERE function = ?3 AND start_ms >= ?1) ";
    sql += "GROUP BY trace_id ORDER BY last DESC LIMIT ?2";
    auto ids = conn.prepare(sql);
    if (!ids)
        return ids.error();
    ids->bind(1, sinceMs).bind(2, limit);
    if (!function.isEmpty())
        ids->bind(3, function);
    QStringList traceIds;
    for (;;) {
        auto row = ids->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        traceIds.append(ids->text(0));
    }
    QList<TraceSummary> out;
    for (const QString &id : traceIds) {
        auto spans = traceSpans(conn, id);
        if (!spans)
            return spans.error();
        if (spans->isEmpty())
            continue;
        TraceSummary t;
        t.traceId = id;
        t.spans = int(spans->size());
        QSet<QString> ids;
        QSet<QString> functions;
        double first = spans->first().beginMs();
        double last = first;
        for (const Span &s : *spans)
            ids.insert(s.spanId);
        for (const Span &s : *spans) {
            functions.insert(s.function);
            first = std::min(first, s.beginMs());
            last = std::max(last, s.endMs());
            t.errors += s.failed() ? 1 : 0;
            t.stopped = t.stopped || s.errorType == QLatin1String("RecursiveInvocationException");
            if (t.rootFunction.isEmpty() && (s.parentSpanId.isEmpty() || !ids.contains(s.parentSpanId)))
                t.rootFunction = s.function;
        }
        t.startMs = qint64(first);
        t.durationMs = last - first;
        t.functions = int(functions.size());
        out.append(t);
    }
    return out;
}

Result<QString> traceOfRequest(Connection &conn, const QString &requestId)
{
    auto stmt = conn.prepare("SELECT trace_id FROM trace_spans WHERE request_id = ?1 LIMIT 1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, requestId);
    auto row = stmt->step();
    if (!row)
        return row.error();
    return *row ? stmt->text(0) : QString();
}

Result<qint64> pruneSpans(Connection &conn, qint64 beforeMs)
{
    auto stmt = conn.prepare("DELETE FROM trace_spans WHERE start_ms < ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, beforeMs);
    if (auto s = stmt->run(); !s)
        return s.error();
    return qint64(conn.changes());
}

} // namespace funcdesk::store
