#include "lab/loadsummary.h"

#include <algorithm>
#include <cmath>

namespace funcdesk::lab {

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    // Nearest rank: the smallest value with at least p % of the values at or below it. It
    // always answers a measured value, never an interpolation no request saw. p * n first:
    // for whole p and n that product is exact, so 90 % of 10 is rank 9, not 9.000000001.
    const qsizetype n = values.size();
    const qsizetype rank = std::clamp<qsizetype>(qsizetype(std::ceil(p * double(n) / 100.0)), 1, n);
    std::nth_element(values.begin(), values.begin() + (rank - 1), values.end());
    return values.at(rank - 1);
}

LoadSummary summarize(const QList<LoadSample> &samples, double durationSeconds, double targetRate)
{
    LoadSummary s;
    s.durationSeconds = durationSeconds;
    s.targetRate = targetRate;
    QList<double> latencies;
    QList<double> lags;
    latencies.reserve(samples.size());
    lags.reserve(samples.size());
    for (const LoadSample &x : samples) {
        ++s.sent;
        lags.append(double(x.sentUs - x.intendedUs) / 1000.0);
        if (x.coldStart)
            ++s.coldStarts;
        if (x.doneUs < 0)
            continue;
        ++s.completed;
        if (x.throttled || x.status == InvocationStatus::Throttled) {
            ++s.throttled;
            continue;
        }
        if (x.status == InvocationStatus::Success)
            ++s.ok;
        else
            ++s.errors;
        latencies.append(double(x.doneUs - x.intendedUs) / 1000.0);
    }
    s.p50Ms = percentile(latencies, 50);
    s.p90Ms = percentile(latencies, 90);
    s.p99Ms = percentile(latencies, 99);
    s.maxMs = latencies.isEmpty() ? 0 : *std::max_element(latencies.cbegin(), latencies.cend());
    s.scheduleLagP99Ms = percentile(lags, 99);
    s.achievedRate = durationSeconds > 0 ? double(s.completed) / durationSeconds : 0;
    return s;
}

QJsonObject toJson(const LoadSummary &s)
{
    const QJsonObject latency{
        {QStringLiteral("p50"), s.p50Ms},
        {QStringLiteral("p90"), s.p90Ms},
        {QStringLiteral("p99"), s.p99Ms},
        {QStringLiteral("max"), s.maxMs},
    };
    return QJsonObject{
        {QStringLiteral("sent"), s.sent},
        {QStringLiteral("completed"), s.completed},
        {QStringLiteral("ok"), s.ok},
        {QStringLiteral("errors"), s.errors},
        {QStringLiteral("throttled"), s.throttled},
        {QStringLiteral("coldStarts"), s.coldStarts},
        {QStringLiteral("latencyMs"), latency},
        {QStringLiteral("achievedRate"), s.achievedRate},
        {QStringLiteral("targetRate"), s.targetRate},
        {QStringLiteral("scheduleLagP99Ms"), s.scheduleLagP99Ms},
        {QStringLiteral("durationSeconds"), s.durationSeconds},
    };
}

} // namespace funcdesk::lab
