#pragma once
// The invocation block format's private half (the format is described in blocks.h):
// the record layout and the small helpers that both the encoder (blockencoder.cpp) and
// the reader (blocks.cpp) use. They stay inline, here rather than behind calls into
// another file: the encoder runs on the writer's hot path, once per field of every
// record, and a call per field would cost as much as the work it does.
//
// Only blockencoder.cpp and blocks.cpp include this. Its names are file-local (an unnamed
// namespace) to each of them, as they were when both sides were one file: the tables
// are then addressed directly instead of through the GOT, and the compiler may treat
// every helper as local to the file that uses it.

#include "store/blocks.h"

#include <QChar>
#include <QtGlobal>

#include <array>
#include <chrono>
#include <cstring>
#include <iterator>

namespace funcdesk::store {
namespace {

constexpr quint8 kFormat = 4;   // what this build writes: per-record columns narrowed where they fit
constexpr quint8 kFormatV3 = 3; // still read: shared columns once, the others at full width
constexpr quint8 kFormatV2 = 2; // still read: every column in every record, 92 bytes
constexpr quint8 kFormatV1 = 1; // still read: request ids only as strings, 76-byte records

// Fixed part of a record (see blocks.h), byte offsets.
enum : int {
    kStart = 0,
    kDuration = 8,
    kBilled = 16,
    kInit = 24,
    kCost = 32,
    kRequestBytes = 40,
    kResponseBytes = 44,
    kMemory = 48,
    kMaxMemory = 52,
    kStrings = 56, // 9 string indexes (u16), in the order of StringField
    kFlags = kStrings + 9 * 2,
    kRecordBytesV1 = kFlags + 2,
    kUuid = kRecordBytesV1, // format 2: the request id's 16 bytes when flag kBinaryId is set
    kRecordBytes = kUuid + 16,
};
enum : quint16 { kCold = 1,
                 kLogTruncated = 2,
                 kBinaryId = 4,
                 kInitFailed = 8,
                 kDebugged = 16 };

// How format 4 stores a column in fewer bytes when every record's value allows it.
enum class Narrow : quint8 {
    No,
    Offset16,   // i64 start: u16 milliseconds after the block's earliest start
    Nanos32,    // f64 milliseconds: u32 nanoseconds, when that reads back as the same double
    U32,        // i64 in [0, 2^32)
    U16,        // i32 or u32 in [0, 65535]
    U8,         // u16 in [0, 255]
    UuidTime16, // a UUIDv7's 48-bit time as an i16 difference to the record's start
};

// The record's columns, in order, as (offset, size) in the full 92-byte layout, with the
// narrow form each may take. Format 3 and later store a column once for the block when
// every record has the same bytes in it.
struct Column
{
    int offset;
    int size;
    Narrow narrow = Narrow::No;
    int narrowSize = 0;
};
constexpr Column kColumns[] = {
    {kStart, 8, Narrow::Offset16, 2},
    {kDuration, 8, Narrow::Nanos32, 4},
    {kBilled, 8, Narrow::U32, 4},
    {kInit, 8, Narrow::Nanos32, 4},
    {kCost, 8},
    {kRequestBytes, 4, Narrow::U16, 2},
    {kResponseBytes, 4, Narrow::U16, 2},
    {kMemory, 4, Narrow::U16, 2},
    {kMaxMemory, 4, Narrow::U16, 2},
    {kStrings + 0, 2, Narrow::U8, 1},
    {kStrings + 2, 2, Narrow::U8, 1},
    {kStrings + 4, 2, Narrow::U8, 1},
    {kStrings + 6, 2, Narrow::U8, 1},
    {kStrings + 8, 2, Narrow::U8, 1},
    {kStrings + 10, 2, Narrow::U8, 1},
    {kStrings + 12, 2, Narrow::U8, 1},
    {kStrings + 14, 2, Narrow::U8, 1},
    {kStrings + 16, 2, Narrow::U8, 1},
    {kFlags, 2, Narrow::U8, 1},
    {kUuid, 16, Narrow::UuidTime16, 12},
};
constexpr int kColumnCount = int(std::size(kColumns));
static_assert(kColumnCount <= 32, "the constant-column mask is a u32");
static_assert(kColumnCount == 20, "BlockReader::m_columnAt has a place for each column");
constexpr int columnAt(int offset) // the column starting at a full-layout offset
{
    for (int c = 0; c < kColumnCount; ++c) {
        if (kColumns[c].offset == offset)
            return c;
    }
    return -1;
}
constexpr int kStartColumn = columnAt(kStart);
constexpr int kDurationColumn = columnAt(kDuration);
constexpr int kCostColumn = columnAt(kCost);
constexpr int kFlagsColumn = columnAt(kFlags);
constexpr int kUuidColumn = columnAt(kUuid);
constexpr int kFirstStringColumn = columnAt(kStrings);
static_assert(kStartColumn == 0, "a UUID's narrow form needs the start, which is read first");
enum StringField {
    SRequestId,
    SVersion,
    SAlias,
    SEnvironment,
    STrigger,
    SStatus,
    SErrorType,
    SErrorMessage,
    SArchitecture,
};
constexpr int kStringFields = 9;

template<typename T>
void put(char *p, T value)
{
    std::memcpy(p, &value, sizeof(T));
}

template<typename T>
T get(const char *p)
{
    T value;
    std::memcpy(&value, p, sizeof(T));
    return value;
}

// As the engine measures: a steady-clock interval in nanoseconds, as f64 milliseconds.
inline double msFromNanos(qint64 ns)
{
    return std::chrono::duration<double, std::milli>(std::chrono::nanoseconds(ns)).count();
}

inline char16_t unit(QChar c) { return c.unicode(); }
inline char16_t unit(char c) { return char16_t(quint8(c)); }

// A lowercase hex digit's value, or a value with bit 4 set (>= 16) for anything else
// (request ids are lowercase). A table instead of comparisons: request ids are random
// hex, and a branch per digit was mispredicted about every other time.
constexpr std::array<quint8, 128> kHexValues = [] {
    std::array<quint8, 128> t{};
    for (auto &v : t)
        v = 0x10;
    for (int c = '0'; c <= '9'; ++c)
        t[size_t(c)] = quint8(c - '0');
    for (int c = 'a'; c <= 'f'; ++c)
        t[size_t(c)] = quint8(c - 'a' + 10);
    return t;
}();

inline unsigned hexValue(char16_t c)
{
    return c < 128 ? kHexValues[c] : 0x10u;
}

// A UUID in its canonical text form (36 characters, lowercase hex, hyphens at 8, 13, 18
// and 23) as 16 bytes; false for any other text, which stays a string so that it reads
// back exactly as it was written. The digits are read without an early exit: one test
// of the accumulated bits at the end.
template<typename Char>
bool uuidBytes(const Char *c, qsizetype n, quint8 out[16])
{
    if (n != 36 || unit(c[8]) != u'-' || unit(c[13]) != u'-' || unit(c[18]) != u'-' || unit(c[23]) != u'-')
        return false;
    static constexpr std::array<quint8, 32> kDigitAt = {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11,
                                                        12, 14, 15, 16, 17, 19, 20, 21, 22, 24, 25,
                                                        26, 27, 28, 29, 30, 31, 32, 33, 34, 35};
    unsigned bad = 0;
    for (int i = 0; i < 16; ++i) {
        const unsigned hi = hexValue(unit(c[kDigitAt[size_t(2 * i)]]));
        const unsigned lo = hexValue(unit(c[kDigitAt[size_t(2 * i + 1)]]));
        bad |= hi | lo;
        out[i] = quint8((hi << 4) | (lo & 15));
    }
    return (bad & 0x10) == 0;
}

} // namespace
} // namespace funcdesk::store
