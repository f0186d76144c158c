#include "asyncdispatcher.h"

#include "api/answerinbox.h"
#include "api/functioncatalog.h"
#include "common/ids.h"
#include "common/logging.h"
#include "engine/engine.h"
#include "store/asyncevents.h"
#include "store/sqlite.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTimeZone>

namespace funcdesk::api {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QJsonValue jsonOrString(const QByteArray &bytes)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArrayLiteral("[") + bytes + QByteArrayLiteral("]"), &err);
    if (err.error == QJsonParseError::NoError && !bytes.trimmed().isEmpty())
        return doc.array().first();
    return QString::fromUtf8(bytes);
}

} // namespace

AsyncDispatcher::AsyncDispatcher(FunctionCatalog *catalog, QString databasePath, AsyncDispatcherOptions options,
                                 QObject *parent)
    : QObject(parent), m_catalog(catalog), m_databasePath(std::move(databasePath)), m_options(std::move(options)),
      m_timer(this), m_inbox(AnswerInbox::create(this))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &AsyncDispatcher::poll);
}

AsyncDispatcher::~AsyncDispatcher()
{
    m_inbox->detach();
}

Status AsyncDispatcher::start()
{
    Result<store::Connection *> conn = store::threadConnection(m_databasePath);
    if (!conn.ok())
        return conn.error();
    const Result<int> resumed = store::requeueRunningAsyncEvents(**conn);
    if (!resumed.ok())
        return resumed.error();
    if (*resumed > 0)
        qCInfo(lcApi) << "resuming" << *resumed << "async events left running";
    m_running = true;
    m_timer.start(0);
    return {};
}

void AsyncDispatcher::stop()
{
    m_running = false;
    m_timer.stop();
}

Status AsyncDispatcher::enqueue(const AsyncInvocation &invocation)
{
    Result<store::Connection *> conn = store::threadConnection(m_databasePath);
    if (!conn.ok())
        return conn.error();
    store::AsyncEvent e;
    e.requestId = invocation.requestId;
    e.function = invocation.function;
    e.qualifier = invocation.qualifier.isEmpty() ? QStringLiteral("$LATEST") : invocation.qualifier;
    e.payload = invocation.payload;
    e.firstReceivedMs = nowMs();
    e.nextAttemptMs = e.firstReceivedMs;
    e.trigger = invocation.trigger;
    e.traceHeader = invocation.traceHeader;
    const Result<qint64> id = store::insertAsyncEvent(**conn, e);
    if (!id.ok())
        return id.error();
    if (m_running)
        m_timer.start(0);
    return {};
}

void AsyncDispatcher::scheduleNext()
{
    if (!m_running)
        return;
    int wait = m_options.pollIntervalMs;
    Result<store::Connection *> conn = store::threadConnection(m_databasePath);
    if (conn.ok()) {
        const Result<qint64> due = store::nextAsyncEventDueMs(**conn);
        if (due.ok() && *due > 0)
            wait = int(qBound<qint64>(0, *due - nowMs(), qint64(m_options.pollIntervalMs)));
    }
    m_timer.start(wait);
}

void AsyncDispatcher::poll()
{
    if (!m_running)
        return;
    const int room = m_options.maxInFlight - m_inFlight;
    if (room > 0) {
        Result<store::Connection *> conn = store::threadConnection(m_databasePath);
        if (!conn.ok()) {
            qCWarning(lcApi) << "async dispatcher:" << conn.error().toString();
        } else {
            const Result<QList<store::AsyncEvent>> due = store::claimDueAsyncEvents(**conn, nowMs(), room);
            if (!due.ok()) {
                qCWarning(lcApi) << "async dispatcher:" << due.error().toString();
            } else {
                for (const store::AsyncEvent &e : *due)
                    dispatch(e);
            }
        }
    }
    scheduleNext();
}

void AsyncDispatcher::dispatch(const store::AsyncEvent &event)
{
    const FunctionConfig latest = m_catalog->latest(event.function);
    const qint64 maxAgeMs = qint64(latest.async.maximumEventAgeSeconds) * 1000;
    if (!m_catalog->exists(event.function)) {
        finish(event, false, QStringLiteral("ResourceNotFound"), QString(), QByteArray(), false);
        return;
    }
    if (nowMs() - event.firstReceivedMs > maxAgeMs) {
        finish(event, false, QStringLiteral("EventAgeExceeded"), QString(), QByteArray(), false);
        return;
    }
    const Result<ResolvedQualifier> resolved = m_catalog->resolve(event.function, event.qualifier);
    if (!resolved.ok()) {
        finish(event, false, QStringLiteral("ResourceNotFound"), QString(), QByteArray(), false);
        return;
    }
    engine::InvokeRequest req;
    req.function = event.function;
    req.version = resolved->version;
    req.alias = resolved->alias;
    req.payload = event.payload;
    req.trigger = event.trigger;
    req.requestId = event.requestId;
    req.isAsync = true;
    req.traceHeader = event.traceHeader;
    ++m_inFlight;
    QPointer<AsyncDispatcher> self(this);
    std::shared_ptr<AnswerInbox> inbox = m_inbox;
    m_catalog->engine()->invoke(std::move(req), [inbox, self, event](engine::InvokeResult result) {
        inbox->post(
            [self, event, result = std::move(result)] {
                if (!self)
                    return;
                --self->m_inFlight;
                AsyncDispatcher &d = *self;
                const qint64 now = nowMs();
                Result<store::Connection *> conn = store::threadConnection(d.m_databasePath);
                if (!conn.ok())
                    return;
                const FunctionConfig cfg = d.m_catalog->latest(event.function);
                if (result.throttled) {
                    const int throttles = ++d.m_throttles[event.id];
                    if (now - event.firstReceivedMs > qint64(cfg.async.maximumEventAgeSeconds) * 1000) {
                        d.finish(event, false, QStringLiteral("EventAgeExceeded"), result.record.version, result.response, false);
                        return;
                    }
                    const qint64 backoff = qMin<qint64>(d.m_options.throttleBackoffMaxMs,
                                                        qint64(d.m_options.throttleBackoffMinMs) << qMin(throttles - 1, 20));
                    (void)store::retryAsyncEvent(**conn, event.id, QStringLiteral("TooManyRequestsException: Rate Exceeded."), now + backoff);
                    Q_EMIT d.eventRetried(event.requestId, event.function, QStringLiteral("throttled"), now + backoff);
                    d.m_timer.start(0);
                    return;
                }
                if (result.record.errorType == errc::RecursiveInvocation) { // never retried: the loop is the fault
                    d.finish(event, false, QStringLiteral("RecursiveInvocationDetected"), result.record.version, result.response, false);
                    return;
                }
                const bool failed = result.functionError || result.record.status != InvocationStatus::Success;
                if (!failed) {
                    d.finish(event, true, QStringLiteral("Success"), result.record.version, result.response, false);
                    return;
                }
                const int errorsSoFar = event.attempts - d.m_throttles.value(event.id);
                const QList<int> delays = d.retryDelays(event.function);
                if (errorsSoFar <= cfg.async.maximumRetryAttempts && !delays.isEmpty()) {
                    const int delay = delays.at(qMin(errorsSoFar - 1, int(delays.size()) - 1));
                    const QString error = result.record.errorType + QStringLiteral(": ") + result.record.errorMessage;
                    (void)store::retryAsyncEvent(**conn, event.id, error, now + delay);
                    Q_EMIT d.eventRetried(event.requestId, event.function, QStringLiteral("function error"), now + delay);
                    d.m_timer.start(0);
                    return;
                }
                d.finish(event, false, QStringLiteral("RetriesExhausted"), result.record.version, result.response, true);
            });
    });
}

void AsyncDispatcher::setRetryDelays(const QString &function, const QList<int> &delaysMs)
{
    if (delaysMs.isEmpty())
        m_retryDelays.remove(function);
    else
        m_retryDelays.insert(function, delaysMs);
}

QList<int> AsyncDispatcher::retryDelays(const QString &function) const
{
    return m_retryDelays.value(function, m_options.retryDelaysMs);
}

void AsyncDispatcher::finish(const store::AsyncEvent &event, bool success, const QString &condition,
                             const QString &executedVersion, const QByteArray &response, bool functionError)
{
    m_throttles.remove(event.id);
    Result<store::Connection *> conn = store::threadConnection(m_databasePath);
    if (conn.ok()) {
        if (success)
            (void)store::markAsyncEventDone(**conn, event.id);
        else
            (void)store::deadLetterAsyncEvent(**conn, event.id, condition);
    }
    const AsyncConfig cfg = m_catalog->latest(event.function).async;
    const QString destination = success ? cfg.onSuccess : cfg.onFailure;
    if (!destination.isEmpty() && destination != QLatin1String("dlq")) {
        sendToDestination(destination, invocationRecord(event.requestId, event.function, executedVersion, condition, event.attempts, event.payload, response, functionError));
    }
    Q_EMIT eventFinished(event.requestId, event.function, success ? QStringLiteral("done") : QStringLiteral("dead"), condition);
}

void AsyncDispatcher::sendToDestination(const QString &destination, const QByteArray &record)
{
    const Status s = enqueue(AsyncInvocation{newRequestId(), destination, QStringLiteral("$LATEST"), record});
    if (!s.ok())
        qCWarning(lcApi) << "destination" << destination << "not reached:" << s.error().toString();
}

QByteArray AsyncDispatcher::invocationRecord(const QString &requestId, const QString &function, const QString &executedVersion,
                                             const QString &condition, int approximateInvokeCount,
                                             const QByteArray &requestPayload, const QByteArray &responsePayload,
                                             bool functionError)
{
    QJsonObject responseContext{{QStringLiteral("statusCode"), 200},
                                {QStringLiteral("executedVersion"), executedVersion.isEmpty() ? QStringLiteral("$LATEST") : executedVersion}};
    if (functionError)
        responseContext.insert(QStringLiteral("functionError"), QStringLiteral("Unhandled"));
    QJsonObject record{
        {QStringLiteral("version"), QStringLiteral("1.0")},
        {QStringLiteral("timestamp"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {QStringLiteral("requestContext"),
         QJsonObject{{QStringLiteral("requestId"), requestId},
                     {QStringLiteral("functionArn"), functionArn(function, executedVersion.isEmpty() ? QStringLiteral("$LATEST") : executedVersion)},
                     {QStringLiteral("condition"), condition},
                     {QStringLiteral("approximateInvokeCount"), approximateInvokeCount}}},
        {QStringLiteral("requestPayload"), jsonOrString(requestPayload)},
        {QStringLiteral("responseContext"), responseContext},
    };
    if (!responsePayload.isEmpty())
        record.insert(QStringLiteral("responsePayload"), jsonOrString(responsePayload));
    return QJsonDocument(record).toJson(QJsonDocument::Compact);
}

} // namespace funcdesk::api
