#pragma once
// Traces: what one request did across functions. The writer keeps a span for every
// invocation that is part of a multi-function trace (InvocationRecord::traced()), with
// its record, so a trace costs nothing while nobody calls another function. A trace is
// read back as its spans, and the recent ones are listed with their root function, total
// time, functions touched and errors.
//
// Threading: TraceWriter on the writer thread (inside its transaction); the queries on
// any thread with its own Connection.

#include "common/invocationrecord.h"
#include "common/result.h"
#include "store/sqlite.h"

#include <QList>
#include <QString>

#include <memory>
#include <vector>

namespace funcdesk::store {

struct Span
{
    QString spanId;
    QString traceId;
    QString parentSpanId; // empty at the root
    QString requestId;
    QString function;
    QString version;
    TriggerKind trigger = TriggerKind::Api;
    qint64 startMs = 0;
    double durationMs = 0;
    double initMs = 0; // cold starts: the Init Duration before the handler ran
    InvocationStatus status = InvocationStatus::Success;
    QString errorType;
    QString errorMessage;
    bool failed() const { return status != InvocationStatus::Success; }
    // Where the invocation began and ended (init included), in ms since the epoch.
    double beginMs() const { return double(startMs); }
    double endMs() const { return double(startMs) + initMs + durationMs; }
};

struct TraceSummary
{
    QString traceId;
    QString rootFunction; // the span without a recorded parent that started first
    qint64 startMs = 0;
    double durationMs = 0; // first start to last end, over every span
    int spans = 0;
    int functions = 0; // distinct functions touched
    int errors = 0;
    bool stopped = false; // a call was stopped as a recursive loop
};

class TraceWriter
{
public:
    TraceWriter();
    ~TraceWriter();
    TraceWriter(TraceWriter &&) noexcept;
    TraceWriter &operator=(TraceWriter &&) noexcept;
    // Writes the spans of the traced records among `records` inside the caller's transaction.
    Status write(Connection &conn, const std::vector<InvocationRecord> &records);

private:
    std::unique_ptr<Statement> m_insert;
};

// Traces with a span starting at or after `sinceMs`, newest first; at most `limit`.
// `function` (optional) keeps those that touched it.
Result<QList<TraceSummary>> recentTraces(Connection &conn, qint64 sinceMs, int limit = 200, const QString &function = {});
// The spans of one trace, in start order.
Result<QList<Span>> traceSpans(Connection &conn, const QString &traceId);
// The trace a request belongs to; empty when it is not part of one.
Result<QString> traceOfRequest(Connection &conn, const QString &requestId);
// Deletes spans that started before `beforeMs`; returns how many.
Result<qint64> pruneSpans(Connection &conn, qint64 beforeMs);

} // namespace funcdesk::store
