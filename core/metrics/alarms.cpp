#include "metrics/alarms.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace funcdesk::metrics {

namespace {

struct Named
{
    const char *name;
    int value;
};

constexpr Named kStates[] = {{"INSUFFICIENT_DATA", int(AlarmState::InsufficientData)},
                             {"OK", int(AlarmState::Ok)},
                             {"ALARM", int(AlarmState::Alarm)}};
constexpr Named kComparisons[] = {{"GreaterThanThreshold", int(Comparison::GreaterThan)},
                                  {"GreaterThanOrEqualToThreshold", int(Comparison::GreaterThanOrEqual)},
                                  {"LessThanThreshold", int(Comparison::LessThan)},
                                  {"LessThanOrEqualToThreshold", int(Comparison::LessThanOrEqual)}};
constexpr Named kTreatments[] = {{"missing", int(TreatMissingData::Missing)},
                                 {"notBreaching", int(TreatMissingData::NotBreaching)},
                                 {"breaching", int(TreatMissingData::Breaching)},
                                 {"ignore", int(TreatMissingData::Ignore)}};

template<size_t N>
QString nameOf(const Named (&table)[N], int value)
{
    for (const Named &n : table)
        if (n.value == value)
            return QString::fromLatin1(n.name);
    return {};
}

template<size_t N>
std::optional<int> valueOf(const Named (&table)[N], const QString &name)
{
    for (const Named &n : table)
        if (name == QLatin1String(n.name))
            return n.value;
    return std::nullopt;
}

// CloudWatch's reason timestamps: dd/MM/yy HH:mm:ss in UTC.
QString reasonTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("dd/MM/yy HH:mm:ss"));
}

QString datapointList(const QList<Datapoint> &points)
{
    QStringList parts;
    for (const Datapoint &d : points)
        parts << reasonNumber(*d.value) + QStringLiteral(" (") + reasonTime(d.timestampMs) + QLatin1Char(')');
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

QString plural(int n, const char *word)
{
    return QString::number(n) + QLatin1Char(' ') + QString::fromLatin1(word) + (n == 1 ? QString() : QStringLiteral("s"));
}

} // namespace

QString alarmStateName(AlarmState s) { return nameOf(kStates, int(s)); }
std::optional<AlarmState> alarmStateFromName(const QString &name)
{
    auto v = valueOf(kStates, name);
    return v ? std::optional<AlarmState>(AlarmState(*v)) : std::nullopt;
}

QString comparisonName(Comparison c) { return nameOf(kComparisons, int(c)); }
std::optional<Comparison> comparisonFromName(const QString &name)
{
    auto v = valueOf(kComparisons, name);
    return v ? std::optional<Comparison>(Comparison(*v)) : std::nullopt;
}

QString comparisonWords(Comparison c)
{
    switch (c) {
    case Comparison::GreaterThan: return QStringLiteral("greater than");
    case Comparison::GreaterThanOrEqual: return QStringLiteral("greater than or equal to");
    case Comparison::LessThan: return QStringLiteral("less than");
    case Comparison::LessThanOrEqual: return QStringLiteral("less than or equal to");
    }
    return {};
}

QString comparisonSymbol(Comparison c)
{
    switch (c) {
    case Comparison::GreaterThan: return QStringLiteral(">");
    case Comparison::GreaterThanOrEqual: return QStringLiteral(">=");
    case Comparison::LessThan: return QStringLiteral("<");
    case Comparison::LessThanOrEqual: return QStringLiteral("<=");
    }
    return {};
}

bool breaches(Comparison c, double value, double threshold)
{
    switch (c) {
    case Comparison::GreaterThan: return value > threshold;
    case Comparison::GreaterThanOrEqual: return value >= threshold;
    case Comparison::LessThan: return value < threshold;
    case Comparison::LessThanOrEqual: return value <= threshold;
    }
    return false;
}

QString treatMissingDataName(TreatMissingData t) { return nameOf(kTreatments, int(t)); }
std::optional<TreatMissingData> treatMissingDataFromName(const QString &name)
{
    auto v = valueOf(kTreatments, name);
    return v ? std::optional<TreatMissingData>(TreatMissingData(*v)) : std::nullopt;
}

const QList<MetricDefinition> &metricDefinitions()
{
    static const QList<MetricDefinition> defs = {
        {QStringLiteral("Invocations"), QStringLiteral("Count"), {QStringLiteral("Sum")}, MetricScope::Function,
         QStringLiteral("invocations that ran (throttles excluded)")},
        {QStringLiteral("Errors"), QStringLiteral("Count"), {QStringLiteral("Sum")}, MetricScope::Function,
         QStringLiteral("failed invocations: handler errors, timeouts, out of memory, crashes")},
        {QStringLiteral("ErrorRate"), QStringLiteral("Percent"), {QStringLiteral("Average")}, MetricScope::Function,
         QStringLiteral("errors per 100 invocations in the period")},
        {QStringLiteral("Throttles"), QStringLiteral("Count"), {QStringLiteral("Sum")}, MetricScope::Function,
         QStringLiteral("requests refused for concurrency")},
        {QStringLiteral("Duration"), QStringLiteral("Milliseconds"),
         {QStringLiteral("Average"), QStringLiteral("p50"), QStringLiteral("p90"), QStringLiteral("p99"),
          QStringLiteral("Maximum")},
         MetricScope::Function, QStringLiteral("handler duration")},
        {QStringLiteral("ColdStarts"), QStringLiteral("Count"), {QStringLiteral("Sum")}, MetricScope::Function,
         QStringLiteral("invocations that started an environment")},
        {QStringLiteral("ConcurrentExecutions"), QStringLiteral("Count"), {QStringLiteral("Maximum")},
         MetricScope::Function, QStringLiteral("environments busy at once")},
        {QStringLiteral("Cost"), QStringLiteral("USD"), {QStringLiteral("Sum")}, MetricScope::Function,
         QStringLiteral("what the invocations would cost on Lambda")},
        {QStringLiteral("ApproximateNumberOfMessagesVisible"), QStringLiteral("Count"),
         {QStringLiteral("Maximum"), QStringLiteral("Average")}, MetricScope::Queue,
         QStringLiteral("messages waiting in a queue")},
        {QStringLiteral("ApproximateAgeOfOldestMessage"), QStringLiteral("Seconds"), {QStringLiteral("Maximum")},
         MetricScope::Queue, QStringLiteral("age of the oldest message in a queue")},
    };
    return defs;
}

const MetricDefinition *metricDefinition(const QString &name)
{
    for (const MetricDefinition &d : metricDefinitions())
        if (d.name == name)
            return &d;
    return nullptr;
}

QString AlarmRule::effectiveStatistic() const
{
    if (!statistic.isEmpty())
        return statistic;
    const MetricDefinition *def = metricDefinition(metric);
    return def ? def->statistics.first() : QString();
}

QString AlarmRule::subject() const
{
    const MetricDefinition *def = metricDefinition(metric);
    QString what = metric;
    if (def && def->statistics.size() > 1)
        what += QLatin1Char(' ') + effectiveStatistic();
    if (def && def->scope == MetricScope::Queue)
        return what + QStringLiteral(" of queue ") + queue;
    return what + QStringLiteral(" of ") + (function.isEmpty() ? QStringLiteral("all functions") : function);
}

Status validateAlarmRule(const AlarmRule &r)
{
    auto invalid = [](const QString &m) { return makeError(errc::Validation, m); };
    if (r.name.trimmed().isEmpty() || r.name.size() > 255)
        return invalid(QStringLiteral("AlarmName must be 1 to 255 characters"));
    for (const QChar c : r.name)
        if (c.category() == QChar::Other_Control)
            return invalid(QStringLiteral("AlarmName must not contain control characters"));
    const MetricDefinition *def = metricDefinition(r.metric);
    if (!def) {
        QStringList names;
        for (const MetricDefinition &d : metricDefinitions())
            names << d.name;
        return invalid(QStringLiteral("MetricName '%1' is not one of: %2").arg(r.metric, names.join(QStringLiteral(", "))));
    }
    if (def->scope == MetricScope::Queue && r.queue.isEmpty())
        return invalid(QStringLiteral("%1 is a queue metric: name the queue").arg(r.metric));
    if (!r.statistic.isEmpty() && !def->statistics.contains(r.statistic))
        return invalid(QStringLiteral("Statistic '%1' is not available for %2 (available: %3)")
                           .arg(r.statistic, r.metric, def->statistics.join(QStringLiteral(", "))));
    if (!std::isfinite(r.threshold))
        return invalid(QStringLiteral("Threshold must be a finite number"));
    if (r.periodSeconds != 10 && r.periodSeconds != 30 && (r.periodSeconds <= 0 || r.periodSeconds % 60 != 0))
        return invalid(QStringLiteral("Period must be 10, 30 or a multiple of 60 seconds (got %1)").arg(r.periodSeconds));
    if (r.evaluationPeriods < 1)
        return invalid(QStringLiteral("EvaluationPeriods must be at least 1"));
    if (qint64(r.evaluationPeriods) * r.periodSeconds > 86400)
        return invalid(QStringLiteral("The evaluation period (EvaluationPeriods x Period) must not exceed 86400 seconds"));
    if (r.datapointsToAlarm < 0 || r.datapointsToAlarm > r.evaluationPeriods)
        return invalid(QStringLiteral("DatapointsToAlarm must be between 1 and EvaluationPeriods (%1)").arg(r.evaluationPeriods));
    return {};
}

QJsonObject alarmRuleToJson(const AlarmRule &r)
{
    QJsonObject o{{QStringLiteral("AlarmName"), r.name},
                  {QStringLiteral("MetricName"), r.metric},
                  {QStringLiteral("Statistic"), r.effectiveStatistic()},
                  {QStringLiteral("Threshold"), r.threshold},
                  {QStringLiteral("ComparisonOperator"), comparisonName(r.comparison)},
                  {QStringLiteral("Period"), r.periodSeconds},
                  {QStringLiteral("EvaluationPeriods"), r.evaluationPeriods},
                  {QStringLiteral("DatapointsToAlarm"), r.effectiveDatapointsToAlarm()},
                  {QStringLiteral("TreatMissingData"), treatMissingDataName(r.treatMissingData)}};
    if (!r.description.isEmpty())
        o.insert(QStringLiteral("AlarmDescription"), r.description);
    if (!r.function.isEmpty())
        o.insert(QStringLiteral("FunctionName"), r.function);
    if (!r.queue.isEmpty())
        o.insert(QStringLiteral("QueueName"), r.queue);
    return o;
}

Result<AlarmRule> alarmRuleFromJson(const QJsonObject &o)
{
    AlarmRule r;
    r.name = o.value(QStringLiteral("AlarmName")).toString();
    r.description = o.value(QStringLiteral("AlarmDescription")).toString();
    r.metric = o.value(QStringLiteral("MetricName")).toString();
    r.function = o.value(QStringLiteral("FunctionName")).toString();
    r.queue = o.value(QStringLiteral("QueueName")).toString();
    r.statistic = o.value(QStringLiteral("Statistic")).toString();
    r.threshold = o.value(QStringLiteral("Threshold")).toDouble(std::nan(""));
    const QString cmp = o.value(QStringLiteral("ComparisonOperator")).toString(comparisonName(Comparison::GreaterThan));
    auto comparison = comparisonFromName(cmp);
    if (!comparison)
        return makeError(errc::Validation,
                         QStringLiteral("ComparisonOperator '%1' is not one of GreaterThanThreshold, "
                                        "GreaterThanOrEqualToThreshold, LessThanThreshold, LessThanOrEqualToThreshold")
                             .arg(cmp));
    r.comparison = *comparison;
    r.periodSeconds = o.value(QStringLiteral("Period")).toInt(60);
    r.evaluationPeriods = o.value(QStringLiteral("EvaluationPeriods")).toInt(1);
    r.datapointsToAlarm = o.value(QStringLiteral("DatapointsToAlarm")).toInt(0);
    const QString treat = o.value(QStringLiteral("TreatMissingData")).toString(QStringLiteral("missing"));
    auto treatment = treatMissingDataFromName(treat);
    if (!treatment)
        return makeError(errc::Validation,
                         QStringLiteral("TreatMissingData '%1' is not one of missing, notBreaching, breaching, ignore").arg(treat));
    r.treatMissingData = *treatment;
    if (Status s = validateAlarmRule(r); !s)
        return s.error();
    return r;
}

QString reasonNumber(double v)
{
    QString s = QString::number(v, 'g', QLocale::FloatingPointShortest);
    if (!s.contains(QLatin1Char('.')) && !s.contains(QLatin1Char('e')) && !s.contains(QLatin1Char('n'))
        && !s.contains(QLatin1Char('i')))
        s += QStringLiteral(".0");
    return s;
}

AlarmEvaluation evaluateAlarm(const AlarmRule &rule, const QList<Datapoint> &given, AlarmState current)
{
    const int n = std::max(1, rule.evaluationPeriods);
    const int m = std::clamp(rule.effectiveDatapointsToAlarm(), 1, n);
    // The last n periods, oldest first; absent ones count as missing.
    QList<Datapoint> points = given.mid(std::max<qsizetype>(0, given.size() - n));
    const qint64 step = qint64(rule.periodSeconds) * 1000;
    while (points.size() < n) {
        const qint64 ts = points.isEmpty() ? 0 : points.first().timestampMs - step;
        points.prepend(Datapoint{ts, std::nullopt});
    }

    QList<Datapoint> present, breaching, notBreaching; // newest first, as CloudWatch lists them
    for (auto it = points.crbegin(); it != points.crend(); ++it) {
        if (!it->value)
            continue;
        present << *it;
        (breaches(rule.comparison, *it->value, rule.threshold) ? breaching : notBreaching) << *it;
    }
    const int missing = n - int(present.size());

    AlarmEvaluation e;
    QJsonArray recent;
    for (const Datapoint &d : present)
        recent.append(*d.value);
    e.reasonData = QJsonObject{{QStringLiteral("version"), QStringLiteral("1.0")},
                               {QStringLiteral("statistic"), rule.effectiveStatistic()},
                               {QStringLiteral("period"), rule.periodSeconds},
                               {QStringLiteral("recentDatapoints"), recent},
                               {QStringLiteral("threshold"), rule.threshold},
                               {QStringLiteral("missingDatapoints"), missing}};
    if (!points.isEmpty())
        e.reasonData.insert(QStringLiteral("startDate"),
                            QDateTime::fromMSecsSinceEpoch(points.first().timestampMs, Qt::UTC).toString(Qt::ISODate));

    const bool allMissing = present.isEmpty();
    const TreatMissingData treat = rule.treatMissingData;
    if (allMissing && treat == TreatMissingData::Missing) {
        e.state = AlarmState::InsufficientData;
        e.reason = QStringLiteral("Insufficient Data: %1 %2 unknown.").arg(plural(n, "datapoint"), n == 1 ? QStringLiteral("was") : QStringLiteral("were"));
        e.changed = e.state != current;
        return e;
    }
    if (allMissing && treat == TreatMissingData::Ignore) {
        e.state = current;
        e.reason = QStringLiteral("Ignored: no datapoints were received for %1; the state is kept.").arg(plural(n, "period"));
        return e;
    }

    int breachCount = int(breaching.size());
    int okCount = int(notBreaching.size());
    int needed = m;
    QString treatedAs;
    if (treat == TreatMissingData::Breaching) {
        breachCount += missing;
        treatedAs = QStringLiteral("Breaching");
    } else if (treat == TreatMissingData::NotBreaching) {
        okCount += missing;
        treatedAs = QStringLiteral("NonBreaching");
    } else {
        needed = std::min(m, int(present.size()));
    }
    const int considered = breachCount + okCount;
    e.state = breachCount >= needed ? AlarmState::Alarm : AlarmState::Ok;
    e.changed = e.state != current;

    const QString transition = alarmStateName(current) + QStringLiteral(" -> ") + alarmStateName(e.state);
    const QString words = comparisonWords(rule.comparison);
    const QString thresholdText = reasonNumber(rule.threshold);
    if (allMissing) {
        e.reason = QStringLiteral("Threshold Crossed: no datapoints were received for %1 and %2 missing %3 treated as [%4].")
                       .arg(plural(n, "period"))
                       .arg(missing)
                       .arg(missing == 1 ? QStringLiteral("datapoint was") : QStringLiteral("datapoints were"), treatedAs);
        return e;
    }
    const bool alarm = e.state == AlarmState::Alarm;
    const int count = alarm ? breachCount : okCount;
    const QList<Datapoint> &listed = alarm ? breaching : notBreaching;
    // The OK side needs n - m + 1 good periods to leave ALARM (or all but the breaching).
    const int minimum = alarm ? needed : std::max(1, (treatedAs.isEmpty() ? int(present.size()) : n) - needed + 1);
    // "out of the last 1 datapoints": CloudWatch's own plural.
    e.reason = QStringLiteral("Threshold Crossed: %1 out of the last %2 datapoints %3 %4 %5%6 the threshold (%7) (minimum %8 for %9 transition).")
                   .arg(count)
                   .arg(QString::number(considered), datapointList(listed),
                        count == 1 ? QStringLiteral("was") : QStringLiteral("were"),
                        alarm ? QString() : QStringLiteral("not "), words, thresholdText, plural(minimum, "datapoint"),
                        transition);
    if (missing > 0 && !treatedAs.isEmpty())
        e.reason += QStringLiteral(" %1 missing %2 treated as [%3].")
                        .arg(missing)
                        .arg(missing == 1 ? QStringLiteral("datapoint was") : QStringLiteral("datapoints were"), treatedAs);
    return e;
}

} // namespace funcdesk::metrics
