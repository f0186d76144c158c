#include "store/catalog.h"

#include "store/sqlite.h"

#include <QDateTime>

namespace funcdesk::store {

namespace {

qint64 orNow(qint64 ms) { return ms > 0 ? ms : QDateTime::currentMSecsSinceEpoch(); }
QString nullIfEmpty(const QString &s) { return s.isEmpty() ? QString() : s; }

FunctionRow functionFromRow(const Statement &s)
{
    return FunctionRow{s.text(0), s.text(1), s.text(2), int(s.int64(3)), int(s.int64(4)), s.text(5), s.text(6), s.int64(7)};
}

TestEvent testEventFromRow(const Statement &s) { return TestEvent{s.text(0), s.text(1), s.text(2), s.int64(3)}; }

Status runWith(Connection &conn, const char *sql, const QString &a, const QString &b = {})
{
    auto stmt = conn.prepare(sql);
    if (!stmt)
        return stmt.error();
    stmt->bind(1, a);
    if (!b.isNull())
        stmt->bind(2, b);
    return stmt->run();
}

} // namespace

Status upsertFunction(Connection &conn, const FunctionRow &r)
{
    auto stmt = conn.prepare(
        "INSERT INTO functions(name, runtime, handler, memory_mb, timeout_s, architecture, last_deploy_commit, "
        "updated_ms) VALUES (?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT(name) DO UPDATE SET runtime=excluded.runtime, "
        "handler=excluded.handler, memory_mb=excluded.memory_mb, timeout_s=excluded.timeout_s, "
        "architecture=excluded.architecture, last_deploy_commit=excluded.last_deploy_commit, "
        "updated_ms=excluded.updated_ms");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, r.name).bind(2, r.runtime).bind(3, r.handler).bind(4, r.memoryMb).bind(5, r.timeoutSeconds);
    stmt->bind(6, r.architecture).bind(7, nullIfEmpty(r.lastDeployCommit)).bind(8, orNow(r.updatedMs));
    return stmt->run();
}

Result<std::optional<FunctionRow>> functionRow(Connection &conn, const QString &name)
{
    auto stmt = conn.prepare("SELECT name, runtime, handler, memory_mb, timeout_s, architecture, last_deploy_commit, "
                             "updated_ms FROM functions WHERE name = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, name);
    auto rows = collectRows<FunctionRow>(*stmt, functionFromRow);
    if (!rows)
        return rows.error();
    return rows->isEmpty() ? std::optional<FunctionRow>() : std::optional<FunctionRow>(rows->first());
}

Result<QList<FunctionRow>> listFunctions(Connection &conn)
{
    auto stmt = conn.prepare("SELECT name, runtime, handler, memory_mb, timeout_s, architecture, last_deploy_commit, "
                             "updated_ms FROM functions ORDER BY name");
    if (!stmt)
        return stmt.error();
    return collectRows<FunctionRow>(*stmt, functionFromRow);
}

Status deleteFunction(Connection &conn, const QString &name)
{
    auto tx = Transaction::begin(conn);
    if (!tx)
        return tx.error();
    if (auto s = runWith(conn, "DELETE FROM functions WHERE name = ?1", name); !s)
        return s;
    if (auto s = runWith(conn, "DELETE FROM test_events WHERE function = ?1", name); !s)
        return s;
    return tx->commit();
}

Status insertVersion(Connection &conn, const VersionRow &r)
{
    auto stmt = conn.prepare(
        "INSERT INTO versions(function, number, commit_id, created_ms, description) VALUES (?1,?2,?3,?4,?5)");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, r.function).bind(2, r.number).bind(3, r.commit).bind(4, orNow(r.createdMs));
    stmt->bind(5, nullIfEmpty(r.description));
    return stmt->run();
}

Result<QList<VersionRow>> listVersions(Connection &conn, const QString &function)
{
    auto stmt = conn.prepare("SELECT function, number, commit_id, created_ms, description FROM versions "
                             "WHERE function = ?1 ORDER BY number");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, function);
    return collectRows<VersionRow>(*stmt, [](const Statement &s) {
        return VersionRow{s.text(0), int(s.int64(1)), s.text(2), s.int64(3), s.text(4)};
    });
}

Status upsertAlias(Connection &conn, const AliasRow &r)
{
    auto stmt = conn.prepare(
        "INSERT OR REPLACE INTO aliases(function, name, version, additional_version, additional_weight, description) "
        "VALUES (?1,?2,?3,?4,?5,?6)");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, r.function).bind(2, r.name).bind(3, r.version).bind(4, nullIfEmpty(r.additionalVersion));
    stmt->bind(5, r.additionalWeight).bind(6, nullIfEmpty(r.description));
    return stmt->run();
}

Result<QList<AliasRow>> listAliases(Connection &conn, const QString &function)
{
    auto stmt = conn.prepare("SELECT function, name, version, additional_version, additional_weight, description "
                             "FROM aliases WHERE function = ?1 ORDER BY name");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, function);
    return collectRows<AliasRow>(*stmt, [](const Statement &s) {
        return AliasRow{s.text(0), s.text(1), s.text(2), s.text(3), s.real(4), s.text(5)};
    });
}

Status deleteAlias(Connection &conn, const QString &function, const QString &name)
{
    return runWith(conn, "DELETE FROM aliases WHERE function = ?1 AND name = ?2", function, name);
}

Status saveTestEvent(Connection &conn, const TestEvent &e)
{
    auto stmt = conn.prepare(
        "INSERT OR REPLACE INTO test_events(function, name, json, updated_ms) VALUES (?1,?2,?3,?4)");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, e.function).bind(2, e.name).bind(3, e.json).bind(4, orNow(e.updatedMs));
    return stmt->run();
}

Result<std::optional<TestEvent>> testEvent(Connection &conn, const QString &function, const QString &name)
{
    auto stmt = conn.prepare(
        "SELECT function, name, json, updated_ms FROM test_events WHERE function = ?1 AND name = ?2");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, function).bind(2, name);
    auto rows = collectRows<TestEvent>(*stmt, testEventFromRow);
    if (!rows)
        return rows.error();
    return rows->isEmpty() ? std::optional<TestEvent>() : std::optional<TestEvent>(rows->first());
}

Result<QList<TestEvent>> listTestEvents(Connection &conn, const QString &function)
{
    auto stmt = conn.prepare(
        "SELECT function, name, json, updated_ms FROM test_events WHERE function = ?1 ORDER BY name");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, function);
    return collectRows<TestEvent>(*stmt, testEventFromRow);
}

Status deleteTestEvent(Connection &conn, const QString &function, const QString &name)
{
    return runWith(conn, "DELETE FROM test_events WHERE function = ?1 AND name = ?2", function, name);
}

} // namespace funcdesk::store
