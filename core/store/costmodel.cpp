#include "store/costmodel.h"

#include <QDateTime>

#include <algorithm>
#include <cmath>

namespace funcdesk::store {

double CostModel::pricePerGbSecond(const QString &architecture) const
{
    return architecture == QLatin1String("arm64") ? pricePerGbSecondArm : pricePerGbSecondX86;
}

qint64 CostModel::billedDurationMs(const InvocationRecord &r) const
{
    if (r.status == InvocationStatus::Throttled)
        return 0;
    qint64 billed = qint64(std::ceil(std::max(0.0, r.durationMs)));
    if (billInit && r.cold && !r.initFailed) // a failed init is already the request's duration
        billed += qint64(std::ceil(std::max(0.0, r.initDurationMs)));
    return billed;
}

double CostModel::gbSeconds(const InvocationRecord &r) const
{
    return double(r.memorySizeMb) / 1024.0 * double(billedDurationMs(r)) / 1000.0;
}

double CostModel::cost(const InvocationRecord &r) const
{
    if (r.status == InvocationStatus::Throttled)
        return 0;
    return pricePerMillionRequests / 1e6 + gbSeconds(r) * pricePerGbSecond(r.architecture);
}

int MonthlyUsage::monthKeyOf(qint64 epochMs)
{
    const QDate d = QDateTime::fromMSecsSinceEpoch(epochMs, Qt::UTC).date();
    return d.year() * 12 + d.month() - 1;
}

double costWithFreeTier(const CostModel &model, const InvocationRecord &r, MonthlyUsage &usage)
{
    if (!model.freeTier)
        return model.cost(r);
    if (r.status == InvocationStatus::Throttled)
        return 0;
    const int key = MonthlyUsage::monthKeyOf(r.startMs);
    if (key != usage.monthKey) {
        usage = MonthlyUsage{key, 0, 0};
    }
    const double gbs = model.gbSeconds(r);
    const double freeRequests = std::clamp(model.freeRequestsPerMonth - usage.requests, 0.0, 1.0);
    const double freeGbs = std::clamp(model.freeGbSecondsPerMonth - usage.gbSeconds, 0.0, gbs);
    usage.requests += 1;
    usage.gbSeconds += gbs;
    return (1.0 - freeRequests) * model.pricePerMillionRequests / 1e6
        + (gbs - freeGbs) * model.pricePerGbSecond(r.architecture);
}

} // namespace funcdesk::store
