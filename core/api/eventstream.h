#pragma once
// AWS's event stream encoding (application/vnd.amazon.eventstream), which
// InvokeWithResponseStream answers in, so the SDKs' streaming readers take each chunk as it
// comes. One message:
//   u32 total length | u32 headers length | u32 CRC32 of those 8 bytes
//   headers: u8 name length | name | u8 type (7: string) | u16 value length | value
//   payload | u32 CRC32 of everything before it        (big-endian, CRC-32/IEEE)
// Lambda's events: PayloadChunk (the bytes the function wrote) and InvokeComplete
// ({"ErrorCode", "ErrorDetails", "LogResult"}), each with :event-type, :content-type and
// :message-type "event".
//
// Threading: pure functions, any thread.

#include <QByteArray>
#include <QList>
#include <QPair>

namespace funcdesk::api {

quint32 crc32(const QByteArray &data, quint32 crc = 0);

// headers: (name, string value) in order.
QByteArray eventStreamMessage(const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &payload);
QByteArray payloadChunkEvent(const QByteArray &bytes);
QByteArray invokeCompleteEvent(const QByteArray &errorCode, const QByteArray &errorDetails, const QByteArray &logResult);

} // namespace funcdesk::api
