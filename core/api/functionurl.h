#pragma once
// Function URLs: an HTTP request becomes Lambda's payload format 2.0 event, and the
// handler's result becomes the HTTP response, exactly as Lambda function URLs do.
// Pure functions; any thread.

#include "api/httpmessage.h"
#include "api/lambdawire.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <optional>

namespace funcdesk::api {

// Where function URLs live on the local server: /url/<function>[/<alias>]/<path...>
inline constexpr const char *kFunctionUrlPrefix = "/url/";

// The URL users call: http://<apiAddress>/url/<function>/ (or .../<alias>/).
QString functionUrlFor(const QString &apiAddress, const QString &function, const QString &alias = {});

struct FunctionUrlTarget
{
    QString function;
    QString qualifier;  // empty: $LATEST
    QByteArray rawPath; // what the function sees, always starting with '/'
};

// Splits a request path under the prefix. `isAlias(function, segment)` decides whether the
// segment after the function name is an alias (else it is part of the path).
// Returns an empty function name when the path is not a function URL.
FunctionUrlTarget parseFunctionUrlPath(const QByteArray &path,
                                       const std::function<bool(const QString &, const QString &)> &isAlias);

struct FunctionUrlContext
{
    QString requestId;
    qint64 timeEpochMs = 0;
    QString urlId; // the domain prefix, e.g. the function name
};

// Whether Lambda passes a body with this Content-Type as text (else base64).
bool isTextContentType(const QByteArray &contentType);

// HTTP request -> payload format 2.0 (JSON document).
QByteArray functionUrlEvent(const HttpRequest &request, const FunctionUrlTarget &target,
                            const FunctionUrlContext &context);

// Handler result -> HTTP response. `functionError`: the result is an error document (502).
// A streamed response's status and headers: from the HTTP prelude (JSON statusCode,
// headers, cookies) when the handler wrote one (HttpResponseStream.from), else 200 with
// the stream's content type. nullopt: a malformed prelude (the caller answers 502).
inline constexpr const char *kHttpPreludeContentType = "application/vnd.awslambda.http-integration-response";
std::optional<WireResponse> functionUrlStreamHead(const QByteArray &preludeJson);
WireResponse functionUrlResponse(const QByteArray &result, bool functionError);

} // namespace funcdesk::api
