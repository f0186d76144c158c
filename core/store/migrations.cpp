#include "store/migrations.h"

#include "store/alarms.h"
#include "store/blocks.h"
#include "store/queues.h"
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

// The per-minute tops from one-row-per-invocation tables (schema 3).
Status rebuildTopsFromRows(Connection &conn)
{
    const QByteArray k = QByteArray::number(kTopsPerMinute);
    const QByteArray sql = "DELETE FROM invocation_tops;"
                           "INSERT INTO invocation_tops(minute, function, rank_by, value, invocation_id) "
                           "SELECT minute, function, 0, duration_ms, id FROM (SELECT start_ms / 60000 AS minute, function, duration_ms, id, "
                           "row_number() OVER (PARTITION BY function, start_ms / 60000 ORDER BY duration_ms DESC) AS n FROM invocations) "
                           "WHERE n <= "
        + k + ";"
              "INSERT INTO invocation_tops(minute, function, rank_by, value, invocation_id) "
              "SELECT minute, function, 1, cost_usd, id FROM (SELECT start_ms / 60000 AS minute, function, cost_usd, id, "
              "row_number() OVER (PARTITION BY function, start_ms / 60000 ORDER BY cost_usd DESC) AS n FROM invocations) "
              "WHERE n <= "
        + k + ";";
    return conn.exec(sql.constData());
}

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
    return rebuildTopsFromRows(conn);
}

// Schema 3's invocation rows into blocks, per function in start order, as the writer
// cuts them; the tops as the writer keeps them.
Status convertRowsToBlocks(Connection &conn)
{
    auto rows = conn.prepare(
        "SELECT request_id, function, version, alias, environment_id, trigger, start_ms, duration_ms, billed_ms, "
        "init_ms, cold, memory_mb, max_memory_mb, status, error_type, error_message, request_bytes, response_bytes, "
        "cost_usd, architecture, log_truncated FROM invocations ORDER BY function, start_ms, id");
    if (!rows)
        return rows.error();
    auto blocks = BlockWriter::create(conn);
    if (!blocks)
        return blocks.error();
    TopsTracker tops;
    std::vector<InvocationRecord> pending;
    auto flush = [&]() -> Status {
        if (auto s = blocks->append(pending, &tops); !s)
            return s;
        pending.clear();
        return tops.write(conn);
    };
    for (;;) {
        auto row = rows->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        const Statement &r = *rows;
        InvocationRecord rec;
        rec.requestId = r.text(0);
        rec.function = r.text(1);
        rec.version = r.text(2);
        rec.alias = r.text(3);
        rec.environmentId = r.text(4);
        rec.trigger = triggerFromName(r.text(5));
        rec.startMs = r.int64(6);
        rec.durationMs = r.real(7);
        rec.billedDurationMs = r.int64(8);
        rec.initDurationMs = r.real(9);
        rec.cold = r.int64(10) != 0;
        rec.memorySizeMb = int(r.int64(11));
        rec.maxMemoryUsedMb = int(r.int64(12));
        rec.status = statusFromName(r.text(13));
        rec.errorType = r.text(14);
        rec.errorMessage = r.text(15);
        rec.requestBytes = r.int64(16);
        rec.responseBytes = r.int64(17);
        rec.costUsd = r.real(18);
        rec.architecture = r.text(19);
        rec.logTruncated = r.int64(20) != 0;
        if (!pending.empty() && pending.back().function != rec.function) {
            if (auto s = flush(); !s)
                return s;
        }
        pending.push_back(std::move(rec));
        if (pending.size() >= size_t(64 * kBlockRows)) {
            if (auto s = flush(); !s)
                return s;
        }
    }
    return flush();
}

// Invocation records move into packed blocks (see blocks.h): one row per invocation with
// three indexes was most of what recording cost. Rows are read per function in start
// order and cut into blocks as the writer cuts them; a row whose id is not a UUIDv7 made
// when it started (all of them before schema 3's UUIDv7 ids) gets an
// invocation_request_ids row. The tops are rebuilt to refer to the new invocation ids.
Status step4(Connection &conn)
{
    if (auto s = conn.exec(R"sql(
CREATE TABLE invocation_blocks(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  function TEXT NOT NULL,
  first_start_ms INTEGER NOT NULL,
  last_start_ms INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  data BLOB NOT NULL);
CREATE INDEX invocation_blocks_function ON invocation_blocks(function, last_start_ms, first_start_ms);
CREATE INDEX invocation_blocks_last ON invocation_blocks(last_start_ms, first_start_ms);
CREATE TABLE invocation_request_ids(
  request_id TEXT NOT NULL,
  block_id INTEGER NOT NULL,
  PRIMARY KEY(request_id, block_id)) WITHOUT ROWID;
CREATE TABLE invocation_count(n INTEGER NOT NULL);
INSERT INTO invocation_count VALUES (0);
CREATE TRIGGER invocation_blocks_count_insert AFTER INSERT ON invocation_blocks
BEGIN
  UPDATE invocation_count SET n = n + new.rows;
END;
CREATE TRIGGER invocation_blocks_count_delete AFTER DELETE ON invocation_blocks
BEGIN
  UPDATE invocation_count SET n = n - old.rows;
END;
DELETE FROM invocation_tops;
)sql");
        !s)
        return s;
    if (auto s = convertRowsToBlocks(conn); !s)
        return s;
    return conn.exec("DROP TABLE invocations;");
}

// Experiments (store/experiments.h): recorded runs (load, power tuning, replay, scenario)
// with their parameters and result summary as JSON. ended_ms stays NULL while a run is
// going (and for a run a crash cut short).
Status step5(Connection &conn)
{
    return conn.exec(R"sql(
CREATE TABLE experiments(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  function TEXT NOT NULL,
  label TEXT NOT NULL,
  parameters TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  ended_ms INTEGER,
  summary TEXT);
CREATE INDEX experiments_started ON experiments(started_ms);
)sql");
}

// Captured exchanges for replay (store/captures.h): a ring of rows per function, keyed
// by slot (seq modulo the ring's size; seq counts the function's captures), so a capture
// overwrites the oldest without a DELETE. Read by function (at
// most the ring's size per function), so no other index.
Status step6(Connection &conn)
{
    return conn.exec(R"sql(
CREATE TABLE captures(
  function TEXT NOT NULL,
  slot INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  version TEXT NOT NULL,
  alias TEXT,
  trigger TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  status TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  error_type TEXT,
  request BLOB,
  response BLOB,
  response_kept INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY(function, slot)) WITHOUT ROWID;
)sql");
}

// Traces (common/trace.h): one row per invocation that is part of a multi-function trace
// (it was called by a function, or called one), written by the writer with its record;
// and the trace header an async event arrived with, so its run continues the trace.
Status step7(Connection &conn)
{
    return conn.exec(R"sql(
CREATE TABLE trace_spans(
  span_id TEXT PRIMARY KEY,
  trace_id TEXT NOT NULL,
  parent_span_id TEXT,
  request_id TEXT NOT NULL,
  function TEXT NOT NULL,
  version TEXT NOT NULL,
  trigger TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  init_ms REAL NOT NULL,
  status TEXT NOT NULL,
  error_type TEXT,
  error_message TEXT) WITHOUT ROWID;
CREATE INDEX trace_spans_trace ON trace_spans(trace_id, start_ms);
CREATE INDEX trace_spans_start ON trace_spans(start_ms);
ALTER TABLE async_events ADD COLUMN trace_header TEXT;
)sql");
}

// Queues, their messages and event source mappings (store/queues.h).
Status step8(Connection &conn)
{
    return createQueueTables(conn);
}

using Step = Status (*)(Connection &);
constexpr Step kSteps[kSchemaVersion] = {step1, step2, step3, step4, step5, step6, step7, step8, migrateAlarms};

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
        return makeError(errc::StoreError,
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
