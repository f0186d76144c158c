#include "invocationtable.h"

#include "store/blocks.h"
#include "store/sqlite.h"

#include <QtGlobal>

namespace funcdesk::test {

bool materializeInvocations(store::Connection &conn)
{
    if (!conn.exec("DROP TABLE IF EXISTS temp.invocations;"
                   "CREATE TEMP TABLE invocations(id INTEGER PRIMARY KEY, request_id TEXT, function TEXT, version TEXT, "
                   "alias TEXT, environment_id TEXT, trigger TEXT, start_ms INTEGER, duration_ms REAL, billed_ms "
                   "INTEGER, init_ms REAL, cold INTEGER, memory_mb INTEGER, max_memory_mb INTEGER, status TEXT, "
                   "error_type TEXT, error_message TEXT, request_bytes INTEGER, response_bytes INTEGER, cost_usd REAL, "
                   "architecture TEXT, log_truncated INTEGER)"))
        return false;
    auto blocks = conn.prepare("SELECT id, function, data FROM main.invocation_blocks ORDER BY id");
    auto insert = conn.prepare(
        "INSERT INTO temp.invocations VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,"
        "?21,?22)");
    if (!blocks || !insert)
        return false;
    bool ok = true;
    auto st = store::forEachBlock(*blocks, [&](const store::BlockReader &b) {
        for (int i = 0; i < b.size() && ok; ++i) {
            const InvocationRecord r = b.record(i);
            store::Statement &s = *insert;
            s.bind(1, b.invocationId(i)).bind(2, r.requestId).bind(3, r.function).bind(4, r.version);
            s.bind(5, r.alias).bind(6, r.environmentId).bind(7, triggerName(r.trigger)).bind(8, r.startMs);
            s.bind(9, r.durationMs).bind(10, r.billedDurationMs).bind(11, r.initDurationMs).bind(12, qint64(r.cold));
            s.bind(13, r.memorySizeMb).bind(14, r.maxMemoryUsedMb).bind(15, statusName(r.status));
            s.bind(16, r.errorType).bind(17, r.errorMessage).bind(18, r.requestBytes).bind(19, r.responseBytes);
            s.bind(20, r.costUsd).bind(21, r.architecture).bind(22, qint64(r.logTruncated));
            ok = s.run().ok();
        }
        return ok;
    });
    return ok && st.ok();
}

} // namespace funcdesk::test
