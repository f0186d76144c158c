#pragma once
// One record per request (stored packed in blocks, see store/blocks.h). Produced by the engine on its
// thread, handed by value to the store's writer, metrics and the GUI.

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

namespace funcdesk {

enum class InvocationStatus { Success,
                              Error,
                              Timeout,
                              OutOfMemory,
                              Crash,
                              Throttled };
QString statusName(InvocationStatus s); // "success", "error", "timeout", "oom", "crash", "throttled"
InvocationStatus statusFromName(const QString &name);

enum class TriggerKind { Manual,
                         Api,
                         FunctionUrl,
                         Schedule,
                         Async,
                         LoadGenerator,
                         Replay,
                         Queue }; // an event source mapping's batch
QString triggerName(TriggerKind t); // "manual", "api", "url", "schedule", "async", "load", "replay", "queue"
TriggerKind triggerFromName(const QString &name);

// Equal strings. Records of one function share their strings' data (name, version,
// environment), which settles it without comparing characters.
inline bool sameString(const QString &a, const QString &b)
{
    return (a.constData() == b.constData() && a.size() == b.size()) || a == b;
}

struct LogLine
{
    qint64 timestampMs = 0; // wall clock, ms since epoch (UTC)
    QString requestId;      // the request the environment was serving, empty between requests
    QString function;
    QString environmentId;
    QString text; // one line, without the trailing newline
    // START / END / REPORT: the platform's framing of a request. They are derived from
    // the invocation record, so the store keeps the record and rebuilds these on read
    // (store::framingLines) instead of writing three rows per request.
    bool framing = false;
};

struct InvocationRecord
{
    QString requestId;
    QString function;
    QString version; // executed version ("$LATEST", "3")
    QString alias;   // qualifier used, if an alias
    QString environmentId;
    TriggerKind trigger = TriggerKind::Manual;
    qint64 startMs = 0;          // wall clock, ms since epoch (UTC)
    double durationMs = 0;       // handler time, as in REPORT "Duration"
    qint64 billedDurationMs = 0; // ceil(duration) (+ init when INIT is billed)
    double initDurationMs = 0;   // cold starts only, else 0
    bool cold = false;
    int memorySizeMb = 0;
    int maxMemoryUsedMb = 0;
    InvocationStatus status = InvocationStatus::Success;
    QString errorType;
    QString errorMessage;
    qint64 requestBytes = 0;
    qint64 responseBytes = 0;
    double costUsd = 0; // filled by the store's cost model
    QString architecture = QStringLiteral("x86_64");
    bool logTruncated = false;
    // Its place in a trace (common/trace.h): the trace, the calling span (empty at a root)
    // and its own span; calledFunctions when a call to another function carried its span.
    QString traceId;
    QString parentSpanId;
    QString spanId;
    bool calledFunctions = false;
    bool traced() const { return !parentSpanId.isEmpty() || calledFunctions; } // part of a multi-function trace
    // The runtime failed its init for this request (INIT_REPORT ... Status: error): the
    // duration is the init's, and REPORT ends in "Status: error\tError Type: ...".
    bool initFailed = false;
    bool debugged = false; // run in a debug environment (engine/debugsession.h)
};

// Where the engine records to (the store's writer): called on the engine thread, as a
// plain virtual call, for every invocation, where a signal's activation cost as much as
// a fifth of what recording costs the engine. Lines come before the record of the
// request they belong to. Implementations must be quick and thread-safe.
class RecordSink
{
public:
    virtual ~RecordSink() = default;
    virtual void recordLines(const QList<LogLine> &lines) = 0;
    virtual void recordInvocation(const InvocationRecord &record) = 0;
    // The request's payload and the response the caller got, right after recordInvocation()
    // (for replay; the store keeps them only within its capture caps). Default: not kept.
    virtual void recordExchange(const InvocationRecord &record, const QByteArray &request, const QByteArray &response)
    {
        Q_UNUSED(record);
        Q_UNUSED(request);
        Q_UNUSED(response);
    }
};

} // namespace funcdesk

Q_DECLARE_METATYPE(funcdesk::InvocationRecord)
Q_DECLARE_METATYPE(funcdesk::LogLine)
