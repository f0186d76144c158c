#include "api/queuepoller.h"

#include "api/answerinbox.h"
#include "api/functioncatalog.h"
#include "api/lambdawire.h"
#include "api/sqswire.h"
#include "common/ids.h"
#include "common/logging.h"
#include "engine/engine.h"
#include "store/sqlite.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QSet>

namespace funcdesk::api {

namespace {

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

QJsonObject lambdaMessageAttributes(const QJsonObject &attributes)
{
    // SQS's {DataType, StringValue|BinaryValue} as Lambda's event spells them.
    QJsonObject out;
    for (auto it = attributes.begin(); it != attributes.end(); ++it) {
        const QJsonObject v = it.value().toObject();
        QJsonObject a{{QStringLiteral("stringListValues"), QJsonArray()},
                      {QStringLiteral("binaryListValues"), QJsonArray()},
                      {QStringLiteral("dataType"), v.value(QStringLiteral("DataType"))}};
        if (v.contains(QStringLiteral("BinaryValue")))
            a.insert(QStringLiteral("binaryValue"), v.value(QStringLiteral("BinaryValue")));
        else
            a.insert(QStringLiteral("stringValue"), v.value(QStringLiteral("StringValue")));
        out.insert(it.key(), a);
    }
    return out;
}

} // namespace

QByteArray sqsEvent(const QString &queue, const QList<store::QueueMessage> &messages)
{
    QJsonArray records;
    const QString arn = queueArn(queue);
    for (const store::QueueMessage &m : messages) {
        const QJsonObject attributes{
            {QStringLiteral("ApproximateReceiveCount"), QString::number(m.receiveCount)},
            {QStringLiteral("SentTimestamp"), QString::number(m.sentMs)},
            {QStringLiteral("SenderId"), m.senderId},
            {QStringLiteral("ApproximateFirstReceiveTimestamp"), QString::number(m.firstReceiveMs)},
        };
        QJsonObject withTrace = attributes;
        if (!m.traceHeader.isEmpty())
            withTrace.insert(QStringLiteral("AWSTraceHeader"), QString::fromLatin1(m.traceHeader));
        records.append(QJsonObject{
            {QStringLiteral("messageId"), m.messageId},
            {QStringLiteral("receiptHandle"), m.receiptHandle},
            {QStringLiteral("body"), QString::fromUtf8(m.body)},
            {QStringLiteral("attributes"), withTrace},
            {QStringLiteral("messageAttributes"), lambdaMessageAttributes(m.attributes)},
            {QStringLiteral("md5OfBody"), m.md5OfBody},
            {QStringLiteral("eventSource"), QStringLiteral("aws:sqs")},
            {QStringLiteral("eventSourceARN"), arn},
            {QStringLiteral("awsRegion"), QLatin1String(kRegion)},
        });
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("Records"), records}}).toJson(QJsonDocument::Compact);
}

Result<QStringList> batchItemFailures(const QByteArray &response, const QList<store::QueueMessage> &messages)
{
    // Lambda's rules: an empty or null response, no or a null or an empty batchItemFailures
    // is a complete success; a response that is not JSON, or an identifier that is null,
    // empty, misnamed or not in the batch, fails the whole batch.
    const QByteArray text = response.trimmed();
    if (text.isEmpty() || text == "null")
        return QStringList();
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &err);
    if (err.error != QJsonParseError::NoError)
        return makeError(errc::InvalidParameterValue, QStringLiteral("the function's response is not JSON"));
    const QJsonValue failures = doc.object().value(QStringLiteral("batchItemFailures"));
    if (!doc.isObject() || failures.isUndefined() || failures.isNull())
        return QStringList();
    QSet<QString> ids;
    for (const store::QueueMessage &m : messages)
        ids.insert(m.messageId);
    QStringList out;
    for (const QJsonValue &f : failures.toArray()) {
        const QString id = f.toObject().value(QStringLiteral("itemIdentifier")).toString();
        if (id.isEmpty() || !ids.contains(id))
            return makeError(errc::InvalidParameterValue, QStringLiteral("batchItemFailures names \"%1\", which is not a message of the batch").arg(id));
        out.append(id);
    }
    return out;
}

QueuePoller::QueuePoller(FunctionCatalog *catalog, QString databasePath, QueuePollerOptions options, QObject *parent)
    : QObject(parent), m_catalog(catalog), m_databasePath(std::move(databasePath)), m_options(options), m_timer(this),
      m_inbox(AnswerInbox::create(this))
{
    m_timer.setInterval(m_options.pollIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &QueuePoller::pollAll);
}

QueuePoller::~QueuePoller()
{
    m_inbox->detach();
}

Status QueuePoller::start()
{
    m_running = true;
    reload();
    m_timer.start();
    return {};
}

void QueuePoller::stop()
{
    m_running = false;
    m_timer.stop();
}

int QueuePoller::inFlightBatches(const QString &uuid) const
{
    return m_states.value(uuid).inFlight;
}

void QueuePoller::reload()
{
    Result<store::Connection *> conn = store::threadConnection(m_databasePath);
    if (!conn)
        return;
    auto mappings = store::listEventSourceMappings(**conn);
    if (!mappings) {
        qCWarning(lcApi) << "event source mappings:" << mappings.error().toString();
        return;
    }
    QSet<QString> seen;
    for (const store::EventSourceMapping &m : std::as_const(*mappings)) {
        State &s = m_states[m.uuid];
        s.mapping = m;
        s.lastResult = m.lastProcessingResult;
        seen.insert(m.uuid);
    }
    // Deleted mappings go once their batches are done (finishBatch erases them then).
    for (auto it = m_states.begin(); it != m_states.end();) {
        it->deleted = !seen.contains(it.key());
        if (it->deleted && it->inFlight == 0)
            it = m_states.erase(it);
        else
            ++it;
    }
    Q_EMIT mappingsChanged();
}

void QueuePoller::wake(const QString &queue)
{
    for (State &s : m_states) {
        if (s.mapping.queue == queue)
            poll(s);
    }
}

void QueuePoller::pollAll()
{
    for (State &s : m_states)
        poll(s);
}

int QueuePoller::concurrencyLimit(const State &state, qint64 now) const
{
    qint64 limit = m_options.initialBatches;
    if (state.rampStartMs > 0)
        limit += qint64(m_options.rampPerMinute) * (now - state.rampStartMs) / 60000;
    limit = qMin<qint64>(limit, m_options.maxBatches);
    if (state.mapping.maximumConcurrency > 0)
        limit = qMin<qint64>(limit, state.mapping.maximumConcurrency);
    const QString function = state.mapping.function.section(QLatin1Char(':'), 0, 0);
    if (m_catalog->exists(function)) {
        if (const std::optional<int> reserved = m_catalog->latest(function).reservedConcurrency)
            limit = qMin<qint64>(limit, *reserved);
    }
    return int(qMax<qint64>(limit, 0));
}

void QueuePoller::poll(State &state)
{
    if (!m_running || !state.mapping.enabled || state.deleted)
        return;
    const qint64 now = nowMs();
    if (state.backoffUntilMs > now)
        return;
    Result<store::Connection *> conn = store::threadConnection(m_databasePath);
    if (!conn)
        return;
    const store::EventSourceMapping &m = state.mapping;
    while (state.inFlight < concurrencyLimit(state, now)) {
        auto info = store::queueInfo(**conn, m.queue);
        if (!info) {
            setResult(state, QStringLiteral("PROBLEM: The event source queue does not exist"));
            return;
        }
        auto ready = store::hasVisibleMessage(**conn, m.queue, now);
        if (!ready || !*ready) {
            state.windowStartMs = 0;
            if (state.inFlight == 0)
                state.rampStartMs = 0; // drained: the next backlog starts at five batches again
            return;
        }
        if (m.maximumBatchingWindowS > 0) {
            // Wait for a full batch, at most the batching window.
            if (state.windowStartMs == 0)
                state.windowStartMs = now;
            auto stats = store::queueStats(**conn, m.queue, now);
            const bool full = stats.ok() && stats->visible >= m.batchSize;
            if (!full && now - state.windowStartMs < qint64(m.maximumBatchingWindowS) * 1000)
                return;
        }
        auto messages = store::receiveMessages(**conn, m.queue, m.batchSize, info->attributes.visibilityTimeoutS, now);
        if (!messages) {
            qCWarning(lcApi) << "event source mapping" << m.uuid << "could not receive:" << messages.error().toString();
            return;
        }
        state.windowStartMs = 0;
        if (messages->isEmpty())
            return; // all moved to the dead-letter queue
        if (state.rampStartMs == 0)
            state.rampStartMs = now;
        if (!invokeBatch(state, *messages)) {
            state.backoffUntilMs = now + m_options.throttleBackoffMs;
            return;
        }
    }
}

bool QueuePoller::invokeBatch(State &state, const QList<store::QueueMessage> &messages)
{
    const store::EventSourceMapping &m = state.mapping;
    const Result<FunctionRef> ref = parseFunctionName(m.function);
    const Result<ResolvedQualifier> resolved = ref ? m_catalog->resolve(ref->name, ref->qualifier) : Result<ResolvedQualifier>(ref.error());
    if (!resolved) {
        // The messages come back after their visibility timeout (and reach the DLQ in the end).
        setResult(state, QStringLiteral("PROBLEM: Function not found"));
        return false;
    }
    engine::InvokeRequest req;
    req.function = ref->name;
    req.version = resolved->version;
    req.alias = resolved->alias;
    req.payload = sqsEvent(m.queue, messages);
    req.trigger = TriggerKind::Queue;
    req.requestId = newRequestId();
    req.traceHeader = messages.first().traceHeader; // a batch continues its first message's trace
    ++state.inFlight;
    const QString uuid = m.uuid;
    std::shared_ptr<AnswerInbox> inbox = m_inbox;
    QPointer<QueuePoller> self(this);
    m_catalog->engine()->invoke(std::move(req), [inbox, self, uuid, messages](engine::InvokeResult result) {
        inbox->post([self, uuid, messages, result = std::move(result)] {
            if (self)
                self->finishBatch(uuid, messages, result);
        });
    });
    return true;
}

void QueuePoller::finishBatch(const QString &uuid, const QList<store::QueueMessage> &messages, const engine::InvokeResult &result)
{
    auto it = m_states.find(uuid);
    if (it == m_states.end())
        return;
    State &state = *it;
    --state.inFlight;
    QStringList keep; // message ids left to come back
    bool wholeBatchFailed = false;
    if (result.throttled) {
        // Lambda backs off its concurrency; the batch returns after the visibility timeout.
        state.backoffUntilMs = nowMs() + m_options.throttleBackoffMs;
        state.rampStartMs = 0;
        wholeBatchFailed = true;
        setResult(state, QStringLiteral("PROBLEM: Function call throttled"));
    } else if (result.functionError || !result.record.errorType.isEmpty()) {
        wholeBatchFailed = true;
        setResult(state, QStringLiteral("PROBLEM: Function call failed"));
    } else if (state.mapping.reportBatchItemFailures) {
        auto failed = batchItemFailures(result.response, messages);
        if (!failed) {
            wholeBatchFailed = true;
            setResult(state, QStringLiteral("PROBLEM: Invalid partial batch response"));
        } else {
            keep = *failed;
            setResult(state, QStringLiteral("OK"));
        }
    } else {
        setResult(state, QStringLiteral("OK"));
    }
    QStringList handles;
    if (!wholeBatchFailed) {
        for (const store::QueueMessage &m : messages)
            if (!keep.contains(m.messageId))
                handles.append(m.receiptHandle);
    }
    int deleted = 0;
    if (!handles.isEmpty()) {
        Result<store::Connection *> conn = store::threadConnection(m_databasePath);
        if (conn) {
            const QList<Error> errors = store::deleteMessages(**conn, state.mapping.queue, handles);
            for (const Error &e : errors)
                deleted += e.type.isEmpty() ? 1 : 0;
        }
    }
    Q_EMIT batchFinished(uuid, int(messages.size()), deleted);
    if (state.deleted && state.inFlight == 0)
        m_states.erase(it);
    else
        poll(state); // capacity is free again
}

void QueuePoller::setResult(State &state, const QString &result)
{
    if (state.lastResult == result)
        return;
    state.lastResult = result;
    state.mapping.lastProcessingResult = result;
    if (Result<store::Connection *> conn = store::threadConnection(m_databasePath); conn)
        (void)store::setMappingResult(**conn, state.mapping.uuid, result);
}

} // namespace funcdesk::api
