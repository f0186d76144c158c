#include "runtimeapichannel.h"

#include "api/requestguard.h"

#include "common/logging.h"
#include "engine/errordocs.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace funcdesk::api {

namespace {

const QByteArray kPrefix = QByteArrayLiteral("/2018-06-01/runtime/");

WireResponse runtimeStatus(int status, const QByteArray &errorType = {}, const QString &message = {})
{
    WireResponse r;
    r.status = status;
    r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    if (errorType.isEmpty()) {
        r.body = QByteArrayLiteral("{\"status\":\"OK\"}");
    } else {
        QJsonObject o{{QStringLiteral("errorMessage"), message}, {QStringLiteral("errorType"), QString::fromLatin1(errorType)}};
        r.body = QJsonDocument(o).toJson(QJsonDocument::Compact);
    }
    return r;
}

} // namespace

QByteArray normalizeErrorDocument(const QByteArray &body, const QString &errorType)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject() && doc.object().contains(QStringLiteral("errorMessage")))
        return body;
    QJsonObject o{{QStringLiteral("errorMessage"), body.isEmpty() ? errorType : QString::fromUtf8(body)},
                  {QStringLiteral("errorType"), errorType.isEmpty() ? QStringLiteral("Runtime.Unknown") : errorType}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

RuntimeApiChannel::RuntimeApiChannel(const QString &environmentId, QObject *parent)
    : engine::RuntimeChannel(parent), m_environmentId(environmentId), m_server(this)
{
    m_server.setMaxBodyBytes(kMaxResponseBytes);
    m_server.setHandler([this](HttpRequest &&request, HttpResponder responder) {
        handle(std::move(request), std::move(responder));
    });
}

RuntimeApiChannel::~RuntimeApiChannel() = default;

Status RuntimeApiChannel::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

quint16 RuntimeApiChannel::port() const
{
    return m_server.serverPort();
}

QMap<QString, QString> RuntimeApiChannel::processEnvironment() const
{
    return {{QStringLiteral("AWS_LAMBDA_RUNTIME_API"), QStringLiteral("127.0.0.1:") + QString::number(port())}};
}

void RuntimeApiChannel::send(const engine::ChannelInvocation &invocation)
{
    m_queue.enqueue(invocation);
    deliver();
}

void RuntimeApiChannel::deliver()
{
    if (m_queue.isEmpty() || !m_waiting.isOpen())
        return;
    const engine::ChannelInvocation inv = m_queue.dequeue();
    WireResponse r;
    r.status = 200;
    r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    r.setHeader(QByteArrayLiteral("Lambda-Runtime-Aws-Request-Id"), inv.requestId.toLatin1());
    r.setHeader(QByteArrayLiteral("Lambda-Runtime-Deadline-Ms"), QByteArray::number(inv.deadlineMs));
    r.setHeader(QByteArrayLiteral("Lambda-Runtime-Invoked-Function-Arn"), inv.invokedFunctionArn.toUtf8());
    r.setHeader(QByteArrayLiteral("Lambda-Runtime-Trace-Id"), inv.traceId.toLatin1());
    if (!inv.clientContext.isEmpty())
        r.setHeader(QByteArrayLiteral("Lambda-Runtime-Client-Context"), inv.clientContext);
    r.body = inv.payload;
    m_inFlight.insert(inv.requestId);
    HttpResponder waiting = m_waiting;
    m_waiting = HttpResponder();
    waiting.respond(r);
}

void RuntimeApiChannel::handle(HttpRequest &&request, HttpResponder responder)
{
    // Runtime clients never sign, but a web page must not reach the environment either.
    static const GuardOptions guard;
    Status allowed = checkHost(request, guard);
    if (allowed)
        allowed = checkOrigin(request, guard);
    if (!allowed) {
        responder.respond(runtimeStatus(403, "AccessDenied", allowed.error().message));
        return;
    }
    if (!request.path.startsWith(kPrefix)) {
        responder.respond(runtimeStatus(404, "NotFound", QStringLiteral("unknown path")));
        return;
    }
    const QByteArray rest = request.path.mid(kPrefix.size());
    if (rest == "invocation/next") {
        if (request.method != "GET") {
            responder.respond(runtimeStatus(405, "MethodNotAllowed", QStringLiteral("use GET")));
            return;
        }
        handleNext(std::move(responder));
        return;
    }
    if (rest == "init/error") {
        if (request.method != "POST") {
            responder.respond(runtimeStatus(405, "MethodNotAllowed", QStringLiteral("use POST")));
            return;
        }
        handleInitError(request, std::move(responder));
        return;
    }
    if (rest.startsWith("invocation/") && request.method == "POST") {
        const QList<QByteArray> parts = rest.split('/');
        if (parts.size() == 3 && (parts[2] == "response" || parts[2] == "error")) {
            handleResult(QString::fromLatin1(parts[1]), parts[2] == "error", request, std::move(responder));
            return;
        }
    }
    responder.respond(runtimeStatus(404, "NotFound", QStringLiteral("unknown path")));
}

void RuntimeApiChannel::handleNext(HttpResponder responder)
{
    if (m_waiting.isOpen()) {
        // Only one poller at a time: the newer one replaces the older.
        m_waiting.respond(runtimeStatus(400, "InvalidStateTransition", QStringLiteral("superseded by a newer /next")));
    }
    m_waiting = responder;
    if (!m_initialised) {
        m_initialised = true;
        Q_EMIT initReady();
    }
    deliver();
}

void RuntimeApiChannel::handleResult(const QString &requestId, bool isError, const HttpRequest &request,
                                     HttpResponder responder)
{
    if (!m_inFlight.contains(requestId)) {
        if (m_finished.contains(requestId)) {
            responder.respond(runtimeStatus(403, "InvalidStateTransition",
                                            QStringLiteral("Invocation %1 has already been answered").arg(requestId)));
        } else {
            responder.respond(runtimeStatus(400, "InvalidRequestID", QStringLiteral("Invalid request ID")));
        }
        return;
    }
    m_inFlight.remove(requestId);
    m_finished.insert(requestId);
    m_finishedOrder.enqueue(requestId);
    if (m_finishedOrder.size() > kRememberFinished)
        m_finished.remove(m_finishedOrder.dequeue());
    if (request.bodyTooLarge) {
        responder.respond(runtimeStatus(413, "RequestEntityTooLarge",
                                        QStringLiteral("Exceeded maximum allowed payload size (%1 bytes).").arg(kMaxResponseBytes)));
        const QString type = QStringLiteral("Function.ResponseSizeTooLarge");
        QJsonObject doc{{QStringLiteral("errorMessage"), engine::responseTooLargeMessage()},
                        {QStringLiteral("errorType"), type}};
        Q_EMIT error(requestId, QJsonDocument(doc).toJson(QJsonDocument::Compact), type);
        return;
    }
    responder.respond(runtimeStatus(202));
    if (isError) {
        const QString type = QString::fromUtf8(request.header("Lambda-Runtime-Function-Error-Type"));
        Q_EMIT error(requestId, normalizeErrorDocument(request.body, type), type);
    } else {
        Q_EMIT response(requestId, request.body);
    }
}

void RuntimeApiChannel::handleInitError(const HttpRequest &request, HttpResponder responder)
{
    if (m_initialised) {
        responder.respond(runtimeStatus(403, "InvalidStateTransition",
                                        QStringLiteral("init/error is only allowed before the first /next")));
        return;
    }
    responder.respond(runtimeStatus(202));
    QString type = QString::fromUtf8(request.header("Lambda-Runtime-Function-Error-Type"));
    if (type.isEmpty())
        type = QStringLiteral("Runtime.Unknown");
    Q_EMIT initError(normalizeErrorDocument(request.body, type), type);
}

engine::RuntimeChannelFactory runtimeApiChannelFactory()
{
    return [](const QString &environmentId) -> std::unique_ptr<engine::RuntimeChannel> {
        auto channel = std::make_unique<RuntimeApiChannel>(environmentId);
        const Status s = channel->listen();
        if (!s.ok()) {
            qCWarning(lcApi) << "Runtime API for" << environmentId << "failed:" << s.error().toString();
            return nullptr;
        }
        return channel;
    };
}

} // namespace funcdesk::api
