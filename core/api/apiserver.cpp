#include "apiserver.h"

#include "api/answerinbox.h"
#include "api/apiserver_p.h"
#include "api/functioncatalog.h"
#include "api/functionurl.h"
#include "api/lambdawire.h"
#include "api/requestguard.h"
#include "api/sqswire.h"
#include "common/ids.h"
#include "common/logging.h"
#include "engine/engine.h"

#include <QDateTime>
#include <algorithm>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QThread>
#include <QUrl>

namespace funcdesk::api {

constexpr qint64 kLogTailBytes = 4096;

QByteArray detail::logTail(const QList<LogLine> &lines)
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

namespace {

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
    if (address == QLatin1String("127.0.0.1")) // what nearly every request names, without parsing it
        return true;
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
    : QObject(parent), m_catalog(catalog), m_options(std::move(options)),
      m_server(new HttpServer(m_options.serveOnEngineThread ? nullptr : this)), m_inbox(AnswerInbox::create(this))
{
    m_guard.bindAddress = m_options.address;
    m_guard.tokens = {m_options.token, m_options.localToken};
    m_guard.allowedOrigins = m_options.allowedOrigins;
    if (m_options.requireLocalCredentials)
        m_guard.requiredSecret = m_options.localToken;
    m_server->setMaxBodyBytes(m_options.maxRequestBytes);
    m_server->setHandler([this](HttpRequest &&request, HttpResponder responder) {
        receive(std::move(request), std::move(responder));
    });
    // Everything above is set before the server runs on the engine's thread; from here on
    // that thread reads m_options and m_guard, and nothing writes them.
    if (m_options.serveOnEngineThread)
        m_server->moveToThread(m_catalog->engine()->engineThread());
}

ApiServer::~ApiServer()
{
    m_inbox->detach();
    if (m_server->parent() == this)
        return; // a child: deleted with this object
    // Closed and deleted on its own thread: no handler runs once this returns (a request
    // already handed to this thread is dropped with this object's posted events).
    HttpServer *server = m_server;
    onServerThread([server] { delete server; });
}

template<typename F>
void ApiServer::onServerThread(F &&f) const
{
    QThread *t = m_server->thread();
    if (t == QThread::currentThread() || !t->isRunning())
        f();
    else
        QMetaObject::invokeMethod(m_server, std::forward<F>(f), Qt::BlockingQueuedConnection);
}

Status ApiServer::start()
{
    const bool loopback = isLoopbackAddress(m_options.address);
    if (!loopback && m_options.token.isEmpty()) {
        return makeError(errc::InsecureBind,
                         QStringLiteral("refusing to listen on %1: binding to anything but loopback requires a token "
                                        "(clients then send \"Authorization: Bearer <token>\")")
                             .arg(m_options.address));
    }
    QHostAddress address(m_options.address == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : m_options.address);
    if (address.isNull())
        return makeError(errc::ListenError, QStringLiteral("not an IP address: %1").arg(m_options.address));
    Status listening;
    HttpServer *server = m_server;
    onServerThread([&] {
        listening = server->listen(address, m_options.port);
        if (listening) {
            m_address = server->serverAddress();
            m_port = server->serverPort();
        }
    });
    return listening;
}

void ApiServer::stop()
{
    HttpServer *server = m_server;
    onServerThread([server] { server->close(); });
}

quint16 ApiServer::port() const
{
    return m_port;
}

QString ApiServer::baseUrl() const
{
    const QHostAddress a = m_address;
    const QString host = a.protocol() == QAbstractSocket::IPv6Protocol ? QLatin1Char('[') + a.toString() + QLatin1Char(']') : a.toString();
    return QStringLiteral("http://") + host + QLatin1Char(':') + QString::number(port());
}

WireResponse detail::throttleAnswer(const QByteArray &engineDocument)
{
    const QString reason = QJsonDocument::fromJson(engineDocument).object().value(QStringLiteral("Reason")).toString();
    return throttleResponse(reason.isEmpty() ? QStringLiteral("ConcurrentInvocationLimitExceeded") : reason);
}

Result<QByteArray> detail::invokePayload(const QByteArray &body)
{
    const QByteArray payload = body.trimmed().isEmpty() ? QByteArrayLiteral("{}") : body;
    QJsonParseError perr{};
    QJsonDocument::fromJson(QByteArrayLiteral("[") + payload + QByteArrayLiteral("]"), &perr);
    if (perr.error != QJsonParseError::NoError) {
        return makeError(errc::InvalidRequestContent,
                         QStringLiteral("Could not parse request body into json: Could not parse payload into json: %1")
                             .arg(perr.errorString()));
    }
    return payload;
}

void ApiServer::setAsyncSink(AsyncSink sink)
{
    m_asyncSink = std::move(sink);
}

namespace {

// POST /2015-03-31/functions/<name>/invocations, RequestResponse, not for a debugger, and
// nothing the other APIs on this port (SQS, event source mappings) would take.
bool isDirectInvoke(const HttpRequest &request)
{
    static const QByteArray prefix = QByteArrayLiteral("/2015-03-31/functions/");
    static const QByteArray suffix = QByteArrayLiteral("/invocations");
    if (request.method != "POST" || !request.path.startsWith(prefix) || !request.path.endsWith(suffix)
        || request.path.size() <= prefix.size() + suffix.size())
        return false;
    const QByteArrayView name = QByteArrayView(request.path).sliced(prefix.size(), request.path.size() - prefix.size() - suffix.size());
    if (name.contains('/'))
        return false;
    if (request.hasHeader("x-amz-invocation-type") && request.header("x-amz-invocation-type") != "RequestResponse")
        return false;
    if (request.hasHeader("x-funcdesk-debug-port"))
        return false;
    return !isSqsRequest(request.method, request.header("content-type"), request.header("x-amz-target"), request.body);
}

} // namespace

void ApiServer::receive(HttpRequest &&request, HttpResponder responder)
{
    const bool here = m_server->parent() == this; // serveOnEngineThread off: one thread for all
    if (here || (m_direct.load(std::memory_order_acquire) && isDirectInvoke(request))) {
        route(std::move(request), std::move(responder));
        return;
    }
    QMetaObject::invokeMethod(
        this, [this, request = std::move(request), responder]() mutable { route(std::move(request), std::move(responder)); },
        Qt::QueuedConnection);
}

void ApiServer::route(HttpRequest &&request, HttpResponder responder)
{
    // On the HTTP server's thread only direct invocations get here (receive()): checked as
    // every request is, and never one the other APIs (m_extraRoute, this thread's) take.
    const bool apiThread = QThread::currentThread() == thread();
    // Who may ask (requestguard.h): the Host for everything, then the token when one is
    // configured (for everything, function URLs included), else for Lambda's API an
    // Origin-free request with a signature or the data dir's token.
    if (Status host = checkHost(request, m_guard); !host) {
        responder.respond(errorResponse(host.error().type, host.error().message, 403));
        return;
    }
    if (isCodeDownload(request)) { // authorized by its signature, as a presigned URL is
        responder.respond(codeDownload(request));
        return;
    }
    if (!m_options.token.isEmpty()) {
        const QByteArray expected = QByteArrayLiteral("Bearer ") + m_options.token.toUtf8();
        if (!constantTimeEquals(request.header("authorization"), expected)) {
            responder.respond(errorResponse(errc::Unrecognized,
                                            QStringLiteral("The security token included in the request is invalid."), 403));
            return;
        }
    }
    if (request.bodyTooLarge) {
        responder.respond(errorResponse(errc::RequestTooLarge,
                                        QStringLiteral("Request must be smaller than %1 bytes for this operation").arg(m_options.maxRequestBytes)));
        return;
    }
    if (request.path.startsWith(kFunctionUrlPrefix) || request.path == QByteArray(kFunctionUrlPrefix).chopped(1)) {
        functionUrl(request, std::move(responder));
        return;
    }
    Status allowed = checkOrigin(request, m_guard);
    if (allowed && m_options.token.isEmpty())
        allowed = checkCredentials(request, m_guard);
    if (!allowed && isSqsRequest(request.method, request.header("content-type"), request.header("x-amz-target"), request.body)) {
        responder.respond(sqsAccessError(request, allowed.error())); // in SQS's own error format
        return;
    }
    if (!allowed) {
        responder.respond(errorResponse(allowed.error().type, allowed.error().message, 403));
        return;
    }
    if (apiThread && m_extraRoute && m_extraRoute(request, responder))
        return;
    QList<QString> segments;
    const QList<QByteArray> raw = request.path.split('/');
    for (const QByteArray &s : raw) {
        if (!s.isEmpty())
            segments.append(s.contains('%') ? QUrl::fromPercentEncoding(s) : QString::fromUtf8(s));
    }
    if (segments.size() == 4 && segments[0] == QLatin1String("2015-03-31") && segments[1] == QLatin1String("functions")
        && segments[3] == QLatin1String("invocations")) {
        if (request.method != "POST") {
            responder.respond(errorResponse(errc::UnknownOperation, QStringLiteral("Unknown operation"), 404));
            return;
        }
        invoke(request, segments[2], std::move(responder));
        return;
    }
    if (segments.size() == 4 && segments[0] == QLatin1String("2021-11-15") && segments[1] == QLatin1String("functions")
        && segments[3] == QLatin1String("response-streaming-invocations") && request.method == "POST") {
        invokeWithResponseStream(request, segments[2], std::move(responder)); // apiserver_stream.cpp
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
        return answer(errorResponse(errc::InvalidParameterValue,
                                    QStringLiteral("1 validation error detected: Value '%1' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]")
                                        .arg(QString::fromLatin1(type))));
    }
    const bool isEvent = type == "Event";
    const qint64 limit = isEvent ? m_options.maxAsyncPayloadBytes : m_options.maxSyncPayloadBytes;
    if (request.body.size() > limit) {
        return answer(errorResponse(errc::RequestTooLarge,
                                    QStringLiteral("Request must be smaller than %1 bytes for the InvokeFunction operation").arg(limit)));
    }
    const Result<QByteArray> parsed = detail::invokePayload(request.body);
    if (!parsed.ok())
        return answer(errorResponse(parsed.error()));
    const QByteArray &payload = *parsed;
    const Result<ResolvedQualifier> resolved = m_catalog->resolve(ref->name, ref->qualifier);
    if (!resolved.ok())
        return answer(errorResponse(resolved.error()));

    if (type == "DryRun") {
        WireResponse r;
        r.status = 204;
        return answer(r);
    }
    if (isEvent) {
        const QByteArray traceHeader = request.header("x-amzn-trace-id");
        const AsyncInvocation event{requestId, ref->name, ref->qualifier.isEmpty() ? QStringLiteral("$LATEST") : ref->qualifier,
                                    payload, TriggerKind::Async, traceHeader};
        m_catalog->engine()->noteTraceParent(traceHeader); // the caller called a function, even if it ends first
        if (m_asyncSink) {
            const Status s = m_asyncSink(event);
            if (!s.ok())
                return answer(errorResponse(errc::Service, s.error().toString()));
        } else {
            engine::InvokeRequest req;
            req.function = ref->name;
            req.version = resolved->version;
            req.alias = resolved->alias;
            req.payload = payload;
            req.trigger = TriggerKind::Async;
            req.requestId = requestId;
            req.isAsync = true;
            req.traceHeader = traceHeader;
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
    req.traceHeader = request.header("x-amzn-trace-id");
    if (request.hasHeader("x-amz-client-context"))
        req.clientContext = QByteArray::fromBase64(request.header("x-amz-client-context"));
    if (request.hasHeader("x-funcdesk-debug-port")) // `funcdesk invoke --debug` (engine/debugsession.h)
        req.debugPort = quint16(request.header("x-funcdesk-debug-port").toUInt());
    const bool tail = request.header("x-amz-log-type") == "Tail";
    // The answer is written on the engine's thread, where `done` runs: that is the HTTP
    // server's thread, so it goes straight to the socket (HttpResponder).
    m_catalog->engine()->invokeDirect(std::move(req), [responder, tail, requestId](engine::InvokeResult result) mutable {
        WireResponse r;
        if (result.throttled) {
            r = detail::throttleAnswer(result.response);
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
                r.setHeader(QByteArrayLiteral("X-Amz-Log-Result"), detail::logTail(result.logs));
            r.body = std::move(result.response);
        }
        r.setHeader(QByteArrayLiteral("x-amzn-RequestId"), requestId.toLatin1());
        responder.respond(r);
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
    req.traceHeader = request.header("x-amzn-trace-id");
    req.payload = functionUrlEvent(request, target, FunctionUrlContext{req.requestId, QDateTime::currentMSecsSinceEpoch(), QString()});
    if (cfg.ok() && std::any_of(cfg->triggers.begin(), cfg->triggers.end(), [](const Trigger &t) {
            return t.kind == Trigger::Kind::FunctionUrl && t.enabled && t.streaming;
        }))
        return streamFunctionUrl(std::move(req), std::move(responder)); // RESPONSE_STREAM: apiserver_stream.cpp
    const QString requestId = req.requestId;
    // Answered where `done` runs, the engine's thread: the HTTP server's (HttpResponder).
    m_catalog->engine()->invoke(std::move(req), [responder, requestId](engine::InvokeResult result) mutable {
        WireResponse r;
        if (result.throttled) {
            r.status = 429;
            r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
            r.body = QByteArrayLiteral("{\"Message\":\"Rate Exceeded.\"}");
        } else {
            r = functionUrlResponse(result.response, result.functionError);
        }
        r.setHeader(QByteArrayLiteral("x-amzn-RequestId"), requestId.toLatin1());
        responder.respond(r);
    });
}

WireResponse ApiServer::manage(const HttpRequest &request, const QList<QString> &s)
{
    // Lambda's management API at a glance: method (nullptr: any), path with {} for the
    // function name and the alias, and the handler. The first matching row answers.
    using Args = QList<QString>;
    struct Route
    {
        const char *method;
        const char *path;
        WireResponse (*handle)(ApiServer &, const HttpRequest &, const Args &);
    };
    static const Route kRoutes[] = {
        {"GET", "2015-03-31/functions", [](ApiServer &a, const HttpRequest &q, const Args &) { return a.listFunctions(q); }},
        {"POST", "2015-03-31/functions", [](ApiServer &a, const HttpRequest &q, const Args &) { return a.createFunction(q); }},
        {"GET", "2015-03-31/functions/{}", [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.getFunction(q, p[0], false); }},
        {"DELETE", "2015-03-31/functions/{}", [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.deleteFunction(q, p[0]); }},
        {"GET", "2015-03-31/functions/{}/configuration",
         [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.getFunction(q, p[0], true); }},
        {"PUT", "2015-03-31/functions/{}/configuration",
         [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.updateConfiguration(q, p[0]); }},
        {"PUT", "2015-03-31/functions/{}/code", [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.updateCode(q, p[0]); }},
        {"POST", "2015-03-31/functions/{}/versions",
         [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.publishVersion(q, p[0]); }},
        {"GET", "2015-03-31/functions/{}/versions", [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.listVersions(q, p[0]); }},
        {"POST", "2015-03-31/functions/{}/aliases", [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.createAlias(q, p[0]); }},
        {"GET", "2015-03-31/functions/{}/aliases", [](ApiServer &a, const HttpRequest &, const Args &p) { return a.listAliases(p[0]); }},
        {nullptr, "2015-03-31/functions/{}/aliases/{}",
         [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.aliasOperation(q, p[0], p[1]); }},
        {"PUT", "2017-10-31/functions/{}/concurrency",
         [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.putConcurrency(q, p[0], false); }},
        {"DELETE", "2017-10-31/functions/{}/concurrency",
         [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.putConcurrency(q, p[0], true); }},
        {"GET", "2019-09-30/functions/{}/concurrency", [](ApiServer &a, const HttpRequest &, const Args &p) { return a.getConcurrency(p[0]); }},
        {nullptr, "2019-09-25/functions/{}/event-invoke-config",
         [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.eventInvokeConfig(q, p[0]); }},
        {nullptr, "2021-10-31/functions/{}/url", [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.functionUrlConfig(q, p[0]); }},
        {"GET", "2018-10-31/layers", [](ApiServer &a, const HttpRequest &q, const Args &) { return a.listLayers(q); }},
        {"POST", "2018-10-31/layers/{}/versions", [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.publishLayerVersion(q, p[0]); }},
        {"GET", "2018-10-31/layers/{}/versions", [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.listLayerVersions(q, p[0]); }},
        {nullptr, "2018-10-31/layers/{}/versions/{}",
         [](ApiServer &a, const HttpRequest &q, const Args &p) { return a.layerVersionOperation(q, p[0], p[1]); }},
        {"GET", "2018-10-31/layers/{}/versions/{}/content",
         [](ApiServer &a, const HttpRequest &, const Args &p) { return a.layerVersionContent(p[0], p[1]); }},
    };
    const auto match = [&s](const char *path, Args &args) {
        const QList<QByteArray> parts = QByteArray(path).split('/');
        if (parts.size() != s.size())
            return false;
        for (qsizetype i = 0; i < parts.size(); ++i) {
            if (parts[i] == "{}")
                args.append(s[i]);
            else if (s[i] != QLatin1String(parts[i]))
                return false;
        }
        return true;
    };
    WireResponse r = errorResponse(errc::UnknownOperation, QStringLiteral("Unknown operation"), 404);
    for (const Route &route : kRoutes) {
        Args args;
        if ((route.method == nullptr || request.method == route.method) && match(route.path, args)) {
            r = route.handle(*this, request, args);
            break;
        }
    }
    if (r.header(QByteArrayLiteral("x-amzn-RequestId")).isEmpty())
        r.setHeader(QByteArrayLiteral("x-amzn-RequestId"), newRequestId().toLatin1());
    return r;
}

} // namespace funcdesk::api
