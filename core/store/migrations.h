#pragma once
// Numbered schema migrations, tracked in PRAGMA user_version. Each step runs in its own
// transaction, so a crash leaves the database at the previous complete version.
// Runs on the thread that owns the connection (Connection::open calls migrate()).
//
// 1: functions, versions, aliases, invocations, log_lines, async_events, rollups_1s,
//    rollups_1m, test_events.
// 2: top-N indexes on invocations (function, duration) and (function, cost), an index on
//    log_lines (function, ts); log text search: an FTS5 index over log_lines (the engine's
//    framing lines START/END/REPORT excluded) when SQLite has FTS5, else LIKE scans
//    bounded by the time window.
// 3: invocation_tops (per function and minute, the slowest and most expensive) replaces
//    the two top-N indexes; START / END / REPORT lines are no longer stored (rebuilt from
//    invocation rows on read), existing copies deleted; async_events.trigger.
// 4: invocation records packed into invocation_blocks (see blocks.h) with
//    invocation_request_ids and invocation_count; the invocations table goes.
// 5: experiments (recorded load, power tuning, replay and scenario runs).
// 6: captures (payloads kept for replay).
// 7: trace_spans, async_events.trace_header (store/traces.h).
// 8: queues, queue_messages, event_source_mappings (store/queues.h).
// 9: alarms and alarm_history (store/alarms.h).

#include "common/result.h"

namespace funcdesk::store {

class Connection;

inline constexpr int kSchemaVersion = 9;

// Brings the schema from its current version up to `target` (default: latest). A newer
// schema than this build knows is an error (the file is left alone).
Status migrate(Connection &conn, int target = kSchemaVersion);
Result<int> schemaVersion(Connection &conn);
// Whether log search uses FTS5 in this database (schema >= 2 and FTS5 available).
bool hasLogFts(Connection &conn);

} // namespace funcdesk::store
