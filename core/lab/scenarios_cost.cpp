// Scenarios about what a function costs: memory against speed and cost (a power-tuning
// run), and pay-per-use against an always-on server.
#include "engine/engine.h"
#include "lab/crossover.h"
#include "lab/labops.h"
#include "lab/scenarios_p.h"
#include "lab/tuningrun.h"

#include <cmath>

namespace funcdesk::lab {

namespace {

Status memorySpeed(LabHost &host, ScenarioResult &r)
{
    const QString method = engine::Engine::cpuScalingMethod();
    r.check(!method.isEmpty(), QStringLiteral("CPU is scaled with memory on this machine, as on Lambda (1,769 MB = 1 vCPU)"),
            method.isEmpty() ? QStringLiteral("CPU not scaled on this machine (no writable cgroup cpu controller): "
                                              "the sizes would all run at full speed")
                             : method);
    if (method.isEmpty())
        return {};
    FunctionSpec spec;
    spec.name = kScenarioPrefix + QStringLiteral("memory-speed");
    spec.templateId = QStringLiteral("cpu-bound");
    auto config = host.deployFunction(spec);
    if (!config)
        return config.error();
    TuningOptions options;
    options.function = spec.name;
    options.memorySizes = {128, 512, 1024, 1769};
    options.invocationsPerSize = 5;
    // Long enough to outlast one period's quota at 128 MB (7 ms of CPU per 100 ms): a
    // burst shorter than that runs at full speed there too, on Lambda as here.
    options.payload = QByteArrayLiteral("{\"n\": 26}");
    auto tuned = runPowerTuning(host, options);
    if (!tuned)
        return tuned.error();
    r.figures = toJson(*tuned);
    const PowerResult &small = tuned->results.first();
    const PowerResult &large = tuned->results.last();
    r.check(tuned->errors == 0 && small.avgDurationMs > 4 * large.avgDurationMs,
            QStringLiteral("CPU-bound code runs several times faster at 1,769 MB than at 128 MB (it gets 13.8x the CPU)"),
            QStringLiteral("%1 ms at 128 MB, %2 ms at 1,769 MB").arg(small.avgDurationMs, 0, 'f', 1).arg(large.avgDurationMs, 0, 'f', 1));
    const double costRatio = large.avgCostUsd / small.avgCostUsd;
    r.check(costRatio < 3,
            QStringLiteral("...so more memory costs far less than its price per GB-s suggests (13.8x the rate)"),
            QStringLiteral("an invocation costs %1x as much at 1,769 MB as at 128 MB; balanced choice: %2 MB")
                .arg(costRatio, 0, 'f', 2)
                .arg(tuned->chosenMemoryMb));
    return {};
}

Status crossover(LabHost &host, ScenarioResult &r)
{
    FunctionSpec spec;
    spec.name = kScenarioPrefix + QStringLiteral("crossover");
    spec.templateId = QStringLiteral("hello-world");
    auto config = host.deployFunction(spec);
    if (!config)
        return config.error();
    constexpr int kSamples = 20;
    host.progress(QStringLiteral("Measuring the function's billed duration over %1 requests").arg(kSamples));
    (void)invokeOnce(host.engine(), spec.name); // the cold start is not what a steady rate pays
    double billed = 0;
    for (int i = 0; i < kSamples; ++i)
        billed += double(invokeOnce(host.engine(), spec.name).record.billedDurationMs);
    billed /= kSamples;
    const store::CostModel model;
    const AlwaysOnInstance instance = defaultInstances().at(1); // t3.medium, a common small server
    const double rate = crossoverRequestsPerSecond(billed, config->memoryMb, instance, model, config->architecture);
    const double lambdaAtRate = lambdaMonthlyCost(rate, billed, config->memoryMb, model, config->architecture);
    const double serverAtRate = alwaysOnMonthlyCost(rate, billed, instance);
    r.figures = {{QStringLiteral("billedMs"), billed},
                 {QStringLiteral("memoryMb"), config->memoryMb},
                 {QStringLiteral("instance"), instance.name},
                 {QStringLiteral("crossoverRequestsPerSecond"), rate},
                 {QStringLiteral("lambdaMonthlyUsdAtCrossover"), lambdaAtRate},
                 {QStringLiteral("instanceMonthlyUsd"), serverAtRate}};
    r.check(std::isfinite(rate) && rate > 0 && std::abs(lambdaAtRate - serverAtRate) <= 0.01 * serverAtRate,
            QStringLiteral("There is a steady request rate above which an always-on %1 is cheaper, and there both cost the "
                           "same a month")
                .arg(instance.name),
            explainCrossover(billed, config->memoryMb, instance, model, config->architecture));
    return {};
}

} // namespace

QList<ScenarioDefinition> costScenarios()
{
    return {
        {{QStringLiteral("memory-speed"), QStringLiteral("Memory vs speed and cost"),
          QStringLiteral("Lambda gives a function CPU in proportion to its memory: 1,769 MB buys one full vCPU, 128 MB about "
                         "a fourteenth of one. CPU-bound code therefore runs faster with more memory, and because it finishes "
                         "sooner, the bill grows far less than the memory does; sometimes it shrinks. Power tuning measures "
                         "this on your own code."),
          QStringLiteral("CPU-bound code is several times faster at 1,769 MB than at 128 MB, for much less than 13.8x the "
                         "cost."),
          true},
         memorySpeed},
        {{QStringLiteral("crossover"), QStringLiteral("Pay-per-use vs always-on"),
          QStringLiteral("Lambda charges per request and per millisecond; a server charges per hour whether requests come or "
                         "not. At low and bursty rates pay-per-use wins; at a steady high rate a server that is busy all the "
                         "time is cheaper. Where the crossover lies depends on your function's measured duration and memory."),
          QStringLiteral("From the function's measured billed duration, the rate where a t3.medium becomes cheaper."), false},
         crossover},
    };
}

const QList<ScenarioDefinition> &scenarioDefinitions()
{
    static const QList<ScenarioDefinition> all = startScenarios() + asyncScenarios() + costScenarios() + releaseScenarios();
    return all;
}

} // namespace funcdesk::lab
