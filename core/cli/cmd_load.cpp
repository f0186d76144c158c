// funcdesk load NAME --rate R --duration D [--shape constant|ramp:A..B|steps:A,B,..|spike:..|poisson]
//                    [--concurrency N] [--payload JSON|@file] [--qualifier Q] [--json]
//
// The open-loop load generator headless (lab/loadrunner.h): requests go at their intended
// times whatever the function does, latency is measured from those times, and the run is
// recorded as an experiment. With --concurrency it is a closed loop with N in flight.

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/labservice.h"

#include "lab/loadrunner.h"
#include "store/experiments.h"
#include "store/sqlite.h"
#include "versioning/versionstore.h"

#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QJsonObject>
#include <QRandomGenerator>

#include <cstdio>
#include <unistd.h>

namespace funcdesk::cli {

int runLoad(const QStringList &args)
{
    CommandLine cl(QStringLiteral("load"),
                   QStringLiteral("Open-loop load on a function: requests are sent on schedule whatever the function does,\n"
                                  "and latency is measured from each request's intended send time. Shapes: constant\n"
                                  "(default), ramp:FROM..TO, steps:R1,R2,..., spike:BASE..PEAK@START+LENGTH, poisson.\n"
                                  "--concurrency N runs a closed loop instead (N in flight). Recorded as an experiment."));
    cl.addPositional(QStringLiteral("name"), QStringLiteral("Function name."), QStringLiteral("NAME"));
    cl.addOption(QCommandLineOption(QStringLiteral("rate"), QStringLiteral("Requests per second (default 10)."),
                                    QStringLiteral("R"), QStringLiteral("10")));
    cl.addOption(QCommandLineOption(QStringLiteral("duration"), QStringLiteral("How long: 30s, 2m, 500ms (default 10s)."),
                                    QStringLiteral("D"), QStringLiteral("10s")));
    cl.addOption(QCommandLineOption(QStringLiteral("shape"), QStringLiteral("The arrival shape (default constant)."),
                                    QStringLiteral("SHAPE"), QStringLiteral("constant")));
    cl.addOption(QCommandLineOption(QStringLiteral("concurrency"), QStringLiteral("Closed loop with N requests in flight."),
                                    QStringLiteral("N")));
    cl.addOption(QCommandLineOption(QStringLiteral("payload"), QStringLiteral("Event JSON, or @file (default {})."),
                                    QStringLiteral("JSON|@file")));
    cl.addOption(QCommandLineOption(QStringLiteral("qualifier"), QStringLiteral("$LATEST, a version or an alias."),
                                    QStringLiteral("Q")));
    if (auto exit = cl.parse(args, 1, 1))
        return *exit;
    lab::LoadRunOptions options;
    options.function = cl.positional().at(0);
    bool ok = false;
    const double rate = cl.value(QStringLiteral("rate")).toDouble(&ok);
    if (!ok || rate <= 0 || rate > 100000)
        return cl.usageError(QStringLiteral("--rate takes a number of requests per second above 0"));
    auto duration = lab::parseDuration(cl.value(QStringLiteral("duration")));
    if (!duration)
        return cl.usageError(duration.error().message);
    options.durationSeconds = *duration;
    auto shape = lab::parseLoadShape(cl.value(QStringLiteral("shape")), rate);
    if (!shape)
        return cl.usageError(shape.error().message);
    options.shape = *shape;
    options.seed = QRandomGenerator::global()->generate64();
    if (cl.isSet(QStringLiteral("concurrency"))) {
        options.concurrency = cl.value(QStringLiteral("concurrency")).toInt(&ok);
        if (!ok || options.concurrency < 1 || options.concurrency > 1024)
            return cl.usageError(QStringLiteral("--concurrency takes a number from 1 to 1024"));
    }
    if (cl.isSet(QStringLiteral("payload"))) {
        auto payload = readPayload(cl.value(QStringLiteral("payload")));
        if (!payload)
            return cl.usageError(payload.error().message);
        options.payload = *payload;
    }

    auto service = startLabService(cl);
    if (!service)
        return reportError(service.error());
    // The qualifier is resolved once: an alias's weighted routing is not re-drawn per request.
    const VersionStore versions((*service)->dataDir());
    auto resolved = versions.resolveQualifier(options.function, cl.value(QStringLiteral("qualifier")),
                                              QRandomGenerator::global()->generateDouble());
    if (!resolved)
        return reportError(resolved.error());
    options.version = resolved->version;
    options.alias = resolved->alias;

    auto conn = store::threadConnection((*service)->dataDir().database());
    if (!conn)
        return reportError(conn.error());
    store::Experiment experiment;
    experiment.kind = QStringLiteral("load");
    experiment.function = options.function;
    experiment.label = options.concurrency > 0 ? QStringLiteral("Load: %1 in flight").arg(options.concurrency)
                                               : QStringLiteral("Load: %1").arg(cl.value(QStringLiteral("shape")));
    experiment.parameters = {{QStringLiteral("rate"), rate},
                             {QStringLiteral("shape"), cl.value(QStringLiteral("shape"))},
                             {QStringLiteral("durationSeconds"), options.durationSeconds},
                             {QStringLiteral("concurrency"), options.concurrency},
                             {QStringLiteral("version"), options.version}};
    experiment.startedMs = QDateTime::currentMSecsSinceEpoch();
    auto experimentId = store::beginExperiment(**conn, experiment);
    if (!experimentId)
        return reportError(experimentId.error());

    lab::LoadRunner runner((*service)->engine());
    QEventLoop loop;
    lab::LoadSummary summary;
    const bool showProgress = !cl.json() && ::isatty(STDERR_FILENO);
    QObject::connect(&runner, &lab::LoadRunner::progress, &loop, [&](int sent, int completed, int total) {
        if (!showProgress)
            return;
        const QByteArray line = total > 0 ? QStringLiteral("\r  sent %1 of %2, %3 answered   ").arg(sent).arg(total).arg(completed).toUtf8()
                                          : QStringLiteral("\r  sent %1, %2 answered   ").arg(sent).arg(completed).toUtf8();
        std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
        std::fflush(stderr);
    });
    QObject::connect(&runner, &lab::LoadRunner::finished, &loop, [&](const lab::LoadSummary &s) {
        summary = s;
        loop.quit();
    });
    if (Status started = runner.start(options); !started)
        return reportError(started.error());
    loop.exec();
    if (showProgress)
        std::fputs("\n", stderr);
    const QJsonObject result = lab::toJson(summary);
    if (Status s = store::finishExperiment(**conn, *experimentId, QDateTime::currentMSecsSinceEpoch(), result); !s)
        printErr(QStringLiteral("funcdesk: the run's summary was not recorded: ") + s.error().message);
    if (cl.json()) {
        printJson(result);
        return ExitOk;
    }
    printTable({QStringLiteral("SENT"), QStringLiteral("OK"), QStringLiteral("ERRORS"), QStringLiteral("THROTTLED"),
                QStringLiteral("COLD"), QStringLiteral("P50 MS"), QStringLiteral("P90 MS"), QStringLiteral("P99 MS"),
                QStringLiteral("MAX MS"), QStringLiteral("RATE/S"), QStringLiteral("LAG P99 MS")},
               {{QString::number(summary.sent), QString::number(summary.ok), QString::number(summary.errors),
                 QString::number(summary.throttled), QString::number(summary.coldStarts), QString::number(summary.p50Ms, 'f', 2),
                 QString::number(summary.p90Ms, 'f', 2), QString::number(summary.p99Ms, 'f', 2),
                 QString::number(summary.maxMs, 'f', 2), QString::number(summary.achievedRate, 'f', 1),
                 QString::number(summary.scheduleLagP99Ms, 'f', 2)}});
    return ExitOk;
}

} // namespace funcdesk::cli
