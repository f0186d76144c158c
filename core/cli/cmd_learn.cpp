// funcdesk learn list | run ID...|--all | reset
// funcdesk tune NAME [--memory 128,512,...] [-n N] [--strategy cost|speed|balanced] ...
//
// The Learn page's scenarios and power tuning, headless: each runs real invocations on an
// engine started on the data dir (cli/labservice.h) and prints what it measured.

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/labservice.h"

#include "lab/scenario.h"
#include "lab/servicelabhost.h"
#include "lab/tuningrun.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>

namespace funcdesk::cli {

namespace {

int listScenarios(const CommandLine &cl)
{
    if (cl.json()) {
        QJsonArray out;
        for (const lab::ScenarioInfo &s : lab::scenarios())
            out.append(QJsonObject{{QStringLiteral("id"), s.id},
                                   {QStringLiteral("title"), s.title},
                                   {QStringLiteral("expectation"), s.expectation},
                                   {QStringLiteral("needsCpuScaling"), s.needsCpuScaling}});
        printJson(out);
        return ExitOk;
    }
    QList<QStringList> rows;
    for (const lab::ScenarioInfo &s : lab::scenarios())
        rows.append({s.id, s.title, s.expectation});
    printTable({QStringLiteral("ID"), QStringLiteral("SCENARIO"), QStringLiteral("SELF-CHECK")}, rows);
    return ExitOk;
}

} // namespace

int runLearn(const QStringList &args)
{
    CommandLine cl(QStringLiteral("learn"),
                   QStringLiteral("Guided scenarios: real experiments on the engine, each with a self-check on what was\n"
                                  "recorded. `list` names them, `run ID...` or `run --all` runs them, `reset` deletes the\n"
                                  "functions they created (learn-*). Exit code 4 when a self-check did not pass."));
    cl.addPositional(QStringLiteral("action"), QStringLiteral("list, run or reset."), QStringLiteral("list|run|reset"));
    cl.addPositional(QStringLiteral("ids"), QStringLiteral("Scenarios to run."), QStringLiteral("[ID...]"));
    cl.addOption(QCommandLineOption(QStringLiteral("all"), QStringLiteral("Run every scenario.")));
    if (auto exit = cl.parse(args, 1, 64))
        return *exit;
    const QString action = cl.positional().at(0);
    const QStringList rest = cl.positional().mid(1);
    if (action == QLatin1String("list"))
        return listScenarios(cl);
    if (action != QLatin1String("run") && action != QLatin1String("reset"))
        return cl.usageError(QStringLiteral("unknown action \"%1\" (list, run or reset)").arg(action));
    QStringList ids = cl.isSet(QStringLiteral("all")) ? QStringList() : rest;
    if (action == QLatin1String("run")) {
        if (cl.isSet(QStringLiteral("all")))
            for (const lab::ScenarioInfo &s : lab::scenarios())
                ids.append(s.id);
        if (ids.isEmpty())
            return cl.usageError(QStringLiteral("name the scenarios to run, or --all (funcdesk learn list names them)"));
        for (const QString &id : std::as_const(ids))
            if (!lab::findScenario(id))
                return cl.usageError(QStringLiteral("no scenario \"%1\" (funcdesk learn list names them)").arg(id));
    }

    auto service = startLabService(cl);
    if (!service)
        return reportError(service.error());
    lab::ServiceLabHost host(service->get(), [&cl](const QString &step) { progressLine(cl, step); });
    if (action == QLatin1String("reset")) {
        const int code = runOnWorker([&] {
            const Status s = lab::resetScenarios(host);
            return s ? int(ExitOk) : reportError(s.error());
        });
        if (code == ExitOk && !cl.json())
            printOut(QStringLiteral("Removed the scenario functions."));
        return code;
    }
    QList<lab::ScenarioResult> results;
    const int code = runOnWorker([&] {
        for (const QString &id : std::as_const(ids)) {
            progressLine(cl, QStringLiteral("Scenario %1").arg(id));
            results.append(lab::runScenario(id, host));
        }
        return int(ExitOk);
    });
    if (code != ExitOk)
        return code;
    bool allPassed = true;
    bool anyError = false;
    QJsonArray out;
    for (const lab::ScenarioResult &r : std::as_const(results)) {
        allPassed = allPassed && r.passed;
        anyError = anyError || !r.error.isEmpty();
        if (cl.json())
            out.append(lab::toJson(r));
        else
            printOut(lab::describe(r));
    }
    if (cl.json())
        printJson(out);
    if (anyError)
        return ExitFailure;
    return allPassed ? ExitOk : ExitFunctionError;
}

int runTune(const QStringList &args)
{
    CommandLine cl(QStringLiteral("tune"),
                   QStringLiteral("Power tuning: run a function's deployed code at several memory sizes, with CPU in\n"
                                  "proportion to memory as Lambda gives it, and pick a size by cost, speed or both.\n"
                                  "The fastest and slowest 20 % of each size's durations are discarded before averaging."));
    cl.addPositional(QStringLiteral("name"), QStringLiteral("Function name."), QStringLiteral("NAME"));
    cl.addOption(QCommandLineOption(QStringLiteral("memory"), QStringLiteral("Sizes in MB (default 128,256,512,1024,1536,2048,3008)."),
                                    QStringLiteral("LIST")));
    cl.addOption(QCommandLineOption({QStringLiteral("n"), QStringLiteral("invocations")},
                                    QStringLiteral("Invocations per size (default 10)."), QStringLiteral("N"), QStringLiteral("10")));
    cl.addOption(QCommandLineOption(QStringLiteral("strategy"), QStringLiteral("cost, speed or balanced (default)."),
                                    QStringLiteral("S"), QStringLiteral("balanced")));
    cl.addOption(QCommandLineOption(QStringLiteral("weight"), QStringLiteral("Balanced: the weight of cost, 0..1 (default 0.5)."),
                                    QStringLiteral("W"), QStringLiteral("0.5")));
    cl.addOption(QCommandLineOption(QStringLiteral("payload"), QStringLiteral("Event JSON, or @file (default {})."),
                                    QStringLiteral("JSON|@file")));
    cl.addOption(QCommandLineOption(QStringLiteral("parallel"), QStringLiteral("Send each size's invocations at once.")));
    cl.addOption(QCommandLineOption(QStringLiteral("cold"), QStringLiteral("Measure cold starts only.")));
    if (auto exit = cl.parse(args, 1, 1))
        return *exit;
    lab::TuningOptions options;
    options.function = cl.positional().at(0);
    if (cl.isSet(QStringLiteral("memory"))) {
        auto sizes = lab::parseMemoryList(cl.value(QStringLiteral("memory")));
        if (!sizes)
            return cl.usageError(sizes.error().message);
        options.memorySizes = *sizes;
    }
    bool ok = false;
    options.invocationsPerSize = cl.value(QStringLiteral("n")).toInt(&ok);
    if (!ok || options.invocationsPerSize < 1 || options.invocationsPerSize > 1000)
        return cl.usageError(QStringLiteral("-n takes a number from 1 to 1000"));
    auto strategy = lab::parseStrategy(cl.value(QStringLiteral("strategy")));
    if (!strategy)
        return cl.usageError(strategy.error().message);
    options.strategy = *strategy;
    options.balancedWeight = cl.value(QStringLiteral("weight")).toDouble(&ok);
    if (!ok || options.balancedWeight < 0 || options.balancedWeight > 1)
        return cl.usageError(QStringLiteral("--weight takes a number from 0 to 1"));
    if (cl.isSet(QStringLiteral("payload"))) {
        auto payload = readPayload(cl.value(QStringLiteral("payload")));
        if (!payload)
            return cl.usageError(payload.error().message);
        options.payload = *payload;
    }
    options.parallel = cl.isSet(QStringLiteral("parallel"));
    options.coldOnly = cl.isSet(QStringLiteral("cold"));

    auto service = startLabService(cl);
    if (!service)
        return reportError(service.error());
    lab::ServiceLabHost host(service->get(), [&cl](const QString &step) { progressLine(cl, step); });
    Result<lab::TuningResult> result = makeError(errc::Service, QStringLiteral("not run"));
    runOnWorker([&] {
        result = lab::runPowerTuning(host, options);
        return int(ExitOk);
    });
    if (!result)
        return reportError(result.error());
    if (cl.json()) {
        printJson(lab::toJson(*result));
        return ExitOk;
    }
    QList<QStringList> rows;
    for (const lab::PowerResult &p : std::as_const(result->results)) {
        QString mark;
        if (p.memoryMb == result->chosenMemoryMb)
            mark += QStringLiteral("chosen ");
        if (p.memoryMb == result->cheapestMemoryMb)
            mark += QStringLiteral("cheapest ");
        if (p.memoryMb == result->fastestMemoryMb)
            mark += QStringLiteral("fastest");
        rows.append({QString::number(p.memoryMb), QString::number(p.avgDurationMs, 'f', 1),
                     QStringLiteral("$%1").arg(p.avgCostUsd, 0, 'e', 3), QString::number(p.samples), mark.trimmed()});
    }
    printTable({QStringLiteral("MEMORY MB"), QStringLiteral("AVG MS"), QStringLiteral("COST/INVOCATION"),
                QStringLiteral("SAMPLES"), QString()},
               rows);
    printOut(QStringLiteral("Strategy %1: %2 MB. CPU: %3.%4")
                 .arg(lab::strategyName(result->strategy))
                 .arg(result->chosenMemoryMb)
                 .arg(result->cpuScaling,
                      result->errors ? QStringLiteral(" %1 invocations failed and are left out.").arg(result->errors) : QString()));
    return ExitOk;
}

} // namespace funcdesk::cli
