#include "eventstream.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <array>

namespace funcdesk::api {

namespace {

constexpr std::array<quint32, 256> makeCrcTable()
{
    std::array<quint32, 256> table{};
    for (quint32 i = 0; i < 256; ++i) {
        quint32 c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}

constexpr std::array<quint32, 256> kCrcTable = makeCrcTable();

void putU32(QByteArray &out, quint32 v)
{
    const char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
    out.append(b, 4);
}

} // namespace

quint32 crc32(const QByteArray &data, quint32 crc)
{
    crc = ~crc;
    for (const char ch : data)
        crc = kCrcTable[(crc ^ quint8(ch)) & 0xff] ^ (crc >> 8);
    return ~crc;
}

QByteArray eventStreamMessage(const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &payload)
{
    QByteArray head;
    for (const auto &[name, value] : headers) {
        head.append(char(quint8(name.size())));
        head.append(name);
        head.append(char(7)); // string
        head.append(char(quint8(value.size() >> 8)));
        head.append(char(quint8(value.size())));
        head.append(value);
    }
    QByteArray out;
    out.reserve(16 + head.size() + payload.size());
    putU32(out, quint32(12 + head.size() + payload.size() + 4));
    putU32(out, quint32(head.size()));
    putU32(out, crc32(out));
    out.append(head);
    out.append(payload);
    putU32(out, crc32(out));
    return out;
}

QByteArray payloadChunkEvent(const QByteArray &bytes)
{
    return eventStreamMessage({{":event-type", "PayloadChunk"},
                               {":content-type", "application/octet-stream"},
                               {":message-type", "event"}},
                              bytes);
}

QByteArray invokeCompleteEvent(const QByteArray &errorCode, const QByteArray &errorDetails, const QByteArray &logResult)
{
    QJsonObject o;
    if (!errorCode.isEmpty())
        o.insert(QStringLiteral("ErrorCode"), QString::fromUtf8(errorCode));
    if (!errorDetails.isEmpty())
        o.insert(QStringLiteral("ErrorDetails"), QString::fromUtf8(errorDetails));
    if (!logResult.isEmpty())
        o.insert(QStringLiteral("LogResult"), QString::fromLatin1(logResult));
    return eventStreamMessage({{":event-type", "InvokeComplete"},
                               {":content-type", "application/json"},
                               {":message-type", "event"}},
                              QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace funcdesk::api
