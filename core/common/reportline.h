#pragma once
// Lambda's exact START / END / REPORT log lines.
//   START RequestId: <id> Version: <version>
//   END RequestId: <id>
//   REPORT RequestId: <id>\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t[Init Duration: 120.45 ms\t]

#include "invocationrecord.h"

namespace funcdesk {

QString startLine(const QString &requestId, const QString &version);
QString endLine(const QString &requestId);
// After a failed init, REPORT has no Init Duration and ends in
// "Status: error\tError Type: <type>" (or "Status: timeout") instead, as Lambda writes it.
QString reportLine(const InvocationRecord &record);
// INIT_REPORT Init Duration: 83.58 ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError
// or, for an init that ran out of time, INIT_REPORT Init Duration: 10000.00 ms\tPhase: init\tStatus: timeout
QString initReportLine(double initDurationMs, const QString &errorType, bool timedOut = false);

// The START / END / REPORT lines the engine wrote for this invocation, rebuilt from its
// record: the store keeps the record rather than three more rows per request. START is
// stamped when the request reached the runtime (after init on a cold start), END and
// REPORT when it finished. Requests that never reached a runtime (throttled, refused,
// no environment) have none.
QList<LogLine> framingLines(const InvocationRecord &record);

// Lambda bills per 1 ms, rounding the duration up.
qint64 billedMilliseconds(double durationMs);

} // namespace funcdesk
