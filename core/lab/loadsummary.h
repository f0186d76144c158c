#pragma once
// What a load run measured, per request (LoadSample) and in total (LoadSummary). Plain
// value types and pure functions: LoadRunner fills the samples on its pacer thread and
// hands the summary to the thread that owns it; copy freely.
//
// Latency is measured from each request's INTENDED send time, not from when it was
// actually sent: a generator that falls behind (or a closed loop that waits for slow
// responses) would otherwise hide exactly the waiting a real client sees ("coordinated
// omission"). The schedule lag (sent - intended) is reported on its own so a generator
// that could not keep up is visible rather than silently blamed on the function.

#include "common/invocationrecord.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>

namespace funcdesk::lab {

struct LoadSample
{
    qint64 intendedUs = 0; // from the run's start; in a closed loop, = sentUs
    qint64 sentUs = 0;     // when invoke() was called
    qint64 doneUs = -1;    // when the answer came back; < 0: never (cancelled run)
    InvocationStatus status = InvocationStatus::Success;
    bool coldStart = false;
    bool throttled = false;
};

struct LoadSummary
{
    int sent = 0;      // requests handed to the engine
    int completed = 0; // of those, answered (doneUs >= 0)
    int ok = 0;        // answered with Success
    int errors = 0;    // answered with anything else but a throttle
    int throttled = 0; // answered TooManyRequestsException
    int coldStarts = 0;
    // Latency from the intended send time to the answer, over answered requests that were
    // not throttled (a throttle answers at once and would make an overloaded function look
    // fast). Nearest-rank percentiles; 0 when there is none.
    double p50Ms = 0;
    double p90Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;
    double achievedRate = 0;     // completed / durationSeconds
    double targetRate = 0;       // what the plan asked for (0: closed loop, no target)
    double scheduleLagP99Ms = 0; // p99 of sentUs - intendedUs over sent requests
    double durationSeconds = 0;  // the sending window the rates are over
};

LoadSummary summarize(const QList<LoadSample> &samples, double durationSeconds, double targetRate);

// The nearest-rank percentile (p in 0..100) of `values`, which it sorts; 0 when empty.
double percentile(QList<double> values, double p);

// {"sent":..,"completed":..,"ok":..,"errors":..,"throttled":..,"coldStarts":..,
//  "latencyMs":{"p50":..,"p90":..,"p99":..,"max":..},"achievedRate":..,"targetRate":..,
//  "scheduleLagP99Ms":..,"durationSeconds":..}
QJsonObject toJson(const LoadSummary &summary);

} // namespace funcdesk::lab

Q_DECLARE_METATYPE(funcdesk::lab::LoadSummary)
