#pragma once
// What an invocation would cost on AWS Lambda. Defaults are Lambda's us-east-1 prices.
// Plain value types; the writer owns one CostModel and one MonthlyUsage on its thread.
//
// cost(record) = requestPrice + gbSeconds * pricePerGbSecond(architecture), where
//   billedMs  = ceil(durationMs) [+ ceil(initDurationMs) on cold starts when INIT is billed]
//   gbSeconds = memorySizeMb / 1024 * billedMs / 1000
// Throttled invocations cost nothing (Lambda does not charge them).
//
// Free tier (off by default): 1 M requests and 400,000 GB-s per calendar month (UTC).
// When on, the part of a record's requests / GB-s that still fits in its month's
// remaining allowance is free; only usage beyond the allowance is charged. The allowance
// is tracked by MonthlyUsage in the order records are costed, and shared by both
// architectures, as on Lambda.

#include "common/invocationrecord.h"

#include <QString>

namespace funcdesk::store {

struct CostModel
{
    double pricePerMillionRequests = 0.20;
    double pricePerGbSecondX86 = 0.0000166667;
    double pricePerGbSecondArm = 0.0000133334;
    bool billInit = true;
    bool freeTier = false;
    double freeRequestsPerMonth = 1'000'000;
    double freeGbSecondsPerMonth = 400'000;

    double pricePerGbSecond(const QString &architecture) const;
    qint64 billedDurationMs(const InvocationRecord &r) const;
    double gbSeconds(const InvocationRecord &r) const;
    // Cost without the free tier.
    double cost(const InvocationRecord &r) const;
};

// Month-to-date usage for the free tier.
struct MonthlyUsage
{
    int monthKey = 0; // year * 12 + month - 1 (UTC) of the usage below
    double requests = 0;
    double gbSeconds = 0;

    static int monthKeyOf(qint64 epochMs);
};

// Cost with the free tier applied when model.freeTier is on; updates `usage` (which is
// reset when the record falls in a different month than the usage so far).
double costWithFreeTier(const CostModel &model, const InvocationRecord &r, MonthlyUsage &usage);

} // namespace funcdesk::store
