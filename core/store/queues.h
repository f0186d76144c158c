#pragma once
// Durable local queues (SQS-like, standard queues): queues, their messages and the event
// source mappings that feed functions from them, in SQLite.
//
// Every call that changes a message commits before it returns, so a message whose send
// returned is on disk: WAL with synchronous=NORMAL survives the process being killed
// (kill -9) at any point; only the machine losing power can cost the last commits.
//
// A message is visible when visible_ms <= now. Receiving one gives it a new receipt handle,
// increments its receive count and hides it until now + the visibility timeout; deleting
// needs the newest receipt handle (an older one succeeds and deletes nothing, as on SQS).
// With a redrive policy, a message received maxReceiveCount times moves to the dead-letter
// queue when it would be received once more (SQS's rule), keeping its id, body, attributes
// and sent time.
//
// Threading: plain functions on a Connection, for the thread that owns it (the API thread
// in the engine; the CLI's or GUI's reader threads for peeks and statistics).

#include "common/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace funcdesk::store {

class Connection;

// SQS's error names, used as Error::type by these functions (api/sqswire.h maps them to
// SQS's wire codes and statuses).
namespace qerr {
inline constexpr QLatin1String QueueDoesNotExist{"QueueDoesNotExist"};
inline constexpr QLatin1String QueueNameExists{"QueueNameExists"};
inline constexpr QLatin1String ReceiptHandleIsInvalid{"ReceiptHandleIsInvalid"};
inline constexpr QLatin1String MessageNotInflight{"MessageNotInflight"};
inline constexpr QLatin1String InvalidParameterValue{"InvalidParameterValue"};
inline constexpr QLatin1String InvalidAttributeValue{"InvalidAttributeValue"};
} // namespace qerr

struct QueueAttributes
{
    int visibilityTimeoutS = 30;    // 0 .. 43200
    int delaySeconds = 0;           // 0 .. 900
    int messageRetentionS = 345600; // 60 .. 1209600 (4 days by default)
    int maximumMessageSize = 262144;
    int receiveWaitTimeS = 0; // 0 .. 20: default long-poll wait
    QString deadLetterQueue;  // name of the redrive target; empty: no redrive policy
    int maxReceiveCount = 0;
    bool operator==(const QueueAttributes &) const = default;
};

struct QueueInfo
{
    QString name;
    qint64 createdMs = 0;
    qint64 modifiedMs = 0;
    QueueAttributes attributes;
    // Counters since the queue was created (throughput over time: sample and subtract).
    qint64 sentTotal = 0;
    qint64 receivedTotal = 0;
    qint64 deletedTotal = 0;
};

struct QueueMessage
{
    qint64 id = 0; // row id; ordering
    QString queue;
    QString messageId;
    QByteArray body;
    QJsonObject attributes; // message attributes in SQS's JSON shape: name -> {DataType, StringValue | BinaryValue}
    QString md5OfBody;
    QString md5OfAttributes; // empty without attributes
    QString senderId;
    qint64 sentMs = 0;
    qint64 visibleMs = 0; // when it is (again) receivable
    int receiveCount = 0;
    qint64 firstReceiveMs = 0; // 0: never received
    QString receiptHandle;     // of the newest receive
    QByteArray traceHeader;    // AWSTraceHeader: the trace the message continues (common/trace.h)
};

struct QueueStats
{
    qint64 visible = 0;  // ApproximateNumberOfMessages
    qint64 inFlight = 0; // ...NotVisible: received, not deleted, hidden
    qint64 delayed = 0;  // ...Delayed: sent with a delay not yet over
    qint64 oldestSentMs = 0; // 0: empty queue (ApproximateAgeOfOldestMessage)
};

// Queue names as SQS accepts them: 1..80 of [A-Za-z0-9_-] (".fifo" queues are not supported).
bool isValidQueueName(const QString &name);

// Creates the queue, or returns the existing one when its attributes are the same;
// QueueNameExists when they differ (SQS's rule).
Result<QueueInfo> createQueue(Connection &conn, const QString &name, const QueueAttributes &attributes, qint64 nowMs);
Result<QueueInfo> queueInfo(Connection &conn, const QString &name); // QueueDoesNotExist
Result<QList<QueueInfo>> listQueues(Connection &conn, const QString &prefix = {});
Status deleteQueue(Connection &conn, const QString &name); // and its messages
Status setQueueAttributes(Connection &conn, const QString &name, const QueueAttributes &attributes, qint64 nowMs);

// Stores the messages (one transaction) and fills their id, message id, sent and visible
// times (now + delay). The caller computes the MD5s (the body's when left empty here).
Status sendMessages(Connection &conn, const QString &queue, QList<QueueMessage> &messages, qint64 nowMs);
// Up to `max` visible messages, oldest first, each hidden for `visibilityTimeoutS` with a
// new receipt handle (redrive applied first). One transaction.
Result<QList<QueueMessage>> receiveMessages(Connection &conn, const QString &queue, int max, int visibilityTimeoutS,
                                            qint64 nowMs);
// Deletes the message the handle was given for, when it is still the newest handle.
// ReceiptHandleIsInvalid when the handle is malformed.
Status deleteMessage(Connection &conn, const QString &queue, const QString &receiptHandle);
// Deletes several handles in one transaction; per entry: empty error type or why it failed.
QList<Error> deleteMessages(Connection &conn, const QString &queue, const QStringList &receiptHandles);
// Hides the received message for `timeoutS` from now (0: visible at once).
// MessageNotInflight when it is not (or no longer) in flight with this handle.
Status changeMessageVisibility(Connection &conn, const QString &queue, const QString &receiptHandle, int timeoutS,
                               qint64 nowMs);
Result<int> purgeQueue(Connection &conn, const QString &queue); // how many were removed
Result<QueueStats> queueStats(Connection &conn, const QString &queue, qint64 nowMs);
// The oldest `limit` messages without receiving them (the GUI's peek).
Result<QList<QueueMessage>> peekMessages(Connection &conn, const QString &queue, int limit);
// Moves up to `limit` messages (all: -1) from one queue to another, visible at once with
// their receive count reset: a dead-letter queue's messages back to their source.
Result<int> moveMessages(Connection &conn, const QString &from, const QString &to, int limit, qint64 nowMs);
// Queues whose redrive policy names `deadLetterQueue`.
Result<QStringList> deadLetterSourceQueues(Connection &conn, const QString &deadLetterQueue);
// Whether a message of `queue` is receivable at `nowMs` (a read; long polls look with it).
Result<bool> hasVisibleMessage(Connection &conn, const QString &queue, qint64 nowMs);
// The earliest time after `nowMs` a hidden message of `queue` becomes visible; 0: none.
Result<qint64> nextVisibleMs(Connection &conn, const QString &queue, qint64 nowMs);

// Event source mappings (Lambda's CreateEventSourceMapping for a local queue).
struct EventSourceMapping
{
    QString uuid;
    QString function; // name, optionally with ":qualifier"
    QString queue;
    int batchSize = 10;               // 1 .. 10000
    int maximumBatchingWindowS = 0;   // 0 .. 300
    bool enabled = true;
    bool reportBatchItemFailures = false; // FunctionResponseTypes ["ReportBatchItemFailures"]
    int maximumConcurrency = 0;           // ScalingConfig.MaximumConcurrency; 0: not set
    qint64 createdMs = 0;
    qint64 modifiedMs = 0;
    QString lastProcessingResult = QStringLiteral("No records processed");
};

Status insertEventSourceMapping(Connection &conn, const EventSourceMapping &mapping);
Status updateEventSourceMapping(Connection &conn, const EventSourceMapping &mapping);
Status deleteEventSourceMapping(Connection &conn, const QString &uuid);
Result<EventSourceMapping> eventSourceMapping(Connection &conn, const QString &uuid); // ResourceNotFoundException
// All mappings, or those of one function (name without qualifier) or queue.
Result<QList<EventSourceMapping>> listEventSourceMappings(Connection &conn, const QString &function = {},
                                                          const QString &queue = {});
Status setMappingResult(Connection &conn, const QString &uuid, const QString &result);

// The migration step that creates queues, queue_messages and event_source_mappings.
Status createQueueTables(Connection &conn);

} // namespace funcdesk::store
