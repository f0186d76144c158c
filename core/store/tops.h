#pragma once
// The slowest and the most expensive invocations of every function and minute.
//
// "Top N by duration (or cost) over a range" used to be answered from two indexes on
// invocations, (function, duration) and (function, cost): two random-order B-tree inserts
// for every record, a large share of what recording cost. Instead the writer keeps, per
// function and minute, the kTopsPerMinute largest of each in invocation_tops (a few dozen
// rows a minute, whatever the rate). Any top N with N <= kTopsPerMinute over whole minutes
// is exact: a member of the range's top N is among its own minute's top N. Partial minutes
// at the ends of a range are read from the function's invocation blocks (blocks.h).

#include "common/result.h"

#include <QString>

#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace funcdesk::store {

class Connection;
class Statement;

enum class RankBy { Duration = 0,
                    Cost = 1 };

inline constexpr int kTopsPerMinute = 25;

// Writer-thread state: the current tops of recently touched minutes. Entries not in
// memory are loaded from the table when touched again, so a restart or a late record
// (a 15-minute invocation finishing now) never loses a contender.
class TopsTracker
{
public:
    TopsTracker();
    ~TopsTracker();
    TopsTracker(TopsTracker &&) noexcept;
    TopsTracker &operator=(TopsTracker &&) noexcept;

    // invocationId: see blocks.h.
    void add(const QString &function, qint64 startMs, double durationMs, double costUsd, qint64 invocationId);
    // Rewrites the rows of every minute touched since the last call; call inside the
    // transaction that inserted the invocations.
    Status write(Connection &conn);
    // After a failed transaction: forget everything (ids may not exist); reload on demand.
    void reset();

private:
    using Candidate = std::pair<double, qint64>; // value, invocation id
    struct Entry
    {
        std::vector<Candidate> best[2]; // heaps, lowest ranked first, at most kTopsPerMinute each
        bool loaded = false;
        bool dirty = false;
    };
    // Whether `c` is now among the kept ones.
    static bool offer(std::vector<Candidate> &heap, Candidate c);
    Status load(const QString &function, qint64 minute, Entry &entry);

    std::map<std::pair<QString, qint64>, Entry> m_entries; // (function, minute)
    // The entry add() used last, until write() or reset(); a moved tracker forgets it.
    struct LastEntry
    {
        Entry *entry = nullptr;
        LastEntry() = default;
        LastEntry(LastEntry &&) noexcept {}
        LastEntry &operator=(LastEntry &&) noexcept
        {
            entry = nullptr;
            return *this;
        }
    } m_last;
    QString m_lastFunction;
    qint64 m_lastMinute = 0;
    qint64 m_newestMinute = 0;
    struct Statements;
    std::unique_ptr<Statements> m_stmts;
};

// Rebuilds invocation_tops from the invocation blocks (generated databases).
Status rebuildInvocationTops(Connection &conn);

} // namespace funcdesk::store
