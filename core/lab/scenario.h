#pragma once
// Learn scenarios: guided lessons, each a real experiment on the real engine with a
// self-check on what was recorded. A scenario creates its own functions (named
// "learn-<id>", so it never touches the user's), runs, and compares the measured numbers
// with an explicit expectation ("3 cold starts for 3 concurrent requests"). Nothing is
// simulated: a failed check means the engine did not behave as Lambda does, or the
// machine could not do what the lesson needs (and the check says which).
//
// Threading: runScenario() blocks for the scenario's length (seconds); call it on a worker
// thread with a LabHost for that thread.

#include "common/result.h"
#include "lab/labhost.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace funcdesk::lab {

inline constexpr QLatin1String kScenarioPrefix{"learn-"};

struct ScenarioInfo
{
    QString id;          // "cold-start"; its function is kScenarioPrefix + id
    QString title;       // "Cold and warm starts"
    QString lesson;      // what serverless does here, and why it matters (a paragraph)
    QString expectation; // the self-check in one sentence
    bool needsCpuScaling = false;
};

struct Check
{
    QString expectation;
    QString measured;
    bool passed = false;
};

struct ScenarioResult
{
    QString id;
    QString title;
    bool passed = false; // ran, and every check passed
    QString error;       // why it could not run to the end (then passed is false)
    QList<Check> checks;
    QJsonObject figures;     // the measured numbers, by name
    qint64 experimentId = 0; // its row in the store's experiments
    qint64 startedMs = 0;
    qint64 endedMs = 0;

    void check(bool ok, const QString &expectation, const QString &measured);
};

QJsonObject toJson(const ScenarioResult &result);
// Back from toJson() (an experiment's recorded summary).
ScenarioResult scenarioResultFromJson(const QJsonObject &json);
// "passed: 5 cold starts for 5 concurrent requests" lines, for the command line.
QString describe(const ScenarioResult &result);

const QList<ScenarioInfo> &scenarios();
const ScenarioInfo *findScenario(const QString &id);

// Runs one scenario and records it as an experiment of kind "scenario".
ScenarioResult runScenario(const QString &id, LabHost &host);
// Deletes every scenario function (kScenarioPrefix); the recorded telemetry stays.
Status resetScenarios(LabHost &host);

} // namespace funcdesk::lab
