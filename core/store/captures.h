#pragma once
// Captured exchanges: the request payload (and the response, when it fits) of recent
// invocations, kept so they can be replayed against another version or alias
// (lab/replay.h). They live outside the invocation blocks, in a per-function ring of
// CaptureOptions::perFunction rows that each new capture overwrites oldest-first, so
// recording stays cheap and the table cannot grow past perFunction x maxBytes per
// function; at high rates only the first perSecond of each second are kept. Payloads over
// maxBytes are not kept; replays are not captured (they would
// overwrite what they replay).
//
// Threading: CaptureWriter belongs to the store's writer thread; the read functions are
// plain functions on a Connection, for the thread that owns it.

#include "common/invocationrecord.h"
#include "common/result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace funcdesk::store {

class Connection;
class Statement;

struct CaptureOptions
{
    bool enabled = true;
    int maxBytes = 64 * 1024; // larger requests are not kept; larger responses keep only the request
    int perFunction = 1000;   // the newest this many per function
    // At most this many per function and second (the first ones of each second; 0: all).
    // Past a few hundred a second the ring turns over within seconds anyway, and keeping
    // every exchange of a load test would cost the writer more than the records do.
    int perSecond = 100;
};

// The per-second sampling of CaptureOptions::perSecond, for one producer at a time.
class CaptureRate
{
public:
    bool admit(const CaptureOptions &options, const QString &function, qint64 startMs);

private:
    struct Window
    {
        qint64 second = -1;
        int taken = 0;
    };
    QHash<QString, Window> m_windows;
};

struct Capture
{
    QString requestId;
    QString function;
    QString version; // the version that ran it
    QString alias;
    TriggerKind trigger = TriggerKind::Manual;
    qint64 startMs = 0;
    InvocationStatus status = InvocationStatus::Success;
    double durationMs = 0;
    QString errorType;
    QByteArray request;
    QByteArray response; // null: over the size cap when it was recorded
    bool responseKept = true;
};

// Whether an exchange is kept under `options`; the Writer asks before it copies anything.
bool shouldCapture(const CaptureOptions &options, const InvocationRecord &record, const QByteArray &request);
Capture makeCapture(const CaptureOptions &options, const InvocationRecord &record, const QByteArray &request,
                    const QByteArray &response);

class CaptureWriter
{
public:
    explicit CaptureWriter(CaptureOptions options);
    ~CaptureWriter();
    CaptureWriter(CaptureWriter &&) noexcept;
    CaptureWriter &operator=(CaptureWriter &&) noexcept;
    // Writes one batch inside the caller's transaction.
    Status write(Connection &conn, std::vector<Capture> &captures);

private:
    Result<qint64> nextSeq(Connection &conn, const QString &function);
    Status fitRing(Connection &conn, const QString &function);

    CaptureOptions m_options;
    QHash<QString, qint64> m_next; // per function: the next capture's seq (its slot: seq % perFunction)
    std::unique_ptr<Statement> m_insert;
};

// Captures of `function` that started in [fromMs, toMs], in the order they were recorded
// (as they finished); at most `limit`.
Result<QList<Capture>> captures(Connection &conn, const QString &function, qint64 fromMs, qint64 toMs, int limit = 10'000);
// The captures among `requestIds` (any order in, recorded order out); ids without one are absent.
Result<QList<Capture>> capturesById(Connection &conn, const QString &function, const QStringList &requestIds);
Result<int> captureCount(Connection &conn, const QString &function);

} // namespace funcdesk::store
