// The invocation block format (blocks.h), writing side: records into a blob. The
// layout and the helpers shared with the reader are in blocks_p.h; reading blocks back is
// in blocks.cpp, and writing them to their table in blocktable.cpp.
#include "store/blocks_p.h"

#include <QHash>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <type_traits>

namespace funcdesk::store {

namespace {

// ---- Narrow columns (format 4) ----

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
    template<typename Enum>
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

} // namespace

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
        put<quint16>(p + kFlags, quint16((r->cold ? kCold : 0) | (r->logTruncated ? kLogTruncated : 0) | (binaryId ? kBinaryId : 0)
                                            | (r->initFailed ? kInitFailed : 0) | (r->debugged ? kDebugged : 0)));
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

} // namespace funcdesk::store
