// Lambda's event source mapping API for local queues (queuepoller.h):
//   POST   /2015-03-31/event-source-mappings/          CreateEventSourceMapping (202)
//   GET    /2015-03-31/event-source-mappings/          ListEventSourceMappings (FunctionName, EventSourceArn, Marker, MaxItems)
//   GET    /2015-03-31/event-source-mappings/{UUID}    GetEventSourceMapping
//   PUT    /2015-03-31/event-source-mappings/{UUID}    UpdateEventSourceMapping (202)
//   DELETE /2015-03-31/event-source-mappings/{UUID}    DeleteEventSourceMapping (202)

#include "api/queuepoller.h"

#include "api/functioncatalog.h"
#include "api/lambdawire.h"
#include "api/sqswire.h"
#include "common/ids.h"
#include "store/sqlite.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUuid>

namespace funcdesk::api {

namespace {

constexpr QLatin1String kPrefix{"/2015-03-31/event-source-mappings"};

QString queryParam(const QByteArray &query, const char *key)
{
    for (const QByteArray &pair : query.split('&')) {
        const qsizetype eq = pair.indexOf('=');
        if ((eq < 0 ? pair : pair.left(eq)) == key) {
            QByteArray v = eq < 0 ? QByteArray() : pair.mid(eq + 1);
            v.replace('+', ' ');
            return QUrl::fromPercentEncoding(v);
        }
    }
    return {};
}

Error invalid(const QString &message) { return makeError(errc::InvalidParameterValue, message); }

WireResponse withId(WireResponse r)
{
    r.setHeader(QByteArrayLiteral("x-amzn-RequestId"), newRequestId().toLatin1());
    return r;
}

// Applies the request's fields onto `m`, checking each as Lambda does.
Status applyFields(const QJsonObject &body, store::EventSourceMapping &m)
{
    auto intField = [&](const char *name, int &field, int min, int max) -> Status {
        const QJsonValue v = body.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull())
            return {};
        const qint64 n = v.toInteger(min - 1);
        if (!v.isDouble() || n < min || n > max) {
            return invalid(QStringLiteral("1 validation error detected: Value '%1' at '%2' failed to satisfy constraint: Member must have value %3")
                               .arg(v.isDouble() ? QString::number(v.toDouble()) : v.toVariant().toString(),
                                    QString(QLatin1String(name)).replace(0, 1, QString(QLatin1Char(name[0])).toLower()),
                                    n < min ? QStringLiteral("greater than or equal to %1").arg(min)
                                            : QStringLiteral("less than or equal to %1").arg(max)));
        }
        field = int(n);
        return {};
    };
    if (Status s = intField("BatchSize", m.batchSize, 1, 10000); !s)
        return s;
    if (Status s = intField("MaximumBatchingWindowInSeconds", m.maximumBatchingWindowS, 0, 300); !s)
        return s;
    if (body.contains(QStringLiteral("Enabled")))
        m.enabled = body.value(QStringLiteral("Enabled")).toBool(true);
    if (body.contains(QStringLiteral("FunctionResponseTypes"))) {
        m.reportBatchItemFailures = false;
        for (const QJsonValue &t : body.value(QStringLiteral("FunctionResponseTypes")).toArray()) {
            if (t.toString() != QLatin1String("ReportBatchItemFailures")) {
                return invalid(QStringLiteral("1 validation error detected: Value '[%1]' at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]")
                                   .arg(t.toString()));
            }
            m.reportBatchItemFailures = true;
        }
    }
    if (body.contains(QStringLiteral("ScalingConfig"))) {
        const QJsonObject scaling = body.value(QStringLiteral("ScalingConfig")).toObject();
        m.maximumConcurrency = 0;
        const QJsonValue v = scaling.value(QStringLiteral("MaximumConcurrency"));
        if (!v.isUndefined() && !v.isNull()) {
            const int n = v.toInt(-1);
            if (n < 2 || n > 1000)
                return invalid(QStringLiteral("1 validation error detected: Value '%1' at 'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must have value between 2 and 1000").arg(n));
            m.maximumConcurrency = n;
        }
    }
    if (m.batchSize > 10 && m.maximumBatchingWindowS == 0)
        return invalid(QStringLiteral("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"));
    return {};
}

} // namespace

QJsonObject QueuePoller::mappingJson(const store::EventSourceMapping &m, const QString &state) const
{
    const Result<FunctionRef> ref = parseFunctionName(m.function);
    QJsonObject o{
        {QStringLiteral("UUID"), m.uuid},
        {QStringLiteral("BatchSize"), m.batchSize},
        {QStringLiteral("MaximumBatchingWindowInSeconds"), m.maximumBatchingWindowS},
        {QStringLiteral("EventSourceArn"), queueArn(m.queue)},
        {QStringLiteral("FunctionArn"), ref ? functionArn(ref->name, ref->qualifier) : m.function},
        {QStringLiteral("LastModified"), double(m.modifiedMs) / 1000.0},
        {QStringLiteral("LastProcessingResult"), m_states.value(m.uuid).lastResult.isEmpty() ? m.lastProcessingResult : m_states.value(m.uuid).lastResult},
        {QStringLiteral("State"), state.isEmpty() ? (m.enabled ? QStringLiteral("Enabled") : QStringLiteral("Disabled")) : state},
        {QStringLiteral("StateTransitionReason"), QStringLiteral("USER_INITIATED")},
        {QStringLiteral("FunctionResponseTypes"),
         m.reportBatchItemFailures ? QJsonArray{QStringLiteral("ReportBatchItemFailures")} : QJsonArray()},
        {QStringLiteral("EventSourceMappingArn"),
         QStringLiteral("arn:aws:lambda:%1:%2:event-source-mapping:%3").arg(QLatin1String(kRegion), QLatin1String(kAccountId), m.uuid)},
    };
    if (m.maximumConcurrency > 0)
        o.insert(QStringLiteral("ScalingConfig"), QJsonObject{{QStringLiteral("MaximumConcurrency"), m.maximumConcurrency}});
    return o;
}

Status QueuePoller::validate(store::EventSourceMapping &m, const QString &arn) const
{
    const Result<FunctionRef> ref = parseFunctionName(m.function);
    if (!ref)
        return ref.error();
    if (!m_catalog->exists(ref->name))
        return functionNotFound(ref->name, ref->qualifier);
    const Result<ResolvedQualifier> resolved = m_catalog->resolve(ref->name, ref->qualifier);
    if (!resolved)
        return resolved.error();
    m.function = ref->qualifier.isEmpty() ? ref->name : ref->name + QLatin1Char(':') + ref->qualifier;
    if (!arn.isEmpty()) {
        m.queue = queueNameFromArn(arn);
        if (m.queue.isEmpty())
            return invalid(QStringLiteral("Unsupported event source type: %1 (Funcdesk maps its local SQS queues)").arg(arn));
    }
    Result<store::Connection *> conn = store::threadConnection(m_databasePath);
    if (!conn)
        return conn.error();
    auto queue = store::queueInfo(**conn, m.queue);
    if (!queue) {
        return invalid(QStringLiteral("Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist."));
    }
    const Result<FunctionConfig> config = m_catalog->config(ref->name, resolved->version);
    const int timeout = config ? config->timeoutSeconds : m_catalog->latest(ref->name).timeoutSeconds;
    if (queue->attributes.visibilityTimeoutS < timeout) {
        return invalid(QStringLiteral("Queue visibility timeout: %1 seconds is less than Function timeout: %2 seconds")
                           .arg(queue->attributes.visibilityTimeoutS)
                           .arg(timeout));
    }
    return {};
}

bool QueuePoller::handle(const HttpRequest &request, HttpResponder &responder)
{
    const QString path = QUrl::fromPercentEncoding(request.path);
    if (path != kPrefix && !path.startsWith(kPrefix + QLatin1Char('/')))
        return false;
    const QString uuid = path.mid(kPrefix.size()).remove(QLatin1Char('/'));
    WireResponse r;
    if (uuid.isEmpty()) {
        if (request.method == "POST")
            r = createMapping(request);
        else if (request.method == "GET")
            r = listMappings(request);
        else
            r = errorResponse(errc::UnknownOperation, QStringLiteral("Unknown operation"), 404);
    } else if (request.method == "PUT") {
        r = updateMapping(request, uuid);
    } else if (request.method == "GET" || request.method == "DELETE") {
        Result<store::Connection *> conn = store::threadConnection(m_databasePath);
        auto m = conn ? store::eventSourceMapping(**conn, uuid) : Result<store::EventSourceMapping>(conn.error());
        if (!m) {
            r = errorResponse(m.error());
        } else if (request.method == "GET") {
            r = jsonResponse(mappingJson(*m));
        } else if (Status s = store::deleteEventSourceMapping(**conn, uuid); !s) {
            r = errorResponse(s.error());
        } else {
            r = jsonResponse(mappingJson(*m, QStringLiteral("Deleting")), 202);
            reload();
        }
    } else {
        r = errorResponse(errc::UnknownOperation, QStringLiteral("Unknown operation"), 404);
    }
    responder.respond(withId(r));
    return true;
}

WireResponse QueuePoller::createMapping(const HttpRequest &request)
{
    QJsonParseError perr{};
    const QJsonObject body = QJsonDocument::fromJson(request.body, &perr).object();
    if (perr.error != QJsonParseError::NoError)
        return errorResponse(errc::InvalidRequestContent, QStringLiteral("Could not parse request body into json: %1").arg(perr.errorString()));
    store::EventSourceMapping m;
    m.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m.function = body.value(QStringLiteral("FunctionName")).toString();
    const QString arn = body.value(QStringLiteral("EventSourceArn")).toString();
    if (m.function.isEmpty() || arn.isEmpty()) {
        return errorResponse(invalid(QStringLiteral("1 validation error detected: Value null at '%1' failed to satisfy constraint: Member must not be null")
                                         .arg(m.function.isEmpty() ? QStringLiteral("functionName") : QStringLiteral("eventSourceArn"))));
    }
    if (Status s = applyFields(body, m); !s)
        return errorResponse(s.error());
    if (Status s = validate(m, arn); !s)
        return errorResponse(s.error());
    Result<store::Connection *> conn = store::threadConnection(m_databasePath);
    if (!conn)
        return errorResponse(errc::Service, conn.error().toString());
    auto existing = store::listEventSourceMappings(**conn, m.function.section(QLatin1Char(':'), 0, 0), m.queue);
    if (existing && !existing->isEmpty()) {
        for (const store::EventSourceMapping &e : std::as_const(*existing)) {
            if (e.function == m.function) {
                return errorResponse(errc::ResourceConflict,
                                     QStringLiteral("An event source mapping with SQS arn (\" %1 \") and function (\" %2 \") already exists. Please update or delete the existing mapping with UUID %3")
                                         .arg(queueArn(m.queue), m.function, e.uuid));
            }
        }
    }
    m.createdMs = m.modifiedMs = QDateTime::currentMSecsSinceEpoch();
    if (Status s = store::insertEventSourceMapping(**conn, m); !s)
        return errorResponse(errc::Service, s.error().toString());
    reload();
    wake(m.queue);
    return jsonResponse(mappingJson(m, QStringLiteral("Creating")), 202);
}

WireResponse QueuePoller::updateMapping(const HttpRequest &request, const QString &uuid)
{
    QJsonParseError perr{};
    const QJsonObject body = QJsonDocument::fromJson(request.body, &perr).object();
    if (perr.error != QJsonParseError::NoError)
        return errorResponse(errc::InvalidRequestContent, QStringLiteral("Could not parse request body into json: %1").arg(perr.errorString()));
    Result<store::Connection *> conn = store::threadConnection(m_databasePath);
    if (!conn)
        return errorResponse(errc::Service, conn.error().toString());
    auto m = store::eventSourceMapping(**conn, uuid);
    if (!m)
        return errorResponse(m.error());
    if (body.contains(QStringLiteral("FunctionName")))
        m->function = body.value(QStringLiteral("FunctionName")).toString();
    if (Status s = applyFields(body, *m); !s)
        return errorResponse(s.error());
    if (Status s = validate(*m, QString()); !s)
        return errorResponse(s.error());
    m->modifiedMs = QDateTime::currentMSecsSinceEpoch();
    if (Status s = store::updateEventSourceMapping(**conn, *m); !s)
        return errorResponse(s.error());
    reload();
    wake(m->queue);
    return jsonResponse(mappingJson(*m, QStringLiteral("Updating")), 202);
}

WireResponse QueuePoller::listMappings(const HttpRequest &request)
{
    QString function = queryParam(request.query, "FunctionName");
    if (!function.isEmpty()) {
        const Result<FunctionRef> ref = parseFunctionName(function);
        if (!ref)
            return errorResponse(ref.error());
        function = ref->name;
    }
    const QString arn = queryParam(request.query, "EventSourceArn");
    const QString queue = arn.isEmpty() ? QString() : queueNameFromArn(arn);
    if (!arn.isEmpty() && queue.isEmpty())
        return errorResponse(invalid(QStringLiteral("Unsupported event source type: %1").arg(arn)));
    Result<store::Connection *> conn = store::threadConnection(m_databasePath);
    if (!conn)
        return errorResponse(errc::Service, conn.error().toString());
    auto mappings = store::listEventSourceMappings(**conn, function, queue);
    if (!mappings)
        return errorResponse(errc::Service, mappings.error().toString());
    bool okMax = false;
    int maxItems = queryParam(request.query, "MaxItems").toInt(&okMax);
    if (!okMax || maxItems <= 0)
        maxItems = 100;
    const QString marker = queryParam(request.query, "Marker");
    QJsonArray list;
    QJsonObject out;
    bool started = marker.isEmpty();
    for (const store::EventSourceMapping &m : std::as_const(*mappings)) {
        if (!started) {
            started = m.uuid == marker;
            continue;
        }
        if (list.size() == maxItems) {
            out.insert(QStringLiteral("NextMarker"), list.last().toObject().value(QStringLiteral("UUID")));
            break;
        }
        list.append(mappingJson(m));
    }
    out.insert(QStringLiteral("EventSourceMappings"), list);
    return jsonResponse(out);
}

} // namespace funcdesk::api
