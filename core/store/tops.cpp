#include "store/tops.h"

#include "store/blocks.h"
#include "store/sqlite.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace funcdesk::store {

namespace {
constexpr qint64 kKeptMinutes = 10; // in memory, behind the newest minute seen
}

struct TopsTracker::Statements
{
    Statement select;
    Statement remove;
    Statement insert;
};

TopsTracker::TopsTracker() = default;
TopsTracker::~TopsTracker() = default;
TopsTracker::TopsTracker(TopsTracker &&) noexcept = default;
TopsTracker &TopsTracker::operator=(TopsTracker &&) noexcept = default;

namespace {
// Higher value first; among equal values (all of one minute here) the lower invocation
// id, as the queries rank ties (queries.cpp), so the kept tops agree with a scan. It also
// means an invocation tying with the kept ones (a no-op function's equal costs) changes
// nothing to rewrite.
bool ranksAbove(const std::pair<double, qint64> &a, const std::pair<double, qint64> &b)
{
    return a.first > b.first || (a.first == b.first && a.second < b.second);
}
} // namespace

bool TopsTracker::offer(std::vector<Candidate> &heap, Candidate c)
{
    // A heap by ranksAbove keeps the lowest ranked of the kept ones at the front.
    if (heap.size() < size_t(kTopsPerMinute)) {
        heap.push_back(c);
        std::push_heap(heap.begin(), heap.end(), ranksAbove);
        return true;
    }
    if (!ranksAbove(c, heap.front()))
        return false;
    std::pop_heap(heap.begin(), heap.end(), ranksAbove);
    heap.back() = c;
    std::push_heap(heap.begin(), heap.end(), ranksAbove);
    return true;
}

void TopsTracker::add(const QString &function, qint64 startMs, double durationMs, double costUsd, qint64 invocationId)
{
    const qint64 minute = startMs / 60000;
    // SQLite stores NaN as NULL; a broken measurement must not poison the table.
    durationMs = std::isfinite(durationMs) ? durationMs : 0.0;
    costUsd = std::isfinite(costUsd) ? costUsd : 0.0;
    m_newestMinute = std::max(m_newestMinute, minute);
    // A batch is mostly one function, in start order: the last entry is usually the one
    // (map nodes stay put).
    if (!m_last.entry || m_lastMinute != minute || !sameString(m_lastFunction, function)) {
        m_last.entry = &m_entries[{function, minute}];
        m_lastFunction = function;
        m_lastMinute = minute;
    }
    Entry &e = *m_last.entry;
    const bool changed = offer(e.best[int(RankBy::Duration)], {durationMs, invocationId});
    // Not short-circuited: both must see the invocation.
    if (offer(e.best[int(RankBy::Cost)], {costUsd, invocationId}) || changed)
        e.dirty = true; // only a changed minute is rewritten
}

void TopsTracker::reset()
{
    m_last.entry = nullptr;
    m_entries.clear();
}

Status TopsTracker::load(const QString &function, qint64 minute, Entry &entry)
{
    Statement &s = m_stmts->select;
    s.bind(1, minute).bind(2, function);
    for (;;) {
        auto row = s.step();
        if (!row) {
            s.reset();
            return row.error();
        }
        if (!*row)
            break;
        const int rank = int(s.int64(0));
        if (rank == 0 || rank == 1)
            offer(entry.best[rank], {s.real(1), s.int64(2)});
    }
    s.reset();
    entry.loaded = true;
    return {};
}

Status TopsTracker::write(Connection &conn)
{
    if (!m_stmts) {
        auto select = conn.prepare("SELECT rank_by, value, invocation_id FROM invocation_tops "
                                   "WHERE minute = ?1 AND function = ?2");
        auto remove = conn.prepare("DELETE FROM invocation_tops WHERE minute = ?1 AND function = ?2");
        auto insert = conn.prepare(
            "INSERT INTO invocation_tops(minute, function, rank_by, value, invocation_id) VALUES (?1,?2,?3,?4,?5)");
        for (auto *r : {&select, &remove, &insert})
            if (!*r)
                return r->error();
        m_stmts.reset(new Statements{std::move(*select), std::move(*remove), std::move(*insert)});
    }
    m_last.entry = nullptr; // entries may be erased below
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        const auto &[function, minute] = it->first;
        Entry &e = it->second;
        if (e.dirty) {
            if (!e.loaded) {
                if (auto s = load(function, minute, e); !s)
                    return s;
            }
            m_stmts->remove.bind(1, minute).bind(2, function);
            if (auto s = m_stmts->remove.run(); !s)
                return s;
            for (int rank = 0; rank < 2; ++rank) {
                for (const Candidate &c : e.best[rank]) {
                    m_stmts->insert.bind(1, minute).bind(2, function).bind(3, rank).bind(4, c.first).bind(5, c.second);
                    if (auto s = m_stmts->insert.run(); !s)
                        return s;
                }
            }
            e.dirty = false;
        }
        if (minute < m_newestMinute - kKeptMinutes)
            it = m_entries.erase(it);
        else
            ++it;
    }
    return {};
}

Status rebuildInvocationTops(Connection &conn)
{
    if (auto s = conn.exec("DELETE FROM invocation_tops"); !s)
        return s;
    auto stmt = conn.prepare("SELECT id, function, data FROM invocation_blocks ORDER BY id");
    if (!stmt)
        return stmt.error();
    TopsTracker tops;
    Status failed;
    auto st = forEachBlock(*stmt, [&](const BlockReader &block) {
        for (int i = 0; i < block.size(); ++i) {
            tops.add(block.function(), block.startMs(i), block.durationMs(i), block.costUsd(i), block.invocationId(i));
        }
        failed = tops.write(conn);
        return failed.ok();
    });
    if (!st)
        return st;
    return failed;
}

} // namespace funcdesk::store
