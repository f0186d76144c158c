#pragma once
// Alarms as CloudWatch evaluates them: a rule on one metric (of one function, of all
// functions, or of a queue), a statistic per period, a threshold and a comparison, over
// the last `evaluationPeriods` periods of which `datapointsToAlarm` must breach (M out
// of N), with TreatMissingData deciding what a period without data counts as.
//
// Pure logic: no store, no clock. The caller (api/alarmmonitor.h) reads the datapoints
// and keeps the state; evaluateAlarm() says what the state is now and why, in
// CloudWatch's words ("Threshold Crossed: 3 out of the last 3 datapoints [...] were
// greater than the threshold (5.0) ...").
//
// Missing data, per TreatMissingData (CloudWatch's documented behaviour):
//   breaching     a missing period counts as breaching;
//   notBreaching  a missing period counts as not breaching;
//   missing       missing periods are left out: with every period missing the alarm goes
//                 to INSUFFICIENT_DATA; otherwise it is ALARM when at least
//                 min(M, present datapoints) of the present datapoints breach;
//   ignore        as missing, except that with every period missing the state stays
//                 as it is.
//
// Threading: plain values and functions, any thread.

#include "common/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace funcdesk::metrics {

enum class AlarmState { InsufficientData, Ok, Alarm };
QString alarmStateName(AlarmState s); // "OK", "ALARM", "INSUFFICIENT_DATA"
std::optional<AlarmState> alarmStateFromName(const QString &name);

enum class Comparison { GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual };
QString comparisonName(Comparison c); // "GreaterThanThreshold", ...
std::optional<Comparison> comparisonFromName(const QString &name);
// "greater than", "greater than or equal to", "less than", "less than or equal to"
QString comparisonWords(Comparison c);
// ">", ">=", "<", "<="
QString comparisonSymbol(Comparison c);
bool breaches(Comparison c, double value, double threshold);

enum class TreatMissingData { Missing, NotBreaching, Breaching, Ignore };
QString treatMissingDataName(TreatMissingData t); // "missing", "notBreaching", "breaching", "ignore"
std::optional<TreatMissingData> treatMissingDataFromName(const QString &name);

// What a rule's metric is and which statistics it has. Lambda's metrics are per function
// (or all functions); a queue metric names a queue instead. A new metric is a row here
// (metricDefinitions()) and a reader in the monitor's metric source.
enum class MetricScope { Function, Queue };
struct MetricDefinition
{
    QString name;            // "Invocations", "Errors", "ErrorRate", ...
    QString unit;            // "Count", "Percent", "Milliseconds", "USD", "Seconds"
    QStringList statistics;  // the first is the default
    MetricScope scope = MetricScope::Function;
    QString description;
};
const QList<MetricDefinition> &metricDefinitions();
const MetricDefinition *metricDefinition(const QString &name); // nullptr: unknown

struct AlarmRule
{
    QString name;
    QString description;
    QString metric = QStringLiteral("Errors");
    QString function;  // Function scope: empty = all functions
    QString queue;     // Queue scope: the queue's name
    QString statistic; // empty: the metric's default
    double threshold = 0;
    Comparison comparison = Comparison::GreaterThan;
    int periodSeconds = 60;
    int evaluationPeriods = 1;
    int datapointsToAlarm = 0; // 0: evaluationPeriods
    TreatMissingData treatMissingData = TreatMissingData::Missing;

    int effectiveDatapointsToAlarm() const { return datapointsToAlarm > 0 ? datapointsToAlarm : evaluationPeriods; }
    QString effectiveStatistic() const;
    // "Errors of checkout", "Duration p99 of all functions", "ApproximateNumberOfMessagesVisible of orders"
    QString subject() const;
};

// Checks names and numbers with CloudWatch's rules (period 10, 30 or a multiple of 60;
// 1 <= datapointsToAlarm <= evaluationPeriods; evaluationPeriods * period <= 1 day; a
// statistic the metric has) and says what is wrong as PutMetricAlarm would.
Status validateAlarmRule(const AlarmRule &rule);

QJsonObject alarmRuleToJson(const AlarmRule &rule);
Result<AlarmRule> alarmRuleFromJson(const QJsonObject &json); // validated

// One period's value; no value: nothing was recorded in that period.
struct Datapoint
{
    qint64 timestampMs = 0; // period start
    std::optional<double> value;
};

struct AlarmEvaluation
{
    AlarmState state = AlarmState::InsufficientData;
    QString reason;         // CloudWatch's StateReason wording
    QJsonObject reasonData; // CloudWatch's StateReasonData shape (recentDatapoints, threshold, ...)
    bool changed = false;   // differs from the state passed in
};

// Evaluates `datapoints` (the rule's last evaluationPeriods periods, oldest first; fewer
// is allowed and counts the absent ones as missing) against the rule, given the state the
// alarm is in now.
AlarmEvaluation evaluateAlarm(const AlarmRule &rule, const QList<Datapoint> &datapoints, AlarmState current);

// "5.0", "0.25", "1234.5": numbers as CloudWatch prints them in reasons.
QString reasonNumber(double v);

} // namespace funcdesk::metrics
