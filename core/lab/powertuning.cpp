#include "lab/powertuning.h"

#include <QSet>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace funcdesk::lab {

QList<int> defaultMemorySizes()
{
    return {128, 256, 512, 1024, 1536, 2048, 3008};
}

double trimmedMean(QList<double> values, double trim)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    // floor(), like Power Tuning's parseInt(n * 0.2): 5 samples lose one at each end, 4 none.
    const qsizetype n = values.size();
    const qsizetype drop = std::min<qsizetype>(qsizetype(std::floor(double(n) * std::clamp(trim, 0.0, 0.5))), (n - 1) / 2);
    const auto first = values.cbegin() + drop;
    const auto last = values.cend() - drop;
    return std::accumulate(first, last, 0.0) / double(last - first);
}

double invocationCostUsd(double billedMs, int memoryMb, const store::CostModel &model, const QString &architecture)
{
    const double gbSeconds = billedMs / 1000.0 * double(memoryMb) / 1024.0;
    return gbSeconds * model.pricePerGbSecond(architecture) + model.pricePerMillionRequests / 1e6;
}

PowerResult powerResult(int memoryMb, const QList<double> &billedDurationsMs, const store::CostModel &model,
                        const QString &architecture)
{
    PowerResult r;
    r.memoryMb = memoryMb;
    r.samples = int(billedDurationsMs.size());
    r.avgDurationMs = trimmedMean(billedDurationsMs);
    r.avgCostUsd = r.samples > 0 ? invocationCostUsd(r.avgDurationMs, memoryMb, model, architecture) : 0;
    return r;
}

int chooseMemory(const QList<PowerResult> &results, Strategy strategy, double balancedWeight)
{
    QList<PowerResult> rows;
    for (const PowerResult &r : results) {
        if (r.samples > 0)
            rows.append(r);
    }
    if (rows.isEmpty())
        return 0;
    double maxCost = 0, maxDuration = 0;
    for (const PowerResult &r : std::as_const(rows)) {
        maxCost = std::max(maxCost, r.avgCostUsd);
        maxDuration = std::max(maxDuration, r.avgDurationMs);
    }
    const double w = std::clamp(balancedWeight, 0.0, 1.0);
    auto balanced = [&](const PowerResult &r) {
        return w * (maxCost > 0 ? r.avgCostUsd / maxCost : 0)
            + (1 - w) * (maxDuration > 0 ? r.avgDurationMs / maxDuration : 0);
    };
    // Strict weak order: the strategy's key, then its tie-break, then the smaller size.
    auto better = [&](const PowerResult &a, const PowerResult &b) {
        switch (strategy) {
        case Strategy::Cost:
            if (a.avgCostUsd != b.avgCostUsd)
                return a.avgCostUsd < b.avgCostUsd;
            if (a.avgDurationMs != b.avgDurationMs)
                return a.avgDurationMs < b.avgDurationMs;
            break;
        case Strategy::Speed:
            if (a.avgDurationMs != b.avgDurationMs)
                return a.avgDurationMs < b.avgDurationMs;
            if (a.avgCostUsd != b.avgCostUsd)
                return a.avgCostUsd < b.avgCostUsd;
            break;
        case Strategy::Balanced:
            if (balanced(a) != balanced(b))
                return balanced(a) < balanced(b);
            break;
        }
        return a.memoryMb < b.memoryMb;
    };
    return std::min_element(rows.cbegin(), rows.cend(), better)->memoryMb;
}

Result<QList<int>> parseMemoryList(const QString &text)
{
    QList<int> sizes;
    QSet<int> seen;
    const QStringList parts = text.split(QLatin1Char(','));
    for (const QString &raw : parts) {
        const QString part = raw.trimmed();
        bool ok = false;
        const int mb = part.toInt(&ok);
        if (!ok)
            return makeError(errc::InvalidParameterValue,
                             QStringLiteral("\"") + part + QStringLiteral("\" is not a memory size in MB (e.g. 128,512,1024)."));
        if (mb < kMinMemoryMb || mb > kMaxMemoryMb)
            return makeError(errc::InvalidParameterValue,
                             QStringLiteral("Memory sizes must be between 128 and 10240 MB, not ") + part
                                 + QStringLiteral("."));
        if (seen.contains(mb))
            return makeError(errc::InvalidParameterValue, QString::number(mb) + QStringLiteral(" MB is listed twice."));
        seen.insert(mb);
        sizes.append(mb);
    }
    return sizes;
}

Result<Strategy> parseStrategy(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("cost"))
        return Strategy::Cost;
    if (t == QLatin1String("speed"))
        return Strategy::Speed;
    if (t == QLatin1String("balanced"))
        return Strategy::Balanced;
    return makeError(errc::InvalidParameterValue,
                     QStringLiteral("Unknown strategy \"") + text + QStringLiteral("\" (cost, speed or balanced)."));
}

QString strategyName(Strategy strategy)
{
    switch (strategy) {
    case Strategy::Cost:
        return QStringLiteral("cost");
    case Strategy::Speed:
        return QStringLiteral("speed");
    case Strategy::Balanced:
        return QStringLiteral("balanced");
    }
    return {};
}

} // namespace funcdesk::lab
