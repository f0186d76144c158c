#include "api/sqsapi.h"

#include "common/ids.h"
#include "common/logging.h"
#include "store/queues.h"
#include "store/sqlite.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

namespace funcdesk::api {

namespace {

using store::QueueAttributes;

constexpr int kPollCheckMs = 100;

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

Error sqsErr(const char *name, const QString &message) { return makeError(QLatin1String(name), message); }

// An integer parameter, sent as a number (JSON) or a string (query); `fallback` when absent.
Result<int> intParam(const QJsonObject &params, const QString &key, int fallback, int min, int max)
{
    const QJsonValue v = params.value(key);
    if (v.isUndefined() || v.isNull())
        return fallback;
    bool ok = v.isDouble();
    qint64 n = v.toInteger();
    if (v.isString())
        n = v.toString().toLongLong(&ok);
    if (!ok || n < min || n > max) {
        return sqsErr("InvalidParameterValue", QStringLiteral("Value %1 for parameter %2 is invalid. Reason: Must be between %3 and %4, if provided.")
                                                   .arg(v.isString() ? v.toString() : QString::number(v.toDouble()), key)
                                                   .arg(min)
                                                   .arg(max));
    }
    return int(n);
}

QStringList stringList(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &e : v.toArray())
        out.append(e.toString());
    return out;
}

// Applies CreateQueue / SetQueueAttributes' Attributes onto `a`.
Status applyQueueAttributes(store::Connection &conn, const QJsonObject &attributes, QueueAttributes &a, const QString &self)
{
    struct Range
    {
        const char *name;
        int QueueAttributes::*field;
        int min;
        int max;
    };
    static const Range kRanges[] = {
        {"VisibilityTimeout", &QueueAttributes::visibilityTimeoutS, 0, 43200},
        {"DelaySeconds", &QueueAttributes::delaySeconds, 0, 900},
        {"MessageRetentionPeriod", &QueueAttributes::messageRetentionS, 60, 1209600},
        {"MaximumMessageSize", &QueueAttributes::maximumMessageSize, 1024, 262144},
        {"ReceiveMessageWaitTimeSeconds", &QueueAttributes::receiveWaitTimeS, 0, 20},
    };
    static const QStringList kAccepted{QStringLiteral("Policy"), QStringLiteral("KmsMasterKeyId"),
                                       QStringLiteral("KmsDataKeyReusePeriodSeconds"), QStringLiteral("SqsManagedSseEnabled"),
                                       QStringLiteral("RedriveAllowPolicy")};
    for (auto it = attributes.begin(); it != attributes.end(); ++it) {
        const QString &name = it.key();
        const QString value = it.value().isString() ? it.value().toString() : QString::number(it.value().toDouble());
        bool handled = false;
        for (const Range &r : kRanges) {
            if (name != QLatin1String(r.name))
                continue;
            bool ok = false;
            const int n = value.toInt(&ok);
            if (!ok || n < r.min || n > r.max)
                return sqsErr("InvalidAttributeValue", QStringLiteral("Invalid value for the parameter %1.").arg(name));
            a.*r.field = n;
            handled = true;
        }
        if (handled || kAccepted.contains(name))
            continue;
        if (name == QLatin1String("RedrivePolicy")) {
            if (value.isEmpty()) {
                a.deadLetterQueue.clear();
                a.maxReceiveCount = 0;
                continue;
            }
            const QJsonObject policy = QJsonDocument::fromJson(value.toUtf8()).object();
            const QString dlq = queueNameFromArn(policy.value(QStringLiteral("deadLetterTargetArn")).toString());
            const QJsonValue countValue = policy.value(QStringLiteral("maxReceiveCount"));
            bool ok = countValue.isDouble();
            int count = countValue.toInt();
            if (countValue.isString())
                count = countValue.toString().toInt(&ok);
            const QString invalid = QStringLiteral("Value %1 for parameter RedrivePolicy is invalid. Reason: %2");
            if (dlq.isEmpty() || !ok)
                return sqsErr("InvalidParameterValue", invalid.arg(value, QStringLiteral("Redrive policy is not a valid JSON map of deadLetterTargetArn and maxReceiveCount.")));
            if (count < 1 || count > 1000)
                return sqsErr("InvalidParameterValue", invalid.arg(value, QStringLiteral("Invalid value for maxReceiveCount: %1, valid values are from 1 to 1000 both inclusive.").arg(count)));
            if (dlq == self || !store::queueInfo(conn, dlq).ok())
                return sqsErr("InvalidParameterValue", invalid.arg(value, QStringLiteral("Dead letter target does not exist.")));
            a.deadLetterQueue = dlq;
            a.maxReceiveCount = count;
            continue;
        }
        if (name == QLatin1String("FifoQueue") || name == QLatin1String("ContentBasedDeduplication")
            || name == QLatin1String("DeduplicationScope") || name == QLatin1String("FifoThroughputLimit")) {
            return sqsErr("InvalidAttributeName", QStringLiteral("FIFO queues are not supported by Funcdesk's local queues (attribute %1).").arg(name));
        }
        return sqsErr("InvalidAttributeName", QStringLiteral("Unknown Attribute %1.").arg(name));
    }
    return {};
}

QJsonObject queueAttributesJson(const store::QueueInfo &q, const store::QueueStats &stats, const QStringList &names)
{
    const QueueAttributes &a = q.attributes;
    QJsonObject all{
        {QStringLiteral("QueueArn"), queueArn(q.name)},
        {QStringLiteral("ApproximateNumberOfMessages"), QString::number(stats.visible)},
        {QStringLiteral("ApproximateNumberOfMessagesNotVisible"), QString::number(stats.inFlight)},
        {QStringLiteral("ApproximateNumberOfMessagesDelayed"), QString::number(stats.delayed)},
        {QStringLiteral("CreatedTimestamp"), QString::number(q.createdMs / 1000)},
        {QStringLiteral("LastModifiedTimestamp"), QString::number(q.modifiedMs / 1000)},
        {QStringLiteral("VisibilityTimeout"), QString::number(a.visibilityTimeoutS)},
        {QStringLiteral("MaximumMessageSize"), QString::number(a.maximumMessageSize)},
        {QStringLiteral("MessageRetentionPeriod"), QString::number(a.messageRetentionS)},
        {QStringLiteral("DelaySeconds"), QString::number(a.delaySeconds)},
        {QStringLiteral("ReceiveMessageWaitTimeSeconds"), QString::number(a.receiveWaitTimeS)},
        {QStringLiteral("SqsManagedSseEnabled"), QStringLiteral("false")},
    };
    // Funcdesk's own, named only when asked for (CloudWatch's ApproximateAgeOfOldestMessage
    // on SQS): seconds since the oldest message was sent.
    const QString age = QString::number(stats.oldestSentMs > 0 ? qMax<qint64>(0, (nowMs() - stats.oldestSentMs) / 1000) : 0);
    if (!a.deadLetterQueue.isEmpty()) {
        const QJsonObject policy{{QStringLiteral("deadLetterTargetArn"), queueArn(a.deadLetterQueue)},
                                 {QStringLiteral("maxReceiveCount"), a.maxReceiveCount}};
        all.insert(QStringLiteral("RedrivePolicy"), QString::fromUtf8(QJsonDocument(policy).toJson(QJsonDocument::Compact)));
    }
    if (names.contains(QStringLiteral("All"))) {
        if (names.contains(QStringLiteral("ApproximateAgeOfOldestMessage")))
            all.insert(QStringLiteral("ApproximateAgeOfOldestMessage"), age);
        return all;
    }
    all.insert(QStringLiteral("ApproximateAgeOfOldestMessage"), age);
    QJsonObject out;
    for (const QString &n : names)
        if (all.contains(n))
            out.insert(n, all.value(n));
    return out;
}

QJsonObject systemAttributes(const store::QueueMessage &m, const QStringList &names)
{
    const bool everything = names.contains(QStringLiteral("All"));
    QJsonObject out;
    auto add = [&](const char *name, const QString &value) {
        if (everything || names.contains(QLatin1String(name)))
            out.insert(QLatin1String(name), value);
    };
    add("SenderId", m.senderId);
    add("SentTimestamp", QString::number(m.sentMs));
    add("ApproximateReceiveCount", QString::number(m.receiveCount));
    add("ApproximateFirstReceiveTimestamp", QString::number(m.firstReceiveMs));
    if (!m.traceHeader.isEmpty())
        add("AWSTraceHeader", QString::fromLatin1(m.traceHeader));
    return out;
}

// A message's size as SQS counts it against MaximumMessageSize: body and attributes.
qint64 messageSize(const QByteArray &body, const QJsonObject &attributes)
{
    qint64 n = body.size();
    for (auto it = attributes.begin(); it != attributes.end(); ++it) {
        const QJsonObject v = it.value().toObject();
        n += it.key().toUtf8().size() + v.value(QStringLiteral("DataType")).toString().toUtf8().size();
        n += v.contains(QStringLiteral("BinaryValue")) ? QByteArray::fromBase64(v.value(QStringLiteral("BinaryValue")).toString().toLatin1()).size()
                                                       : v.value(QStringLiteral("StringValue")).toString().toUtf8().size();
    }
    return n;
}

// A SendMessage's (or batch entry's) message, validated.
// The trace a message continues: its AWSTraceHeader system attribute, else the sender's
// request header (what SQS stores as AWSTraceHeader when the sender runs traced).
Result<store::QueueMessage> messageFrom(const QJsonObject &p, const QueueAttributes &a, qint64 now, const QByteArray &traceHeader)
{
    if (!p.contains(QStringLiteral("MessageBody")))
        return sqsErr("MissingParameter", QStringLiteral("The request must contain the parameter MessageBody."));
    const QString body = p.value(QStringLiteral("MessageBody")).toString();
    if (body.isEmpty())
        return sqsErr("InvalidParameterValue", QStringLiteral("The request must contain the parameter MessageBody."));
    if (!isValidMessageBody(body)) {
        return sqsErr("InvalidMessageContents",
                      QStringLiteral("Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"));
    }
    const QJsonObject attributes = p.value(QStringLiteral("MessageAttributes")).toObject();
    if (Status s = validateMessageAttributes(attributes); !s)
        return s.error();
    store::QueueMessage m;
    m.body = body.toUtf8();
    if (messageSize(m.body, attributes) > a.maximumMessageSize) {
        return sqsErr("InvalidParameterValue",
                      QStringLiteral("One or more parameters are invalid. Reason: Message must be shorter than %1 bytes.").arg(a.maximumMessageSize));
    }
    auto delay = intParam(p, QStringLiteral("DelaySeconds"), a.delaySeconds, 0, 900);
    if (!delay)
        return delay.error();
    m.attributes = attributes;
    m.md5OfBody = md5Hex(m.body);
    m.md5OfAttributes = md5OfMessageAttributes(attributes);
    m.senderId = QLatin1String(kAccountId);
    m.visibleMs = now + qint64(*delay) * 1000;
    const QString systemTrace = p.value(QStringLiteral("MessageSystemAttributes")).toObject().value(QStringLiteral("AWSTraceHeader"))
                                    .toObject().value(QStringLiteral("StringValue")).toString();
    m.traceHeader = systemTrace.isEmpty() ? traceHeader : systemTrace.toLatin1();
    return m;
}

QJsonObject sentJson(const store::QueueMessage &m)
{
    QJsonObject o{{QStringLiteral("MessageId"), m.messageId}, {QStringLiteral("MD5OfMessageBody"), m.md5OfBody}};
    if (!m.md5OfAttributes.isEmpty())
        o.insert(QStringLiteral("MD5OfMessageAttributes"), m.md5OfAttributes);
    return o;
}

QJsonObject batchError(const QString &id, const Error &e)
{
    return {{QStringLiteral("Id"), id},
            {QStringLiteral("SenderFault"), true},
            {QStringLiteral("Code"), sqsQueryErrorCode(e.type)},
            {QStringLiteral("Message"), e.message}};
}

// The batch rules every *Batch operation shares; the entries' ids.
Result<QJsonArray> batchEntries(const QJsonObject &params)
{
    const QJsonArray entries = params.value(QStringLiteral("Entries")).toArray();
    if (entries.isEmpty())
        return sqsErr("EmptyBatchRequest", QStringLiteral("There should be at least one SendMessageBatchRequestEntry in the request."));
    if (entries.size() > 10)
        return sqsErr("TooManyEntriesInBatchRequest", QStringLiteral("Maximum number of entries per request are 10. You have sent %1.").arg(entries.size()));
    static const QRegularExpression idRe(QStringLiteral("^[A-Za-z0-9_-]{1,80}$"));
    QSet<QString> ids;
    for (const QJsonValue &e : entries) {
        const QString id = e.toObject().value(QStringLiteral("Id")).toString();
        if (!idRe.match(id).hasMatch())
            return sqsErr("InvalidBatchEntryId", QStringLiteral("A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."));
        if (ids.contains(id))
            return sqsErr("BatchEntryIdsNotDistinct", QStringLiteral("Id %1 repeated.").arg(id));
        ids.insert(id);
    }
    return entries;
}

} // namespace

SqsApi::SqsApi(QString databasePath, QObject *parent)
    : QObject(parent), m_databasePath(std::move(databasePath)), m_timer(this), m_inbox(AnswerInbox::create(this))
{
    m_timer.setInterval(kPollCheckMs);
    connect(&m_timer, &QTimer::timeout, this, &SqsApi::check);
}

SqsApi::~SqsApi()
{
    m_inbox->detach();
}

void SqsApi::stop()
{
    m_timer.stop();
    for (Waiter &w : m_waiters)
        w.responder.respond(sqsResponse(w.call, {}, w.requestId));
    m_waiters.clear();
}

bool SqsApi::handle(const HttpRequest &request, HttpResponder &responder)
{
    const QByteArray target = request.header("x-amz-target");
    const QByteArray contentType = request.header("content-type");
    if (!isSqsRequest(request.method, contentType, target, request.body))
        return false;
    const QString requestId = newRequestId();
    Result<SqsCall> call = parseSqsCall(contentType, target, request.body);
    if (!call) {
        responder.respond(sqsError(target.isEmpty() ? SqsProtocol::Query : SqsProtocol::Json, call.error().type,
                                   call.error().message, requestId));
        return true;
    }
    call->traceHeader = request.header("x-amzn-trace-id");
    // The query protocol may address the queue by the request's path (/<account>/<name>).
    if (call->protocol == SqsProtocol::Query && !call->params.contains(QStringLiteral("QueueUrl"))) {
        const QList<QByteArray> parts = request.path.split('/');
        if (parts.size() == 3 && !parts[2].isEmpty())
            call->params.insert(QStringLiteral("QueueUrl"), queueUrl(m_baseUrl, QString::fromUtf8(parts[2])));
    }
    bool deferred = false;
    const WireResponse r = dispatch(*call, requestId, &responder, deferred);
    if (!deferred)
        responder.respond(r);
    return true;
}

WireResponse SqsApi::callDirect(const QString &operation, const QJsonObject &params)
{
    bool deferred = false;
    return dispatch(SqsCall{SqsProtocol::Json, operation, params}, newRequestId(), nullptr, deferred);
}

Result<QString> SqsApi::queueOf(const QJsonObject &params) const
{
    const QString url = params.value(QStringLiteral("QueueUrl")).toString();
    if (url.isEmpty())
        return sqsErr("MissingParameter", QStringLiteral("The request must contain the parameter QueueUrl."));
    const QString name = queueNameFromUrl(url);
    if (name.isEmpty())
        return sqsErr("InvalidAddress", QStringLiteral("The address %1 is not valid for this endpoint.").arg(url));
    return name;
}

Result<QJsonObject> SqsApi::receive(const QJsonObject &params, const QString &queue, bool &empty)
{
    Result<store::Connection *> conn = store::threadConnection(m_databasePath);
    if (!conn)
        return conn.error();
    auto info = store::queueInfo(**conn, queue);
    if (!info)
        return info.error();
    auto max = intParam(params, QStringLiteral("MaxNumberOfMessages"), 1, 1, 10);
    if (!max)
        return max.error();
    auto visibility = intParam(params, QStringLiteral("VisibilityTimeout"), info->attributes.visibilityTimeoutS, 0, 43200);
    if (!visibility)
        return visibility.error();
    const qint64 now = nowMs();
    auto ready = store::hasVisibleMessage(**conn, queue, now);
    if (!ready)
        return ready.error();
    QList<store::QueueMessage> messages;
    if (*ready) {
        auto received = store::receiveMessages(**conn, queue, *max, *visibility, now);
        if (!received)
            return received.error();
        messages = *received;
    }
    empty = messages.isEmpty();
    const QStringList systemNames = stringList(params.value(QStringLiteral("AttributeNames")))
        + stringList(params.value(QStringLiteral("MessageSystemAttributeNames")));
    const QStringList attributeNames = stringList(params.value(QStringLiteral("MessageAttributeNames")));
    QJsonArray list;
    for (const store::QueueMessage &m : std::as_const(messages)) {
        QJsonObject o{{QStringLiteral("MessageId"), m.messageId},
                      {QStringLiteral("ReceiptHandle"), m.receiptHandle},
                      {QStringLiteral("MD5OfBody"), m.md5OfBody},
                      {QStringLiteral("Body"), QString::fromUtf8(m.body)}};
        const QJsonObject system = systemAttributes(m, systemNames);
        if (!system.isEmpty())
            o.insert(QStringLiteral("Attributes"), system);
        const QJsonObject attributes = selectMessageAttributes(m.attributes, attributeNames);
        if (!attributes.isEmpty()) {
            o.insert(QStringLiteral("MessageAttributes"), attributes);
            o.insert(QStringLiteral("MD5OfMessageAttributes"), md5OfMessageAttributes(attributes));
        }
        list.append(o);
    }
    QJsonObject result;
    if (!list.isEmpty())
        result.insert(QStringLiteral("Messages"), list);
    return result;
}

WireResponse SqsApi::dispatch(const SqsCall &call, const QString &requestId, HttpResponder *responder, bool &deferred)
{
    const QJsonObject &p = call.params;
    const QString &op = call.operation;
    auto fail = [&](const Error &e) { return sqsError(call.protocol, e.type, e.message, requestId); };
    auto ok = [&](const QJsonObject &result) { return sqsResponse(call, result, requestId); };
    Result<store::Connection *> connection = store::threadConnection(m_databasePath);
    if (!connection)
        return fail(sqsErr("InternalError", connection.error().toString()));
    store::Connection &conn = **connection;
    const qint64 now = nowMs();

    if (op == QLatin1String("CreateQueue")) {
        const QString name = p.value(QStringLiteral("QueueName")).toString();
        if (name.isEmpty())
            return fail(sqsErr("MissingParameter", QStringLiteral("The request must contain the parameter QueueName.")));
        if (name.endsWith(QLatin1String(".fifo")))
            return fail(sqsErr("InvalidParameterValue", QStringLiteral("FIFO queues are not supported by Funcdesk's local queues.")));
        QueueAttributes a;
        if (Status s = applyQueueAttributes(conn, p.value(QStringLiteral("Attributes")).toObject(), a, name); !s)
            return fail(s.error());
        auto q = store::createQueue(conn, name, a, now);
        if (!q)
            return fail(q.error());
        return ok({{QStringLiteral("QueueUrl"), queueUrl(m_baseUrl, name)}});
    }
    if (op == QLatin1String("GetQueueUrl")) {
        const QString name = p.value(QStringLiteral("QueueName")).toString();
        if (auto q = store::queueInfo(conn, name); !q)
            return fail(q.error());
        return ok({{QStringLiteral("QueueUrl"), queueUrl(m_baseUrl, name)}});
    }
    if (op == QLatin1String("ListQueues")) {
        auto max = intParam(p, QStringLiteral("MaxResults"), 1000, 1, 1000);
        if (!max)
            return fail(max.error());
        auto queues = store::listQueues(conn, p.value(QStringLiteral("QueueNamePrefix")).toString());
        if (!queues)
            return fail(queues.error());
        const QString after = QString::fromUtf8(QByteArray::fromBase64(p.value(QStringLiteral("NextToken")).toString().toLatin1()));
        QJsonArray urls;
        QJsonObject result;
        for (const store::QueueInfo &q : std::as_const(*queues)) {
            if (!after.isEmpty() && q.name <= after)
                continue;
            if (urls.size() == *max) {
                result.insert(QStringLiteral("NextToken"), QString::fromLatin1(urls.last().toString().section(QLatin1Char('/'), -1).toUtf8().toBase64()));
                break;
            }
            urls.append(queueUrl(m_baseUrl, q.name));
        }
        if (!urls.isEmpty())
            result.insert(QStringLiteral("QueueUrls"), urls);
        return ok(result);
    }
    if (op == QLatin1String("ListDeadLetterSourceQueues")) {
        auto queue = queueOf(p);
        if (!queue)
            return fail(queue.error());
        if (auto q = store::queueInfo(conn, *queue); !q)
            return fail(q.error());
        auto sources = store::deadLetterSourceQueues(conn, *queue);
        if (!sources)
            return fail(sources.error());
        QJsonArray urls;
        for (const QString &s : std::as_const(*sources))
            urls.append(queueUrl(m_baseUrl, s));
        return ok({{QStringLiteral("queueUrls"), urls}});
    }

    static const QStringList kQueueOps{
        QStringLiteral("DeleteQueue"), QStringLiteral("SendMessage"), QStringLiteral("SendMessageBatch"),
        QStringLiteral("ReceiveMessage"), QStringLiteral("DeleteMessage"), QStringLiteral("DeleteMessageBatch"),
        QStringLiteral("ChangeMessageVisibility"), QStringLiteral("ChangeMessageVisibilityBatch"),
        QStringLiteral("GetQueueAttributes"), QStringLiteral("SetQueueAttributes"), QStringLiteral("PurgeQueue")};
    if (!kQueueOps.contains(op)) {
        return fail(sqsErr("InvalidAction", QStringLiteral("The action %1 is not valid for this endpoint.")
                                                .arg(op.isEmpty() ? QStringLiteral("(none)") : op)));
    }
    auto queue = queueOf(p);
    if (!queue)
        return fail(queue.error());
    auto info = store::queueInfo(conn, *queue);
    if (!info)
        return fail(info.error());

    if (op == QLatin1String("DeleteQueue")) {
        if (Status s = store::deleteQueue(conn, *queue); !s)
            return fail(s.error());
        return ok({});
    }
    if (op == QLatin1String("SendMessage")) {
        auto m = messageFrom(p, info->attributes, now, call.traceHeader);
        if (!m)
            return fail(m.error());
        QList<store::QueueMessage> batch{*m};
        if (Status s = store::sendMessages(conn, *queue, batch, now); !s)
            return fail(s.error());
        wake(*queue);
        Q_EMIT messagesSent(*queue);
        if (!batch.first().traceHeader.isEmpty())
            Q_EMIT tracedMessageSent(batch.first().traceHeader);
        return ok(sentJson(batch.first()));
    }
    if (op == QLatin1String("SendMessageBatch")) {
        auto entries = batchEntries(p);
        if (!entries)
            return fail(entries.error());
        QList<store::QueueMessage> batch;
        QStringList ids;
        QJsonArray failed;
        qint64 total = 0;
        for (const QJsonValue &e : std::as_const(*entries)) {
            const QJsonObject entry = e.toObject();
            const QString id = entry.value(QStringLiteral("Id")).toString();
            auto m = messageFrom(entry, info->attributes, now, call.traceHeader);
            if (!m) {
                failed.append(batchError(id, m.error()));
                continue;
            }
            total += messageSize(m->body, m->attributes);
            batch.append(*m);
            ids.append(id);
        }
        if (total > info->attributes.maximumMessageSize) {
            return fail(sqsErr("BatchRequestTooLong", QStringLiteral("Batch requests cannot be longer than %1 bytes. You have sent %2 bytes.")
                                                          .arg(info->attributes.maximumMessageSize)
                                                          .arg(total)));
        }
        if (!batch.isEmpty()) {
            if (Status s = store::sendMessages(conn, *queue, batch, now); !s)
                return fail(s.error());
            if (!batch.first().traceHeader.isEmpty())
                Q_EMIT tracedMessageSent(batch.first().traceHeader);
        }
        QJsonArray successful;
        for (qsizetype i = 0; i < batch.size(); ++i) {
            QJsonObject o = sentJson(batch[i]);
            o.insert(QStringLiteral("Id"), ids[i]);
            successful.append(o);
        }
        if (!batch.isEmpty()) {
            wake(*queue);
            Q_EMIT messagesSent(*queue);
        }
        return ok({{QStringLiteral("Successful"), successful}, {QStringLiteral("Failed"), failed}});
    }
    if (op == QLatin1String("ReceiveMessage")) {
        auto wait = intParam(p, QStringLiteral("WaitTimeSeconds"), info->attributes.receiveWaitTimeS, 0, 20);
        if (!wait)
            return fail(wait.error());
        bool empty = true;
        auto result = receive(p, *queue, empty);
        if (!result)
            return fail(result.error());
        if (!empty || *wait == 0 || !responder)
            return ok(*result);
        // Long poll: answered later from wake() or check().
        deferred = true;
        Waiter w{call, requestId, *queue, now + qint64(*wait) * 1000, *responder, m_nextWaiter++};
        const quint64 id = w.id;
        m_waiters.push_back(std::move(w));
        QPointer<SqsApi> self(this);
        responder->onAbandoned([inbox = m_inbox, self, id] { // on the HTTP server's thread
            inbox->post([self, id] {
                if (self)
                    self->m_waiters.remove_if([id](const Waiter &x) { return x.id == id; });
            });
        });
        if (!m_timer.isActive())
            m_timer.start();
        return {};
    }
    if (op == QLatin1String("DeleteMessage")) {
        const QString handle = p.value(QStringLiteral("ReceiptHandle")).toString();
        if (handle.isEmpty())
            return fail(sqsErr("MissingParameter", QStringLiteral("The request must contain the parameter ReceiptHandle.")));
        if (Status s = store::deleteMessage(conn, *queue, handle); !s)
            return fail(s.error());
        return ok({});
    }
    if (op == QLatin1String("DeleteMessageBatch")) {
        auto entries = batchEntries(p);
        if (!entries)
            return fail(entries.error());
        QStringList handles;
        for (const QJsonValue &e : std::as_const(*entries))
            handles.append(e.toObject().value(QStringLiteral("ReceiptHandle")).toString());
        const QList<Error> errors = store::deleteMessages(conn, *queue, handles);
        QJsonArray successful;
        QJsonArray failed;
        for (qsizetype i = 0; i < entries->size(); ++i) {
            const QString id = entries->at(i).toObject().value(QStringLiteral("Id")).toString();
            if (errors[i].type.isEmpty())
                successful.append(QJsonObject{{QStringLiteral("Id"), id}});
            else
                failed.append(batchError(id, errors[i]));
        }
        return ok({{QStringLiteral("Successful"), successful}, {QStringLiteral("Failed"), failed}});
    }
    if (op == QLatin1String("ChangeMessageVisibility")) {
        auto timeout = intParam(p, QStringLiteral("VisibilityTimeout"), -1, 0, 43200);
        if (!timeout)
            return fail(timeout.error());
        if (*timeout < 0)
            return fail(sqsErr("MissingParameter", QStringLiteral("The request must contain the parameter VisibilityTimeout.")));
        if (Status s = store::changeMessageVisibility(conn, *queue, p.value(QStringLiteral("ReceiptHandle")).toString(), *timeout, now); !s)
            return fail(s.error());
        if (*timeout == 0)
            wake(*queue);
        return ok({});
    }
    if (op == QLatin1String("ChangeMessageVisibilityBatch")) {
        auto entries = batchEntries(p);
        if (!entries)
            return fail(entries.error());
        QJsonArray successful;
        QJsonArray failed;
        for (const QJsonValue &e : std::as_const(*entries)) {
            const QJsonObject entry = e.toObject();
            const QString id = entry.value(QStringLiteral("Id")).toString();
            auto timeout = intParam(entry, QStringLiteral("VisibilityTimeout"), 0, 0, 43200);
            Status s = timeout ? store::changeMessageVisibility(conn, *queue, entry.value(QStringLiteral("ReceiptHandle")).toString(), *timeout, now)
                               : Status(timeout.error());
            if (s)
                successful.append(QJsonObject{{QStringLiteral("Id"), id}});
            else
                failed.append(batchError(id, s.error()));
        }
        wake(*queue);
        return ok({{QStringLiteral("Successful"), successful}, {QStringLiteral("Failed"), failed}});
    }
    if (op == QLatin1String("GetQueueAttributes")) {
        QStringList names = stringList(p.value(QStringLiteral("AttributeNames")));
        if (names.isEmpty())
            names = {QStringLiteral("All")}; // the CLI's default; SDKs name what they want
        static const QStringList kKnown{
            QStringLiteral("All"), QStringLiteral("Policy"), QStringLiteral("VisibilityTimeout"), QStringLiteral("MaximumMessageSize"),
            QStringLiteral("MessageRetentionPeriod"), QStringLiteral("ApproximateNumberOfMessages"),
            QStringLiteral("ApproximateNumberOfMessagesNotVisible"), QStringLiteral("CreatedTimestamp"),
            QStringLiteral("LastModifiedTimestamp"), QStringLiteral("QueueArn"), QStringLiteral("ApproximateNumberOfMessagesDelayed"),
            QStringLiteral("DelaySeconds"), QStringLiteral("ReceiveMessageWaitTimeSeconds"), QStringLiteral("RedrivePolicy"),
            QStringLiteral("FifoQueue"), QStringLiteral("ContentBasedDeduplication"), QStringLiteral("KmsMasterKeyId"),
            QStringLiteral("KmsDataKeyReusePeriodSeconds"), QStringLiteral("DeduplicationScope"), QStringLiteral("FifoThroughputLimit"),
            QStringLiteral("RedriveAllowPolicy"), QStringLiteral("SqsManagedSseEnabled"),
            QStringLiteral("ApproximateAgeOfOldestMessage")};
        for (const QString &n : std::as_const(names))
            if (!kKnown.contains(n))
                return fail(sqsErr("InvalidAttributeName", QStringLiteral("Unknown Attribute %1.").arg(n)));
        auto stats = store::queueStats(conn, *queue, now);
        if (!stats)
            return fail(stats.error());
        const QJsonObject attributes = queueAttributesJson(*info, *stats, names);
        QJsonObject result;
        if (!attributes.isEmpty())
            result.insert(QStringLiteral("Attributes"), attributes);
        return ok(result);
    }
    if (op == QLatin1String("SetQueueAttributes")) {
        QueueAttributes a = info->attributes;
        if (Status s = applyQueueAttributes(conn, p.value(QStringLiteral("Attributes")).toObject(), a, *queue); !s)
            return fail(s.error());
        if (Status s = store::setQueueAttributes(conn, *queue, a, now); !s)
            return fail(s.error());
        return ok({});
    }
    // PurgeQueue
    if (auto n = store::purgeQueue(conn, *queue); !n)
        return fail(n.error());
    return ok({});
}

void SqsApi::wake(const QString &queue)
{
    for (auto it = m_waiters.begin(); it != m_waiters.end();) {
        if (it->queue != queue) {
            ++it;
            continue;
        }
        bool empty = true;
        auto result = receive(it->call.params, it->queue, empty);
        if (!result) {
            it->responder.respond(sqsError(it->call.protocol, result.error().type, result.error().message, it->requestId));
        } else if (!empty) {
            it->responder.respond(sqsResponse(it->call, *result, it->requestId));
        } else {
            return; // nothing left for the others either
        }
        it = m_waiters.erase(it);
    }
}

void SqsApi::check()
{
    const qint64 now = nowMs();
    QSet<QString> queues;
    for (auto it = m_waiters.begin(); it != m_waiters.end();) {
        if (!it->responder.isOpen()) {
            it = m_waiters.erase(it);
            continue;
        }
        if (it->deadlineMs <= now) {
            it->responder.respond(sqsResponse(it->call, {}, it->requestId));
            it = m_waiters.erase(it);
            continue;
        }
        queues.insert(it->queue);
        ++it;
    }
    for (const QString &q : std::as_const(queues))
        wake(q); // messages whose visibility ran out, or sent by another connection
    if (m_waiters.empty())
        m_timer.stop();
}

} // namespace funcdesk::api
