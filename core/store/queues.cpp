#include "store/queues.h"

#include "common/errors.h"
#include "store/sqlite.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUuid>

#include <algorithm>

namespace funcdesk::store {

namespace {

constexpr const char *kQueueColumns = "name, created_ms, modified_ms, visibility_timeout_s, delay_s, retention_s, "
                                      "max_message_bytes, receive_wait_s, dead_letter_queue, max_receive_count, "
                                      "sent_total, received_total, deleted_total";
constexpr const char *kMessageColumns = "id, queue, message_id, body, attributes, md5_body, md5_attributes, sender_id, "
                                        "sent_ms, visible_ms, receive_count, first_receive_ms, receipt_handle, trace_header";

QueueInfo queueFromRow(const Statement &s)
{
    QueueInfo q;
    q.name = s.text(0);
    q.createdMs = s.int64(1);
    q.modifiedMs = s.int64(2);
    q.attributes.visibilityTimeoutS = int(s.int64(3));
    q.attributes.delaySeconds = int(s.int64(4));
    q.attributes.messageRetentionS = int(s.int64(5));
    q.attributes.maximumMessageSize = int(s.int64(6));
    q.attributes.receiveWaitTimeS = int(s.int64(7));
    q.attributes.deadLetterQueue = s.text(8);
    q.attributes.maxReceiveCount = int(s.int64(9));
    q.sentTotal = s.int64(10);
    q.receivedTotal = s.int64(11);
    q.deletedTotal = s.int64(12);
    return q;
}

// The receipt handle a client sees: base64url of "<row id>:<token>"; the row keeps the token.
QString exposedHandle(qint64 id, const QString &token)
{
    if (token.isEmpty())
        return {};
    return QString::fromLatin1(QByteArray(QByteArray::number(id) + ':' + token.toLatin1()).toBase64(QByteArray::Base64UrlEncoding));
}

struct ParsedHandle
{
    qint64 id = 0;
    QString token;
};

Result<ParsedHandle> parseHandle(const QString &handle)
{
    const QByteArray raw = QByteArray::fromBase64(handle.toLatin1(), QByteArray::Base64UrlEncoding);
    const qsizetype colon = raw.indexOf(':');
    bool ok = false;
    const qint64 id = colon > 0 ? raw.left(colon).toLongLong(&ok) : 0;
    const QByteArray token = colon > 0 ? raw.mid(colon + 1) : QByteArray();
    if (!ok || id <= 0 || token.size() != 24) {
        return makeError(qerr::ReceiptHandleIsInvalid,
                         QStringLiteral("The input receipt handle \"%1\" is not a valid receipt handle.").arg(handle));
    }
    return ParsedHandle{id, QString::fromLatin1(token)};
}

QueueMessage messageFromRow(const Statement &s)
{
    QueueMessage m;
    m.id = s.int64(0);
    m.queue = s.text(1);
    m.messageId = s.text(2);
    m.body = s.blob(3);
    if (m.body.isNull())
        m.body = QByteArray("");
    if (!s.isNull(4))
        m.attributes = QJsonDocument::fromJson(s.blob(4)).object();
    m.md5OfBody = s.text(5);
    m.md5OfAttributes = s.text(6);
    m.senderId = s.text(7);
    m.sentMs = s.int64(8);
    m.visibleMs = s.int64(9);
    m.receiveCount = int(s.int64(10));
    m.firstReceiveMs = s.isNull(11) ? 0 : s.int64(11);
    m.receiptHandle = exposedHandle(m.id, s.text(12));
    m.traceHeader = s.text(13).toLatin1();
    return m;
}

Error noQueue(const QString &name)
{
    Q_UNUSED(name);
    return makeError(qerr::QueueDoesNotExist, QStringLiteral("The specified queue does not exist."));
}

Status bindAttributes(Statement &stmt, const QueueAttributes &a, int first)
{
    stmt.bind(first, a.visibilityTimeoutS).bind(first + 1, a.delaySeconds).bind(first + 2, a.messageRetentionS);
    stmt.bind(first + 3, a.maximumMessageSize).bind(first + 4, a.receiveWaitTimeS);
    if (a.deadLetterQueue.isEmpty())
        stmt.bindNull(first + 5);
    else
        stmt.bind(first + 5, a.deadLetterQueue);
    stmt.bind(first + 6, a.maxReceiveCount);
    return {};
}

Status runChanging(Connection &conn, const char *sql, const QString &queue, qint64 value = 0)
{
    auto stmt = conn.prepare(sql);
    if (!stmt)
        return stmt.error();
    stmt->bind(1, queue).bind(2, value);
    return stmt->run();
}

} // namespace

bool isValidQueueName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_-]{1,80}$"));
    return re.match(name).hasMatch();
}

Result<QueueInfo> queueInfo(Connection &conn, const QString &name)
{
    auto stmt = conn.prepare(QByteArray("SELECT ") + kQueueColumns + " FROM queues WHERE name = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, name);
    auto rows = collectRows<QueueInfo>(*stmt, queueFromRow);
    if (!rows)
        return rows.error();
    if (rows->isEmpty())
        return noQueue(name);
    return rows->first();
}

Result<QueueInfo> createQueue(Connection &conn, const QString &name, const QueueAttributes &attributes, qint64 nowMs)
{
    if (!isValidQueueName(name)) {
        return makeError(qerr::InvalidParameterValue,
                         QStringLiteral("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"));
    }
    auto tx = Transaction::begin(conn);
    if (!tx)
        return tx.error();
    if (auto existing = queueInfo(conn, name); existing.ok()) {
        if (existing->attributes == attributes)
            return existing;
        return makeError(qerr::QueueNameExists,
                         QStringLiteral("A queue already exists with the same name and a different value for attribute(s)"));
    } else if (existing.error().type != qerr::QueueDoesNotExist) {
        return existing.error();
    }
    auto stmt = conn.prepare("INSERT INTO queues(name, created_ms, modified_ms, visibility_timeout_s, delay_s, retention_s, "
                             "max_message_bytes, receive_wait_s, dead_letter_queue, max_receive_count) "
                             "VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, name).bind(2, nowMs);
    (void)bindAttributes(*stmt, attributes, 3);
    if (auto s = stmt->run(); !s)
        return s.error();
    if (auto s = tx->commit(); !s)
        return s.error();
    return queueInfo(conn, name);
}

Result<QList<QueueInfo>> listQueues(Connection &conn, const QString &prefix)
{
    auto stmt = conn.prepare(QByteArray("SELECT ") + kQueueColumns
                             + " FROM queues WHERE substr(name, 1, length(?1)) = ?1 ORDER BY name");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, prefix.isNull() ? QStringLiteral("") : prefix);
    return collectRows<QueueInfo>(*stmt, queueFromRow);
}

Status deleteQueue(Connection &conn, const QString &name)
{
    auto tx = Transaction::begin(conn);
    if (!tx)
        return tx.error();
    if (auto q = queueInfo(conn, name); !q)
        return q.error();
    if (auto s = runChanging(conn, "DELETE FROM queue_messages WHERE queue = ?1", name); !s)
        return s;
    if (auto s = runChanging(conn, "DELETE FROM queues WHERE name = ?1", name); !s)
        return s;
    return tx->commit();
}

Status setQueueAttributes(Connection &conn, const QString &name, const QueueAttributes &attributes, qint64 nowMs)
{
    auto stmt = conn.prepare("UPDATE queues SET modified_ms = ?2, visibility_timeout_s = ?3, delay_s = ?4, retention_s = ?5, "
                             "max_message_bytes = ?6, receive_wait_s = ?7, dead_letter_queue = ?8, max_receive_count = ?9 "
                             "WHERE name = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, name).bind(2, nowMs);
    (void)bindAttributes(*stmt, attributes, 3);
    if (auto s = stmt->run(); !s)
        return s;
    if (conn.changes() == 0)
        return noQueue(name);
    return {};
}

Status sendMessages(Connection &conn, const QString &queue, QList<QueueMessage> &messages, qint64 nowMs)
{
    auto tx = Transaction::begin(conn);
    if (!tx)
        return tx.error();
    auto info = queueInfo(conn, queue);
    if (!info)
        return info.error();
    auto stmt = conn.prepare("INSERT INTO queue_messages(queue, message_id, body, attributes, md5_body, md5_attributes, "
                             "sender_id, sent_ms, visible_ms, receive_count, trace_header) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,0,?10)");
    if (!stmt)
        return stmt.error();
    for (QueueMessage &m : messages) {
        m.queue = queue;
        if (m.messageId.isEmpty())
            m.messageId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        m.sentMs = nowMs;
        if (m.md5OfBody.isEmpty())
            m.md5OfBody = QString::fromLatin1(QCryptographicHash::hash(m.body, QCryptographicHash::Md5).toHex());
        if (m.visibleMs < nowMs)
            m.visibleMs = nowMs;
        stmt->bind(1, queue).bind(2, m.messageId).bind(3, m.body.isNull() ? QByteArray("") : m.body);
        if (m.attributes.isEmpty())
            stmt->bindNull(4);
        else
            stmt->bind(4, QJsonDocument(m.attributes).toJson(QJsonDocument::Compact));
        stmt->bind(5, m.md5OfBody).bind(6, m.md5OfAttributes.isEmpty() ? QString() : m.md5OfAttributes);
        stmt->bind(7, m.senderId).bind(8, m.sentMs).bind(9, m.visibleMs);
        if (m.traceHeader.isEmpty())
            stmt->bindNull(10);
        else
            stmt->bind(10, QString::fromLatin1(m.traceHeader));
        if (auto s = stmt->run(); !s)
            return s;
        m.id = conn.lastInsertRowId();
    }
    if (auto s = runChanging(conn, "UPDATE queues SET sent_total = sent_total + ?2 WHERE name = ?1", queue, messages.size()); !s)
        return s;
    return tx->commit();
}

Result<QList<QueueMessage>> receiveMessages(Connection &conn, const QString &queue, int max, int visibilityTimeoutS,
                                            qint64 nowMs)
{
    auto tx = Transaction::begin(conn);
    if (!tx)
        return tx.error();
    auto info = queueInfo(conn, queue);
    if (!info)
        return info.error();
    const QueueAttributes &a = info->attributes;
    // Past the retention period: gone, as on SQS.
    {
        auto stmt = conn.prepare("DELETE FROM queue_messages WHERE queue = ?1 AND visible_ms <= ?2 AND sent_ms < ?3");
        if (!stmt)
            return stmt.error();
        stmt->bind(1, queue).bind(2, nowMs).bind(3, nowMs - qint64(a.messageRetentionS) * 1000);
        if (auto s = stmt->run(); !s)
            return s.error();
    }
    // Redrive: a message received maxReceiveCount times moves instead of being received again.
    if (!a.deadLetterQueue.isEmpty() && a.maxReceiveCount > 0 && a.deadLetterQueue != queue
        && queueInfo(conn, a.deadLetterQueue).ok()) {
        auto stmt = conn.prepare("UPDATE queue_messages SET queue = ?4, visible_ms = ?2, receipt_handle = NULL "
                                 "WHERE queue = ?1 AND visible_ms <= ?2 AND receive_count >= ?3");
        if (!stmt)
            return stmt.error();
        stmt->bind(1, queue).bind(2, nowMs).bind(3, a.maxReceiveCount).bind(4, a.deadLetterQueue);
        if (auto s = stmt->run(); !s)
            return s.error();
        if (const int moved = conn.changes(); moved > 0) {
            if (auto s = runChanging(conn, "UPDATE queues SET sent_total = sent_total + ?2 WHERE name = ?1",
                                     a.deadLetterQueue, moved);
                !s)
                return s.error();
        }
    }
    auto stmt = conn.prepare(QByteArray("UPDATE queue_messages SET receive_count = receive_count + 1, visible_ms = ?3, "
                                        "receipt_handle = lower(hex(randomblob(12))), "
                                        "first_receive_ms = coalesce(first_receive_ms, ?2) "
                                        "WHERE id IN (SELECT id FROM queue_messages WHERE queue = ?1 AND visible_ms <= ?2 "
                                        "ORDER BY visible_ms, id LIMIT ?4) RETURNING ")
                             + kMessageColumns);
    if (!stmt)
        return stmt.error();
    stmt->bind(1, queue).bind(2, nowMs).bind(3, nowMs + qint64(visibilityTimeoutS) * 1000).bind(4, max);
    auto rows = collectRows<QueueMessage>(*stmt, messageFromRow);
    if (!rows)
        return rows.error();
    std::sort(rows->begin(), rows->end(), [](const QueueMessage &x, const QueueMessage &y) { return x.id < y.id; });
    if (!rows->isEmpty()) {
        if (auto s = runChanging(conn, "UPDATE queues SET received_total = received_total + ?2 WHERE name = ?1", queue,
                                 rows->size());
            !s)
            return s.error();
    }
    if (auto s = tx->commit(); !s)
        return s.error();
    return rows;
}

namespace {

// Deletes one handle inside the caller's transaction; returns whether a row went.
Result<bool> deleteOne(Connection &conn, const QString &queue, const QString &receiptHandle)
{
    auto handle = parseHandle(receiptHandle);
    if (!handle)
        return handle.error();
    auto stmt = conn.prepare("DELETE FROM queue_messages WHERE id = ?1 AND queue = ?2 AND receipt_handle = ?3");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, handle->id).bind(2, queue).bind(3, handle->token);
    if (auto s = stmt->run(); !s)
        return s.error();
    return conn.changes() > 0;
}

} // namespace

Status deleteMessage(Connection &conn, const QString &queue, const QString &receiptHandle)
{
    const QList<Error> errors = deleteMessages(conn, queue, {receiptHandle});
    if (!errors.first().type.isEmpty())
        return errors.first();
    return {};
}

QList<Error> deleteMessages(Connection &conn, const QString &queue, const QStringList &receiptHandles)
{
    QList<Error> out(receiptHandles.size());
    auto fail = [&](const Error &e) {
        for (Error &x : out)
            x = e;
        return out;
    };
    auto tx = Transaction::begin(conn);
    if (!tx)
        return fail(tx.error());
    if (auto q = queueInfo(conn, queue); !q)
        return fail(q.error());
    int deleted = 0;
    for (qsizetype i = 0; i < receiptHandles.size(); ++i) {
        auto gone = deleteOne(conn, queue, receiptHandles[i]);
        if (!gone)
            out[i] = gone.error();
        else if (*gone)
            ++deleted;
    }
    if (deleted > 0) {
        if (auto s = runChanging(conn, "UPDATE queues SET deleted_total = deleted_total + ?2 WHERE name = ?1", queue, deleted); !s)
            return fail(s.error());
    }
    if (auto s = tx->commit(); !s)
        return fail(s.error());
    return out;
}

Status changeMessageVisibility(Connection &conn, const QString &queue, const QString &receiptHandle, int timeoutS,
                               qint64 nowMs)
{
    auto handle = parseHandle(receiptHandle);
    if (!handle)
        return handle.error();
    auto stmt = conn.prepare("UPDATE queue_messages SET visible_ms = ?4 WHERE id = ?1 AND queue = ?2 AND receipt_handle = ?3 "
                             "AND visible_ms > ?5");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, handle->id).bind(2, queue).bind(3, handle->token).bind(4, nowMs + qint64(timeoutS) * 1000).bind(5, nowMs);
    if (auto s = stmt->run(); !s)
        return s;
    if (conn.changes() == 0) {
        if (auto q = queueInfo(conn, queue); !q)
            return q.error();
        return makeError(qerr::MessageNotInflight, QStringLiteral("Message does not exist or is not available for visibility timeout change."));
    }
    return {};
}

Result<int> purgeQueue(Connection &conn, const QString &queue)
{
    auto tx = Transaction::begin(conn);
    if (!tx)
        return tx.error();
    if (auto q = queueInfo(conn, queue); !q)
        return q.error();
    if (auto s = runChanging(conn, "DELETE FROM queue_messages WHERE queue = ?1", queue); !s)
        return s.error();
    const int n = conn.changes();
    if (auto s = tx->commit(); !s)
        return s.error();
    return n;
}

Result<QueueStats> queueStats(Connection &conn, const QString &queue, qint64 nowMs)
{
    if (auto q = queueInfo(conn, queue); !q)
        return q.error();
    auto stmt = conn.prepare("SELECT coalesce(sum(visible_ms <= ?2), 0), coalesce(sum(visible_ms > ?2 AND receive_count > 0), 0), "
                             "coalesce(sum(visible_ms > ?2 AND receive_count = 0), 0), coalesce(min(sent_ms), 0) "
                             "FROM queue_messages WHERE queue = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, queue).bind(2, nowMs);
    auto row = stmt->step();
    if (!row)
        return row.error();
    QueueStats s;
    s.visible = stmt->int64(0);
    s.inFlight = stmt->int64(1);
    s.delayed = stmt->int64(2);
    s.oldestSentMs = stmt->int64(3);
    return s;
}

Result<QList<QueueMessage>> peekMessages(Connection &conn, const QString &queue, int limit)
{
    if (auto q = queueInfo(conn, queue); !q)
        return q.error();
    auto stmt = conn.prepare(QByteArray("SELECT ") + kMessageColumns + " FROM queue_messages WHERE queue = ?1 ORDER BY id LIMIT ?2");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, queue).bind(2, limit);
    return collectRows<QueueMessage>(*stmt, messageFromRow);
}

Result<int> moveMessages(Connection &conn, const QString &from, const QString &to, int limit, qint64 nowMs)
{
    auto tx = Transaction::begin(conn);
    if (!tx)
        return tx.error();
    if (auto q = queueInfo(conn, from); !q)
        return q.error();
    if (auto q = queueInfo(conn, to); !q)
        return q.error();
    auto stmt = conn.prepare("UPDATE queue_messages SET queue = ?2, visible_ms = ?3, receive_count = 0, receipt_handle = NULL, "
                             "first_receive_ms = NULL WHERE id IN (SELECT id FROM queue_messages WHERE queue = ?1 "
                             "ORDER BY id LIMIT ?4)");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, from).bind(2, to).bind(3, nowMs).bind(4, limit < 0 ? std::numeric_limits<int>::max() : limit);
    if (auto s = stmt->run(); !s)
        return s.error();
    const int moved = conn.changes();
    if (auto s = runChanging(conn, "UPDATE queues SET sent_total = sent_total + ?2 WHERE name = ?1", to, moved); !s)
        return s.error();
    if (auto s = tx->commit(); !s)
        return s.error();
    return moved;
}

Result<QStringList> deadLetterSourceQueues(Connection &conn, const QString &deadLetterQueue)
{
    auto stmt = conn.prepare("SELECT name FROM queues WHERE dead_letter_queue = ?1 ORDER BY name");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, deadLetterQueue);
    auto rows = collectRows<QString>(*stmt, [](const Statement &s) { return s.text(0); });
    if (!rows)
        return rows.error();
    return QStringList(*rows);
}

Result<bool> hasVisibleMessage(Connection &conn, const QString &queue, qint64 nowMs)
{
    auto stmt = conn.prepare("SELECT 1 FROM queue_messages WHERE queue = ?1 AND visible_ms <= ?2 LIMIT 1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, queue).bind(2, nowMs);
    return stmt->step();
}

Result<qint64> nextVisibleMs(Connection &conn, const QString &queue, qint64 nowMs)
{
    auto stmt = conn.prepare("SELECT coalesce(min(visible_ms), 0) FROM queue_messages WHERE queue = ?1 AND visible_ms > ?2");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, queue).bind(2, nowMs);
    auto row = stmt->step();
    if (!row)
        return row.error();
    return stmt->int64(0);
}

// Event source mappings.

namespace {

constexpr const char *kMappingColumns = "uuid, function, queue, batch_size, batching_window_s, enabled, report_failures, "
                                        "maximum_concurrency, created_ms, modified_ms, last_result";

EventSourceMapping mappingFromRow(const Statement &s)
{
    EventSourceMapping m;
    m.uuid = s.text(0);
    m.function = s.text(1);
    m.queue = s.text(2);
    m.batchSize = int(s.int64(3));
    m.maximumBatchingWindowS = int(s.int64(4));
    m.enabled = s.int64(5) != 0;
    m.reportBatchItemFailures = s.int64(6) != 0;
    m.maximumConcurrency = int(s.int64(7));
    m.createdMs = s.int64(8);
    m.modifiedMs = s.int64(9);
    m.lastProcessingResult = s.text(10);
    return m;
}

void bindMapping(Statement &stmt, const EventSourceMapping &m)
{
    stmt.bind(1, m.uuid).bind(2, m.function).bind(3, m.queue).bind(4, m.batchSize).bind(5, m.maximumBatchingWindowS);
    stmt.bind(6, m.enabled ? 1 : 0).bind(7, m.reportBatchItemFailures ? 1 : 0).bind(8, m.maximumConcurrency);
    stmt.bind(9, m.createdMs).bind(10, m.modifiedMs).bind(11, m.lastProcessingResult);
}

Error noMapping(const QString &uuid)
{
    return makeError(errc::ResourceNotFound, QStringLiteral("The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: %1)").arg(uuid));
}

} // namespace

Status insertEventSourceMapping(Connection &conn, const EventSourceMapping &m)
{
    auto stmt = conn.prepare(QByteArray("INSERT INTO event_source_mappings(") + kMappingColumns
                             + ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
    if (!stmt)
        return stmt.error();
    bindMapping(*stmt, m);
    return stmt->run();
}

Status updateEventSourceMapping(Connection &conn, const EventSourceMapping &m)
{
    auto stmt = conn.prepare("UPDATE event_source_mappings SET function = ?2, queue = ?3, batch_size = ?4, batching_window_s = ?5, "
                             "enabled = ?6, report_failures = ?7, maximum_concurrency = ?8, created_ms = ?9, modified_ms = ?10, "
                             "last_result = ?11 WHERE uuid = ?1");
    if (!stmt)
        return stmt.error();
    bindMapping(*stmt, m);
    if (auto s = stmt->run(); !s)
        return s;
    if (conn.changes() == 0)
        return noMapping(m.uuid);
    return {};
}

Status deleteEventSourceMapping(Connection &conn, const QString &uuid)
{
    auto stmt = conn.prepare("DELETE FROM event_source_mappings WHERE uuid = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, uuid);
    if (auto s = stmt->run(); !s)
        return s;
    if (conn.changes() == 0)
        return noMapping(uuid);
    return {};
}

Result<EventSourceMapping> eventSourceMapping(Connection &conn, const QString &uuid)
{
    auto stmt = conn.prepare(QByteArray("SELECT ") + kMappingColumns + " FROM event_source_mappings WHERE uuid = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, uuid);
    auto rows = collectRows<EventSourceMapping>(*stmt, mappingFromRow);
    if (!rows)
        return rows.error();
    if (rows->isEmpty())
        return noMapping(uuid);
    return rows->first();
}

Result<QList<EventSourceMapping>> listEventSourceMappings(Connection &conn, const QString &function, const QString &queue)
{
    // A function matches with or without a qualifier ("f" and "f:live").
    auto stmt = conn.prepare(QByteArray("SELECT ") + kMappingColumns
                             + " FROM event_source_mappings WHERE (?1 = '' OR function = ?1 OR function LIKE ?1 || ':%') "
                               "AND (?2 = '' OR queue = ?2) ORDER BY created_ms, uuid");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, function.isNull() ? QStringLiteral("") : function).bind(2, queue.isNull() ? QStringLiteral("") : queue);
    return collectRows<EventSourceMapping>(*stmt, mappingFromRow);
}

Status setMappingResult(Connection &conn, const QString &uuid, const QString &result)
{
    auto stmt = conn.prepare("UPDATE event_source_mappings SET last_result = ?2 WHERE uuid = ?1 AND last_result != ?2");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, uuid).bind(2, result);
    return stmt->run();
}

// Queues (store/queues.h): a row per queue with its attributes and counters; messages
// found by queue and visibility (receive) and by queue and age (peek, statistics).
Status createQueueTables(Connection &conn)
{
    return conn.exec(R"sql(
CREATE TABLE queues(
  name TEXT PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL,
  visibility_timeout_s INTEGER NOT NULL,
  delay_s INTEGER NOT NULL,
  retention_s INTEGER NOT NULL,
  max_message_bytes INTEGER NOT NULL,
  receive_wait_s INTEGER NOT NULL,
  dead_letter_queue TEXT,
  max_receive_count INTEGER NOT NULL,
  sent_total INTEGER NOT NULL DEFAULT 0,
  received_total INTEGER NOT NULL DEFAULT 0,
  deleted_total INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE queue_messages(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL,
  message_id TEXT NOT NULL,
  body BLOB NOT NULL,
  attributes TEXT,
  md5_body TEXT NOT NULL,
  md5_attributes TEXT,
  sender_id TEXT,
  sent_ms INTEGER NOT NULL,
  visible_ms INTEGER NOT NULL,
  receive_count INTEGER NOT NULL,
  first_receive_ms INTEGER,
  receipt_handle TEXT,
  trace_header TEXT);
CREATE INDEX queue_messages_due ON queue_messages(queue, visible_ms, id);
CREATE INDEX queue_messages_age ON queue_messages(queue, id);
CREATE TABLE event_source_mappings(
  uuid TEXT PRIMARY KEY,
  function TEXT NOT NULL,
  queue TEXT NOT NULL,
  batch_size INTEGER NOT NULL,
  batching_window_s INTEGER NOT NULL,
  enabled INTEGER NOT NULL,
  report_failures INTEGER NOT NULL,
  maximum_concurrency INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL,
  last_result TEXT NOT NULL) WITHOUT ROWID;
)sql");
}

} // namespace funcdesk::store
