#pragma once
// Live aggregation for the charts: per-second buckets in a ring
// buffer covering the last few minutes, per function and for all functions together.
// Charts read snapshots on a timer; they never hear about single invocations.
//
// Threading: record() is called on the engine thread (or any thread), snapshot() on the
// GUI thread; one mutex guards the buckets and is held only for O(1) updates and for
// copying a window out.

#include "common/invocationrecord.h"

#include <QHash>
#include <QString>

#include <mutex>
#include <vector>

namespace funcdesk::metrics {

struct SecondBucket
{
    qint64 second = 0; // epoch seconds this bucket stands for; 0 = empty
    int invocations = 0;
    int coldStarts = 0;
    int errors = 0; // error, timeout, oom, crash
    int throttles = 0;
    double durationSumMs = 0;
    double durationMaxMs = 0;
    double initSumMs = 0;
    double gbSeconds = 0;
    double costUsd = 0;
    int peakConcurrency = 0;
};

struct Series
{
    qint64 firstSecond = 0;           // epoch second of points[0]
    std::vector<SecondBucket> points; // one per second, oldest first, gaps filled with zeros
};

class LiveMetrics
{
public:
    explicit LiveMetrics(int windowSeconds = 600);

    void record(const InvocationRecord &record);
    // Concurrency samples: busy environments of one function right now.
    void sampleConcurrency(const QString &function, int busy, qint64 epochSecond);

    // The last `seconds` seconds up to `nowSecond` for one function ("" = all).
    Series snapshot(const QString &function, int seconds, qint64 nowSecond) const;
    quint64 totalInvocations() const;

private:
    struct Ring
    {
        std::vector<SecondBucket> buckets;
        SecondBucket &at(qint64 second);
    };
    Ring &ring(const QString &function);

    const int m_window;
    mutable std::mutex m_mutex;
    QHash<QString, Ring> m_rings; // "" holds the total
    quint64 m_total = 0;
};

} // namespace funcdesk::metrics
