#pragma once
// Helpers shared by the ApiServer's source files (internal to core/api).

#include "api/httpmessage.h"
#include "api/lambdawire.h"
#include "common/invocationrecord.h"
#include "common/result.h"

#include <QJsonObject>
#include <QString>

namespace funcdesk::api::detail {

// A query parameter, percent-decoded; empty when absent.
QString queryParam(const HttpRequest &request, const char *key);
// The body as a JSON object (empty body: {}), else InvalidRequestContentException.
Result<QJsonObject> jsonBody(const HttpRequest &request);
// Versioning's error names onto Lambda's wire.
WireResponse fromError(const Error &e);
// X-Amz-Log-Result: the last 4 KB of a request's log lines, base64.
QByteArray logTail(const QList<LogLine> &lines);

} // namespace funcdesk::api::detail
