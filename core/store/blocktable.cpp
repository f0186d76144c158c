// The block table's side of invocation blocks (blocks.h): reading blocks from a query,
// appending a batch's records as blocks, deleting blocks with their request id rows.
// The blob format itself, encoded and read, is in blocks.cpp.
#include "store/blocks.h"

#include "common/logging.h"
#include "store/sqlite.h"
#include "store/tops.h"

#include <algorithm>

namespace funcdesk::store {

Status forEachBlock(Statement &stmt, const std::function<bool(const BlockReader &)> &visit)
{
    for (;;) {
        auto row = stmt.step();
        if (!row)
            return row.error();
        if (!*row)
            return {};
        auto block = BlockReader::parse(stmt.blob(2), stmt.text(1), stmt.int64(0));
        if (!block) { // one damaged row must not hide every other invocation
            qCWarning(lcStore) << "skipping" << block.error().toString();
            continue;
        }
        if (!visit(*block))
            return {};
    }
}

// ---- BlockWriter --------------------------------------------------------------------

struct BlockWriter::Statements
{
    Statement insertBlock;
    Statement insertId;
};

BlockWriter::BlockWriter() = default;
BlockWriter::BlockWriter(BlockWriter &&) noexcept = default;
BlockWriter &BlockWriter::operator=(BlockWriter &&) noexcept = default;
BlockWriter::~BlockWriter() = default;

Result<BlockWriter> BlockWriter::create(Connection &conn)
{
    auto block = conn.prepare("INSERT INTO invocation_blocks(function, first_start_ms, last_start_ms, rows, data) "
                              "VALUES (?1,?2,?3,?4,?5)");
    if (!block)
        return block.error();
    auto id = conn.prepare("INSERT OR IGNORE INTO invocation_request_ids(request_id, block_id) VALUES (?1,?2)");
    if (!id)
        return id.error();
    BlockWriter w;
    w.m_stmts.reset(new Statements{std::move(*block), std::move(*id)});
    w.m_conn = &conn;
    return w;
}

namespace {

// Stable, by start time. Records arrive in the order they finished, which is nearly the
// order they started (a record is out of place by about the number in flight): an
// insertion sort is linear then. Past a budget of moves it hands over to a merge sort.
void sortByStart(std::vector<const InvocationRecord *> &group)
{
    size_t moves = 0;
    const size_t budget = 16 * group.size();
    for (size_t i = 1; i < group.size(); ++i) {
        const InvocationRecord *r = group[i];
        size_t j = i;
        while (j > 0 && group[j - 1]->startMs > r->startMs) {
            group[j] = group[j - 1];
            --j;
            if (++moves > budget) {
                group[j] = r;
                std::stable_sort(group.begin(), group.end(),
                                 [](const InvocationRecord *a, const InvocationRecord *b) { return a->startMs < b->startMs; });
                return;
            }
        }
        group[j] = r;
    }
}

} // namespace

Status BlockWriter::append(const std::vector<InvocationRecord> &records, TopsTracker *tops)
{
    if (records.empty())
        return {};
    // Usually one function; keep its order of first appearance.
    for (auto &group : m_groups)
        group.clear(); // keeps the capacity
    size_t groupCount = 0;
    {
        std::vector<const QString *> names;
        for (const InvocationRecord &r : records) {
            size_t g = 0;
            while (g < names.size() && !sameString(*names[g], r.function))
                ++g;
            if (g == names.size()) {
                names.push_back(&r.function);
                if (m_groups.size() < names.size())
                    m_groups.emplace_back();
                m_groups[g].reserve(records.size());
            }
            m_groups[g].push_back(&r);
        }
        groupCount = names.size();
    }
    m_groups.resize(groupCount); // drops the spares of a batch with more functions
    for (size_t g = 0; g < groupCount; ++g) {
        auto &group = m_groups[g];
        sortByStart(group);
        for (size_t at = 0, end = 0; at < group.size(); at = end) {
            end = at + 1;
            while (end < group.size() && end - at < size_t(kBlockRows)
                   && group[end]->startMs - group[at]->startMs <= kMaxBlockSpanMs)
                ++end;
            const std::span<const InvocationRecord *const> chunk(group.data() + at, end - at);
            Statement &s = m_stmts->insertBlock;
            s.bind(1, chunk.front()->function).bind(2, chunk.front()->startMs).bind(3, chunk.back()->startMs);
            s.bind(4, qint64(chunk.size())).bindBorrowed(5, m_encoder.encode(chunk));
            if (auto st = s.run(); !st)
                return st;
            const qint64 blockId = m_conn->lastInsertRowId();
            for (size_t i = 0; i < chunk.size(); ++i) {
                const InvocationRecord &r = *chunk[i];
                if (!foundByRequestIdTime(r.requestId, r.startMs)) {
                    m_stmts->insertId.bind(1, r.requestId).bind(2, blockId);
                    if (auto st = m_stmts->insertId.run(); !st)
                        return st;
                }
                if (tops)
                    tops->add(r.function, r.startMs, r.durationMs, r.costUsd, invocationIdOf(blockId, int(i)));
            }
        }
    }
    return {};
}

Result<qint64> deleteBlocks(Connection &conn, const std::vector<qint64> &blockIds)
{
    auto select = conn.prepare("SELECT id, function, data FROM invocation_blocks WHERE id = ?1");
    if (!select)
        return select.error();
    auto delId = conn.prepare("DELETE FROM invocation_request_ids WHERE request_id = ?1 AND block_id = ?2");
    if (!delId)
        return delId.error();
    auto delBlock = conn.prepare("DELETE FROM invocation_blocks WHERE id = ?1");
    if (!delBlock)
        return delBlock.error();
    qint64 deleted = 0;
    for (qint64 id : blockIds) {
        select->bind(1, id);
        auto row = select->step();
        if (!row)
            return row.error();
        if (!*row) {
            select->reset();
            continue;
        }
        auto block = BlockReader::parse(select->blob(2), select->text(1), id);
        select->reset();
        if (block) {
            for (int i = 0; i < block->size(); ++i) {
                const QString requestId = block->requestId(i);
                if (!foundByRequestIdTime(requestId, block->startMs(i))) {
                    delId->bind(1, requestId).bind(2, id);
                    if (auto s = delId->run(); !s)
                        return s.error();
                }
            }
            deleted += block->size();
        } else {
            // Gone either way; its request id rows (if any) point nowhere and match nothing.
            qCWarning(lcStore) << "deleting an unreadable block:" << block.error().toString();
        }
        delBlock->bind(1, id);
        if (auto s = delBlock->run(); !s)
            return s.error();
    }
    return deleted;
}

Result<QList<InvocationRecord>> allInvocations(Connection &conn)
{
    auto stmt = conn.prepare("SELECT id, function, data FROM invocation_blocks ORDER BY id");
    if (!stmt)
        return stmt.error();
    QList<InvocationRecord> out;
    auto st = forEachBlock(*stmt, [&](const BlockReader &block) {
        for (int i = 0; i < block.size(); ++i)
            out.append(block.record(i));
        return true;
    });
    if (!st)
        return st.error();
    return out;
}

} // namespace funcdesk::store
