// ApiServer: aliases, concurrency, event invoke config and function URL config. API thread only.
#include "apiserver.h"

#include "api/apiserver_p.h"
#include "api/functioncatalog.h"
#include "api/functionurl.h"
#include "api/lambdawire.h"
#include "common/ids.h"

#include <QDateTime>
#include <algorithm>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace funcdesk::api {

namespace detail {

QString queryParam(const HttpRequest &request, const char *key)
{
    const QList<QByteArray> pairs = request.query.split('&');
    for (const QByteArray &p : pairs) {
        const qsizetype eq = p.indexOf('=');
        if ((eq < 0 ? p : p.left(eq)) == key)
            return QUrl::fromPercentEncoding(eq < 0 ? QByteArray() : p.mid(eq + 1));
    }
    return {};
}

Result<QJsonObject> jsonBody(const HttpRequest &request)
{
    if (request.body.trimmed().isEmpty())
        return QJsonObject();
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(errc::InvalidRequestContent,
                         QStringLiteral("Could not parse request body into json: %1").arg(err.errorString()));
    return doc.object();
}

// Versioning's error names onto Lambda's wire.
WireResponse fromError(const Error &e)
{
    const QString t = e.type;
    if (t == errc::InvalidParameterValue || t == errc::ResourceNotFound
        || t == errc::ResourceConflict || t == errc::InvalidRequestContent
        || t == errc::TooManyRequests || t == errc::BuildFailed || t == errc::RequestEntityTooLarge)
        return errorResponse(e);
    if (t == errc::DraftHasChanges)
        return errorResponse(errc::ResourceConflict, e.message);
    return errorResponse(errc::Service, e.toString());
}

Status checkZippedSize(qint64 zipBytes, const QString &operation)
{
    if (zipBytes <= 50 * 1024 * 1024)
        return {};
    return makeError(errc::RequestEntityTooLarge,
                     QStringLiteral("Request must be smaller than 70167211 bytes for the %1 operation").arg(operation));
}

} // namespace detail

using namespace detail;

namespace {

QString destinationName(const QJsonObject &destinationConfig, const char *key)
{
    const QString d = destinationConfig.value(QLatin1String(key)).toObject().value(QStringLiteral("Destination")).toString();
    if (d.isEmpty() || d == QLatin1String("dlq"))
        return d;
    const Result<FunctionRef> ref = parseFunctionName(d);
    return ref.ok() ? ref->name : QStringLiteral("dlq"); // queues and topics: the dead-letter list
}

QJsonObject destinationJson(const QString &target)
{
    if (target.isEmpty())
        return {};
    return QJsonObject{{QStringLiteral("Destination"), target == QLatin1String("dlq") ? target : functionArn(target)}};
}

AliasDescription aliasDescription(const QString &function, const AliasConfig &a)
{
    return AliasDescription{function, a.name, a.functionVersion, a.description, a.additionalVersion, a.additionalWeight, a.revisionId};
}

Status applyAliasJson(const QJsonObject &body, AliasConfig &a)
{
    if (body.contains(QStringLiteral("FunctionVersion")))
        a.functionVersion = body.value(QStringLiteral("FunctionVersion")).toString();
    if (body.contains(QStringLiteral("Description")))
        a.description = body.value(QStringLiteral("Description")).toString();
    if (body.contains(QStringLiteral("RoutingConfig"))) {
        const QJsonObject weights = body.value(QStringLiteral("RoutingConfig")).toObject().value(QStringLiteral("AdditionalVersionWeights")).toObject();
        if (weights.size() > 1)
            return makeError(errc::InvalidParameterValue, QStringLiteral("Only one additional version can be routed to."));
        a.additionalVersion = weights.isEmpty() ? QString() : weights.begin().key();
        a.additionalWeight = weights.isEmpty() ? 0 : weights.begin().value().toDouble();
    }
    return {};
}

} // namespace

WireResponse ApiServer::createAlias(const HttpRequest &request, const QString &nameParam)
{
    const Result<QString> name = existingFunction(nameParam);
    if (!name.ok())
        return errorResponse(name.error());
    const Result<QJsonObject> body = jsonBody(request);
    if (!body.ok())
        return errorResponse(body.error());
    AliasConfig a;
    a.name = body->value(QStringLiteral("Name")).toString();
    if (Status s = applyAliasJson(*body, a); !s.ok())
        return errorResponse(s.error());
    const Result<AliasConfig> created = m_catalog->store().createAlias(*name, a);
    if (!created.ok())
        return fromError(created.error());
    (void)m_catalog->refresh(*name);
    Q_EMIT functionChanged(*name);
    return jsonResponse(aliasConfigurationJson(aliasDescription(*name, *created)), 201);
}

WireResponse ApiServer::listAliases(const QString &nameParam)
{
    const Result<QString> name = existingFunction(nameParam);
    if (!name.ok())
        return errorResponse(name.error());
    QJsonArray list;
    const QList<AliasConfig> aliases = m_catalog->aliases(*name);
    for (const AliasConfig &a : aliases)
        list.append(aliasConfigurationJson(aliasDescription(*name, a)));
    return jsonResponse(QJsonObject{{QStringLiteral("Aliases"), list}});
}

WireResponse ApiServer::aliasOperation(const HttpRequest &request, const QString &nameParam, const QString &alias)
{
    const Result<QString> name = existingFunction(nameParam);
    if (!name.ok())
        return errorResponse(name.error());
    VersionStore &store = m_catalog->store();
    if (request.method == "GET") {
        const Result<AliasConfig> a = store.alias(*name, alias);
        if (!a.ok())
            return fromError(a.error());
        return jsonResponse(aliasConfigurationJson(aliasDescription(*name, *a)));
    }
    if (request.method == "DELETE") {
        const Status s = store.deleteAlias(*name, alias);
        if (!s.ok())
            return fromError(s.error());
        (void)m_catalog->refresh(*name);
        Q_EMIT functionChanged(*name);
        WireResponse r;
        r.status = 204;
        return r;
    }
    if (request.method == "PUT") {
        const Result<QJsonObject> body = jsonBody(request);
        if (!body.ok())
            return errorResponse(body.error());
        Result<AliasConfig> current = store.alias(*name, alias);
        if (!current.ok())
            return fromError(current.error());
        if (Status s = applyAliasJson(*body, *current); !s.ok())
            return errorResponse(s.error());
        const Result<AliasConfig> updated = store.updateAlias(*name, *current);
        if (!updated.ok())
            return fromError(updated.error());
        (void)m_catalog->refresh(*name);
        Q_EMIT functionChanged(*name);
        return jsonResponse(aliasConfigurationJson(aliasDescription(*name, *updated)));
    }
    return errorResponse(errc::UnknownOperation, QStringLiteral("Unknown operation"), 404);
}

WireResponse ApiServer::putConcurrency(const HttpRequest &request, const QString &nameParam, bool remove)
{
    const Result<QString> name = existingFunction(nameParam);
    if (!name.ok())
        return errorResponse(name.error());
    const Result<QJsonObject> body = jsonBody(request);
    if (!body.ok())
        return errorResponse(body.error());
    const int n = body->value(QStringLiteral("ReservedConcurrentExecutions")).toInt(-1);
    if (!remove && (n < 0 || n > 1000))
        return errorResponse(errc::InvalidParameterValue, QStringLiteral("ReservedConcurrentExecutions must be between 0 and 1000."));
    const Status s = changeDraftConfig(
        *name, [remove, n](FunctionConfig &c) {
            c.reservedConcurrency = remove ? std::nullopt : std::optional<int>(n);
            return Status();
        },
        remove ? QStringLiteral("DeleteFunctionConcurrency") : QStringLiteral("PutFunctionConcurrency"));
    if (!s.ok())
        return fromError(s.error());
    if (remove) {
        WireResponse r;
        r.status = 204;
        return r;
    }
    return jsonResponse(QJsonObject{{QStringLiteral("ReservedConcurrentExecutions"), n}});
}

WireResponse ApiServer::getConcurrency(const QString &nameParam)
{
    const Result<QString> name = existingFunction(nameParam);
    if (!name.ok())
        return errorResponse(name.error());
    const auto reserved = m_catalog->latest(*name).reservedConcurrency;
    QJsonObject body;
    if (reserved)
        body.insert(QStringLiteral("ReservedConcurrentExecutions"), *reserved);
    return jsonResponse(body);
}

WireResponse ApiServer::eventInvokeConfig(const HttpRequest &request, const QString &nameParam)
{
    const Result<QString> name = existingFunction(nameParam);
    if (!name.ok())
        return errorResponse(name.error());
    if (request.method == "PUT" || request.method == "POST") {
        const Result<QJsonObject> body = jsonBody(request);
        if (!body.ok())
            return errorResponse(body.error());
        const bool replace = request.method == "PUT"; // PUT replaces, POST (Update...) merges
        const Status s = changeDraftConfig(
            *name, [&body, replace](FunctionConfig &c) -> Status {
                AsyncConfig a = replace ? AsyncConfig{} : c.async;
                if (body->contains(QStringLiteral("MaximumRetryAttempts"))) {
                    a.maximumRetryAttempts = body->value(QStringLiteral("MaximumRetryAttempts")).toInt(-1);
                    if (a.maximumRetryAttempts < 0 || a.maximumRetryAttempts > 2)
                        return makeError(errc::InvalidParameterValue, QStringLiteral("MaximumRetryAttempts must be between 0 and 2."));
                }
                if (body->contains(QStringLiteral("MaximumEventAgeInSeconds"))) {
                    a.maximumEventAgeSeconds = body->value(QStringLiteral("MaximumEventAgeInSeconds")).toInt(-1);
                    if (a.maximumEventAgeSeconds < 60 || a.maximumEventAgeSeconds > 21600)
                        return makeError(errc::InvalidParameterValue, QStringLiteral("MaximumEventAgeInSeconds must be between 60 and 21600."));
                }
                if (body->contains(QStringLiteral("DestinationConfig"))) {
                    const QJsonObject d = body->value(QStringLiteral("DestinationConfig")).toObject();
                    a.onSuccess = destinationName(d, "OnSuccess");
                    a.onFailure = destinationName(d, "OnFailure");
                }
                c.async = a;
                return {};
            },
            QStringLiteral("PutFunctionEventInvokeConfig"));
        if (!s.ok())
            return fromError(s.error());
    } else if (request.method != "GET") {
        return errorResponse(errc::UnknownOperation, QStringLiteral("Unknown operation"), 404);
    }
    const AsyncConfig a = m_catalog->latest(*name).async;
    QJsonObject destinations;
    if (!a.onSuccess.isEmpty())
        destinations.insert(QStringLiteral("OnSuccess"), destinationJson(a.onSuccess));
    if (!a.onFailure.isEmpty())
        destinations.insert(QStringLiteral("OnFailure"), destinationJson(a.onFailure));
    return jsonResponse(QJsonObject{
        {QStringLiteral("FunctionArn"), functionArn(*name, QStringLiteral("$LATEST"))},
        {QStringLiteral("MaximumRetryAttempts"), a.maximumRetryAttempts},
        {QStringLiteral("MaximumEventAgeInSeconds"), a.maximumEventAgeSeconds},
        {QStringLiteral("DestinationConfig"), destinations},
        {QStringLiteral("LastModified"), double(QDateTime::currentSecsSinceEpoch())},
    });
}

namespace {
bool urlStreams(const QList<Trigger> &triggers)
{
    return std::any_of(triggers.begin(), triggers.end(),
                       [](const Trigger &t) { return t.kind == Trigger::Kind::FunctionUrl && t.enabled && t.streaming; });
}
} // namespace

WireResponse ApiServer::functionUrlConfig(const HttpRequest &request, const QString &nameParam)
{
    // One URL per function here (aliases are reached with /url/<function>/<alias>/), kept
    // as the manifest's functionUrl trigger.
    const Result<QString> name = existingFunction(nameParam);
    if (!name.ok())
        return errorResponse(name.error());
    const auto enabled = [this, &name] {
        const QList<Trigger> triggers = m_catalog->latest(*name).triggers;
        return std::any_of(triggers.begin(), triggers.end(),
                           [](const Trigger &t) { return t.kind == Trigger::Kind::FunctionUrl && t.enabled; });
    };
    const QByteArray &m = request.method;
    // InvokeMode (POST, PUT): BUFFERED (the default) or RESPONSE_STREAM.
    std::optional<bool> streaming;
    if ((m == "POST" || m == "PUT") && !request.body.trimmed().isEmpty()) {
        const QJsonValue mode = QJsonDocument::fromJson(request.body).object().value(QStringLiteral("InvokeMode"));
        if (!mode.isUndefined()) {
            if (mode != QJsonValue(QStringLiteral("BUFFERED")) && mode != QJsonValue(QStringLiteral("RESPONSE_STREAM")))
                return errorResponse(errc::Validation,
                                     QStringLiteral("1 validation error detected: Value '%1' at 'invokeMode' failed to satisfy constraint: Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]")
                                         .arg(mode.toVariant().toString()));
            streaming = mode == QJsonValue(QStringLiteral("RESPONSE_STREAM"));
        }
    }
    if (m == "POST" && enabled())
        return errorResponse(errc::ResourceConflict, QStringLiteral("Failed to create function url config for [functionArn = %1]. Error message:  FunctionUrlConfig exists for this Lambda function").arg(functionArn(*name)));
    if ((m == "GET" || m == "PUT" || m == "DELETE") && !enabled())
        return errorResponse(errc::ResourceNotFound, QStringLiteral("The resource you requested does not exist."));
    if (m == "POST" || m == "DELETE" || (m == "PUT" && streaming)) {
        const bool on = m != "DELETE";
        const bool stream = streaming.value_or(false);
        const Status s = changeDraftConfig(
            *name, [on, stream](FunctionConfig &c) {
                QList<Trigger> kept;
                for (const Trigger &t : std::as_const(c.triggers)) {
                    if (t.kind != Trigger::Kind::FunctionUrl)
                        kept.append(t);
                }
                if (on)
                    kept.append(Trigger{Trigger::Kind::FunctionUrl, QString(), true, stream});
                c.triggers = kept;
                return Status();
            },
            m == "POST" ? QStringLiteral("CreateFunctionUrlConfig")
                        : m == "PUT" ? QStringLiteral("UpdateFunctionUrlConfig") : QStringLiteral("DeleteFunctionUrlConfig"));
        if (!s.ok())
            return fromError(s.error());
        if (!on) {
            WireResponse r;
            r.status = 204;
            return r;
        }
    } else if (m != "GET" && m != "PUT") {
        return errorResponse(errc::UnknownOperation, QStringLiteral("Unknown operation"), 404);
    }
    const QString address = baseUrl().mid(int(qstrlen("http://")));
    const QString now = lambdaTimestamp(QDateTime::currentMSecsSinceEpoch());
    return jsonResponse(QJsonObject{
                            {QStringLiteral("FunctionUrl"), functionUrlFor(address, *name)},
                            {QStringLiteral("FunctionArn"), functionArn(*name)},
                            {QStringLiteral("AuthType"), QStringLiteral("NONE")},
                            {QStringLiteral("InvokeMode"), urlStreams(m_catalog->latest(*name).triggers) ? QStringLiteral("RESPONSE_STREAM") : QStringLiteral("BUFFERED")},
                            {QStringLiteral("CreationTime"), now},
                            {QStringLiteral("LastModifiedTime"), now},
                        },
                        m == "POST" ? 201 : 200);
}

} // namespace funcdesk::api
