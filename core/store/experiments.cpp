#include "store/experiments.h"

#include "store/sqlite.h"

#include <QJsonDocument>

namespace funcdesk::store {

namespace {

constexpr const char *kSelect =
    "SELECT id, kind, function, label, parameters, started_ms, ended_ms, summary FROM experiments ";

QByteArray json(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }
QJsonObject object(const QString &text) { return QJsonDocument::fromJson(text.toUtf8()).object(); }

Experiment fromRow(const Statement &s)
{
    Experiment e;
    e.id = s.int64(0);
    e.kind = s.text(1);
    e.function = s.text(2);
    e.label = s.text(3);
    e.parameters = object(s.text(4));
    e.startedMs = s.int64(5);
    e.endedMs = s.isNull(6) ? 0 : s.int64(6);
    e.summary = s.isNull(7) ? QJsonObject() : object(s.text(7));
    return e;
}

} // namespace

Result<qint64> beginExperiment(Connection &conn, const Experiment &e)
{
    if (e.kind.isEmpty() || e.function.isEmpty())
        return makeError(errc::InvalidParameterValue, QStringLiteral("an experiment needs a kind and a function"));
    auto stmt = conn.prepare("INSERT INTO experiments(kind, function, label, parameters, started_ms) "
                             "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, e.kind).bind(2, e.function).bind(3, e.label.isNull() ? QStringLiteral("") : e.label);
    stmt->bind(4, QString::fromUtf8(json(e.parameters))).bind(5, e.startedMs);
    if (auto s = stmt->run(); !s)
        return s.error();
    return conn.lastInsertRowId();
}

Status finishExperiment(Connection &conn, qint64 id, qint64 endedMs, const QJsonObject &summary)
{
    auto stmt = conn.prepare("UPDATE experiments SET ended_ms = ?2, summary = ?3 WHERE id = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, id).bind(2, endedMs).bind(3, QString::fromUtf8(json(summary)));
    if (auto s = stmt->run(); !s)
        return s;
    if (conn.changes() == 0)
        return makeError(errc::ResourceNotFound, QStringLiteral("no experiment %1").arg(id));
    return {};
}

Result<QList<Experiment>> experiments(Connection &conn, qint64 fromMs, qint64 toMs, const QString &function)
{
    // A running experiment (ended_ms NULL) overlaps every window after its start.
    auto stmt = conn.prepare(QByteArray(kSelect)
                             + "WHERE started_ms <= ?2 AND coalesce(ended_ms, ?2) >= ?1 AND (?3 IS NULL OR function = ?3) "
                               "ORDER BY started_ms, id");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, fromMs).bind(2, toMs).bind(3, function.isEmpty() ? QString() : function);
    return collectRows<Experiment>(*stmt, fromRow);
}

Result<Experiment> experiment(Connection &conn, qint64 id)
{
    auto stmt = conn.prepare(QByteArray(kSelect) + "WHERE id = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, id);
    auto rows = collectRows<Experiment>(*stmt, fromRow);
    if (!rows)
        return rows.error();
    if (rows->isEmpty())
        return makeError(errc::ResourceNotFound, QStringLiteral("no experiment %1").arg(id));
    return rows->first();
}

} // namespace funcdesk::store
