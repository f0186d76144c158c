#include "apiserver.h"

#include "api/answerinbox.h"
#include "api/functioncatalog.h"
#include "api/functionurl.h"
#include "api/lambdawire.h"
#include "common/ids.h"
#include "common/logging.h"
#include "engine/engine.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QUrl>

namespace funcdesk::api {

namespace {

constexpr qint64 kLogTailBytes = 4096;

QByteArray logTail(const QList<LogLine> &lines)
{
    QByteArray text;
    for (const LogLine &l : lines) {
        text += l.text.toUtf8();
        text += '\n';
    }
    if (text.size() > kLogTailBytes)
        text = text.right(kLogTailBytes);
    return text.toBase64();
}

QString queryValue(const HttpRequest &request, const char *key)
{
    const QList<QByteArray> pairs = request.query.split('&');
    for (const QByteArray &p : pairs) {
        const qsizetype eq = p.indexOf('=');
        const QByteArray k = eq < 0 ? p : p.left(eq);
        if (k == key) {
            QByteArray v = eq < 0 ? QByteArray() : p.mid(eq + 1);
            v.replace('+', ' ');
            return QUrl::fromPercentEncoding(v);
        }
    }
    return {};
}

} // namespace

bool isLoopbackAddress(const QString &address)
{
    const QHostAddress a(address == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : address);
    return !a.isNull() && a.isLoopback();
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    // Compare every byte whatever the first difference, so timing reveals nothing but length.
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const qsizetype n = qMax(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff |= x ^ y;
    }
    return diff == 0;
}

ApiServer::ApiServer(FunctionCatalog *catalog, ApiServerOptions options, QObject *parent)
    : QObject(parent), m_catalog(catalog), m_options(std::move(options)), m_server(this),
      m_inbox(AnswerInbox::create(this))
{
    m_server.setMaxBodyBytes(m_options.maxRequestBytes);
    m_server.setHandler([this](HttpRequest &&request, HttpResponder responder) {
        route(std::move(request), std::move(responder));
    });
}

ApiServer::~ApiServer()
{
    m_inbox->detach();
}

Status ApiServer::start()
{
    const bool loopback = isLoopbackAddress(m_options.address);
    if (!loopback && m_options.token.isEmpty()) {
        return makeError(QStringLiteral("InsecureBind"),
                         QStringLiteral("refusing to listen on %1: binding to anything but loopback requires a token "
                                        "(clients then send \"Authorization: Bearer <token>\")")
                             .arg(m_options.address));
    }
    QHostAddress address(m_options.address == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : m_options.address);
    if (address.isNull())
        return makeError(QStringLiteral("ListenError"), QStringLiteral("not an IP address: %1").arg(m_options.address));
    return m_server.listen(address, m_options.port);
}

void ApiServer::stop()
{
    m_server.close();
}

quint16 ApiServer::port() const
{
    return m_server.serverPort();
}

QString ApiServer::baseUrl() const
{
    const QHostAddress a = m_server.serverAddress();
    const QString host = a.protocol() == QAbstractSocket::IPv6Protocol ? QLatin1Char('[') + a.toString() + QLatin1Char(']') : a.toString();
    return QStringLiteral("http://") + host + QLatin1Char(':') + QString::number(port());
}

void ApiServer::setAsyncSink(AsyncSink sink)
{
    m_asyncSink = std::move(sink);
}

void ApiServer::route(HttpRequest &&request, HttpResponder responder)
{
    if (!m_options.token.isEmpty()) {
        const QByteArray expected = QByteArrayLiteral("Bearer ") + m_options.token.toUtf8();
        if (!constantTimeEquals(request.header("authorization"), expected)) {
            responder.respond(errorResponse(QLatin1String(errors::Unrecognized),
                                            QStringLiteral("The security token included in the request is invalid."), 403));
            return;
        }
    }
    if (request.bodyTooLarge) {
        responder.respond(errorResponse(QLatin1String(errors::RequestTooLarge),
                                        QStringLiteral("Request must be smaller than %1 bytes for this operation").arg(m_options.maxRequestBytes)));
        return;
    }
    if (request.path.startsWith(kFunctionUrlPrefix) || request.path == QByteArray(kFunctionUrlPrefix).chopped(1)) {
        functionUrl(request, std::move(responder));
        return;
    }
    QList<QString> segments;
    const QList<QByteArray> raw = request.path.split('/');
    for (const QByteArray &s : raw) {
        if (!s.isEmpty())
            segments.append(QUrl::fromPercentEncoding(s));
    }
    if (segments.size() == 4 && segments[0] == QLatin1String("2015-03-31") && segments[1] == QLatin1String("functions")
        && segments[3] == QLatin1String("invocations")) {
        if (request.method != "POST") {
            responder.respond(errorResponse(QLatin1String(errors::UnknownOperation), QStringLiteral("Unknown operation"), 404));
            return;
        }
        invoke(request, segments[2], std::move(responder));
        return;
    }
    WireResponse r = manage(request, segments);
    responder.respond(r);
}

void ApiServer::invoke(const HttpRequest &request, const QString &functionName, HttpResponder responder)
{
    const QString requestId = newRequestId();
    auto answer = [&responder, &requestId](WireResponse r) {
        r.setHeader(QByteArrayLiteral("x-amzn-RequestId"), requestId.toLatin1());
        responder.respond(r);
    };
    const Result<FunctionRef> ref = parseFunctionName(functionName, queryValue(request, "Qualifier"));
    if (!ref.ok())
        return answer(errorResponse(ref.error()));
    const QByteArray type = request.hasHeader("x-amz-invocation-type") ? request.header("x-amz-invocation-type")
                                                                        : QByteArrayLiteral("RequestResponse");
    if (type != "RequestResponse" && type != "Event" && type != "DryRun") {
        return answer(errorResponse(QLatin1String(errors::InvalidParameterValue),
                                  QStringLiteral("1 validation error detected: Value '%1' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]")
                                      .arg(QString::fromLatin1(type))));
    }
    const bool isEvent = type == "Event";
    const qint64 limit = isEvent ? m_options.maxAsyncPayloadBytes : m_options.maxSyncPayloadBytes;
    if (request.body.size() > limit) {
        return answer(errorResponse(QLatin1String(errors::RequestTooLarge),
                                  QStringLiteral("Request must be smaller than %1 bytes for the InvokeFunction operation").arg(limit)));
    }
    const QByteArray payload = request.body.trimmed().isEmpty() ? QByteArrayLiteral("{}") : request.body;
    QJsonParseError perr{};
    QJsonDocument::fromJson(QByteArrayLiteral("[") + payload + QByteArrayLiteral("]"), &perr);
    if (perr.error != QJsonParseError::NoError) {
        return answer(errorResponse(QLatin1String(errors::InvalidRequestContent),
                                  QStringLiteral("Could not parse request body into json: Could not parse payload into json: %1")
                                      .arg(perr.errorString())));
    }
    const Result<ResolvedQualifier> resolved = m_catalog->resolve(ref->name, ref->qualifier);
    if (!resolved.ok())
        return answer(errorResponse(resolved.error()));

    if (type == "DryRun") {
        WireResponse r;
        r.status = 204;
        return answer(r);
    }
    if (isEvent) {
        const AsyncInvocation event{requestId, ref->name, ref->qualifier.isEmpty() ? QStringLiteral("$LATEST") : ref->qualifier, payload};
        if (m_asyncSink) {
            const Status s = m_asyncSink(event);
            if (!s.ok())
                return answer(errorResponse(QLatin1String(errors::Service), s.error().toString()));
        } else {
            engine::InvokeRequest req;
            req.function = ref->name;
            req.version = resolved->version;
            req.alias = resolved->alias;
            req.payload = payload;
            req.trigger = TriggerKind::Async;
            req.requestId = requestId;
            req.isAsync = true;
            m_catalog->engine()->invoke(std::move(req), [](engine::InvokeResult) {});
        }
        WireResponse r;
        r.status = 202;
        return answer(r);
    }

    engine::InvokeRequest req;
    req.function = ref->name;
    req.version = resolved->version;
    req.alias = resolved->alias;
    req.payload = payload;
    req.trigger = TriggerKind::Api;
    req.requestId = requestId;
    if (request.hasHeader("x-amz-client-context"))
        req.clientContext = QByteArray::fromBase64(request.header("x-amz-client-context"));
    const bool tail = request.header("x-amz-log-type") == "Tail";
    QPointer<ApiServer> self(this);
    const QString function = ref->name;
    std::shared_ptr<AnswerInbox> inbox = m_inbox;
    m_catalog->engine()->invoke(std::move(req), [inbox, self, responder, tail, requestId, function](engine::InvokeResult result) {
        // Engine thread: hop to the server's thread to answer.
        inbox->post(
            [self, responder, tail, requestId, function, result = std::move(result)]() mutable {
                if (!self)
                    return;
                WireResponse r;
                if (result.throttled) {
                    QString reason = QJsonDocument::fromJson(result.response).object().value(QStringLiteral("Reason")).toString();
                    if (reason.isEmpty()) {
                        const bool reserved = self->m_catalog->latest(function).reservedConcurrency.has_value();
                        reason = reserved ? QStringLiteral("ReservedFunctionConcurrentInvocationLimitExceeded")
                                          : QStringLiteral("ConcurrentInvocationLimitExceeded");
                    }
                    r = throttleResponse(reason);
                } else if (!result.functionError && !result.record.errorType.isEmpty()) {
                    // The engine could not run it at all (stopped, not registered, too large).
                    r = errorResponse(result.record.errorType, result.record.errorMessage);
                } else {
                    r.status = 200;
                    r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
                    r.setHeader(QByteArrayLiteral("X-Amz-Executed-Version"), result.record.version.toLatin1());
                    if (result.functionError)
                        r.setHeader(QByteArrayLiteral("X-Amz-Function-Error"), QByteArrayLiteral("Unhandled"));
                    if (tail)
                        r.setHeader(QByteArrayLiteral("X-Amz-Log-Result"), logTail(result.logs));
                    r.body = result.response;
                }
                r.setHeader(QByteArrayLiteral("x-amzn-RequestId"), requestId.toLatin1());
                responder.respond(r);
            });
    });
}

void ApiServer::functionUrl(const HttpRequest &request, HttpResponder responder)
{
    const FunctionUrlTarget target = parseFunctionUrlPath(request.path, [this](const QString &fn, const QString &seg) {
        return m_catalog->hasAlias(fn, seg);
    });
    auto plain = [](int status, const char *message) {
        WireResponse r;
        r.status = status;
        r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
        r.body = QByteArrayLiteral("{\"Message\":\"") + message + QByteArrayLiteral("\"}");
        return r;
    };
    if (target.function.isEmpty() || !m_catalog->exists(target.function))
        return responder.respond(plain(404, "Not Found"));
    const Result<ResolvedQualifier> resolved = m_catalog->resolve(target.function, target.qualifier);
    if (!resolved.ok())
        return responder.respond(plain(404, "Not Found"));
    const Result<FunctionConfig> cfg = m_catalog->config(target.function, target.qualifier.isEmpty() ? QString() : resolved->version);
    bool urlEnabled = false;
    if (cfg.ok()) {
        for (const Trigger &t : cfg->triggers)
            urlEnabled = urlEnabled || (t.kind == Trigger::Kind::FunctionUrl && t.enabled);
    }
    if (!urlEnabled)
        return responder.respond(plain(403, "Forbidden"));
    if (request.body.size() > m_options.maxSyncPayloadBytes)
        return responder.respond(plain(413, "Request Entity Too Large"));

    engine::InvokeRequest req;
    req.function = target.function;
    req.version = resolved->version;
    req.alias = resolved->alias;
    req.trigger = TriggerKind::FunctionUrl;
    req.requestId = newRequestId();
    req.payload = functionUrlEvent(request, target, FunctionUrlContext{req.requestId, QDateTime::currentMSecsSinceEpoch(), QString()});
    const QString requestId = req.requestId;
    std::shared_ptr<AnswerInbox> inbox = m_inbox;
    m_catalog->engine()->invoke(std::move(req), [inbox, responder, requestId](engine::InvokeResult result) {
        WireResponse r;
        if (result.throttled) {
            r.status = 429;
            r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
            r.body = QByteArrayLiteral("{\"Message\":\"Rate Exceeded.\"}");
        } else {
            r = functionUrlResponse(result.response, result.functionError);
        }
        r.setHeader(QByteArrayLiteral("x-amzn-RequestId"), requestId.toLatin1());
        inbox->post([responder, r]() mutable { responder.respond(r); });
    });
}

WireResponse ApiServer::manage(const HttpRequest &request, const QList<QString> &s)
{
    const QByteArray &m = request.method;
    const auto is = [&s](int i, const char *text) { return s.size() > i && s[i] == QLatin1String(text); };
    WireResponse r = errorResponse(QLatin1String(errors::UnknownOperation), QStringLiteral("Unknown operation"), 404);
    if (s.size() >= 2 && is(1, "functions")) {
        if (is(0, "2015-03-31")) {
            if (s.size() == 2 && m == "GET")
                r = listFunctions(request);
            else if (s.size() == 2 && m == "POST")
                r = createFunction(request);
            else if (s.size() == 3 && m == "GET")
                r = getFunction(request, s[2], false);
            else if (s.size() == 3 && m == "DELETE")
                r = deleteFunction(request, s[2]);
            else if (s.size() == 4 && is(3, "configuration") && m == "GET")
                r = getFunction(request, s[2], true);
            else if (s.size() == 4 && is(3, "configuration") && m == "PUT")
                r = updateConfiguration(request, s[2]);
            else if (s.size() == 4 && is(3, "code") && m == "PUT")
                r = updateCode(request, s[2]);
            else if (s.size() == 4 && is(3, "versions") && m == "POST")
                r = publishVersion(request, s[2]);
            else if (s.size() == 4 && is(3, "versions") && m == "GET")
                r = listVersions(request, s[2]);
            else if (s.size() == 4 && is(3, "aliases") && m == "POST")
                r = createAlias(request, s[2]);
            else if (s.size() == 4 && is(3, "aliases") && m == "GET")
                r = listAliases(s[2]);
            else if (s.size() == 5 && is(3, "aliases"))
                r = aliasOperation(request, s[2], s[4]);
        } else if (is(0, "2017-10-31") && s.size() == 4 && is(3, "concurrency") && (m == "PUT" || m == "DELETE")) {
            r = putConcurrency(request, s[2], m == "DELETE");
        } else if (is(0, "2019-09-30") && s.size() == 4 && is(3, "concurrency") && m == "GET") {
            r = getConcurrency(s[2]);
        } else if (is(0, "2019-09-25") && s.size() == 4 && is(3, "event-invoke-config")) {
            r = eventInvokeConfig(request, s[2]);
        } else if (is(0, "2021-10-31") && s.size() == 4 && is(3, "url")) {
            r = functionUrlConfig(request, s[2]);
        }
    }
    if (r.header(QByteArrayLiteral("x-amzn-RequestId")).isEmpty())
        r.setHeader(QByteArrayLiteral("x-amzn-RequestId"), newRequestId().toLatin1());
    return r;
}

} // namespace funcdesk::api
