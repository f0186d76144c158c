#include "lab/crossover.h"

#include "lab/powertuning.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace funcdesk::lab {

namespace {

QString usd(double v)
{
    return QLatin1Char('$') + QString::number(v, 'f', 2);
}

QString oneDecimal(double v)
{
    return QString::number(v, 'f', 1);
}

// "128 MB, 12 ms billed": the function as the sentences name it.
QString functionTerms(double billedMs, int memoryMb)
{
    return QString::number(memoryMb) + QStringLiteral(" MB, ") + QString::number(billedMs, 'g', 6)
        + QStringLiteral(" ms billed");
}

} // namespace

QList<AlwaysOnInstance> defaultInstances()
{
    return {
        {QStringLiteral("t4g.small"), 0.0168, 2, 2},
        {QStringLiteral("t3.medium"), 0.0416, 2, 4},
        {QStringLiteral("m6i.large"), 0.096, 2, 8},
        {QStringLiteral("c6i.xlarge"), 0.17, 4, 8},
    };
}

double lambdaMonthlyCost(double requestsPerSecond, double billedMsPerRequest, int memoryMb,
                         const store::CostModel &model, const QString &architecture)
{
    return std::max(0.0, requestsPerSecond) * kSecondsPerMonth
        * invocationCostUsd(billedMsPerRequest, memoryMb, model, architecture);
}

double requestsPerSecondPerInstance(const AlwaysOnInstance &instance, double durationMs)
{
    return durationMs > 0 ? instance.vcpus * 1000.0 / durationMs : 0;
}

int instancesNeeded(double requestsPerSecond, double perInstance)
{
    if (!(perInstance > 0))
        return std::numeric_limits<int>::max();
    // The epsilon keeps a rate of exactly n instances (3 * 0.1 / 0.1 = 3.0000000000000004) at n.
    const double n = std::ceil(requestsPerSecond / perInstance - 1e-9);
    return int(std::clamp(n, 1.0, double(std::numeric_limits<int>::max())));
}

double alwaysOnMonthlyCost(double requestsPerSecond, double durationMs, const AlwaysOnInstance &instance)
{
    const int n = instancesNeeded(requestsPerSecond, requestsPerSecondPerInstance(instance, durationMs));
    return double(n) * instance.hourlyUsd * kHoursPerMonth;
}

double crossoverRequestsPerSecond(double billedMsPerRequest, int memoryMb, const AlwaysOnInstance &instance,
                                  const store::CostModel &model, const QString &architecture)
{
    const double k = lambdaMonthlyCost(1, billedMsPerRequest, memoryMb, model, architecture); // $ per (request/s)
    const double h = instance.hourlyUsd * kHoursPerMonth;
    const double cap = requestsPerSecondPerInstance(instance, billedMsPerRequest);
    if (!(k > 0) || !(cap > 0) || h / k >= cap)
        return std::numeric_limits<double>::infinity();
    return h / k;
}

QString explainCrossover(double billedMsPerRequest, int memoryMb, const AlwaysOnInstance &instance,
                         const store::CostModel &model, const QString &architecture)
{
    const double monthly = instance.hourlyUsd * kHoursPerMonth;
    const double rate = crossoverRequestsPerSecond(billedMsPerRequest, memoryMb, instance, model, architecture);
    if (std::isfinite(rate)) {
        return QStringLiteral("Above ") + oneDecimal(rate) + QStringLiteral(" requests/s (")
            + oneDecimal(rate * kSecondsPerMonth / 1e6) + QStringLiteral(" M a month) one ") + instance.name
            + QStringLiteral(" (") + usd(monthly) + QStringLiteral(" a month) is cheaper than this function on Lambda (")
            + functionTerms(billedMsPerRequest, memoryMb) + QStringLiteral(").");
    }
    // They never meet: say what a fully busy instance would cost on Lambda instead.
    const double cap = requestsPerSecondPerInstance(instance, billedMsPerRequest);
    return QStringLiteral("Lambda stays cheaper than ") + instance.name + QStringLiteral(" at any rate: one ")
        + instance.name + QStringLiteral(" (") + usd(monthly) + QStringLiteral(" a month) serves at most ")
        + oneDecimal(cap) + QStringLiteral(" requests/s of this function, which cost ")
        + usd(lambdaMonthlyCost(cap, billedMsPerRequest, memoryMb, model, architecture))
        + QStringLiteral(" a month on Lambda (") + functionTerms(billedMsPerRequest, memoryMb) + QStringLiteral(").");
}

} // namespace funcdesk::lab
