#pragma once
// Helpers shared by the ApiServer's source files (internal to core/api).

#include "api/httpmessage.h"
#include "api/lambdawire.h"
#include "common/invocationrecord.h"
#include "common/result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace funcdesk::api::detail {

// A query parameter, percent-decoded; empty when absent.
QString queryParam(const HttpRequest &request, const char *key);
// The body as a JSON object (empty body: {}), else InvalidRequestContentException.
Result<QJsonObject> jsonBody(const HttpRequest &request);
// Versioning's error names onto Lambda's wire.
WireResponse fromError(const Error &e);
// Lambda's 50 MB limit on a zip uploaded in the request (RequestEntityTooLargeException,
// worded as Lambda words it, which counts the base64 request).
Status checkZippedSize(qint64 zipBytes, const QString &operation);
// Lambda's paging of a list: Marker (the index to continue from) and MaxItems (default 50).
QJsonArray page(const QList<QJsonObject> &all, const HttpRequest &request, QString *nextMarker);
// An Invoke body as the function gets it: "{}" when empty, else JSON (any value), or
// Lambda's InvalidRequestContentException. Both invoke routes take their payload here.
Result<QByteArray> invokePayload(const QByteArray &body);
// A throttled invocation's 429, named by the engine's own reason (its throttle document's
// "Reason": the function's reserved concurrency or the engine's global limit). Both
// invoke routes answer a throttle here.
WireResponse throttleAnswer(const QByteArray &engineDocument);
// X-Amz-Log-Result: the last 4 KB of a request's log lines, base64.
QByteArray logTail(const QList<LogLine> &lines);

} // namespace funcdesk::api::detail
