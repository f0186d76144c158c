// The invocation block format (blocks.h), reading side: a blob's records back, and the
// request ids' times they are found by. The layout and the helpers shared with the
// encoder are in blocks_p.h; encoding is in blockencoder.cpp, and writing blocks to
// their table and deleting them in blocktable.cpp.
#include "store/blocks_p.h"

#include <cstring>

namespace funcdesk::store {

namespace {

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

Error blockError(qint64 blockId, const char *what)
{
    return makeError(errc::StoreError,
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
    r.initFailed = flags & kInitFailed;
    r.debugged = flags & kDebugged;
    return r;
}

} // namespace funcdesk::store
