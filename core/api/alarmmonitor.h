#pragma once
// Evaluates every alarm rule (store/alarms.h) on a timer, the way CloudWatch does
// (metrics/alarms.h), and records each state change with its reason in the alarm's
// history. A rule's datapoints come from an AlarmMetricSource: Lambda's metrics from the
// store's rollups (one point per period; a period in which nothing ran has no datapoint,
// as Lambda publishes none), and any other metric from a reader added with add() (a
// queue's depth or oldest message age is one small function over its table).
//
// Only complete periods are evaluated: the newest ends at or before now - kSettleMs, so
// records still in the writer's batch (flushed every 200 ms) are counted.
//
// Threading: lives on the API thread with the Service's other workers; reads and writes
// the store with that thread's connection. Rules are read afresh on every tick, so rules
// the command line or the GUI write (directly to SQLite) take effect at the next one.

#include "common/result.h"
#include "metrics/alarms.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>

namespace funcdesk::store {
class Connection;
}

namespace funcdesk::api {

class AlarmMetricSource
{
public:
    // Datapoints of `rule`'s metric for the periods in [fromMs, toMs) (period-aligned),
    // oldest first; a period without data has no value.
    using Reader = std::function<Result<QList<metrics::Datapoint>>(store::Connection &, const metrics::AlarmRule &,
                                                                    qint64 fromMs, qint64 toMs)>;
    AlarmMetricSource(); // Lambda's metrics over the rollups
    void add(const QString &metric, Reader reader);
    bool has(const QString &metric) const { return m_readers.contains(metric); }
    // A metric without a reader (yet) reads as missing in every period.
    Result<QList<metrics::Datapoint>> read(store::Connection &conn, const metrics::AlarmRule &rule, qint64 fromMs,
                                           qint64 toMs) const;

private:
    QHash<QString, Reader> m_readers;
};

struct AlarmStateChange
{
    QString alarm;
    QString function; // empty: all functions (or a queue)
    QString from;
    QString to;
    QString reason;
    qint64 timestampMs = 0;
};

class AlarmMonitor : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kSettleMs = 1000;

    // `databasePath`: the store's file; `intervalMs` 0: no timer (evaluate() by hand).
    AlarmMonitor(QString databasePath, int intervalMs, QObject *parent = nullptr);

    AlarmMetricSource &source() { return m_source; }
    void start();
    void stop();
    // Evaluates every rule as of `nowMs`; returns how many changed state.
    Result<int> evaluate(qint64 nowMs);

Q_SIGNALS:
    void stateChanged(const funcdesk::api::AlarmStateChange &change);

private:
    QString m_databasePath;
    QTimer m_timer;
    AlarmMetricSource m_source;
};

} // namespace funcdesk::api

Q_DECLARE_METATYPE(funcdesk::api::AlarmStateChange)
