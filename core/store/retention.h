#pragma once
// Retention: how long raw rows and rollups are kept, and pruning in small chunks.
// The writer calls pruneStep() on its thread between batches; tests call it directly.
//
// Per-minute rollups are maintained by the writer in the same transaction as the
// per-second ones, so "rolling up" seconds into minutes needs no separate pass: once
// per-second rows are older than secondRollupMaxAgeMs they are deleted and the minute
// rows (kept minuteRollupMaxAgeMs) remain.
//
// Invocations are pruned a block at a time (blocks.h): by age once a block's newest
// start is past the cutoff, by the cap (counted exactly, in invocation_count) oldest
// block first. The log_lines cap uses max(id) - min(id) + 1 as the row count (ids only
// grow), which can overestimate after time-based pruning left gaps, so that cap may
// prune slightly early.

#include "common/result.h"

namespace funcdesk::store {

class Connection;

struct RetentionPolicy
{
    qint64 rawMaxAgeMs = 7LL * 24 * 3600 * 1000; // invocations and log_lines
    qint64 rawMaxRows = 5'000'000;               // per table
    qint64 secondRollupMaxAgeMs = 48LL * 3600 * 1000;
    qint64 minuteRollupMaxAgeMs = 90LL * 24 * 3600 * 1000;
    int chunkRows = 2000;    // rows per table per step (the
                             // writer raises it to keep pace)
    int intervalMs = 10'000; // between pruning passes
};

struct PruneResult
{
    qint64 deleted = 0;
    bool more = false; // some table hit the chunk limit: call again soon
};

// One pruning step: deletes at most policy.chunkRows rows from each table, in one
// transaction.
Result<PruneResult> pruneStep(Connection &conn, const RetentionPolicy &policy, qint64 nowMs);
// Repeats pruneStep until nothing is left to prune.
Result<qint64> pruneAll(Connection &conn, const RetentionPolicy &policy, qint64 nowMs);

} // namespace funcdesk::store
