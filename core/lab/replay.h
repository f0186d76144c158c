#pragma once
// Replay: the captured payloads of recorded invocations (store/captures.h) sent again to
// another version or alias of the same function, with the outcomes compared side by side:
// status, errors, latency percentiles, and how many responses differ from the recorded
// ones. Replayed invocations are recorded with the Replay trigger (and never captured, so
// a replay cannot overwrite what it replays). A run is an experiment of kind "replay".
//
// Threading: runReplay() blocks for the run's length; call it on a worker thread.

#include "lab/labhost.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace funcdesk::lab {

// Which recorded invocations to replay: an experiment's interval, a time range, or a
// selection of request ids (when given, only those).
struct ReplaySelection
{
    QString function;
    qint64 fromMs = 0;
    qint64 toMs = 0; // 0: now
    QStringList requestIds;
    qint64 experimentId = 0; // non-zero: its interval (from/to are ignored)
    int limit = 1000;        // the newest this many of the selection
};

struct ReplayOptions
{
    ReplaySelection selection;
    QString target; // a version number or alias of selection.function; empty: $LATEST
};

struct ReplayItem
{
    QString requestId; // the recorded invocation's
    QByteArray payload;
    QString recordedVersion;
    InvocationStatus recordedStatus = InvocationStatus::Success;
    double recordedDurationMs = 0;
    QByteArray recordedResponse; // null when it was over the capture cap
    QString replayedVersion;     // what the target resolved to
    InvocationStatus replayedStatus = InvocationStatus::Success;
    double replayedDurationMs = 0;
    QByteArray replayedResponse;
    bool compared = false; // both responses known
    bool differs = false;  // compared, and not equal (as JSON where both parse)
};

struct ReplaySide
{
    int count = 0;
    int errors = 0; // anything but Success
    double p50Ms = 0;
    double p90Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;
};

struct ReplayResult
{
    QString function;
    QString target;
    QList<ReplayItem> items; // in recorded order
    ReplaySide recorded;
    ReplaySide replayed;
    int compared = 0;       // items whose both responses are known
    int differing = 0;      // of those, responses that differ
    int statusChanged = 0;  // success <-> failure (or another failure kind)
    qint64 experimentId = 0;
};

// Equal responses: byte for byte, or as JSON values when both parse (key order and
// whitespace do not matter).
bool sameResponse(const QByteArray &a, const QByteArray &b);
// Fills the sides and counts from the items.
void summarize(ReplayResult &result);
// The summary (not the items) as an experiment records it, and back.
QJsonObject toJson(const ReplayResult &result);
ReplayResult replayResultFromJson(const QJsonObject &json);

// Resolves the selection to captures, replays each in recorded order (one at a time, so
// latencies compare like for like) and records the run. Errors: no captures matched, an
// unknown experiment, a store failure. A cancelled run keeps what it replayed.
Result<ReplayResult> runReplay(LabHost &host, const ReplayOptions &options);

} // namespace funcdesk::lab
