#pragma once
// Read-side queries for charts, lists and log search.
//
// Threading: every function runs on the calling thread with that thread's connection
// (pass threadConnection(path, {.readOnly = true}) or any Connection the thread owns).
// Never call from the GUI thread: run on a worker and hand the values back.
//
// Series and percentiles come only from the rollup tables, never from raw rows.
// timeSeries() reads rollups_1m when the resolution is a multiple of 60 s, else
// rollups_1s (kept 48 h: older seconds read as zeros). durationSummary() reads
// rollups_1s for ranges up to kSecondTableMaxRangeMs within the last 47 h, else
// rollups_1m (minute-aligned). An empty function name means all functions; an empty
// version means all versions. Raw rows (top N, lookups, logs) are kept 7 days / 5 M rows
// by default (RetentionPolicy).

#include "common/invocationrecord.h"
#include "common/result.h"
#include "store/tops.h"

#include <QList>
#include <QString>

#include <optional>

namespace funcdesk::store {

class Connection;

inline constexpr qint64 kSecondTableMaxRangeMs = 3LL * 3600 * 1000;

struct SeriesQuery
{
    QString function;           // empty: all functions
    QString version;            // empty: all versions
    qint64 fromMs = 0;          // inclusive
    qint64 toMs = 0;            // exclusive
    int resolutionSeconds = 60; // bucket width: 1, 60 or any multiple of 60
};

struct SeriesPoint
{
    qint64 timestampMs = 0; // bucket start
    qint64 invocations = 0; // ran (throttles excluded)
    qint64 coldStarts = 0;
    qint64 errors = 0; // all failed: handler errors + timeouts + OOM + crashes
    qint64 handlerErrors = 0;
    qint64 timeouts = 0;
    qint64 outOfMemory = 0;
    qint64 crashes = 0;
    qint64 throttles = 0;
    double avgDurationMs = 0;
    double p50Ms = 0;
    double p90Ms = 0;
    double p99Ms = 0;
    double maxDurationMs = 0;
    double avgInitDurationMs = 0;
    double gbSeconds = 0;
    double costUsd = 0;
    int peakConcurrency = 0;
};

// Dense series: one point per bucket from fromMs (aligned down) to toMs, zeros where
// nothing ran.
Result<QList<SeriesPoint>> timeSeries(Connection &conn, const SeriesQuery &query);

struct DurationSummary
{
    qint64 count = 0;
    double avgMs = 0;
    double p50Ms = 0;
    double p90Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;
};
// Percentiles over the whole range, merged from rollup histograms.
Result<DurationSummary> durationSummary(Connection &conn, const SeriesQuery &query);

// Top N invocations in [fromMs, toMs) by duration or cost, descending. From the per-minute
// tops (tops.h) for whole minutes, N <= kTopsPerMinute; otherwise from the (function,
// start) index.
Result<QList<InvocationRecord>> topInvocations(Connection &conn, const QString &function, qint64 fromMs, qint64 toMs,
                                               RankBy by, int limit = 20);
// Invocations of a function (or all) in a range, newest first.
Result<QList<InvocationRecord>> recentInvocations(Connection &conn, const QString &function, qint64 fromMs,
                                                  qint64 toMs, int limit = 100);
// The latest invocation with this request id (async retries share one).
Result<std::optional<InvocationRecord>> invocationByRequestId(Connection &conn, const QString &requestId);
// Log lines of one request, in order, START / END / REPORT included (rebuilt from the
// invocation rows, see LogLine::framing).
Result<QList<LogLine>> logLinesOf(Connection &conn, const QString &requestId);

struct LogSearch
{
    QString text;      // words that must all appear (FTS5 tokens; the last one matches as a
                       // prefix unless the text ends in a space); without FTS5, a substring
                       // match. Empty: any line.
    QString function;  // empty: all
    QString requestId; // empty: all
    qint64 fromMs = 0;
    qint64 toMs = 0; // exclusive; 0: no upper bound
    int limit = 500;
};
// Matching lines, newest first. START / END / REPORT lines (rebuilt from the invocation
// rows) are included when browsing without text, and for one request with or without it;
// a text search over all requests finds what functions wrote.
Result<QList<LogLine>> searchLogs(Connection &conn, const LogSearch &search);

struct FunctionTotals
{
    QString function;
    qint64 invocations = 0;
    qint64 errors = 0;
    qint64 throttles = 0;
    double costUsd = 0;
    qint64 lastInvokedMs = 0; // 0: never (within the minute-rollup retention)
};
// Totals per function from the minute rollups since `sinceMs` (0: all retained).
Result<QList<FunctionTotals>> functionTotals(Connection &conn, qint64 sinceMs = 0);

} // namespace funcdesk::store
