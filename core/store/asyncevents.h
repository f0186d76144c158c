#pragma once
// The async invocation queue (Event invocations), persisted before 202 is answered.
// Statuses: pending (waiting for next_attempt_ms), running (claimed by a dispatcher),
// done, dead (out of retries or too old: the dead-letter list the GUI shows).
//
// Threading: functions run on the calling thread with a connection that thread owns
// (the API/dispatcher thread's own connection, not the writer's). claimDue() is atomic
// (one UPDATE ... RETURNING), so two dispatchers never claim the same event.

#include "common/invocationrecord.h"
#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace funcdesk::store {

class Connection;

enum class AsyncEventStatus { Pending,
                              Running,
                              Done,
                              Dead };
QString asyncEventStatusName(AsyncEventStatus s); // "pending", "running", "done", "dead"

struct AsyncEvent
{
    qint64 id = 0; // assigned by insertAsyncEvent
    QString requestId;
    QString function;
    QString qualifier = QStringLiteral("$LATEST");
    QByteArray payload;
    int attempts = 0;         // dispatches so far (claimDue increments it)
    qint64 nextAttemptMs = 0; // 0: due now (firstReceivedMs)
    AsyncEventStatus status = AsyncEventStatus::Pending;
    qint64 firstReceivedMs = 0; // 0: now
    qint64 updatedMs = 0;
    QString lastError;
    TriggerKind trigger = TriggerKind::Async; // what sent it: the Invoke API or a schedule
    QByteArray traceHeader;                   // X-Amzn-Trace-Id it came with (common/trace.h)
};

// Stores a new pending event; returns its id.
Result<qint64> insertAsyncEvent(Connection &conn, const AsyncEvent &event);
// Claims up to `limit` pending events due at `nowMs` (oldest due first): marks them
// running, increments attempts and returns them as updated.
Result<QList<AsyncEvent>> claimDueAsyncEvents(Connection &conn, qint64 nowMs, int limit);
Status markAsyncEventDone(Connection &conn, qint64 id);
// A failed attempt: back to pending at nextAttemptMs with the error recorded.
Status retryAsyncEvent(Connection &conn, qint64 id, const QString &error, qint64 nextAttemptMs);
// Out of retries or too old: moved to the dead-letter list.
Status deadLetterAsyncEvent(Connection &conn, qint64 id, const QString &error);
// After a crash: events left running go back to pending (due now). Returns how many.
Result<int> requeueRunningAsyncEvents(Connection &conn);
Result<QList<AsyncEvent>> listPendingAsyncEvents(Connection &conn, int limit = 1000); // pending + running
Result<QList<AsyncEvent>> listDeadLetterAsyncEvents(Connection &conn, const QString &function = {},
                                                    int limit = 1000);
// Earliest next attempt among pending events, 0 when none (for the dispatcher's timer).
Result<qint64> nextAsyncEventDueMs(Connection &conn);

} // namespace funcdesk::store
