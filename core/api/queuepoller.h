#pragma once
// Event source mappings for the local queues: Lambda's API for them
// (Create/List/Get/Update/DeleteEventSourceMapping under /2015-03-31/event-source-mappings/)
// and the poller that runs them the way Lambda's SQS poller does:
//   - receives batches of up to BatchSize messages, hidden for the queue's visibility
//     timeout, waiting up to MaximumBatchingWindowInSeconds for a full batch;
//   - invokes the function with Lambda's SQS event ({"Records":[{messageId, receiptHandle,
//     body, attributes, messageAttributes, md5OfBody, eventSource "aws:sqs",
//     eventSourceARN, awsRegion}]}), trigger "queue";
//   - deletes the batch when the function succeeds; with ReportBatchItemFailures only the
//     messages not named in the response's batchItemFailures (a malformed response fails
//     the whole batch, as on Lambda); failed messages come back after the visibility
//     timeout, and the queue's redrive policy moves them to its dead-letter queue after
//     maxReceiveCount receives;
//   - concurrent batches per mapping: 5 while messages arrive, then up to 300 more per
//     minute while a backlog remains, at most 1,000, and never more than
//     ScalingConfig.MaximumConcurrency or the function's reserved concurrency; a throttle
//     halts the mapping for a second and starts the ramp again.
// Mappings persist in SQLite (store/queues.h).
//
// Threading: lives on the API thread with the FunctionCatalog and SqsApi; uses that
// thread's SQLite connection. Engine answers hop back to it.

#include "api/httpserver.h"
#include "common/result.h"
#include "store/queues.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>

namespace funcdesk::engine {
struct InvokeResult;
}

namespace funcdesk::api {

class AnswerInbox;
class FunctionCatalog;

struct QueuePollerOptions
{
    int pollIntervalMs = 200;  // safety net: wake() answers sends at once
    int initialBatches = 5;    // concurrent batches when messages first arrive
    int rampPerMinute = 300;   // more concurrent batches per minute while a backlog remains
    int maxBatches = 1000;     // per mapping
    int throttleBackoffMs = 1000;
};

class QueuePoller : public QObject
{
    Q_OBJECT
public:
    QueuePoller(FunctionCatalog *catalog, QString databasePath, QueuePollerOptions options = {}, QObject *parent = nullptr);
    ~QueuePoller() override;

    Status start(); // loads the mappings and starts polling
    void stop();
    // Lambda's event source mapping API; false: not such a request.
    bool handle(const HttpRequest &request, HttpResponder &responder);
    int inFlightBatches(const QString &uuid) const;

Q_SIGNALS:
    // A batch finished: how many messages it had, how many were deleted.
    void batchFinished(const QString &uuid, int messages, int deleted);
    void mappingsChanged();

public Q_SLOTS:
    // Messages arrived in `queue`: its mappings poll now.
    void wake(const QString &queue);

private:
    struct State
    {
        store::EventSourceMapping mapping;
        int inFlight = 0;
        qint64 windowStartMs = 0; // first time a partial batch was seen waiting (batching window)
        qint64 rampStartMs = 0;   // when the current backlog began (0: none)
        qint64 backoffUntilMs = 0;
        QString lastResult;
        bool deleted = false; // gone from the store; kept until its batches finish
    };

    void reload();
    void pollAll();
    void poll(State &state);
    int concurrencyLimit(const State &state, qint64 now) const;
    bool invokeBatch(State &state, const QList<store::QueueMessage> &messages); // false: could not invoke
    void finishBatch(const QString &uuid, const QList<store::QueueMessage> &messages, const engine::InvokeResult &result);
    void setResult(State &state, const QString &result);

    // The API (queuepoller_api.cpp).
    WireResponse createMapping(const HttpRequest &request);
    WireResponse updateMapping(const HttpRequest &request, const QString &uuid);
    WireResponse listMappings(const HttpRequest &request);
    QJsonObject mappingJson(const store::EventSourceMapping &m, const QString &state = {}) const;
    Status validate(store::EventSourceMapping &m, const QString &queueArn) const;

    FunctionCatalog *m_catalog;
    QString m_databasePath;
    QueuePollerOptions m_options;
    QHash<QString, State> m_states; // by uuid
    QTimer m_timer;
    bool m_running = false;
    std::shared_ptr<AnswerInbox> m_inbox;
};

// Lambda's SQS event for a batch of messages of `queue`.
QByteArray sqsEvent(const QString &queue, const QList<store::QueueMessage> &messages);
// Which messages a function's response reports as failed (ReportBatchItemFailures): their
// ids, or an error when the response is not a valid partial batch response (then the
// whole batch failed). An empty or null response, or an empty list: none failed.
Result<QStringList> batchItemFailures(const QByteArray &response, const QList<store::QueueMessage> &messages);

} // namespace funcdesk::api
