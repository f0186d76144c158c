// The invocation block format (blocks.h): encoding records into a blob and reading
// them back. Writing blocks to their table and deleting them is in blocktable.cpp.
#include "store/blocks.h"

#include "store/sqlite.h" // kStoreError

#include <QHash>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <type_traits>

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
enum : quint16 { kCold = 1, kLogTruncated = 2, kBinaryId = 4 };

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

// ---- Narrow columns (format 4) ----

// As the engine measures: a steady-clock interval in nanoseconds, as f64 milliseconds.
double msFromNanos(qint64 ns)
{
    return std::chrono::duration<double, std::milli>(std::chrono::nanoseconds(ns)).count();
}

// The nanoseconds nearest a non-negative number of milliseconds (the narrow form checks
// that they read back as the same double, so only their consistency matters here).
qint64 nanosOf(double ms)
{
    return qint64(ms * 1e6 + 0.5);
}

quint64 uuidTime(const char *uuid) // the first 48 bits, big-endian
{
    quint64 t = 0;
    for (int b = 0; b < 6; ++b)
        t = (t << 8) | quint8(uuid[b]);
    return t;
}

// Whether a record's full-width bytes of `col` have its narrow form. `base` is the
// block's earliest start; a UUID that is not the request id (flag kBinaryId unset) is
// never read, so any narrow form will do for it.
bool fitsNarrow(const Column &col, const char *full, qint64 startMs, qint64 base, bool binaryId)
{
    switch (col.narrow) {
    case Narrow::No:
        return false;
    case Narrow::Offset16: // in unsigned arithmetic: any two starts, no overflow
        return quint64(get<qint64>(full)) - quint64(base) <= 0xffff;
    case Narrow::Nanos32: {
        const double ms = get<double>(full);
        if (!(ms >= 0 && ms <= 4294.967295)) // u32 nanoseconds; NaN too
            return false;
        const double back = msFromNanos(nanosOf(ms));
        return std::memcmp(&back, &ms, sizeof ms) == 0; // bit for bit: -0.0 stays wide
    }
    case Narrow::U32:
        return quint64(get<qint64>(full)) <= 0xffffffffu;
    case Narrow::U16:
        return get<quint32>(full) <= 0xffff;
    case Narrow::U8:
        return get<quint16>(full) <= 0xff;
    case Narrow::UuidTime16: {
        if (!binaryId)
            return true;
        const auto delta = qint64(uuidTime(full) - quint64(startMs));
        return delta >= -32768 && delta <= 32767;
    }
    }
    return false;
}

// Writes the narrow form of a value that fits it.
void putNarrow(const Column &col, const char *full, qint64 startMs, qint64 base, bool binaryId, char *out)
{
    switch (col.narrow) {
    case Narrow::No:
        break;
    case Narrow::Offset16:
        put<quint16>(out, quint16(quint64(get<qint64>(full)) - quint64(base)));
        break;
    case Narrow::Nanos32:
        put<quint32>(out, quint32(nanosOf(get<double>(full))));
        break;
    case Narrow::U32:
        put<quint32>(out, quint32(get<qint64>(full)));
        break;
    case Narrow::U16:
        put<quint16>(out, quint16(get<quint32>(full)));
        break;
    case Narrow::U8:
        out[0] = char(get<quint16>(full));
        break;
    case Narrow::UuidTime16:
        put<qint16>(out, binaryId ? qint16(uuidTime(full) - quint64(startMs)) : qint16(0));
        std::memcpy(out + 2, full + 6, 10);
        break;
    }
}

// The full-width bytes back from the narrow form.
void widen(const Column &col, const char *narrow, qint64 startMs, qint64 base, char *full)
{
    switch (col.narrow) {
    case Narrow::No:
        break;
    case Narrow::Offset16:
        put<qint64>(full, qint64(quint64(base) + get<quint16>(narrow))); // a damaged blob must not overflow
        break;
    case Narrow::Nanos32:
        put<double>(full, msFromNanos(get<quint32>(narrow)));
        break;
    case Narrow::U32:
        put<qint64>(full, qint64(get<quint32>(narrow)));
        break;
    case Narrow::U16:
        put<quint32>(full, get<quint16>(narrow));
        break;
    case Narrow::U8:
        put<quint16>(full, quint8(narrow[0]));
        break;
    case Narrow::UuidTime16: {
        const quint64 t = quint64(startMs) + quint64(qint64(get<qint16>(narrow)));
        for (int b = 0; b < 6; ++b)
            full[b] = char(t >> (8 * (5 - b)));
        std::memcpy(full + 6, narrow + 2, 10);
        break;
    }
    }
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
    static constexpr std::array<quint8, 32> kDigitAt = {0,  1,  2,  3,  4,  5,  6,  7,  9,  10, 11,
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

QString uuidText(const char *bytes)
{
    static const char16_t hex[] = u"0123456789abcdef";
    QString s(36, Qt::Uninitialized);
    char16_t *out = reinterpret_cast<char16_t *>(s.data());
    int at = 0;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[at++] = u'-';
        const auto b = quint8(bytes[i]);
        out[at++] = hex[b >> 4];
        out[at++] = hex[b & 15];
    }
    return s;
}

void appendBytes(std::vector<char> &out, const char *data, size_t n)
{
    out.insert(out.end(), data, data + n);
}

void appendU32(std::vector<char> &out, quint32 v)
{
    char b[4];
    put(b, v);
    appendBytes(out, b, 4);
}

// UTF-8 without a temporary for the common all-ASCII string.
void appendString(std::vector<char> &out, const QString &s)
{
    const qsizetype n = s.size();
    const QChar *c = s.constData();
    bool ascii = true;
    for (qsizetype i = 0; i < n && ascii; ++i)
        ascii = c[i].unicode() < 0x80;
    if (ascii) {
        appendU32(out, quint32(n));
        const size_t at = out.size();
        out.resize(at + size_t(n));
        char *p = out.data() + at;
        for (qsizetype i = 0; i < n; ++i)
            p[i] = char(c[i].unicode());
    } else {
        const QByteArray utf8 = s.toUtf8();
        appendU32(out, quint32(utf8.size()));
        appendBytes(out, utf8.constData(), size_t(utf8.size()));
    }
}

// Interns strings for one block. Records of one function share their strings' data
// (function, version, environment, architecture come from the same few QStrings), so
// each field first checks its last few strings by data pointer, without touching the
// strings' reference counts; only a string not seen that way is hashed. The pointers
// stay valid because the table lives no longer than the records it encodes.
class StringTable
{
public:
    // Appends each new string to `bytes`.
    explicit StringTable(std::vector<char> &bytes) : m_bytes(bytes) {}

    quint16 intern(int field, const QString &s)
    {
        Recent &recent = m_recent[field];
        const QChar *data = s.constData();
        for (const Seen &seen : recent.seen) {
            if (seen.data == data && seen.size == s.size())
                return seen.index;
        }
        const quint16 index = internByValue(s);
        recent.seen[recent.next] = {data, s.size(), index};
        recent.next = (recent.next + 1) % kRecent;
        return index;
    }
    // For a string that may not outlive the call (nothing remembers its pointer).
    quint16 internByValue(const QString &s)
    {
        if (auto it = m_index.constFind(s); it != m_index.constEnd())
            return *it;
        const quint16 index = add(s);
        m_index.insert(s, index);
        return index;
    }
    // A name made from an enum value, looked up once per block.
    template <typename Enum>
    quint16 internName(Enum value, QString (*nameOf)(Enum))
    {
        const auto v = size_t(value);
        auto &cache = m_names[std::is_same_v<Enum, TriggerKind> ? 0 : 1];
        if (v >= cache.size())
            return internByValue(nameOf(value));
        if (cache[v] < 0)
            cache[v] = internByValue(nameOf(value));
        return quint16(cache[v]);
    }
    quint16 add(const QString &s) // without interning (request ids are unique)
    {
        appendString(m_bytes, s);
        return quint16(m_count++);
    }
    quint32 count() const { return m_count; }

private:
    static std::array<int, 32> filledWith(int v)
    {
        std::array<int, 32> a;
        a.fill(v);
        return a;
    }
    static constexpr int kRecent = 4; // e.g. the environments serving a function
    struct Seen
    {
        const QChar *data = nullptr;
        qsizetype size = -1;
        quint16 index = 0;
    };
    struct Recent
    {
        Seen seen[kRecent];
        int next = 0;
    };
    Recent m_recent[kStringFields];
    std::array<int, 32> m_names[2] = {filledWith(-1), filledWith(-1)}; // by trigger, by status
    QHash<QString, quint16> m_index;
    std::vector<char> &m_bytes;
    quint32 m_count = 0;
};

double finiteOrZero(double v)
{
    return std::isfinite(v) ? v : 0.0;
}

Error blockError(qint64 blockId, const char *what)
{
    return makeError(QLatin1String(kStoreError),
                     QStringLiteral("invocation block %1 cannot be read: %2").arg(blockId).arg(QLatin1String(what)));
}

} // namespace

std::optional<qint64> requestIdTimeMs(QStringView id)
{
    // xxxxxxxx-xxxx-7xxx-[89ab]xxx-xxxxxxxxxxxx; the first 12 hex digits are the time.
    if (id.size() != 36 || id[8] != u'-' || id[13] != u'-' || id[14] != u'7' || id[18] != u'-' || id[23] != u'-')
        return std::nullopt;
    qint64 ms = 0;
    unsigned bad = 0;
    for (int i = 0; i < 13; ++i) {
        if (i == 8)
            continue;
        const unsigned v = hexValue(id[i].unicode());
        bad |= v;
        ms = ms * 16 + (v & 15);
    }
    if (bad & 0x10)
        return std::nullopt;
    return ms;
}

bool foundByRequestIdTime(QStringView requestId, qint64 startMs)
{
    const auto t = requestIdTimeMs(requestId);
    return t && startMs >= *t - kRequestIdSlackMs && startMs <= *t + kRequestIdSlackMs;
}

QByteArrayView BlockEncoder::encode(std::span<const InvocationRecord *const> records)
{
    // The block is: format, string count, strings, record count, records. The strings
    // are known only after the records, so records go to their own buffer first.
    m_out.clear();
    m_out.push_back(char(kFormat));
    appendU32(m_out, 0); // the string count, filled in below
    StringTable strings(m_out);
    m_fixed.resize(records.size() * size_t(kRecordBytes));
    char *p = m_fixed.data();
    for (const InvocationRecord *r : records) {
        put<qint64>(p + kStart, r->startMs);
        // A broken measurement is stored as 0, as the row schema's NULL read back did.
        put<double>(p + kDuration, finiteOrZero(r->durationMs));
        put<qint64>(p + kBilled, r->billedDurationMs);
        put<double>(p + kInit, finiteOrZero(r->initDurationMs));
        put<double>(p + kCost, finiteOrZero(r->costUsd));
        put<quint32>(p + kRequestBytes, quint32(std::clamp<qint64>(r->requestBytes, 0, 0xffffffff)));
        put<quint32>(p + kResponseBytes, quint32(std::clamp<qint64>(r->responseBytes, 0, 0xffffffff)));
        put<qint32>(p + kMemory, r->memorySizeMb);
        put<qint32>(p + kMaxMemory, r->maxMemoryUsedMb);
        quint8 uuid[16];
        const bool binaryId = uuidBytes(r->requestId.constData(), r->requestId.size(), uuid);
        if (binaryId)
            std::memcpy(p + kUuid, uuid, 16);
        else
            std::memset(p + kUuid, 0, 16);
        const quint16 idx[kStringFields] = {
            binaryId ? quint16(0) : strings.add(r->requestId), // 0: unused, any string's index
            strings.intern(SVersion, r->version),
            strings.intern(SAlias, r->alias),
            strings.intern(SEnvironment, r->environmentId),
            strings.internName(r->trigger, &triggerName),
            strings.internName(r->status, &statusName),
            strings.intern(SErrorType, r->errorType),
            strings.intern(SErrorMessage, r->errorMessage),
            strings.intern(SArchitecture, r->architecture),
        };
        std::memcpy(p + kStrings, idx, sizeof idx);
        put<quint16>(p + kFlags, quint16((r->cold ? kCold : 0) | (r->logTruncated ? kLogTruncated : 0)
                                         | (binaryId ? kBinaryId : 0)));
        p += kRecordBytes;
    }
    put<quint32>(m_out.data() + 1, strings.count());
    appendU32(m_out, quint32(records.size()));

    // A column is constant when no record's bytes in it differ from the first record's:
    // OR together every record XOR the first, then look at each column's bytes.
    // Eight bytes at a time (92 = 11 * 8 + 4): a byte at a time was a fifth of encoding.
    static_assert(kRecordBytes % 4 == 0, "the record is whole 32-bit words");
    constexpr int kWords = kRecordBytes / 8;
    std::array<unsigned char, kRecordBytes> differs{};
    const char *first = m_fixed.data();
    {
        std::array<quint64, kWords> firstWords, words{};
        std::memcpy(firstWords.data(), first, sizeof firstWords);
        const quint32 firstTail = get<quint32>(first + 8 * kWords);
        quint32 tail = 0;
        for (size_t r = 1; r < records.size(); ++r) {
            const char *rec = first + r * size_t(kRecordBytes);
            for (int w = 0; w < kWords; ++w)
                words[size_t(w)] |= get<quint64>(rec + 8 * w) ^ firstWords[size_t(w)];
            tail |= get<quint32>(rec + 8 * kWords) ^ firstTail;
        }
        std::memcpy(differs.data(), words.data(), sizeof words);
        put<quint32>(reinterpret_cast<char *>(differs.data()) + 8 * kWords, tail);
    }
    quint32 constant = 0;
    for (int c = 0; c < kColumnCount && !records.empty(); ++c) {
        const auto *from = differs.data() + kColumns[c].offset;
        if (std::all_of(from, from + kColumns[c].size, [](unsigned char x) { return x == 0; }))
            constant |= 1u << c;
    }
    // A column stored per record takes its narrow form when every record's value fits it.
    qint64 base = 0;
    quint32 narrow = 0;
    if (!records.empty()) {
        base = get<qint64>(first + kStart);
        for (size_t r = 1; r < records.size(); ++r)
            base = std::min(base, get<qint64>(first + r * size_t(kRecordBytes) + kStart));
        for (int c = 0; c < kColumnCount; ++c) {
            const Column &col = kColumns[c];
            if ((constant & (1u << c)) || col.narrow == Narrow::No)
                continue;
            bool fits = true;
            for (size_t r = 0; r < records.size() && fits; ++r) {
                const char *rec = first + r * size_t(kRecordBytes);
                fits = fitsNarrow(col, rec + col.offset, get<qint64>(rec + kStart), base,
                                  get<quint16>(rec + kFlags) & kBinaryId);
            }
            if (fits)
                narrow |= 1u << c;
        }
    }
    appendU32(m_out, constant);
    appendU32(m_out, narrow);
    if (narrow & (1u << kStartColumn)) {
        char b[8];
        put<qint64>(b, base);
        appendBytes(m_out, b, 8);
    }
    // The constant columns' values once, then each record's other columns, in column
    // order: a narrow column converted, adjacent full-width ones copied as one run.
    struct Run
    {
        int column; // a narrow column, or -1: `size` bytes from `offset` as they are
        int offset;
        int size;
    };
    std::vector<Run> runs;
    size_t stored = 0;
    for (int c = 0; c < kColumnCount; ++c) {
        const Column &col = kColumns[c];
        if (constant & (1u << c)) {
            appendBytes(m_out, first + col.offset, size_t(col.size));
        } else if (narrow & (1u << c)) {
            runs.push_back({c, col.offset, col.narrowSize});
            stored += size_t(col.narrowSize);
        } else {
            if (!runs.empty() && runs.back().column < 0 && runs.back().offset + runs.back().size == col.offset)
                runs.back().size += col.size;
            else
                runs.push_back({-1, col.offset, col.size});
            stored += size_t(col.size);
        }
    }
    size_t at = m_out.size();
    m_out.resize(at + stored * records.size());
    char *out = m_out.data() + at;
    for (size_t r = 0; r < records.size(); ++r) {
        const char *rec = first + r * size_t(kRecordBytes);
        const qint64 start = get<qint64>(rec + kStart);
        const bool binaryId = get<quint16>(rec + kFlags) & kBinaryId;
        for (const Run &run : runs) {
            if (run.column < 0)
                std::memcpy(out, rec + run.offset, size_t(run.size));
            else
                putNarrow(kColumns[run.column], rec + run.offset, start, base, binaryId, out);
            out += run.size;
        }
    }
    return QByteArrayView(m_out.data(), qsizetype(m_out.size()));
}

QByteArray encodeBlock(std::span<const InvocationRecord *const> records)
{
    BlockEncoder encoder;
    return encoder.encode(records).toByteArray();
}

// ---- BlockReader --------------------------------------------------------------------

Result<BlockReader> BlockReader::parse(QByteArray data, QString function, qint64 blockId)
{
    BlockReader b;
    const char *d = data.constData();
    const qsizetype n = data.size();
    const quint8 format = n > 0 ? quint8(d[0]) : 0;
    if (n < 5 || format < kFormatV1 || format > kFormat)
        return blockError(blockId, "unknown format");
    b.m_binaryIds = format != kFormatV1;
    qsizetype at = 1;
    const quint32 strings = get<quint32>(d + at);
    at += 4;
    if (strings > quint32((n - at) / 4)) // each takes at least its 4-byte length
        return blockError(blockId, "truncated");
    b.m_strings.reserve(strings);
    for (quint32 i = 0; i < strings; ++i) {
        if (at + 4 > n)
            return blockError(blockId, "truncated");
        const quint32 len = get<quint32>(d + at);
        at += 4;
        if (qsizetype(len) > n - at)
            return blockError(blockId, "truncated");
        b.m_strings.emplace_back(at, len);
        at += len;
    }
    if (at + 4 > n)
        return blockError(blockId, "truncated");
    const quint32 count = get<quint32>(d + at);
    at += 4;
    // Where each column is: at an offset in every record, at full width or narrowed
    // (format 4), or stored once (format 3 and later).
    quint32 constant = 0;
    quint32 narrow = 0;
    if (format >= kFormatV3) {
        if (at + 4 > n)
            return blockError(blockId, "truncated");
        constant = get<quint32>(d + at);
        at += 4;
        if (constant >> kColumnCount)
            return blockError(blockId, "unknown columns");
    }
    if (format >= kFormat) {
        if (at + 4 > n)
            return blockError(blockId, "truncated");
        narrow = get<quint32>(d + at);
        at += 4;
        for (int c = 0; c < 32; ++c) {
            if ((narrow & (1u << c)) && (c >= kColumnCount || kColumns[c].narrow == Narrow::No || (constant & (1u << c))))
                return blockError(blockId, "unknown columns");
        }
        if (narrow & (1u << kStartColumn)) {
            if (at + 8 > n)
                return blockError(blockId, "truncated");
            b.m_startBase = get<qint64>(d + at);
            at += 8;
        }
    }
    const int columns = format == kFormatV1 ? kColumnCount - 1 : kColumnCount; // format 1: no UUID
    b.m_recordBytes = 0;
    for (int c = 0; c < kColumnCount; ++c) {
        if (c >= columns) {
            b.m_columnAt[c] = {Where::Absent, 0};
        } else if (constant & (1u << c)) {
            if (at + kColumns[c].size > n)
                return blockError(blockId, "truncated");
            b.m_columnAt[c] = {Where::Once, at};
            at += kColumns[c].size;
        } else if (narrow & (1u << c)) {
            b.m_columnAt[c] = {Where::Narrowed, b.m_recordBytes};
            b.m_recordBytes += kColumns[c].narrowSize;
        } else {
            b.m_columnAt[c] = {Where::PerRecord, b.m_recordBytes};
            b.m_recordBytes += kColumns[c].size;
        }
    }
    if (count > quint32(kBlockIdSlots) || qsizetype(count) * b.m_recordBytes != n - at)
        return blockError(blockId, "truncated");
    b.m_recordsOffset = at;
    b.m_count = int(count);
    b.m_data = std::move(data);
    for (int i = 0; i < b.m_count; ++i) {
        const bool binaryId = b.binaryId(i);
        for (int f = 0; f < kStringFields; ++f) {
            if (b.stringIndex(i, f) >= strings && !(f == SRequestId && binaryId))
                return blockError(blockId, "string index out of range");
        }
    }
    b.m_function = std::move(function);
    b.m_blockId = blockId;
    b.m_decoded.resize(strings);
    return b;
}

void BlockReader::columnBytes(int i, int column, char *out) const
{
    const Place place = m_columnAt[size_t(column)];
    const Column &col = kColumns[column];
    const char *at = m_data.constData() + m_recordsOffset + qsizetype(i) * m_recordBytes + place.offset;
    switch (place.where) {
    case Where::PerRecord:
        std::memcpy(out, at, size_t(col.size));
        return;
    case Where::Narrowed:
        widen(col, at, col.narrow == Narrow::UuidTime16 ? startMs(i) : 0, m_startBase, out);
        return;
    case Where::Once:
        std::memcpy(out, m_data.constData() + place.offset, size_t(col.size));
        return;
    case Where::Absent: // a column this format does not have
        std::memset(out, 0, size_t(col.size));
        return;
    }
}

template<typename T>
T BlockReader::value(int i, int column) const
{
    char bytes[16];
    columnBytes(i, column, bytes);
    return get<T>(bytes);
}

quint16 BlockReader::stringIndex(int i, int stringField) const
{
    return value<quint16>(i, kFirstStringColumn + stringField);
}

QString BlockReader::string(quint32 index) const
{
    std::optional<QString> &s = m_decoded[index];
    if (!s) {
        const auto &[offset, len] = m_strings[index];
        s = len ? QString::fromUtf8(m_data.constData() + offset, len) : QString();
    }
    return *s;
}

qint64 BlockReader::startMs(int i) const { return value<qint64>(i, kStartColumn); }
double BlockReader::durationMs(int i) const { return value<double>(i, kDurationColumn); }
double BlockReader::costUsd(int i) const { return value<double>(i, kCostColumn); }

bool BlockReader::binaryId(int i) const
{
    return m_binaryIds && (value<quint16>(i, kFlagsColumn) & kBinaryId);
}

QString BlockReader::requestId(int i) const
{
    if (binaryId(i)) {
        char uuid[16];
        columnBytes(i, kUuidColumn, uuid);
        return uuidText(uuid);
    }
    return string(stringIndex(i, SRequestId));
}

bool BlockReader::hasRequestId(int i, const QByteArray &utf8) const
{
    if (binaryId(i)) {
        quint8 uuid[16];
        char stored[16];
        columnBytes(i, kUuidColumn, stored);
        return uuidBytes(utf8.constData(), utf8.size(), uuid) && std::memcmp(stored, uuid, 16) == 0;
    }
    const auto &[offset, len] = m_strings[stringIndex(i, SRequestId)];
    return qsizetype(len) == utf8.size() && std::memcmp(m_data.constData() + offset, utf8.constData(), len) == 0;
}

InvocationRecord BlockReader::record(int i) const
{
    // The full layout of this record, assembled from its columns.
    char p[kRecordBytes];
    for (int c = 0; c < kColumnCount; ++c)
        columnBytes(i, c, p + kColumns[c].offset);
    auto str = [&](StringField f) { return string(get<quint16>(p + kStrings + 2 * f)); };
    InvocationRecord r;
    r.requestId = requestId(i);
    r.function = m_function;
    r.version = str(SVersion);
    r.alias = str(SAlias);
    r.environmentId = str(SEnvironment);
    r.trigger = triggerFromName(str(STrigger));
    r.startMs = get<qint64>(p + kStart);
    r.durationMs = get<double>(p + kDuration);
    r.billedDurationMs = get<qint64>(p + kBilled);
    r.initDurationMs = get<double>(p + kInit);
    const quint16 flags = get<quint16>(p + kFlags);
    r.cold = flags & kCold;
    r.memorySizeMb = get<qint32>(p + kMemory);
    r.maxMemoryUsedMb = get<qint32>(p + kMaxMemory);
    r.status = statusFromName(str(SStatus));
    r.errorType = str(SErrorType);
    r.errorMessage = str(SErrorMessage);
    r.requestBytes = get<quint32>(p + kRequestBytes);
    r.responseBytes = get<quint32>(p + kResponseBytes);
    r.costUsd = get<double>(p + kCost);
    r.architecture = str(SArchitecture);
    r.logTruncated = flags & kLogTruncated;
    return r;
}

} // namespace funcdesk::store
