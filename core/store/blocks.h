#pragma once
// Invocation records, stored packed: many to a row.
//
// Recording must not slow the engine (budget: throughput with recording >= 95 %
// of without). With one SQLite row per invocation, the row and its three index entries
// (request id, start, function + start) cost about 3.5 us of the writer's CPU per record,
// most of the 4-5 us it spent, and on two busy cores that came straight out of the
// functions' throughput. So the writer packs up to kBlockRows records of one function
// into one row of invocation_blocks (sorted by start, with the block's first and last
// start in indexed columns), and a request id is found from its time instead of an
// index entry per record:
//
// - The engine's request ids are UUIDv7: their first 48 bits are the millisecond the id
//   was made, just before the invocation starts. A record whose start is within
//   kRequestIdSlackMs of its id's time is found by reading the blocks whose start range
//   covers that time (a few, each a single B-tree read) and comparing ids.
// - Every other record (an async event that waited in the queue, a retry, an id that is
//   not a UUIDv7, rows migrated from older schemas) gets a row in invocation_request_ids.
//
// Invocations are addressed by an invocation id, block id * kBlockIdSlots + slot, which
// the per-minute tops (tops.h) refer to. Block ids are never reused (AUTOINCREMENT).
//
// The blob (format 4, little-endian): u8 format, u32 string count, per string u32 byte
// length and UTF-8 bytes, u32 record count, u32 mask of the columns stored once, u32
// mask of the columns stored narrow, the block's earliest start (i64) when starts are
// narrow, the once-stored columns' values in column order, then per record its other
// columns in column order.
// The columns, with the bytes each takes at full width: start_ms i64 (8), duration_ms
// f64 (8), billed_ms i64 (8), init_ms f64 (8), cost_usd f64 (8), request_bytes u32 (4),
// response_bytes u32 (4), memory_mb i32 (4), max_memory_mb i32 (4), nine u16 string
// indexes (2 each) of request id, version, alias, environment id, trigger, status, error
// type, error message, architecture, u16 flags (1: cold, 2: log truncated, 4: binary
// request id), and 16 bytes: the request id when it is a UUID in canonical text form
// (flag 4; its string index is then unused). Every other id is a string, so each reads
// back as written. A block has at most kBlockRows * 9 strings, so u16 indexes suffice.
//
// A column is stored once when every record of the block has the same bytes in it: a
// function's memory, version, alias, trigger, architecture, usually its status, request
// and response sizes, and for short invocations its billed time and cost.
//
// A column stored per record is narrow when every record's value fits its narrow form:
// a start as u16 milliseconds after the block's earliest (a block spans at most
// kMaxBlockSpanMs), a duration or init time as u32 nanoseconds (the engine measures
// steady-clock nanoseconds, so the double reads back bit for bit; up to 4.29 s), billed
// time as u32, sizes and memory as u16, string indexes and flags as u8, and a UUIDv7
// request id as 12 bytes: its 48-bit time as an i16 difference to the record's start
// (the engine makes the id just before the start), then its other 10 bytes. Every
// value reads back exactly as written; a value that does not fit keeps its column wide
// for that block. A no-op function's records take about 21 bytes instead of 92. Records of
// one block stay one size, so record i is still found without decoding the others.
// Every byte written is written three times (page, WAL, checkpoint), and the database is
// that much smaller.
//
// Older formats still read: format 3 stores the other columns at full width (34-44
// bytes for a no-op record); format 2 stores every column in every record (92 bytes);
// format 1 also lacks the UUID column and flag 4 (76 bytes, every request id a string).

#include "common/invocationrecord.h"
#include "common/result.h"

#include <QByteArray>
#include <QString>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace funcdesk::store {

class Connection;
class Statement;
class TopsTracker;

inline constexpr int kBlockRows = 1024;
inline constexpr qint64 kBlockIdSlots = 4096;
inline constexpr qint64 kRequestIdSlackMs = 1000;
// A block's records started within this of each other, so the blocks holding any instant
// are found by a bounded range of the last_start_ms index.
inline constexpr qint64 kMaxBlockSpanMs = 2000;

inline qint64 invocationIdOf(qint64 blockId, int slot) { return blockId * kBlockIdSlots + slot; }

// The millisecond a UUIDv7 request id was made; nothing for any other id.
std::optional<qint64> requestIdTimeMs(QStringView requestId);
// Whether a record can be found by its request id's time alone (see above).
bool foundByRequestIdTime(QStringView requestId, qint64 startMs);

// Encodes records (all of one function) into a block blob.
QByteArray encodeBlock(std::span<const InvocationRecord *const> records);

// The same, into buffers kept from one block to the next: the writer encodes a block of
// ~90 KB every few milliseconds, and fresh buffers of that size were released to the
// kernel and faulted back in, page by page, for every block.
class BlockEncoder
{
public:
    // Valid until the next call.
    QByteArrayView encode(std::span<const InvocationRecord *const> records);

private:
    std::vector<char> m_fixed;
    std::vector<char> m_out;
};

// Read access to one block's records without decoding the ones not asked for.
class BlockReader
{
public:
    // Fails on a blob this build cannot read (unknown format, truncated).
    static Result<BlockReader> parse(QByteArray data, QString function, qint64 blockId);

    int size() const { return m_count; }
    qint64 blockId() const { return m_blockId; }
    const QString &function() const { return m_function; }
    qint64 invocationId(int i) const { return invocationIdOf(m_blockId, i); }
    qint64 startMs(int i) const;
    double durationMs(int i) const;
    double costUsd(int i) const;
    bool hasRequestId(int i, const QByteArray &utf8) const;
    QString requestId(int i) const;
    InvocationRecord record(int i) const;

private:
    BlockReader() = default;
    void columnBytes(int i, int column, char *out) const; // record i's column at full width
    template<typename T>
    T value(int i, int column) const;
    quint16 stringIndex(int i, int stringField) const;
    QString string(quint32 index) const;
    bool binaryId(int i) const;

    enum class Where : quint8 { PerRecord,
                                Narrowed,
                                Once,
                                Absent };
    struct Place
    {
        Where where = Where::Absent;
        qsizetype offset = 0; // in the record (PerRecord) or in the blob (Once)
    };
    QByteArray m_data;
    QString m_function;
    qint64 m_blockId = 0;
    int m_count = 0;
    qsizetype m_recordsOffset = 0;
    qsizetype m_recordBytes = 0; // the columns stored per record
    qint64 m_startBase = 0;      // format 4 with starts narrowed: the block's earliest
    bool m_binaryIds = false;    // format 2 and later
    std::array<Place, 20> m_columnAt{};
    std::vector<std::pair<qsizetype, quint32>> m_strings; // offset, byte length
    mutable std::vector<std::optional<QString>> m_decoded;
};

// Runs `stmt` (columns: id, function, data) and hands each block to `visit`, which
// returns false to stop. A block that cannot be read is skipped with a warning.
Status forEachBlock(Statement &stmt, const std::function<bool(const BlockReader &)> &visit);

// Writer side: appends records as blocks in the caller's transaction.
class BlockWriter
{
public:
    static Result<BlockWriter> create(Connection &conn);
    BlockWriter(BlockWriter &&) noexcept;
    BlockWriter &operator=(BlockWriter &&) noexcept;
    ~BlockWriter();

    // Groups by function, sorts each group by start, writes blocks of up to kBlockRows
    // spanning at most kMaxBlockSpanMs, indexes the request ids that need it, and offers every record to `tops`.
    Status append(const std::vector<InvocationRecord> &records, TopsTracker *tops);

private:
    BlockWriter();
    struct Statements;
    std::unique_ptr<Statements> m_stmts;
    Connection *m_conn = nullptr;
    BlockEncoder m_encoder;
    std::vector<std::vector<const InvocationRecord *>> m_groups; // by function, reused
};

// Deletes these blocks with their request id rows (an unreadable block too, with a
// warning). Returns the number of invocations deleted.
Result<qint64> deleteBlocks(Connection &conn, const std::vector<qint64> &blockIds);

// Every stored invocation, oldest block first (tests, exports).
Result<QList<InvocationRecord>> allInvocations(Connection &conn);

} // namespace funcdesk::store
