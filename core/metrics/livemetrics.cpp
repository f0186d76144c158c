#include "livemetrics.h"

#include <algorithm>

namespace funcdesk::metrics {

LiveMetrics::LiveMetrics(int windowSeconds) : m_window(std::max(10, windowSeconds)) {}

SecondBucket &LiveMetrics::Ring::at(qint64 second)
{
    SecondBucket &b = buckets[static_cast<size_t>(second % qint64(buckets.size()))];
    if (b.second != second)
        b = SecondBucket{second};
    return b;
}

LiveMetrics::Ring &LiveMetrics::ring(const QString &function)
{
    auto it = m_rings.find(function);
    if (it == m_rings.end()) {
        it = m_rings.insert(function, Ring{});
        it->buckets.resize(static_cast<size_t>(m_window));
    }
    return *it;
}

void LiveMetrics::record(const InvocationRecord &r)
{
    const qint64 second = (r.startMs + qint64(r.durationMs)) / 1000;
    const bool failed = r.status != InvocationStatus::Success && r.status != InvocationStatus::Throttled;
    const double gbs = r.status == InvocationStatus::Throttled
        ? 0
        : double(r.memorySizeMb) / 1024.0 * double(r.billedDurationMs) / 1000.0;
    std::lock_guard lock(m_mutex);
    ++m_total;
    for (const QString &key : {QString(), r.function}) {
        SecondBucket &b = ring(key).at(second);
        if (r.status == InvocationStatus::Throttled) {
            ++b.throttles;
            continue;
        }
        ++b.invocations;
        b.coldStarts += r.cold ? 1 : 0;
        b.errors += failed ? 1 : 0;
        b.durationSumMs += r.durationMs;
        b.durationMaxMs = std::max(b.durationMaxMs, r.durationMs);
        b.initSumMs += r.initDurationMs;
        b.gbSeconds += gbs;
        b.costUsd += r.costUsd;
    }
}

void LiveMetrics::sampleConcurrency(const QString &function, int busy, qint64 epochSecond)
{
    std::lock_guard lock(m_mutex);
    SecondBucket &b = ring(function).at(epochSecond);
    b.peakConcurrency = std::max(b.peakConcurrency, busy);
}

Series LiveMetrics::snapshot(const QString &function, int seconds, qint64 nowSecond) const
{
    seconds = std::clamp(seconds, 1, m_window);
    Series s;
    s.firstSecond = nowSecond - seconds + 1;
    s.points.resize(static_cast<size_t>(seconds));
    std::lock_guard lock(m_mutex);
    const auto it = m_rings.constFind(function);
    for (int i = 0; i < seconds; ++i) {
        const qint64 second = s.firstSecond + i;
        SecondBucket &out = s.points[static_cast<size_t>(i)];
        out.second = second;
        if (it == m_rings.constEnd())
            continue;
        const SecondBucket &b = it->buckets[static_cast<size_t>(second % qint64(it->buckets.size()))];
        if (b.second == second)
            out = b;
    }
    return s;
}

quint64 LiveMetrics::totalInvocations() const
{
    std::lock_guard lock(m_mutex);
    return m_total;
}

} // namespace funcdesk::metrics
