#include "store/asyncevents.h"

#include "store/sqlite.h"

#include <QDateTime>

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

namespace funcdesk::store {

namespace {

constexpr std::array<std::pair<AsyncEventStatus, const char *>, 4> kNames{{
    {AsyncEventStatus::Pending, "pending"},
    {AsyncEventStatus::Running, "running"},
    {AsyncEventStatus::Done, "done"},
    {AsyncEventStatus::Dead, "dead"},
}};

AsyncEventStatus statusFrom(const QString &name)
{
    for (const auto &[value, n] : kNames)
        if (name == QLatin1String(n))
            return value;
    return AsyncEventStatus::Pending;
}

constexpr const char *kColumns = "id, request_id, function, qualifier, payload, attempts, next_attempt_ms, status, "
                                 "first_received_ms, updated_ms, last_error, trigger, trace_header";

AsyncEvent fromRow(const Statement &s)
{
    AsyncEvent e;
    e.id = s.int64(0);
    e.requestId = s.text(1);
    e.function = s.text(2);
    e.qualifier = s.text(3);
    e.payload = s.blob(4);
    if (e.payload.isNull())
        e.payload = QByteArray("");
    e.attempts = int(s.int64(5));
    e.nextAttemptMs = s.int64(6);
    e.status = statusFrom(s.text(7));
    e.firstReceivedMs = s.int64(8);
    e.updatedMs = s.int64(9);
    e.lastError = s.text(10);
    e.trigger = triggerFromName(s.text(11));
    e.traceHeader = s.text(12).toLatin1();
    return e;
}

Result<QList<AsyncEvent>> collect(Statement &stmt)
{
    return collectRows<AsyncEvent>(stmt, fromRow);
}

qint64 now() { return QDateTime::currentMSecsSinceEpoch(); }

// Binds ?1 id, ?2 now, ?3 error, ?4 next attempt; parameters a statement lacks are ignored.
Status update(Connection &conn, const char *sql, qint64 id, const QString &error = {}, qint64 next = 0)
{
    auto stmt = conn.prepare(sql);
    if (!stmt)
        return stmt.error();
    stmt->bind(1, id).bind(2, now()).bind(3, error).bind(4, next);
    if (auto s = stmt->run(); !s)
        return s;
    if (conn.changes() == 0)
        return makeError(errc::StoreError, QStringLiteral("no async event %1").arg(id));
    return {};
}

} // namespace

QString asyncEventStatusName(AsyncEventStatus s)
{
    for (const auto &[value, n] : kNames)
        if (value == s)
            return QLatin1String(n);
    return {};
}

Result<qint64> insertAsyncEvent(Connection &conn, const AsyncEvent &e)
{
    auto stmt = conn.prepare("INSERT INTO async_events(request_id, function, qualifier, payload, attempts, "
                             "next_attempt_ms, status, first_received_ms, updated_ms, trigger, trace_header) "
                             "VALUES (?1,?2,?3,?4,?5,?6,'pending',?7,?8,?9,?10)");
    if (!stmt)
        return stmt.error();
    const qint64 t = now();
    const qint64 received = e.firstReceivedMs > 0 ? e.firstReceivedMs : t;
    stmt->bind(1, e.requestId).bind(2, e.function).bind(3, e.qualifier);
    stmt->bind(4, e.payload.isNull() ? QByteArray("") : e.payload).bind(5, e.attempts);
    stmt->bind(6, e.nextAttemptMs > 0 ? e.nextAttemptMs : received).bind(7, received).bind(8, t);
    stmt->bind(9, triggerName(e.trigger));
    if (e.traceHeader.isEmpty())
        stmt->bindNull(10);
    else
        stmt->bind(10, QString::fromLatin1(e.traceHeader));
    if (auto s = stmt->run(); !s)
        return s.error();
    return conn.lastInsertRowId();
}

Result<QList<AsyncEvent>> claimDueAsyncEvents(Connection &conn, qint64 nowMs, int limit)
{
    auto stmt = conn.prepare(QByteArray("UPDATE async_events SET status='running', attempts=attempts+1, updated_ms=?1 "
                                        "WHERE id IN (SELECT id FROM async_events WHERE status='pending' AND "
                                        "next_attempt_ms <= ?1 ORDER BY next_attempt_ms, id LIMIT ?2) RETURNING ")
                             + kColumns);
    if (!stmt)
        return stmt.error();
    stmt->bind(1, nowMs).bind(2, limit);
    auto rows = collect(*stmt);
    if (rows)
        std::sort(rows->begin(), rows->end(), [](const AsyncEvent &a, const AsyncEvent &b) {
            return std::tie(a.nextAttemptMs, a.id) < std::tie(b.nextAttemptMs, b.id);
        });
    return rows;
}

Status markAsyncEventDone(Connection &conn, qint64 id)
{
    return update(conn, "UPDATE async_events SET status='done', updated_ms=?2 WHERE id=?1", id);
}

Status retryAsyncEvent(Connection &conn, qint64 id, const QString &error, qint64 nextAttemptMs)
{
    return update(conn, "UPDATE async_events SET status='pending', updated_ms=?2, last_error=?3, next_attempt_ms=?4 "
                        "WHERE id=?1",
                  id, error, nextAttemptMs);
}

Status deadLetterAsyncEvent(Connection &conn, qint64 id, const QString &error)
{
    return update(conn, "UPDATE async_events SET status='dead', updated_ms=?2, last_error=?3 WHERE id=?1", id,
                  error);
}

Result<int> requeueRunningAsyncEvents(Connection &conn)
{
    auto stmt = conn.prepare("UPDATE async_events SET status='pending', next_attempt_ms=?1, updated_ms=?1 "
                             "WHERE status='running'");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, now());
    if (auto s = stmt->run(); !s)
        return s.error();
    return conn.changes();
}

Result<QList<AsyncEvent>> listPendingAsyncEvents(Connection &conn, int limit)
{
    auto stmt = conn.prepare(QByteArray("SELECT ") + kColumns
                             + " FROM async_events WHERE status IN ('pending','running') ORDER BY next_attempt_ms, id "
                               "LIMIT ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, limit);
    return collect(*stmt);
}

Result<QList<AsyncEvent>> listDeadLetterAsyncEvents(Connection &conn, const QString &function, int limit)
{
    QByteArray sql = QByteArray("SELECT ") + kColumns + " FROM async_events WHERE status='dead'";
    if (!function.isEmpty())
        sql += " AND function=?2";
    sql += " ORDER BY updated_ms DESC, id DESC LIMIT ?1";
    auto stmt = conn.prepare(sql);
    if (!stmt)
        return stmt.error();
    stmt->bind(1, limit);
    if (!function.isEmpty())
        stmt->bind(2, function);
    return collect(*stmt);
}

Result<qint64> nextAsyncEventDueMs(Connection &conn)
{
    auto v = conn.queryInt("SELECT min(next_attempt_ms) FROM async_events WHERE status='pending'");
    return v;
}

} // namespace funcdesk::store
