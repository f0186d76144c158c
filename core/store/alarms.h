#pragma once
// Alarm rules and their state history (tables alarms and alarm_history, migration
// migrateAlarms). The rule itself is kept as JSON (metrics::alarmRuleToJson) beside the
// columns the readers filter on; the store does not interpret it. Evaluation is
// api/alarmmonitor.h's; the command line and the GUI write rules here directly (SQLite
// serialises writers), and a running engine reads them again at its next evaluation.
//
// History rows are either "StateUpdate" (old -> new state with CloudWatch's reason) or
// "ConfigurationUpdate" (created, updated, deleted); they outlive a deleted alarm, as
// CloudWatch keeps history after DeleteAlarms.
//
// Threading: plain functions on a Connection; call them on the thread that owns it.

#include "common/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace funcdesk::store {

class Connection;

struct AlarmRow
{
    QString name;
    QString function; // empty: all functions (or a queue metric)
    QString metric;
    QJsonObject rule; // metrics::alarmRuleToJson
    QString state = QStringLiteral("INSUFFICIENT_DATA");
    QString reason = QStringLiteral("Unchecked: Initial alarm creation");
    QJsonObject reasonData;
    qint64 stateUpdatedMs = 0;
    qint64 createdMs = 0;
};

struct AlarmHistoryRow
{
    qint64 id = 0;
    QString alarm;
    qint64 timestampMs = 0;
    QString type; // "StateUpdate" or "ConfigurationUpdate"
    QString oldState; // StateUpdate only
    QString newState;
    QString summary; // "Alarm updated from OK to ALARM", "Alarm \"x\" created"
    QString reason;
    QJsonObject reasonData;
};

// The schema step (registered in migrations.cpp).
Status migrateAlarms(Connection &conn);

// Creates or replaces a rule; a new alarm starts in INSUFFICIENT_DATA, an updated one keeps
// its state (as PutMetricAlarm does). Writes a ConfigurationUpdate history row.
Status putAlarm(Connection &conn, const AlarmRow &row, qint64 nowMs);
Result<QList<AlarmRow>> listAlarms(Connection &conn); // by name
Result<std::optional<AlarmRow>> alarm(Connection &conn, const QString &name);
// ResourceNotFound when there is none.
Status deleteAlarm(Connection &conn, const QString &name, qint64 nowMs);

// Records a state change: the alarm's row and a StateUpdate history row, in one
// transaction. Does nothing (and says false) when the alarm is gone or its state is no
// longer `from` (another writer got there first).
Result<bool> changeAlarmState(Connection &conn, const QString &name, const QString &from, const QString &to,
                              const QString &reason, const QJsonObject &reasonData, qint64 nowMs);

struct AlarmHistoryQuery
{
    QString alarm;       // empty: every alarm
    QString type;        // empty: both kinds
    qint64 fromMs = 0;   // inclusive
    qint64 toMs = 0;     // exclusive; 0: no bound
    int limit = 100;
};
// Newest first.
Result<QList<AlarmHistoryRow>> alarmHistory(Connection &conn, const AlarmHistoryQuery &query);

} // namespace funcdesk::store
