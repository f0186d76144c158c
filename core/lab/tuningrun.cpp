#include "lab/tuningrun.h"

#include "engine/engine.h"
#include "lab/labops.h"

#include <QDateTime>
#include <QJsonArray>

namespace funcdesk::lab {

namespace {

constexpr QLatin1String kNotScaled{"CPU not scaled on this machine"};

Result<FunctionConfig> deployedConfig(engine::Engine *engine, const QString &function)
{
    const QList<FunctionConfig> registered = engine->functions();
    for (const FunctionConfig &c : registered) {
        if (c.name == function && c.version == QLatin1String("$LATEST"))
            return c;
    }
    return makeError(errc::ResourceNotFound, QStringLiteral("Function not found: %1 (deploy it first)").arg(function));
}

} // namespace

QJsonObject toJson(const TuningResult &r)
{
    QJsonArray sizes;
    for (const PowerResult &p : r.results)
        sizes.append(QJsonObject{{QStringLiteral("memoryMb"), p.memoryMb},
                                 {QStringLiteral("avgDurationMs"), p.avgDurationMs},
                                 {QStringLiteral("avgCostUsd"), p.avgCostUsd},
                                 {QStringLiteral("samples"), p.samples}});
    return {{QStringLiteral("results"), sizes},
            {QStringLiteral("strategy"), strategyName(r.strategy)},
            {QStringLiteral("chosenMemoryMb"), r.chosenMemoryMb},
            {QStringLiteral("cheapestMemoryMb"), r.cheapestMemoryMb},
            {QStringLiteral("fastestMemoryMb"), r.fastestMemoryMb},
            {QStringLiteral("cpuScaling"), r.cpuScaling},
            {QStringLiteral("cpuScaled"), r.cpuScaled},
            {QStringLiteral("errors"), r.errors}};
}

TuningResult tuningResultFromJson(const QJsonObject &o)
{
    TuningResult r;
    const QJsonArray sizes = o.value(QStringLiteral("results")).toArray();
    for (const QJsonValue &v : sizes) {
        const QJsonObject p = v.toObject();
        r.results.append(PowerResult{p.value(QStringLiteral("memoryMb")).toInt(), p.value(QStringLiteral("avgDurationMs")).toDouble(),
                                     p.value(QStringLiteral("avgCostUsd")).toDouble(), p.value(QStringLiteral("samples")).toInt()});
    }
    r.strategy = parseStrategy(o.value(QStringLiteral("strategy")).toString()).valueOr(Strategy::Balanced);
    r.chosenMemoryMb = o.value(QStringLiteral("chosenMemoryMb")).toInt();
    r.cheapestMemoryMb = o.value(QStringLiteral("cheapestMemoryMb")).toInt();
    r.fastestMemoryMb = o.value(QStringLiteral("fastestMemoryMb")).toInt();
    r.cpuScaling = o.value(QStringLiteral("cpuScaling")).toString();
    r.cpuScaled = o.value(QStringLiteral("cpuScaled")).toBool();
    r.errors = o.value(QStringLiteral("errors")).toInt();
    return r;
}

Result<TuningResult> runPowerTuning(LabHost &host, const TuningOptions &o)
{
    if (o.memorySizes.isEmpty() || o.invocationsPerSize < 1)
        return makeError(errc::InvalidParameterValue, QStringLiteral("power tuning needs memory sizes and at least 1 invocation"));
    engine::Engine *engine = host.engine();
    auto base = deployedConfig(engine, o.function);
    if (!base)
        return base.error();

    TuningResult result;
    result.strategy = o.strategy;
    const QString method = engine::Engine::cpuScalingMethod();
    result.cpuScaled = !method.isEmpty();
    result.cpuScaling = result.cpuScaled ? method : QString(kNotScaled);

    store::Experiment experiment;
    experiment.kind = QStringLiteral("tune");
    experiment.function = o.function;
    experiment.label = QStringLiteral("Power tuning");
    QJsonArray sizes;
    for (int mb : o.memorySizes)
        sizes.append(mb);
    experiment.parameters = {{QStringLiteral("memorySizes"), sizes},
                             {QStringLiteral("invocationsPerSize"), o.invocationsPerSize},
                             {QStringLiteral("parallel"), o.parallel},
                             {QStringLiteral("coldOnly"), o.coldOnly},
                             {QStringLiteral("strategy"), strategyName(o.strategy)}};
    experiment.startedMs = QDateTime::currentMSecsSinceEpoch();
    if (auto id = host.beginExperiment(experiment))
        result.experimentId = *id;

    store::CostModel model;
    for (int mb : o.memorySizes) {
        if (host.cancelled())
            break;
        // A variant of the deployed code at this size; registering it again retires its
        // environment, which is how cold-only runs get a cold start every time.
        FunctionConfig variant = *base;
        variant.version = QStringLiteral("tune-%1").arg(mb);
        variant.memoryMb = mb;
        variant.scaleCpu = true;
        variant.provisionedConcurrency = 0;
        variant.reservedConcurrency.reset();
        variant.timeoutSeconds = std::max(variant.timeoutSeconds, 60);
        if (Status s = engine->registerFunction(variant); !s)
            return s.error();
        host.progress(QStringLiteral("%1 MB: %2 invocations").arg(mb).arg(o.invocationsPerSize));
        QList<double> billed;
        const auto keep = [&](const engine::InvokeResult &x) {
            if (x.record.status == InvocationStatus::Success)
                billed.append(double(x.record.billedDurationMs));
            else
                ++result.errors;
        };
        if (!o.coldOnly)
            (void)invokeOnce(engine, o.function, o.payload, variant.version); // the cold start is not measured
        if (o.parallel && !o.coldOnly) {
            for (const engine::InvokeResult &x : invokeTogether(engine, o.function, o.invocationsPerSize, o.payload, variant.version))
                keep(x);
        } else {
            for (int i = 0; i < o.invocationsPerSize && !host.cancelled(); ++i) {
                if (o.coldOnly && i > 0 && !engine->registerFunction(variant).ok())
                    break;
                keep(invokeOnce(engine, o.function, o.payload, variant.version));
            }
        }
        engine->unregisterFunction(o.function, variant.version);
        result.results.append(powerResult(mb, billed, model, variant.architecture));
    }
    result.chosenMemoryMb = chooseMemory(result.results, o.strategy, o.balancedWeight);
    result.cheapestMemoryMb = chooseMemory(result.results, Strategy::Cost);
    result.fastestMemoryMb = chooseMemory(result.results, Strategy::Speed);
    if (result.experimentId > 0)
        (void)host.finishExperiment(result.experimentId, toJson(result));
    if (host.cancelled())
        return makeError(errc::Service, QStringLiteral("power tuning cancelled"));
    return result;
}

} // namespace funcdesk::lab
