#include "lab/scenario.h"

#include "lab/scenarios_p.h"

#include <QDateTime>
#include <QJsonArray>

namespace funcdesk::lab {

void ScenarioResult::check(bool ok, const QString &expectation, const QString &measured)
{
    checks.append(Check{expectation, measured, ok});
}

QJsonObject toJson(const ScenarioResult &r)
{
    QJsonArray checks;
    for (const Check &c : r.checks)
        checks.append(QJsonObject{{QStringLiteral("expectation"), c.expectation},
                                  {QStringLiteral("measured"), c.measured},
                                  {QStringLiteral("passed"), c.passed}});
    QJsonObject o{{QStringLiteral("id"), r.id},
                  {QStringLiteral("title"), r.title},
                  {QStringLiteral("passed"), r.passed},
                  {QStringLiteral("checks"), checks},
                  {QStringLiteral("figures"), r.figures},
                  {QStringLiteral("startedMs"), double(r.startedMs)},
                  {QStringLiteral("endedMs"), double(r.endedMs)}};
    if (!r.error.isEmpty())
        o.insert(QStringLiteral("error"), r.error);
    if (r.experimentId > 0)
        o.insert(QStringLiteral("experimentId"), double(r.experimentId));
    return o;
}

ScenarioResult scenarioResultFromJson(const QJsonObject &o)
{
    ScenarioResult r;
    r.id = o.value(QStringLiteral("id")).toString();
    r.title = o.value(QStringLiteral("title")).toString();
    r.passed = o.value(QStringLiteral("passed")).toBool();
    r.error = o.value(QStringLiteral("error")).toString();
    r.figures = o.value(QStringLiteral("figures")).toObject();
    r.experimentId = qint64(o.value(QStringLiteral("experimentId")).toDouble());
    r.startedMs = qint64(o.value(QStringLiteral("startedMs")).toDouble());
    r.endedMs = qint64(o.value(QStringLiteral("endedMs")).toDouble());
    const QJsonArray checks = o.value(QStringLiteral("checks")).toArray();
    for (const QJsonValue &c : checks) {
        const QJsonObject check = c.toObject();
        r.checks.append(Check{check.value(QStringLiteral("expectation")).toString(),
                              check.value(QStringLiteral("measured")).toString(),
                              check.value(QStringLiteral("passed")).toBool()});
    }
    return r;
}

QString describe(const ScenarioResult &r)
{
    QString out = (r.passed ? QStringLiteral("PASSED  ") : QStringLiteral("FAILED  ")) + r.id + QStringLiteral(": ")
        + r.title + QLatin1Char('\n');
    for (const Check &c : r.checks)
        out += (c.passed ? QStringLiteral("  ok    ") : QStringLiteral("  not   ")) + c.expectation
            + QStringLiteral("\n        measured: ") + c.measured + QLatin1Char('\n');
    if (!r.error.isEmpty())
        out += QStringLiteral("  error: ") + r.error + QLatin1Char('\n');
    return out;
}

const QList<ScenarioInfo> &scenarios()
{
    static const QList<ScenarioInfo> all = [] {
        QList<ScenarioInfo> out;
        for (const ScenarioDefinition &d : scenarioDefinitions())
            out.append(d.info);
        return out;
    }();
    return all;
}

const ScenarioInfo *findScenario(const QString &id)
{
    for (const ScenarioInfo &s : scenarios()) {
        if (s.id == id)
            return &s;
    }
    return nullptr;
}

ScenarioResult runScenario(const QString &id, LabHost &host)
{
    ScenarioResult result;
    result.id = id;
    const ScenarioDefinition *definition = nullptr;
    for (const ScenarioDefinition &d : scenarioDefinitions()) {
        if (d.info.id == id)
            definition = &d;
    }
    if (!definition) {
        result.error = QStringLiteral("no scenario named %1").arg(id);
        return result;
    }
    result.title = definition->info.title;
    result.startedMs = QDateTime::currentMSecsSinceEpoch();
    store::Experiment experiment;
    experiment.kind = QStringLiteral("scenario");
    experiment.function = kScenarioPrefix + id;
    experiment.label = definition->info.title;
    experiment.parameters.insert(QStringLiteral("scenario"), id);
    experiment.startedMs = result.startedMs;
    auto experimentId = host.beginExperiment(experiment);
    if (experimentId)
        result.experimentId = *experimentId;

    if (Status ran = definition->run(host, result); !ran)
        result.error = ran.error().message;
    else if (host.cancelled())
        result.error = QStringLiteral("cancelled");
    result.endedMs = QDateTime::currentMSecsSinceEpoch();
    result.passed = result.error.isEmpty() && !result.checks.isEmpty()
        && std::all_of(result.checks.cbegin(), result.checks.cend(), [](const Check &c) { return c.passed; });
    if (result.experimentId > 0)
        (void)host.finishExperiment(result.experimentId, toJson(result));
    return result;
}

Status resetScenarios(LabHost &host)
{
    const QStringList names = host.functionNames();
    for (const QString &name : names) {
        if (!name.startsWith(kScenarioPrefix))
            continue;
        host.progress(QStringLiteral("Deleting %1").arg(name));
        if (Status s = host.deleteFunction(name); !s)
            return s;
    }
    return {};
}

} // namespace funcdesk::lab
