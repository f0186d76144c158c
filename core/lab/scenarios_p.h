#pragma once
// The scenario table, internal to funcdesk_lab: each definition's run() performs the
// experiment through the LabHost and adds its checks and figures to the result. Returns
// an error only when the run itself could not go on (a deploy failed, ...).

#include "lab/scenario.h"

namespace funcdesk::lab {

struct ScenarioDefinition
{
    ScenarioInfo info;
    Status (*run)(LabHost &host, ScenarioResult &result);
};

// In the order the Learn page lists them.
const QList<ScenarioDefinition> &scenarioDefinitions();

// Definitions by theme (scenarios_start.cpp, scenarios_async.cpp, scenarios_cost.cpp,
// scenarios_release.cpp).
QList<ScenarioDefinition> startScenarios();
QList<ScenarioDefinition> asyncScenarios();
QList<ScenarioDefinition> costScenarios();
QList<ScenarioDefinition> releaseScenarios();

// A python handler, lambda_function.lambda_handler, that sleeps event["sleep"] seconds.
QByteArray sleeperPy();

} // namespace funcdesk::lab
