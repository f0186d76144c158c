// ApiServer: streamed responses. A node handler wrapped in awslambda.streamifyResponse
// writes its response in chunks; they leave here as they arrive:
//  * InvokeWithResponseStream (POST /2021-11-15/functions/{name}/response-streaming-invocations)
//    answers 200 with an AWS event stream (eventstream.h): a PayloadChunk event per chunk,
//    then InvokeComplete (ErrorCode / ErrorDetails / LogResult), so the SDKs' streaming
//    readers get each chunk as it comes. A handler that does not stream arrives as one chunk.
//  * Function URLs in RESPONSE_STREAM invoke mode answer with chunked transfer encoding;
//    the status and headers come from the HTTP prelude the handler wrote with
//    HttpResponseStream.from() (JSON, then 8 NUL bytes), else 200 with its content type.
// The engine calls back on its thread; everything here runs on the server's thread, in
// order, through the answer inbox.
#include "apiserver.h"

#include "api/answerinbox.h"
#include "api/apiserver_p.h"
#include "api/eventstream.h"
#include "api/functioncatalog.h"
#include "api/functionurl.h"
#include "api/lambdawire.h"
#include "common/ids.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace funcdesk::api {

using namespace detail;

namespace {
constexpr qsizetype kMaxPreludeBytes = 64 * 1024;

struct UrlStream
{
    bool started = false;
    bool failed = false;      // a malformed prelude: answered 502, the rest dropped
    bool prelude = false;     // the content type says a prelude comes first
    QByteArray pending;       // bytes before the prelude's end
    QString contentType;
};
} // namespace

void ApiServer::invokeWithResponseStream(const HttpRequest &request, const QString &functionName, HttpResponder responder)
{
    const QString requestId = newRequestId();
    auto answer = [&responder, &requestId](WireResponse r) {
        r.setHeader(QByteArrayLiteral("x-amzn-RequestId"), requestId.toLatin1());
        responder.respond(r);
    };
    const Result<FunctionRef> ref = parseFunctionName(functionName, queryParam(request, "Qualifier"));
    if (!ref.ok())
        return answer(errorResponse(ref.error()));
    const QByteArray type = request.hasHeader("x-amz-invocation-type") ? request.header("x-amz-invocation-type")
                                                                       : QByteArrayLiteral("RequestResponse");
    if (type != "RequestResponse" && type != "DryRun") {
        return answer(errorResponse(errc::InvalidParameterValue,
                                    QStringLiteral("1 validation error detected: Value '%1' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [RequestResponse, DryRun]")
                                        .arg(QString::fromLatin1(type))));
    }
    if (request.body.size() > m_options.maxSyncPayloadBytes) {
        return answer(errorResponse(errc::RequestTooLarge, QStringLiteral("Request must be smaller than %1 bytes for the InvokeWithResponseStream operation")
                                                               .arg(m_options.maxSyncPayloadBytes)));
    }
    const Result<QByteArray> parsed = invokePayload(request.body);
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
    engine::InvokeRequest req;
    req.function = ref->name;
    req.version = resolved->version;
    req.alias = resolved->alias;
    req.payload = payload;
    req.trigger = TriggerKind::Api;
    req.requestId = requestId;
    req.traceHeader = request.header("x-amzn-trace-id"); // a streamed call continues its caller's trace too
    if (request.hasHeader("x-amz-client-context"))
        req.clientContext = QByteArray::fromBase64(request.header("x-amz-client-context"));
    const bool tail = request.header("x-amz-log-type") == "Tail";
    const QByteArray version = resolved->version.toLatin1();
    auto started = std::make_shared<bool>(false);
    auto begin = [responder, started, version, requestId]() mutable {
        if (*started)
            return;
        *started = true;
        WireResponse head;
        head.status = 200;
        head.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/vnd.amazon.eventstream"));
        head.setHeader(QByteArrayLiteral("X-Amz-Executed-Version"), version);
        head.setHeader(QByteArrayLiteral("x-amzn-RequestId"), requestId.toLatin1());
        responder.beginStream(head);
    };
    std::shared_ptr<AnswerInbox> inbox = m_inbox;
    req.onStreamChunk = [inbox, begin, responder](const QByteArray &chunk) mutable {
        inbox->post([begin, responder, chunk]() mutable {
            begin();
            responder.write(payloadChunkEvent(chunk));
        });
    };
    m_catalog->engine()->invoke(std::move(req), [inbox, begin, responder, started, tail, requestId](engine::InvokeResult result) mutable {
        // The inbox is detached when this server goes: nothing below runs after that.
        inbox->post([begin, responder, started, tail, requestId, result = std::move(result)]() mutable {
            if (!*started && result.throttled) {
                WireResponse r = detail::throttleAnswer(result.response);
                r.setHeader(QByteArrayLiteral("x-amzn-RequestId"), requestId.toLatin1());
                return responder.respond(r);
            }
            if (!*started && !result.functionError && !result.record.errorType.isEmpty()) {
                WireResponse r = errorResponse(result.record.errorType, result.record.errorMessage);
                r.setHeader(QByteArrayLiteral("x-amzn-RequestId"), requestId.toLatin1());
                return responder.respond(r);
            }
            const bool wasStreamed = *started;
            begin();
            if (!result.functionError && !wasStreamed && !result.response.isEmpty())
                responder.write(payloadChunkEvent(result.response)); // a handler that does not stream
            QByteArray code;
            QByteArray details;
            if (result.functionError) {
                code = result.record.errorType.toUtf8();
                details = result.record.errorMessage.toUtf8();
            }
            responder.write(invokeCompleteEvent(code, details, tail ? logTail(result.logs) : QByteArray()));
            responder.end();
        });
    });
}

void ApiServer::streamFunctionUrl(engine::InvokeRequest req, HttpResponder responder)
{
    const QString requestId = req.requestId;
    auto state = std::make_shared<UrlStream>();
    std::shared_ptr<AnswerInbox> inbox = m_inbox;
    // Takes bytes in order: holds them until the prelude's 8 NULs when there is one, then
    // starts the response and passes the rest through.
    auto feed = [state, responder, requestId](const QByteArray &bytes) mutable {
        if (state->failed)
            return;
        if (!state->started) {
            state->pending += bytes;
            WireResponse head;
            QByteArray rest;
            if (state->prelude) {
                const qsizetype end = state->pending.indexOf(QByteArray(8, '\0'));
                if (end < 0) {
                    if (state->pending.size() > kMaxPreludeBytes) {
                        state->failed = true;
                        responder.respond(functionUrlResponse({}, true));
                    }
                    return;
                }
                const std::optional<WireResponse> parsed = functionUrlStreamHead(state->pending.left(end));
                if (!parsed) {
                    state->failed = true;
                    return responder.respond(functionUrlResponse({}, true));
                }
                head = *parsed;
                rest = state->pending.mid(end + 8);
            } else {
                head.status = 200;
                head.setHeader(QByteArrayLiteral("Content-Type"), state->contentType.isEmpty() ? QByteArrayLiteral("application/octet-stream")
                                                                                                 : state->contentType.toUtf8());
                rest = state->pending;
            }
            head.setHeader(QByteArrayLiteral("x-amzn-RequestId"), requestId.toLatin1());
            state->pending.clear();
            state->started = true;
            responder.beginStream(head);
            responder.write(rest);
            return;
        }
        responder.write(bytes);
    };
    req.onStreamStart = [inbox, state](const QString &contentType) {
        inbox->post([state, contentType] {
            state->contentType = contentType;
            state->prelude = contentType == QLatin1String(kHttpPreludeContentType);
        });
    };
    req.onStreamChunk = [inbox, feed](const QByteArray &chunk) mutable {
        inbox->post([feed, chunk]() mutable { feed(chunk); });
    };
    m_catalog->engine()->invoke(std::move(req), [inbox, state, feed, responder, requestId](engine::InvokeResult result) mutable {
        inbox->post([state, feed, responder, requestId, result = std::move(result)]() mutable {
            if (state->failed)
                return;
            if (state->started) { // a failure after the start cuts the stream, as on Lambda
                responder.end();
                return;
            }
            WireResponse r;
            if (result.throttled) {
                r.status = 429;
                r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
                r.body = QByteArrayLiteral("{\"Message\":\"Rate Exceeded.\"}");
            } else if (result.streamed && !result.functionError) {
                // Streamed, but the prelude never ended or nothing was written: what there is.
                feed(QByteArray());
                if (state->started) {
                    responder.end();
                    return;
                }
                r = state->prelude ? functionUrlResponse({}, true) : WireResponse{};
                if (!state->prelude) {
                    r.status = 200;
                    r.setHeader(QByteArrayLiteral("Content-Type"), state->contentType.toUtf8());
                }
            } else {
                r = functionUrlResponse(result.response, result.functionError); // a handler that does not stream
            }
            r.setHeader(QByteArrayLiteral("x-amzn-RequestId"), requestId.toLatin1());
            responder.respond(r);
        });
    });
}

} // namespace funcdesk::api
