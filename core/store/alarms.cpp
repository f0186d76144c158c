#include "store/alarms.h"

#include "store/sqlite.h"

#include <QJsonDocument>

namespace funcdesk::store {

namespace {

constexpr const char *kSelectAlarm =
    "SELECT name, function, metric, rule, state, reason, reason_data, state_updated_ms, created_ms FROM alarms ";
constexpr const char *kSelectHistory =
    "SELECT id, alarm, ts_ms, type, old_state, new_state, summary, reason, reason_data FROM alarm_history ";

QString json(const QJsonObject &o) { return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)); }
QJsonObject object(const QString &text) { return QJsonDocument::fromJson(text.toUtf8()).object(); }
QString orEmpty(const QString &s) { return s.isNull() ? QStringLiteral("") : s; }

AlarmRow alarmFromRow(const Statement &s)
{
    AlarmRow a;
    a.name = s.text(0);
    a.function = s.text(1);
    a.metric = s.text(2);
    a.rule = object(s.text(3));
    a.state = s.text(4);
    a.reason = s.text(5);
    a.reasonData = object(s.text(6));
    a.stateUpdatedMs = s.int64(7);
    a.createdMs = s.int64(8);
    return a;
}

AlarmHistoryRow historyFromRow(const Statement &s)
{
    AlarmHistoryRow h;
    h.id = s.int64(0);
    h.alarm = s.text(1);
    h.timestampMs = s.int64(2);
    h.type = s.text(3);
    h.oldState = s.text(4);
    h.newState = s.text(5);
    h.summary = s.text(6);
    h.reason = s.text(7);
    h.reasonData = object(s.text(8));
    return h;
}

Status insertHistory(Connection &conn, const AlarmHistoryRow &h)
{
    auto stmt = conn.prepare("INSERT INTO alarm_history(alarm, ts_ms, type, old_state, new_state, summary, reason, "
                             "reason_data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, h.alarm).bind(2, h.timestampMs).bind(3, h.type).bind(4, orEmpty(h.oldState));
    stmt->bind(5, orEmpty(h.newState)).bind(6, h.summary).bind(7, orEmpty(h.reason)).bind(8, json(h.reasonData));
    return stmt->run();
}

} // namespace

// Alarm rules (store/alarms.h) and their history. alarm_history is read newest first per
// alarm or over all alarms by time (the charts' markers).
Status migrateAlarms(Connection &conn)
{
    return conn.exec(R"sql(
CREATE TABLE alarms(
  name TEXT PRIMARY KEY,
  function TEXT NOT NULL,
  metric TEXT NOT NULL,
  rule TEXT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT NOT NULL,
  reason_data TEXT NOT NULL,
  state_updated_ms INTEGER NOT NULL,
  created_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE alarm_history(
  id INTEGER PRIMARY KEY,
  alarm TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  type TEXT NOT NULL,
  old_state TEXT NOT NULL,
  new_state TEXT NOT NULL,
  summary TEXT NOT NULL,
  reason TEXT NOT NULL,
  reason_data TEXT NOT NULL);
CREATE INDEX alarm_history_alarm ON alarm_history(alarm, ts_ms);
CREATE INDEX alarm_history_ts ON alarm_history(ts_ms);
)sql");
}

Status putAlarm(Connection &conn, const AlarmRow &row, qint64 nowMs)
{
    if (row.name.isEmpty())
        return makeError(errc::Validation, QStringLiteral("an alarm needs a name"));
    auto tx = Transaction::begin(conn);
    if (!tx)
        return tx.error();
    auto existing = alarm(conn, row.name);
    if (!existing)
        return existing.error();
    Statement stmt;
    if (*existing) {
        auto s = conn.prepare("UPDATE alarms SET function = ?2, metric = ?3, rule = ?4 WHERE name = ?1");
        if (!s)
            return s.error();
        stmt = std::move(*s);
    } else {
        auto s = conn.prepare("INSERT INTO alarms(name, function, metric, rule, state, reason, reason_data, "
                              "state_updated_ms, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
        if (!s)
            return s.error();
        stmt = std::move(*s);
        stmt.bind(5, row.state).bind(6, row.reason).bind(7, json(row.reasonData)).bind(8, nowMs);
    }
    stmt.bind(1, row.name).bind(2, orEmpty(row.function)).bind(3, row.metric).bind(4, json(row.rule));
    if (auto s = stmt.run(); !s)
        return s;
    AlarmHistoryRow h;
    h.alarm = row.name;
    h.timestampMs = nowMs;
    h.type = QStringLiteral("ConfigurationUpdate");
    h.summary = QStringLiteral("Alarm \"%1\" %2").arg(row.name, *existing ? QStringLiteral("updated") : QStringLiteral("created"));
    h.reasonData = row.rule;
    if (auto s = insertHistory(conn, h); !s)
        return s;
    return tx->commit();
}

Result<QList<AlarmRow>> listAlarms(Connection &conn)
{
    auto stmt = conn.prepare(QByteArray(kSelectAlarm) + "ORDER BY name");
    if (!stmt)
        return stmt.error();
    return collectRows<AlarmRow>(*stmt, alarmFromRow);
}

Result<std::optional<AlarmRow>> alarm(Connection &conn, const QString &name)
{
    auto stmt = conn.prepare(QByteArray(kSelectAlarm) + "WHERE name = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, name);
    auto rows = collectRows<AlarmRow>(*stmt, alarmFromRow);
    if (!rows)
        return rows.error();
    if (rows->isEmpty())
        return std::optional<AlarmRow>();
    return std::optional<AlarmRow>(rows->first());
}

Status deleteAlarm(Connection &conn, const QString &name, qint64 nowMs)
{
    auto tx = Transaction::begin(conn);
    if (!tx)
        return tx.error();
    auto stmt = conn.prepare("DELETE FROM alarms WHERE name = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, name);
    if (auto s = stmt->run(); !s)
        return s;
    if (conn.changes() == 0)
        return makeError(errc::ResourceNotFound, QStringLiteral("Alarm not found: %1").arg(name));
    AlarmHistoryRow h;
    h.alarm = name;
    h.timestampMs = nowMs;
    h.type = QStringLiteral("ConfigurationUpdate");
    h.summary = QStringLiteral("Alarm \"%1\" deleted").arg(name);
    if (auto s = insertHistory(conn, h); !s)
        return s;
    return tx->commit();
}

Result<bool> changeAlarmState(Connection &conn, const QString &name, const QString &from, const QString &to,
                              const QString &reason, const QJsonObject &reasonData, qint64 nowMs)
{
    auto tx = Transaction::begin(conn);
    if (!tx)
        return tx.error();
    auto stmt = conn.prepare("UPDATE alarms SET state = ?3, reason = ?4, reason_data = ?5, state_updated_ms = ?6 "
                             "WHERE name = ?1 AND state = ?2");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, name).bind(2, from).bind(3, to).bind(4, reason).bind(5, json(reasonData)).bind(6, nowMs);
    if (auto s = stmt->run(); !s)
        return s.error();
    if (conn.changes() == 0)
        return false;
    AlarmHistoryRow h;
    h.alarm = name;
    h.timestampMs = nowMs;
    h.type = QStringLiteral("StateUpdate");
    h.oldState = from;
    h.newState = to;
    h.summary = QStringLiteral("Alarm updated from %1 to %2").arg(from, to);
    h.reason = reason;
    h.reasonData = reasonData;
    if (auto s = insertHistory(conn, h); !s)
        return s.error();
    if (auto s = tx->commit(); !s)
        return s.error();
    return true;
}

Result<QList<AlarmHistoryRow>> alarmHistory(Connection &conn, const AlarmHistoryQuery &q)
{
    auto stmt = conn.prepare(QByteArray(kSelectHistory)
                             + "WHERE (?1 IS NULL OR alarm = ?1) AND (?2 IS NULL OR type = ?2) AND ts_ms >= ?3 "
                               "AND (?4 = 0 OR ts_ms < ?4) ORDER BY ts_ms DESC, id DESC LIMIT ?5");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, q.alarm.isEmpty() ? QString() : q.alarm).bind(2, q.type.isEmpty() ? QString() : q.type);
    stmt->bind(3, q.fromMs).bind(4, q.toMs).bind(5, q.limit > 0 ? q.limit : -1);
    return collectRows<AlarmHistoryRow>(*stmt, historyFromRow);
}

} // namespace funcdesk::store
