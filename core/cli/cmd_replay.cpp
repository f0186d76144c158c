// funcdesk replay NAME [--target QUALIFIER] [--since 10m | --experiment ID | --request-id ID,...]
//
// Sends the captured payloads of recorded invocations to another version or alias and
// compares the outcomes with the recorded ones (lab/replay.h), on an engine started on
// the data dir (cli/labservice.h).

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/labservice.h"

#include "lab/loadplan.h"
#include "lab/replay.h"
#include "lab/servicelabhost.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

namespace funcdesk::cli {

namespace {

QString millis(double v) { return QString::number(v, 'f', v < 10 ? 2 : 1); }

QJsonObject itemJson(const lab::ReplayItem &item)
{
    return {{QStringLiteral("requestId"), item.requestId},
            {QStringLiteral("recordedVersion"), item.recordedVersion},
            {QStringLiteral("recordedStatus"), statusName(item.recordedStatus)},
            {QStringLiteral("recordedDurationMs"), item.recordedDurationMs},
            {QStringLiteral("replayedVersion"), item.replayedVersion},
            {QStringLiteral("replayedStatus"), statusName(item.replayedStatus)},
            {QStringLiteral("replayedDurationMs"), item.replayedDurationMs},
            {QStringLiteral("compared"), item.compared},
            {QStringLiteral("differs"), item.differs}};
}

} // namespace

int runReplay(const QStringList &args)
{
    CommandLine cl(QStringLiteral("replay"),
                   QStringLiteral("Replay recorded invocations: send their captured payloads to another version or alias\n"
                                  "and compare status, errors, latency and responses with what was recorded. Exit code 4\n"
                                  "when a response or a status differs."));
    cl.addPositional(QStringLiteral("name"), QStringLiteral("Function name."), QStringLiteral("NAME"));
    cl.addOption(QCommandLineOption(QStringLiteral("target"), QStringLiteral("Version or alias to send them to (default $LATEST)."),
                                    QStringLiteral("QUALIFIER")));
    cl.addOption(QCommandLineOption(QStringLiteral("since"), QStringLiteral("Invocations of the last DURATION (10m, 2h; default: all kept)."),
                                    QStringLiteral("DURATION")));
    cl.addOption(QCommandLineOption(QStringLiteral("experiment"), QStringLiteral("Invocations during a recorded experiment."),
                                    QStringLiteral("ID")));
    cl.addOption(QCommandLineOption(QStringLiteral("request-id"), QStringLiteral("Only these invocations (comma-separated)."),
                                    QStringLiteral("IDS")));
    cl.addOption(QCommandLineOption(QStringLiteral("limit"), QStringLiteral("At most the newest N (default 1000)."),
                                    QStringLiteral("N"), QStringLiteral("1000")));
    if (auto exit = cl.parse(args, 1, 1))
        return *exit;
    lab::ReplayOptions options;
    options.selection.function = cl.positional().at(0);
    options.target = cl.value(QStringLiteral("target"));
    if (cl.isSet(QStringLiteral("since"))) {
        auto seconds = lab::parseDuration(cl.value(QStringLiteral("since")));
        if (!seconds || *seconds <= 0)
            return cl.usageError(QStringLiteral("--since takes a duration such as 30s, 10m or 2h"));
        options.selection.fromMs = QDateTime::currentMSecsSinceEpoch() - qint64(*seconds * 1000);
    }
    bool ok = true;
    if (cl.isSet(QStringLiteral("experiment"))) {
        options.selection.experimentId = cl.value(QStringLiteral("experiment")).toLongLong(&ok);
        if (!ok || options.selection.experimentId <= 0)
            return cl.usageError(QStringLiteral("--experiment takes an experiment id"));
    }
    if (cl.isSet(QStringLiteral("request-id")))
        options.selection.requestIds = cl.value(QStringLiteral("request-id")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    options.selection.limit = cl.value(QStringLiteral("limit")).toInt(&ok);
    if (!ok || options.selection.limit < 1)
        return cl.usageError(QStringLiteral("--limit takes a positive number"));

    auto service = startLabService(cl);
    if (!service)
        return reportError(service.error());
    lab::ServiceLabHost host(service->get(), [&cl](const QString &step) { progressLine(cl, step); });
    Result<lab::ReplayResult> result = makeError(errc::Service, QStringLiteral("not run"));
    runOnWorker([&] {
        result = lab::runReplay(host, options);
        return int(ExitOk);
    });
    if (!result)
        return reportError(result.error());
    const lab::ReplayResult &r = *result;
    const bool same = r.differing == 0 && r.statusChanged == 0;
    if (cl.json()) {
        QJsonObject out = lab::toJson(r);
        QJsonArray items;
        for (const lab::ReplayItem &item : r.items)
            items.append(itemJson(item));
        out.insert(QStringLiteral("items"), items);
        out.insert(QStringLiteral("experimentId"), double(r.experimentId));
        printJson(out);
        return same ? ExitOk : ExitFunctionError;
    }
    auto row = [](const QString &label, const lab::ReplaySide &s) {
        return QStringList{label, QString::number(s.count), QString::number(s.errors), millis(s.p50Ms), millis(s.p90Ms),
                           millis(s.p99Ms), millis(s.maxMs)};
    };
    printTable({QString(), QStringLiteral("INVOCATIONS"), QStringLiteral("ERRORS"), QStringLiteral("P50 MS"),
                QStringLiteral("P90 MS"), QStringLiteral("P99 MS"), QStringLiteral("MAX MS")},
               {row(QStringLiteral("recorded"), r.recorded), row(QStringLiteral("replayed to ") + r.target, r.replayed)});
    printOut(QStringLiteral("Responses: %1 of %2 compared differ; %3 changed status.%4")
                 .arg(r.differing)
                 .arg(r.compared)
                 .arg(r.statusChanged)
                 .arg(r.compared < r.items.size()
                          ? QStringLiteral(" %1 recorded responses were over the capture size and not compared.")
                                .arg(r.items.size() - r.compared)
                          : QString()));
    for (const lab::ReplayItem &item : r.items) {
        if (item.differs || item.recordedStatus != item.replayedStatus)
            printOut(QStringLiteral("  %1: %2 %3 -> %4 %5%6")
                         .arg(item.requestId, item.recordedVersion, statusName(item.recordedStatus), item.replayedVersion,
                              statusName(item.replayedStatus), item.differs ? QStringLiteral(", response differs") : QString()));
    }
    return same ? ExitOk : ExitFunctionError;
}

} // namespace funcdesk::cli
