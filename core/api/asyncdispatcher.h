#pragma once
// Runs Event invocations from the store's async_events table with Lambda's policy:
// - throttled: back to the queue with exponential backoff, until the maximum event age;
// - function error: retried maximumRetryAttempts times (delays 60 s, then 120 s by default);
// - finished: on-success / on-failure destinations get Lambda's invocation record
//   ({version "1.0", timestamp, requestContext, requestPayload, responseContext,
//   responsePayload}) as an Event invocation of another function; failures always land on
//   the dead-letter list ("dead" rows) the GUI shows;
// - events left running when the app stopped are resumed at start().
// Retries keep the request id, as Lambda's do. Invocation records carry the trigger the
// event was enqueued with (Async, or Schedule for the ScheduleRunner's events), kept in
// the queue row, so an event resumed after a restart still records it.
//
// Threading: lives on the API thread with the FunctionCatalog; uses that thread's own
// SQLite connection. Engine answers hop back to it.

#include "api/apiserver.h"
#include "common/result.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>

namespace funcdesk::store {
struct AsyncEvent;
}

namespace funcdesk::api {

class AnswerInbox;
class FunctionCatalog;

struct AsyncDispatcherOptions
{
    QList<int> retryDelaysMs{60'000, 120'000}; // after the 1st and 2nd function error
    int throttleBackoffMinMs = 1'000;
    int throttleBackoffMaxMs = 300'000;
    int pollIntervalMs = 1'000; // safety net; enqueue() wakes at once
    int maxInFlight = 64;
};

class AsyncDispatcher : public QObject
{
    Q_OBJECT
public:
    AsyncDispatcher(FunctionCatalog *catalog, QString databasePath, AsyncDispatcherOptions options = {},
                    QObject *parent = nullptr);
    ~AsyncDispatcher() override;

    // Resumes events left running by a previous run, then starts dispatching.
    Status start();
    void stop();
    // Persists one Event invocation (before the caller answers 202) and wakes the loop.
    Status enqueue(const AsyncInvocation &invocation);
    int inFlight() const { return m_inFlight; }
    // Retry delays for one function instead of the options' (empty: the options' again).
    void setRetryDelays(const QString &function, const QList<int> &delaysMs);

    // Lambda's invocation record for destinations.
    static QByteArray invocationRecord(const QString &requestId, const QString &function, const QString &executedVersion,
                                       const QString &condition, int approximateInvokeCount,
                                       const QByteArray &requestPayload, const QByteArray &responsePayload,
                                       bool functionError);

Q_SIGNALS:
    // status: "done" or "dead"; condition: "Success", "RetriesExhausted", "EventAgeExceeded", ...
    void eventFinished(const QString &requestId, const QString &function, const QString &status, const QString &condition);
    void eventRetried(const QString &requestId, const QString &function, const QString &reason, qint64 nextAttemptMs);

private:
    void poll();
    void scheduleNext();
    void dispatch(const store::AsyncEvent &event);
    void finish(const store::AsyncEvent &event, bool success, const QString &condition, const QString &executedVersion,
                const QByteArray &response, bool functionError);
    void sendToDestination(const QString &destination, const QByteArray &record);

    FunctionCatalog *m_catalog;
    QString m_databasePath;
    AsyncDispatcherOptions m_options;
    QTimer m_timer;
    bool m_running = false;
    int m_inFlight = 0;
    QList<int> retryDelays(const QString &function) const;

    QHash<qint64, int> m_throttles;       // per event: attempts that were throttles (not function errors)
    std::shared_ptr<AnswerInbox> m_inbox; // engine answers -> this thread
    QHash<QString, QList<int>> m_retryDelays; // per function, set by experiments
};

} // namespace funcdesk::api
