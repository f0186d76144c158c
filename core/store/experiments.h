#pragma once
// Experiments: recorded runs (a load test, a power-tuning run, a replay, a Learn
// scenario) with their parameters, start, end and result summary. Charts shade the
// interval of each; the Learn page and `funcdesk learn` read their summaries back.
//
// Threading: plain functions on a Connection; call them on the thread that owns it.

#include "common/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace funcdesk::store {

class Connection;

struct Experiment
{
    qint64 id = 0;
    QString kind;     // "load", "tune", "replay", "scenario"
    QString function; // the function it ran against (a scenario's own function)
    QString label;    // what a chart shows on the interval
    QJsonObject parameters;
    qint64 startedMs = 0;
    qint64 endedMs = 0;  // 0 while running, or when a crash cut the run short
    QJsonObject summary; // empty until finished
};

// Records the start; returns the new id.
Result<qint64> beginExperiment(Connection &conn, const Experiment &experiment);
// Records the end and the result summary of a started experiment.
Status finishExperiment(Connection &conn, qint64 id, qint64 endedMs, const QJsonObject &summary);
// Experiments overlapping [fromMs, toMs], oldest first; `function` empty: all.
Result<QList<Experiment>> experiments(Connection &conn, qint64 fromMs, qint64 toMs, const QString &function = {});
Result<Experiment> experiment(Connection &conn, qint64 id);

} // namespace funcdesk::store
