#pragma once
// A power-tuning run on the engine: the function's deployed code at each memory size, as
// a temporary engine version ("tune-<MB>", never in the function's history) with CPU
// scaled to memory as Lambda scales it, N invocations per size, then Power Tuning's
// arithmetic (powertuning.h) and the strategy's choice. Recorded as an experiment of
// kind "tune".
//
// Threading: runPowerTuning() blocks for the run's length; call it on a worker thread.

#include "lab/labhost.h"
#include "lab/powertuning.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>

namespace funcdesk::lab {

struct TuningOptions
{
    QString function;
    QList<int> memorySizes = defaultMemorySizes();
    int invocationsPerSize = 10;
    QByteArray payload = QByteArrayLiteral("{}");
    bool parallel = false; // each size's invocations at once instead of one after another
    bool coldOnly = false; // a fresh environment for every invocation (measures cold starts)
    Strategy strategy = Strategy::Balanced;
    double balancedWeight = 0.5;
};

struct TuningResult
{
    QList<PowerResult> results; // one per size, in the order asked
    int chosenMemoryMb = 0;
    int cheapestMemoryMb = 0;
    int fastestMemoryMb = 0;
    Strategy strategy = Strategy::Balanced;
    QString cpuScaling; // how CPU followed memory, or "CPU not scaled on this machine"
    bool cpuScaled = false;
    int errors = 0; // invocations that did not succeed (left out of the averages)
    qint64 experimentId = 0;
};

QJsonObject toJson(const TuningResult &result);
TuningResult tuningResultFromJson(const QJsonObject &json);

Result<TuningResult> runPowerTuning(LabHost &host, const TuningOptions &options);

} // namespace funcdesk::lab
