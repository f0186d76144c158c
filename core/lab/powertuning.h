#pragma once
// The arithmetic of AWS Lambda Power Tuning (github.com/alexcasalboni/aws-lambda-power-tuning):
// run a function at several memory sizes, average each size's billed durations with the
// fastest and slowest 20 % discarded, price the average with the cost model, and pick a
// size by strategy. Pure functions over plain values: call them on any thread.
//
// Where this differs from Power Tuning, on purpose:
//   - the request price is part of the cost per invocation (Power Tuning leaves it out), so
//     the cost shown is what Lambda charges; being the same at every size it never changes
//     the Cost choice, and only slightly flattens Balanced's cost ratios;
//   - the average billed duration is priced as it is, not rounded up to a whole ms again
//     (each sample is already a billed, whole-ms duration).

#include "common/result.h"
#include "store/costmodel.h"

#include <QList>
#include <QString>

namespace funcdesk::lab {

struct PowerResult
{
    int memoryMb = 0;
    double avgDurationMs = 0; // trimmed mean of the billed durations
    double avgCostUsd = 0;    // cost of one invocation at avgDurationMs
    int samples = 0;          // billed durations measured (before trimming)
};

enum class Strategy { Cost,
                      Speed,
                      Balanced };

inline constexpr int kMinMemoryMb = 128;
inline constexpr int kMaxMemoryMb = 10240;

// The sizes Power Tuning suggests by default.
QList<int> defaultMemorySizes(); // {128, 256, 512, 1024, 1536, 2048, 3008}

// Sorts, discards floor(n * trim) values at each end and averages the rest, exactly as
// Power Tuning does: below 5 samples nothing is discarded. 0 for an empty list.
double trimmedMean(QList<double> values, double trim = 0.2);

// One invocation: billedMs / 1000 * memoryMb / 1024 GB-s at the architecture's price,
// plus the price of one request.
double invocationCostUsd(double billedMs, int memoryMb, const store::CostModel &model,
                         const QString &architecture = QStringLiteral("x86_64"));

// One size's row from its measured billed durations.
PowerResult powerResult(int memoryMb, const QList<double> &billedDurationsMs, const store::CostModel &model,
                        const QString &architecture = QStringLiteral("x86_64"));

// The memory size the strategy prefers; 0 when no result has samples.
//   Cost:     the lowest avgCostUsd (ties: the faster);
//   Speed:    the lowest avgDurationMs (ties: the cheaper);
//   Balanced: the lowest w * cost / maxCost + (1 - w) * duration / maxDuration, maxima over
//             the sizes given; w is clamped to 0..1 (0 = Speed, 1 = Cost).
// Remaining ties go to the smaller memory size.
int chooseMemory(const QList<PowerResult> &results, Strategy strategy, double balancedWeight = 0.5);

// "128,512,1024": sizes in MB, each 128..10240, no duplicates; answered in the given order.
Result<QList<int>> parseMemoryList(const QString &text);

// "cost" / "speed" / "balanced".
Result<Strategy> parseStrategy(const QString &text);
QString strategyName(Strategy strategy);

} // namespace funcdesk::lab
