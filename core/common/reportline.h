#pragma once
// Lambda's exact START / END / REPORT log lines.
//   START RequestId: <id> Version: <version>
//   END RequestId: <id>
//   REPORT RequestId: <id>\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t[Init Duration: 120.45 ms\t]

#include "invocationrecord.h"

namespace funcdesk {

QString startLine(const QString &requestId, const QString &version);
QString endLine(const QString &requestId);
QString reportLine(const InvocationRecord &record);

// The START / END / REPORT lines the engine wrote for this invocation, rebuilt from its
// record: the store keeps the record rather than three more rows per request. START is
// stamped when the request reached the runtime (after init on a cold start), END and
// REPORT when it finished. Requests that never reached a runtime (throttled, refused,
// no environment) have none.
QList<LogLine> framingLines(const InvocationRecord &record);

// Lambda bills per 1 ms, rounding the duration up.
qint64 billedMilliseconds(double durationMs);

} // namespace funcdesk
