#pragma once
// Lambda's trace header (X-Ray's format), as requests carry it between functions:
//   X-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0;Lineage=2
// Root names the trace (one request through every function it touches), Parent the span
// that made the call. A runtime gets its request's header in _X_AMZN_TRACE_ID (and the
// Runtime API's Lambda-Runtime-Trace-Id) with Parent set to the invocation's own span,
// and AWS SDKs running in a function forward it on every call they make, so a call from
// one function to another arrives carrying its caller's span. Lineage counts the calls
// in the chain so far; Funcdesk stops a chain at kMaxChainCalls, as Lambda's recursive
// loop detection does.
//
// Threading: value types, any thread.

#include <QByteArray>
#include <QString>

namespace funcdesk {

inline constexpr int kMaxChainCalls = 16;

struct TraceHeader
{
    QString root;      // "1-<8 hex seconds>-<24 hex>"; empty when the header had none
    QString parent;    // 16 hex, the calling span; may be empty
    bool sampled = false;
    int lineage = 0;   // calls in the chain before this one

    static TraceHeader parse(QByteArrayView header); // tolerant: unknown keys are ignored
    bool isValid() const { return !root.isEmpty(); }
    QByteArray toHeader() const;
};

// The context one invocation runs in: its trace, the span that called it (if any), its
// own span id, and where it stands in the chain.
struct TraceContext
{
    QString traceId;
    QString parentSpanId;
    QString spanId;
    int lineage = 0;

    // A new span under `incoming` (an X-Amzn-Trace-Id value, possibly empty): the same
    // trace and one more call in its chain when there is one, else a new trace.
    static TraceContext begin(QByteArrayView incoming);
    // The header downstream calls from this invocation carry (_X_AMZN_TRACE_ID).
    QByteArray downstreamHeader() const;
};

QString newTraceRoot(qint64 nowSeconds); // "1-" + 8 hex digits of time + "-" + 24 random hex
QString newSpanId();                     // 16 random hex digits

} // namespace funcdesk
