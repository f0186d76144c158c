#include "api/alarmmonitor.h"

#include "common/logging.h"
#include "store/alarms.h"
#include "store/queries.h"
#include "store/sqlite.h"

#include <QDateTime>

namespace funcdesk::api {

namespace {

using metrics::AlarmRule;
using metrics::Datapoint;

// The value of one of Lambda's metrics in one period; none when nothing ran (or was
// throttled) in it, as Lambda then publishes no datapoint.
std::optional<double> lambdaValue(const AlarmRule &rule, const store::SeriesPoint &p)
{
    if (p.invocations == 0 && p.throttles == 0)
        return std::nullopt;
    const QString &m = rule.metric;
    if (m == QLatin1String("Invocations"))
        return double(p.invocations);
    if (m == QLatin1String("Errors"))
        return double(p.errors);
    if (m == QLatin1String("Throttles"))
        return double(p.throttles);
    if (m == QLatin1String("ColdStarts"))
        return double(p.coldStarts);
    if (m == QLatin1String("ConcurrentExecutions"))
        return double(p.peakConcurrency);
    if (m == QLatin1String("Cost"))
        return p.costUsd;
    if (p.invocations == 0) // rate and duration need invocations that ran
        return std::nullopt;
    if (m == QLatin1String("ErrorRate"))
        return 100.0 * double(p.errors) / double(p.invocations);
    if (m == QLatin1String("Duration")) {
        const QString stat = rule.effectiveStatistic();
        if (stat == QLatin1String("p50"))
            return p.p50Ms;
        if (stat == QLatin1String("p90"))
            return p.p90Ms;
        if (stat == QLatin1String("p99"))
            return p.p99Ms;
        if (stat == QLatin1String("Maximum"))
            return p.maxDurationMs;
        return p.avgDurationMs;
    }
    return std::nullopt;
}

Result<QList<Datapoint>> readLambdaMetric(store::Connection &conn, const AlarmRule &rule, qint64 fromMs, qint64 toMs)
{
    store::SeriesQuery q;
    q.function = rule.function;
    q.fromMs = fromMs;
    q.toMs = toMs;
    q.resolutionSeconds = rule.periodSeconds;
    auto series = store::timeSeries(conn, q);
    if (!series)
        return series.error();
    QList<Datapoint> out;
    out.reserve(series->size());
    for (const store::SeriesPoint &p : *series)
        out << Datapoint{p.timestampMs, lambdaValue(rule, p)};
    return out;
}

} // namespace

AlarmMetricSource::AlarmMetricSource()
{
    for (const metrics::MetricDefinition &d : metrics::metricDefinitions())
        if (d.scope == metrics::MetricScope::Function)
            add(d.name, readLambdaMetric);
}

void AlarmMetricSource::add(const QString &metric, Reader reader) { m_readers.insert(metric, std::move(reader)); }

Result<QList<Datapoint>> AlarmMetricSource::read(store::Connection &conn, const AlarmRule &rule, qint64 fromMs,
                                                 qint64 toMs) const
{
    const auto it = m_readers.constFind(rule.metric);
    if (it != m_readers.cend())
        return (*it)(conn, rule, fromMs, toMs);
    QList<Datapoint> none;
    const qint64 step = qint64(rule.periodSeconds) * 1000;
    for (qint64 t = fromMs; t < toMs; t += step)
        none << Datapoint{t, std::nullopt};
    return none;
}

AlarmMonitor::AlarmMonitor(QString databasePath, int intervalMs, QObject *parent)
    : QObject(parent), m_databasePath(std::move(databasePath)), m_timer(this)
{
    qRegisterMetaType<AlarmStateChange>();
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (auto r = evaluate(QDateTime::currentMSecsSinceEpoch()); !r)
            qCWarning(lcApi) << "alarm evaluation:" << r.error().toString();
    });
}

void AlarmMonitor::start()
{
    if (m_timer.interval() > 0)
        m_timer.start();
}

void AlarmMonitor::stop() { m_timer.stop(); }

Result<int> AlarmMonitor::evaluate(qint64 nowMs)
{
    auto conn = store::threadConnection(m_databasePath);
    if (!conn)
        return conn.error();
    auto rows = store::listAlarms(**conn);
    if (!rows)
        return rows.error();
    int changed = 0;
    for (const store::AlarmRow &row : *rows) {
        const Result<AlarmRule> rule = metrics::alarmRuleFromJson(row.rule);
        if (!rule) {
            qCWarning(lcApi) << "alarm" << row.name << "has a rule that does not read:" << rule.error().message;
            continue;
        }
        const qint64 period = qint64(rule->periodSeconds) * 1000;
        const qint64 end = (nowMs - kSettleMs) / period * period; // exclusive end of the newest complete period
        const qint64 from = end - period * rule->evaluationPeriods;
        auto points = m_source.read(**conn, *rule, from, end);
        if (!points) {
            qCWarning(lcApi) << "alarm" << row.name << "could not read" << rule->metric << points.error().toString();
            continue;
        }
        const metrics::AlarmState current =
            metrics::alarmStateFromName(row.state).value_or(metrics::AlarmState::InsufficientData);
        const metrics::AlarmEvaluation e = metrics::evaluateAlarm(*rule, *points, current);
        if (!e.changed)
            continue;
        const QString to = metrics::alarmStateName(e.state);
        auto written = store::changeAlarmState(**conn, row.name, row.state, to, e.reason, e.reasonData, nowMs);
        if (!written)
            return written.error();
        if (!*written)
            continue;
        ++changed;
        Q_EMIT stateChanged(AlarmStateChange{row.name, row.function, row.state, to, e.reason, nowMs});
    }
    return changed;
}

} // namespace funcdesk::api
