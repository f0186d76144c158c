// funcdesk alarms list | add NAME ... | delete NAME | history [NAME]
//
// Alarm rules and their history live in the data dir's database (store/alarms.h). This
// command reads and writes them directly, beside a running engine as well (SQLite in WAL
// mode serialises writers): the engine's alarm monitor reads the rules afresh at every
// evaluation, so an added alarm is evaluated within seconds, and the states it records
// show here.

#include "cli/cli.h"
#include "cli/commandline.h"
#include "cli/commands.h"

#include "metrics/alarms.h"
#include "store/alarms.h"
#include "store/sqlite.h"
#include "versioning/versionstore.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace funcdesk::cli {
namespace {

using metrics::AlarmRule;

QString isoTime(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs); }
QString shortTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

Result<store::Connection> openStore(const CommandLine &cl)
{
    const DataDir dir = DataDir::resolve(cl.dataDir());
    QDir().mkpath(dir.root);
    return store::Connection::open(dir.database());
}

// "Sum > 2.0 for 1 of 1 x 10 s" (M of N periods).
QString condition(const AlarmRule &r)
{
    return QStringLiteral("%1 %2 %3 for %4 of %5 x %6 s")
        .arg(r.effectiveStatistic(), metrics::comparisonSymbol(r.comparison), metrics::reasonNumber(r.threshold))
        .arg(r.effectiveDatapointsToAlarm())
        .arg(r.evaluationPeriods)
        .arg(r.periodSeconds);
}

QJsonObject alarmJson(const store::AlarmRow &row)
{
    QJsonObject o = row.rule;
    o.insert(QStringLiteral("StateValue"), row.state);
    o.insert(QStringLiteral("StateReason"), row.reason);
    o.insert(QStringLiteral("StateReasonData"), QString::fromUtf8(QJsonDocument(row.reasonData).toJson(QJsonDocument::Compact)));
    o.insert(QStringLiteral("StateUpdatedTimestamp"), isoTime(row.stateUpdatedMs));
    return o;
}

int alarmsList(const QStringList &args)
{
    CommandLine cl(QStringLiteral("alarms list"),
                   QStringLiteral("List alarms with their state.\n"
                                  "With --json: DescribeAlarms' MetricAlarms shape (AlarmName, MetricName, ..., "
                                  "StateValue, StateReason)."));
    cl.addOption(QCommandLineOption(QStringLiteral("state"), QStringLiteral("Only alarms in this state: OK, ALARM, INSUFFICIENT_DATA."),
                                    QStringLiteral("STATE")));
    if (auto exit = cl.parse(args, 0, 0))
        return *exit;
    const QString state = cl.value(QStringLiteral("state"));
    if (!state.isEmpty() && !metrics::alarmStateFromName(state))
        return cl.usageError(QStringLiteral("--state is one of OK, ALARM, INSUFFICIENT_DATA"));
    auto conn = openStore(cl);
    if (!conn)
        return reportError(conn.error());
    auto rows = store::listAlarms(*conn);
    if (!rows)
        return reportError(rows.error());
    QJsonArray json;
    QList<QStringList> table;
    for (const store::AlarmRow &row : *rows) {
        if (!state.isEmpty() && row.state != state)
            continue;
        json.append(alarmJson(row));
        const Result<AlarmRule> rule = metrics::alarmRuleFromJson(row.rule);
        table << QStringList{row.name, row.state, rule ? rule->subject() : row.metric,
                             rule ? condition(*rule) : QStringLiteral("(unreadable rule)"), shortTime(row.stateUpdatedMs)};
    }
    if (cl.json())
        printJson(json);
    else if (table.isEmpty())
        printOut(QStringLiteral("No alarms. Add one with 'funcdesk alarms add NAME --metric Errors --threshold 1'."));
    else
        printTable({QStringLiteral("NAME"), QStringLiteral("STATE"), QStringLiteral("METRIC"), QStringLiteral("CONDITION"),
                    QStringLiteral("SINCE (UTC)")},
                   table);
    return ExitOk;
}

int alarmsAdd(const QStringList &args)
{
    QStringList metricNames;
    for (const metrics::MetricDefinition &d : metrics::metricDefinitions())
        metricNames << d.name;
    CommandLine cl(QStringLiteral("alarms add"),
                   QStringLiteral("Create or update an alarm (as CloudWatch's PutMetricAlarm): the alarm goes to ALARM when\n"
                                  "DATAPOINTS of the last EVALUATION-PERIODS periods breach the threshold.\n"
                                  "Metrics: ")
                       + metricNames.join(QStringLiteral(", ")));
    cl.addPositional(QStringLiteral("name"), QStringLiteral("Alarm name."), QStringLiteral("NAME"));
    auto opt = [&cl](const char *name, const char *help, const char *valueName, const QString &def = {}) {
        cl.addOption(QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(help), QString::fromLatin1(valueName), def));
    };
    opt("metric", "Metric name (Errors, ErrorRate, Duration, ...).", "METRIC");
    opt("function", "The function whose metric it is (default: all functions).", "NAME");
    opt("queue", "The queue, for a queue metric.", "QUEUE");
    opt("statistic", "Sum, Average, Maximum, p50, p90, p99 (default: the metric's own).", "STAT");
    opt("threshold", "The value to compare with.", "N");
    opt("comparison", "GreaterThanThreshold (>), GreaterThanOrEqualToThreshold (>=), LessThanThreshold (<), "
                      "LessThanOrEqualToThreshold (<=).", "OP", QStringLiteral("GreaterThanThreshold"));
    opt("period", "Seconds per datapoint: 10, 30 or a multiple of 60.", "SECONDS", QStringLiteral("60"));
    opt("evaluation-periods", "How many recent periods are looked at (N).", "N", QStringLiteral("1"));
    opt("datapoints-to-alarm", "How many of them must breach (M; default N).", "M");
    opt("treat-missing-data", "missing, notBreaching, breaching or ignore.", "HOW", QStringLiteral("missing"));
    opt("description", "A note shown with the alarm.", "TEXT");
    if (auto exit = cl.parse(args, 1, 1))
        return *exit;
    if (!cl.isSet(QStringLiteral("metric")) || !cl.isSet(QStringLiteral("threshold")))
        return cl.usageError(QStringLiteral("--metric and --threshold are required"));
    bool ok = false;
    QJsonObject o;
    o.insert(QStringLiteral("AlarmName"), cl.positional().at(0));
    o.insert(QStringLiteral("MetricName"), cl.value(QStringLiteral("metric")));
    for (const auto &[option, key] : {std::pair{"function", "FunctionName"}, std::pair{"queue", "QueueName"},
                                      std::pair{"statistic", "Statistic"}, std::pair{"description", "AlarmDescription"}}) {
        if (cl.isSet(QString::fromLatin1(option)))
            o.insert(QString::fromLatin1(key), cl.value(QString::fromLatin1(option)));
    }
    const double threshold = cl.value(QStringLiteral("threshold")).toDouble(&ok);
    if (!ok)
        return cl.usageError(QStringLiteral("--threshold takes a number"));
    o.insert(QStringLiteral("Threshold"), threshold);
    QString cmp = cl.value(QStringLiteral("comparison"));
    const QHash<QString, QString> symbols{{QStringLiteral(">"), QStringLiteral("GreaterThanThreshold")},
                                          {QStringLiteral(">="), QStringLiteral("GreaterThanOrEqualToThreshold")},
                                          {QStringLiteral("<"), QStringLiteral("LessThanThreshold")},
                                          {QStringLiteral("<="), QStringLiteral("LessThanOrEqualToThreshold")}};
    o.insert(QStringLiteral("ComparisonOperator"), symbols.value(cmp, cmp));
    for (const auto &[option, key] : {std::pair{"period", "Period"}, std::pair{"evaluation-periods", "EvaluationPeriods"},
                                      std::pair{"datapoints-to-alarm", "DatapointsToAlarm"}}) {
        if (!cl.isSet(QString::fromLatin1(option)) && QString::fromLatin1(option) == QLatin1String("datapoints-to-alarm"))
            continue;
        const int v = cl.value(QString::fromLatin1(option)).toInt(&ok);
        if (!ok)
            return cl.usageError(QStringLiteral("--%1 takes a whole number").arg(QString::fromLatin1(option)));
        o.insert(QString::fromLatin1(key), v);
    }
    o.insert(QStringLiteral("TreatMissingData"), cl.value(QStringLiteral("treat-missing-data")));
    const Result<AlarmRule> rule = metrics::alarmRuleFromJson(o);
    if (!rule)
        return cl.usageError(rule.error().message);
    const DataDir dir = DataDir::resolve(cl.dataDir());
    if (!rule->function.isEmpty() && !VersionStore(dir).exists(rule->function))
        return reportError(makeError(errc::ResourceNotFound, QStringLiteral("Function not found: ") + rule->function));
    auto conn = openStore(cl);
    if (!conn)
        return reportError(conn.error());
    auto existing = store::alarm(*conn, rule->name);
    if (!existing)
        return reportError(existing.error());
    store::AlarmRow row;
    row.name = rule->name;
    row.function = rule->function;
    row.metric = rule->metric;
    row.rule = metrics::alarmRuleToJson(*rule);
    if (Status s = store::putAlarm(*conn, row, QDateTime::currentMSecsSinceEpoch()); !s)
        return reportError(s.error());
    if (cl.json())
        printJson(row.rule);
    else
        printOut(QStringLiteral("%1 alarm %2: %3 %4").arg(*existing ? QStringLiteral("Updated") : QStringLiteral("Created"),
                                                          rule->name, rule->subject(), condition(*rule)));
    return ExitOk;
}

int alarmsDelete(const QStringList &args)
{
    CommandLine cl(QStringLiteral("alarms delete"), QStringLiteral("Delete an alarm (its history is kept)."));
    cl.addPositional(QStringLiteral("name"), QStringLiteral("Alarm name."), QStringLiteral("NAME"));
    if (auto exit = cl.parse(args, 1, 1))
        return *exit;
    auto conn = openStore(cl);
    if (!conn)
        return reportError(conn.error());
    const QString name = cl.positional().at(0);
    if (Status s = store::deleteAlarm(*conn, name, QDateTime::currentMSecsSinceEpoch()); !s)
        return reportError(s.error());
    if (cl.json())
        printJson(QJsonObject{{QStringLiteral("AlarmName"), name}, {QStringLiteral("Deleted"), true}});
    else
        printOut(QStringLiteral("Deleted alarm ") + name);
    return ExitOk;
}

int alarmsHistory(const QStringList &args)
{
    CommandLine cl(QStringLiteral("alarms history"),
                   QStringLiteral("An alarm's history (or every alarm's), newest first: state changes with their reason,\n"
                                  "and configuration updates. With --json: DescribeAlarmHistory's AlarmHistoryItems."));
    cl.addPositional(QStringLiteral("name"), QStringLiteral("Alarm name (default: all alarms)."), QStringLiteral("[NAME]"));
    cl.addOption(QCommandLineOption(QStringLiteral("type"), QStringLiteral("StateUpdate or ConfigurationUpdate."),
                                    QStringLiteral("TYPE")));
    cl.addOption(QCommandLineOption(QStringLiteral("since"), QStringLiteral("How far back: 30m, 2h, 7d (default: all)."),
                                    QStringLiteral("AGE")));
    cl.addOption(QCommandLineOption(QStringLiteral("limit"), QStringLiteral("At most this many rows (default 100)."),
                                    QStringLiteral("N"), QStringLiteral("100")));
    if (auto exit = cl.parse(args, 0, 1))
        return *exit;
    store::AlarmHistoryQuery q;
    q.alarm = cl.positional().value(0);
    q.type = cl.value(QStringLiteral("type"));
    if (!q.type.isEmpty() && q.type != QLatin1String("StateUpdate") && q.type != QLatin1String("ConfigurationUpdate"))
        return cl.usageError(QStringLiteral("--type is StateUpdate or ConfigurationUpdate"));
    bool ok = false;
    q.limit = cl.value(QStringLiteral("limit")).toInt(&ok);
    if (!ok || q.limit < 1)
        return cl.usageError(QStringLiteral("--limit takes a positive number"));
    if (cl.isSet(QStringLiteral("since"))) {
        static const QRegularExpression re(QStringLiteral("^(\\d+)([smhd])$"));
        const auto m = re.match(cl.value(QStringLiteral("since")));
        if (!m.hasMatch())
            return cl.usageError(QStringLiteral("--since takes a number and a unit (s, m, h, d), e.g. 2h"));
        const QChar unit = m.captured(2).at(0);
        const qint64 factor = unit == QLatin1Char('s') ? 1000 : unit == QLatin1Char('m') ? 60000 : unit == QLatin1Char('h') ? 3600000 : 86400000;
        q.fromMs = QDateTime::currentMSecsSinceEpoch() - m.captured(1).toLongLong() * factor;
    }
    auto conn = openStore(cl);
    if (!conn)
        return reportError(conn.error());
    if (!q.alarm.isEmpty()) {
        auto a = store::alarm(*conn, q.alarm);
        if (!a)
            return reportError(a.error());
        auto any = store::alarmHistory(*conn, store::AlarmHistoryQuery{q.alarm, {}, 0, 0, 1});
        if (!*a && any && any->isEmpty())
            return reportError(makeError(errc::ResourceNotFound, QStringLiteral("Alarm not found: ") + q.alarm));
    }
    auto rows = store::alarmHistory(*conn, q);
    if (!rows)
        return reportError(rows.error());
    if (cl.json()) {
        QJsonArray items;
        for (const store::AlarmHistoryRow &h : *rows) {
            QJsonObject data = h.type == QLatin1String("StateUpdate")
                ? QJsonObject{{QStringLiteral("oldState"), QJsonObject{{QStringLiteral("stateValue"), h.oldState}}},
                              {QStringLiteral("newState"), QJsonObject{{QStringLiteral("stateValue"), h.newState},
                                                                       {QStringLiteral("stateReason"), h.reason},
                                                                       {QStringLiteral("stateReasonData"), h.reasonData}}}}
                : h.reasonData;
            items.append(QJsonObject{{QStringLiteral("AlarmName"), h.alarm},
                                     {QStringLiteral("Timestamp"), isoTime(h.timestampMs)},
                                     {QStringLiteral("HistoryItemType"), h.type},
                                     {QStringLiteral("HistorySummary"), h.summary},
                                     {QStringLiteral("HistoryData"),
                                      QString::fromUtf8(QJsonDocument(data).toJson(QJsonDocument::Compact))}});
        }
        printJson(items);
        return ExitOk;
    }
    if (rows->isEmpty()) {
        printOut(QStringLiteral("No history."));
        return ExitOk;
    }
    QList<QStringList> table;
    for (const store::AlarmHistoryRow &h : *rows)
        table << QStringList{shortTime(h.timestampMs), h.alarm, h.summary, h.reason};
    printTable({QStringLiteral("TIME (UTC)"), QStringLiteral("ALARM"), QStringLiteral("SUMMARY"), QStringLiteral("REASON")}, table);
    return ExitOk;
}

} // namespace

int runAlarms(const QStringList &args)
{
    const QString action = args.value(0);
    const QStringList rest = args.mid(1);
    if (action == QLatin1String("list"))
        return alarmsList(rest);
    if (action == QLatin1String("add"))
        return alarmsAdd(rest);
    if (action == QLatin1String("delete"))
        return alarmsDelete(rest);
    if (action == QLatin1String("history"))
        return alarmsHistory(rest);
    const QString usage = QStringLiteral(
        "Usage: funcdesk alarms <list|add|delete|history> [options]\n"
        "\n"
        "  list                 alarms and their state (OK, ALARM, INSUFFICIENT_DATA)\n"
        "  add NAME --metric M --threshold N [...]   create or update an alarm\n"
        "  delete NAME          delete an alarm\n"
        "  history [NAME]       state changes with CloudWatch's reasons, newest first\n"
        "\n"
        "Run 'funcdesk alarms <action> --help' for an action's options.");
    if (action == QLatin1String("--help") || action == QLatin1String("-h")) {
        printOut(usage);
        return ExitOk;
    }
    printErr((action.isEmpty() || action.startsWith(QLatin1Char('-')) ? QStringLiteral("funcdesk alarms: an action is needed\n")
                               : QStringLiteral("funcdesk alarms: unknown action '%1'\n").arg(action))
             + usage);
    return ExitUsage;
}

} // namespace funcdesk::cli
