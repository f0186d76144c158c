#include "lab/replay.h"

#include "lab/loadsummary.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace funcdesk::lab {

namespace {

ReplaySide side(const QList<double> &durations, int errors)
{
    ReplaySide s;
    s.count = int(durations.size());
    s.errors = errors;
    s.p50Ms = percentile(durations, 50);
    s.p90Ms = percentile(durations, 90);
    s.p99Ms = percentile(durations, 99);
    s.maxMs = percentile(durations, 100);
    return s;
}

QJsonObject toJson(const ReplaySide &s)
{
    return {{QStringLiteral("count"), s.count},   {QStringLiteral("errors"), s.errors},
            {QStringLiteral("p50Ms"), s.p50Ms},   {QStringLiteral("p90Ms"), s.p90Ms},
            {QStringLiteral("p99Ms"), s.p99Ms},   {QStringLiteral("maxMs"), s.maxMs}};
}

ReplaySide sideFromJson(const QJsonObject &o)
{
    ReplaySide s;
    s.count = o.value(QStringLiteral("count")).toInt();
    s.errors = o.value(QStringLiteral("errors")).toInt();
    s.p50Ms = o.value(QStringLiteral("p50Ms")).toDouble();
    s.p90Ms = o.value(QStringLiteral("p90Ms")).toDouble();
    s.p99Ms = o.value(QStringLiteral("p99Ms")).toDouble();
    s.maxMs = o.value(QStringLiteral("maxMs")).toDouble();
    return s;
}

// A JSON text as a comparable value: documents compare by value; a scalar (which
// QJsonDocument does not parse on its own) is wrapped in an array first.
std::optional<QJsonValue> parseJson(const QByteArray &text)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson("[" + text + "]", &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray() || doc.array().size() != 1)
        return std::nullopt;
    return doc.array().at(0);
}

} // namespace

bool sameResponse(const QByteArray &a, const QByteArray &b)
{
    if (a == b)
        return true;
    const std::optional<QJsonValue> x = parseJson(a);
    const std::optional<QJsonValue> y = parseJson(b);
    return x && y && *x == *y;
}

void summarize(ReplayResult &r)
{
    QList<double> recorded;
    QList<double> replayed;
    int recordedErrors = 0;
    int replayedErrors = 0;
    r.compared = 0;
    r.differing = 0;
    r.statusChanged = 0;
    for (const ReplayItem &item : std::as_const(r.items)) {
        recorded.append(item.recordedDurationMs);
        replayed.append(item.replayedDurationMs);
        recordedErrors += item.recordedStatus != InvocationStatus::Success;
        replayedErrors += item.replayedStatus != InvocationStatus::Success;
        r.compared += item.compared;
        r.differing += item.differs;
        r.statusChanged += item.recordedStatus != item.replayedStatus;
    }
    r.recorded = side(recorded, recordedErrors);
    r.replayed = side(replayed, replayedErrors);
}

QJsonObject toJson(const ReplayResult &r)
{
    return {{QStringLiteral("function"), r.function},
            {QStringLiteral("target"), r.target},
            {QStringLiteral("recorded"), toJson(r.recorded)},
            {QStringLiteral("replayed"), toJson(r.replayed)},
            {QStringLiteral("compared"), r.compared},
            {QStringLiteral("differing"), r.differing},
            {QStringLiteral("statusChanged"), r.statusChanged}};
}

ReplayResult replayResultFromJson(const QJsonObject &o)
{
    ReplayResult r;
    r.function = o.value(QStringLiteral("function")).toString();
    r.target = o.value(QStringLiteral("target")).toString();
    r.recorded = sideFromJson(o.value(QStringLiteral("recorded")).toObject());
    r.replayed = sideFromJson(o.value(QStringLiteral("replayed")).toObject());
    r.compared = o.value(QStringLiteral("compared")).toInt();
    r.differing = o.value(QStringLiteral("differing")).toInt();
    r.statusChanged = o.value(QStringLiteral("statusChanged")).toInt();
    return r;
}

Result<ReplayResult> runReplay(LabHost &host, const ReplayOptions &options)
{
    const ReplaySelection &sel = options.selection;
    if (sel.function.isEmpty())
        return makeError(errc::InvalidParameterValue, QStringLiteral("Choose a function to replay."));
    if (!host.functionNames().contains(sel.function))
        return makeError(errc::ResourceNotFound, QStringLiteral("Function not found: %1").arg(sel.function));
    qint64 fromMs = sel.fromMs;
    qint64 toMs = sel.toMs > 0 ? sel.toMs : QDateTime::currentMSecsSinceEpoch();
    if (sel.experimentId != 0) {
        auto e = host.experiment(sel.experimentId);
        if (!e)
            return e.error();
        fromMs = e->startedMs;
        toMs = e->endedMs > 0 ? e->endedMs : toMs;
    }
    auto captured = host.captures(sel.function, fromMs, toMs, sel.requestIds);
    if (!captured)
        return captured.error();
    QList<store::Capture> selection = std::move(*captured);
    if (selection.isEmpty())
        return makeError(errc::ResourceNotFound,
                         QStringLiteral("No captured payloads of %1 in that selection. Payloads are kept for "
                                        "invocations up to the size in Settings; replays are not kept.")
                             .arg(sel.function));
    if (sel.limit > 0 && selection.size() > sel.limit)
        selection = selection.mid(selection.size() - sel.limit);

    ReplayResult result;
    result.function = sel.function;
    result.target = options.target.isEmpty() ? QStringLiteral("$LATEST") : options.target;
    store::Experiment experiment;
    experiment.kind = QStringLiteral("replay");
    experiment.function = sel.function;
    experiment.label = QStringLiteral("replay to %1").arg(result.target);
    experiment.parameters = {{QStringLiteral("target"), result.target},
                             {QStringLiteral("invocations"), int(selection.size())},
                             {QStringLiteral("fromMs"), double(fromMs)},
                             {QStringLiteral("toMs"), double(toMs)},
                             {QStringLiteral("experimentId"), double(sel.experimentId)}};
    auto id = host.beginExperiment(experiment);
    if (!id)
        return id.error();
    result.experimentId = *id;

    const qsizetype total = selection.size();
    for (qsizetype i = 0; i < total && !host.cancelled(); ++i) {
        const store::Capture &c = selection.at(i);
        host.progress(QStringLiteral("Replaying %1 of %2").arg(i + 1).arg(total));
        const engine::InvokeResult x = host.invokeQualified(sel.function, options.target, c.request, TriggerKind::Replay);
        ReplayItem item;
        item.requestId = c.requestId;
        item.payload = c.request;
        item.recordedVersion = c.version;
        item.recordedStatus = c.status;
        item.recordedDurationMs = c.durationMs;
        item.recordedResponse = c.response;
        item.replayedVersion = x.record.version;
        item.replayedStatus = x.record.status;
        item.replayedDurationMs = x.record.durationMs;
        item.replayedResponse = x.response;
        item.compared = c.responseKept;
        item.differs = item.compared && !sameResponse(c.response, x.response);
        result.items.append(std::move(item));
    }
    summarize(result);
    if (Status s = host.finishExperiment(result.experimentId, toJson(result)); !s)
        return s.error();
    return result;
}

} // namespace funcdesk::lab
