#pragma once
// Serverless or always-on: what a steady request rate costs a month on Lambda against the
// instances that would serve it, and the rate where the instances become cheaper. Pure
// functions over plain values: call them on any thread.
//
// The model, deliberately simple enough to explain in one sentence:
//   - a 30-day month on both sides (720 h, 2,592,000 s), so they compare like for like;
//   - Lambda: every request billed billedMs at memoryMb, plus the request price; no free
//     tier (it is per account, not per function);
//   - an instance serves one request per vCPU at a time, each taking billedMs of CPU, so
//     at most vcpus * 1000 / billedMs requests per second, and a rate needs
//     ceil(rate / that) instances, at least one (it is on whether or not requests come).

#include "store/costmodel.h"

#include <QList>
#include <QString>

namespace funcdesk::lab {

inline constexpr double kSecondsPerMonth = 30.0 * 24 * 3600; // 2,592,000
inline constexpr double kHoursPerMonth = 30.0 * 24;          // 720

struct AlwaysOnInstance
{
    QString name;
    double hourlyUsd = 0;
    double vcpus = 0;
    double memoryGb = 0;
};

// EC2 us-east-1 on-demand Linux list prices: an editable default, not a live price list.
// t4g.small 0.0168/h (2 vCPU, 2 GB), t3.medium 0.0416/h (2, 4), m6i.large 0.096/h (2, 8),
// c6i.xlarge 0.17/h (4, 8).
QList<AlwaysOnInstance> defaultInstances();

double lambdaMonthlyCost(double requestsPerSecond, double billedMsPerRequest, int memoryMb,
                         const store::CostModel &model, const QString &architecture = QStringLiteral("x86_64"));

// vcpus * 1000 / durationMs; 0 for a non-positive duration.
double requestsPerSecondPerInstance(const AlwaysOnInstance &instance, double durationMs);

// ceil(rate / perInstance), at least 1; a rate within 1e-9 of a multiple does not round up.
// INT_MAX when an instance serves nothing (perInstance <= 0).
int instancesNeeded(double requestsPerSecond, double perInstance);

double alwaysOnMonthlyCost(double requestsPerSecond, double durationMs, const AlwaysOnInstance &instance);

// The lowest rate at which always-on costs the same as Lambda; above it (up to where one
// instance is full) the instance is cheaper. Closed form per instance count, not a search:
// Lambda costs k * rate (k: a request's price times the month's seconds) and n instances
// cost n * H (H: one instance's month), so in the n-instance band ((n-1) * cap, n * cap]
// the two meet at n * H / k if that lies inside the band. For n = 1 it does exactly when
// H / k < cap, which makes H / k the lowest meeting point; when H / k >= cap, then
// n * H / k >= n * cap for every n and they never meet (a fully busy instance costs at
// least Lambda's price per request): answers +infinity. Past each later band's edge Lambda
// can briefly win again while the extra instance idles; the sentence below speaks of the
// first meeting only.
double crossoverRequestsPerSecond(double billedMsPerRequest, int memoryMb, const AlwaysOnInstance &instance,
                                  const store::CostModel &model,
                                  const QString &architecture = QStringLiteral("x86_64"));

// One sentence, e.g. "Above 51.4 requests/s (133.1 M a month) one t3.medium ($29.95 a
// month) is cheaper than this function on Lambda (128 MB, 12 ms billed)." or, when they
// never meet, why Lambda stays cheaper.
QString explainCrossover(double billedMsPerRequest, int memoryMb, const AlwaysOnInstance &instance,
                         const store::CostModel &model, const QString &architecture = QStringLiteral("x86_64"));

} // namespace funcdesk::lab
