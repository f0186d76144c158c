#include "store/migrations.h"

#include "store/sqlite.h"
#include "store/tops.h"

namespace funcdesk::store {

namespace {

constexpr const char *kSchema1 = R"sql(
CREATE TABLE functions(
  name TEXT PRIMARY KEY,
  runtime TEXT NOT NULL,
  handler TEXT NOT NULL,
  memory_mb INTEGER NOT NULL,
  timeout_s INTEGER NOT NULL,
  architecture TEXT NOT NULL DEFAULT 'x86_64',
  last_deploy_commit TEXT,
  updated_ms INTEGER NOT NULL);
CREATE TABLE versions(
  function TEXT NOT NULL REFERENCES functions(name) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  commit_id TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  description TEXT,
  PRIMARY KEY(function, number)) WITHOUT ROWID;
CREATE TABLE aliases(
  function TEXT NOT NULL REFERENCES functions(name) ON DELETE CASCADE,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  additional_version TEXT,
  additional_weight REAL NOT NULL DEFAULT 0,
  description TEXT,
  PRIMARY KEY(function, name)) WITHOUT ROWID;
CREATE TABLE invocations(
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL,
  function TEXT NOT NULL,
  version TEXT NOT NULL,
  alias TEXT,
  environment_id TEXT,
  trigger TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  billed_ms INTEGER NOT NULL,
  init_ms REAL NOT NULL,
  cold INTEGER NOT NULL,
  memory_mb INTEGER NOT NULL,
  max_memory_mb INTEGER NOT NULL,
  status TEXT NOT NULL,
  error_type TEXT,
  error_message TEXT,
  request_bytes INTEGER NOT NULL,
  response_bytes INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  architecture TEXT NOT NULL,
  log_truncated INTEGER NOT NULL);
CREATE INDEX invocations_request ON invocations(request_id);
CREATE INDEX invocations_start ON invocations(start_ms);
CREATE INDEX invocations_function_start ON invocations(function, start_ms);
CREATE TABLE log_lines(
  id INTEGER PRIMARY KEY,
  ts_ms INTEGER NOT NULL,
  request_id TEXT,
  function TEXT NOT NULL,
  environment_id TEXT,
  text TEXT NOT NULL);
CREATE INDEX log_lines_ts ON log_lines(ts_ms);
CREATE TABLE async_events(
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL,
  function TEXT NOT NULL,
  qualifier TEXT NOT NULL,
  payload BLOB NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  first_received_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  last_error TEXT);
CREATE INDEX async_events_due ON async_events(status, next_attempt_ms);
CREATE TABLE test_events(
  function TEXT NOT NULL,
  name TEXT NOT NULL,
  json TEXT NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY(function, name)) WITHOUT ROWID;
)sql";

// Same columns at both resolutions; ts is the bucket start in seconds since the epoch.
constexpr const char *kRollupColumns = R"sql(
  function TEXT NOT NULL,
  ts INTEGER NOT NULL,
  version TEXT NOT NULL,
  count INTEGER NOT NULL DEFAULT 0,
  cold INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  timeouts INTEGER NOT NULL DEFAULT 0,
  ooms INTEGER NOT NULL DEFAULT 0,
  crashes INTEGER NOT NULL DEFAULT 0,
  throttles INTEGER NOT NULL DEFAULT 0,
  duration_sum REAL NOT NULL DEFAULT 0,
  duration_max REAL NOT NULL DEFAULT 0,
  init_sum REAL NOT NULL DEFAULT 0,
  init_count INTEGER NOT NULL DEFAULT 0,
  gb_seconds REAL NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  peak_concurrency INTEGER NOT NULL DEFAULT 0,
  hist BLOB,
  PRIMARY KEY(function, ts, version)) WITHOUT ROWID;
)sql";

Status step1(Connection &conn)
{
    if (auto s = conn.exec(kSchema1); !s)
        return s;
    for (const char *table : {"rollups_1s", "rollups_1m"}) {
        const QByteArray name(table);
        const QByteArray sql = "CREATE TABLE " + name + "(" + kRollupColumns + "CREATE INDEX " + name + "_ts ON "
            + name + "(ts);";
        if (auto s = conn.exec(sql.constData()); !s)
            return s;
    }
    return {};
}

Status step2(Connection &conn)
{
    if (auto s = conn.exec("CREATE INDEX invocations_function_duration ON invocations(function, duration_ms);"
                           "CREATE INDEX invocations_function_cost ON invocations(function, cost_usd);"
                           "CREATE INDEX log_lines_function_ts ON log_lines(function, ts_ms);");
        !s)
        return s;
    if (!hasFts5())
        return {};
    // The engine's framing lines (START / END / REPORT) are left out of the text index:
    // each carries a unique request id, which made indexing them cost more than the rest
    // of the write path, and they are found by request id anyway.
    return conn.exec(R"sql(
CREATE VIRTUAL TABLE log_fts USING fts5(text, content='log_lines', content_rowid='id');
CREATE TRIGGER log_lines_fts_insert AFTER INSERT ON log_lines
  WHEN new.text NOT GLOB 'START RequestId: *' AND new.text NOT GLOB 'END RequestId: *'
   AND new.text NOT GLOB 'REPORT RequestId: *'
BEGIN
  INSERT INTO log_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER log_lines_fts_delete AFTER DELETE ON log_lines
  WHEN old.text NOT GLOB 'START RequestId: *' AND old.text NOT GLOB 'END RequestId: *'
   AND old.text NOT GLOB 'REPORT RequestId: *'
BEGIN
  INSERT INTO log_fts(log_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
INSERT INTO log_fts(rowid, text) SELECT id, text FROM log_lines
  WHERE text NOT GLOB 'START RequestId: *' AND text NOT GLOB 'END RequestId: *'
    AND text NOT GLOB 'REPORT RequestId: *';
)sql");
}

// Recording got cheaper: the per-minute tops replace the two top-N indexes (see tops.h),
// and START / END / REPORT lines are rebuilt from the invocation rows on read instead of
// being stored (see LogLine::framing), so the stored copies of requests whose row is
// still there go. Queued async events keep
// what sent them (a schedule or the Invoke API), so a resumed event is recorded as such.
Status step3(Connection &conn)
{
    if (auto s = conn.exec(R"sql(
CREATE TABLE invocation_tops(
  minute INTEGER NOT NULL,
  function TEXT NOT NULL,
  rank_by INTEGER NOT NULL,
  invocation_id INTEGER NOT NULL,
  value REAL NOT NULL, -- after the key columns: SQLite 3.40's integrity_check misreads NOT NULL otherwise
  PRIMARY KEY(minute, function, rank_by, invocation_id)) WITHOUT ROWID;
CREATE INDEX invocation_tops_value ON invocation_tops(function, rank_by, value);
DROP INDEX invocations_function_duration;
DROP INDEX invocations_function_cost;
DELETE FROM log_lines WHERE (text GLOB 'START RequestId: *' OR text GLOB 'END RequestId: *'
  OR text GLOB 'REPORT RequestId: *') AND request_id IN (SELECT request_id FROM invocations);
ALTER TABLE async_events ADD COLUMN trigger TEXT NOT NULL DEFAULT 'async';
)sql");
        !s)
        return s;
    return rebuildInvocationTops(conn);
}

using Step = Status (*)(Connection &);
constexpr Step kSteps[kSchemaVersion] = {step1, step2, step3};

} // namespace

Result<int> schemaVersion(Connection &conn)
{
    auto v = conn.queryInt("PRAGMA user_version");
    if (!v)
        return v.error();
    return int(*v);
}

Status migrate(Connection &conn, int target)
{
    auto current = schemaVersion(conn);
    if (!current)
        return current.error();
    if (*current > kSchemaVersion)
        return makeError(QLatin1String(kStoreError),
                         QStringLiteral("%1 has schema version %2, newer than this Funcdesk knows (%3)")
                             .arg(conn.path())
                             .arg(*current)
                             .arg(kSchemaVersion));
    for (int version = *current + 1; version <= target && version <= kSchemaVersion; ++version) {
        auto tx = Transaction::begin(conn);
        if (!tx)
            return tx.error();
        // Re-read under the write lock: another process may have migrated meanwhile.
        auto now = schemaVersion(conn);
        if (!now)
            return now.error();
        if (*now >= version)
            continue;
        if (auto s = kSteps[version - 1](conn); !s)
            return makeError(s.error().type, QStringLiteral("migration %1: %2").arg(version).arg(s.error().message));
        const QByteArray pragma = "PRAGMA user_version=" + QByteArray::number(version);
        if (auto s = conn.exec(pragma.constData()); !s)
            return s;
        if (auto s = tx->commit(); !s)
            return s;
    }
    return {};
}

bool hasLogFts(Connection &conn)
{
    auto n = conn.queryInt("SELECT count(*) FROM sqlite_schema WHERE name='log_fts'");
    return n.ok() && *n > 0;
}

} // namespace funcdesk::store
