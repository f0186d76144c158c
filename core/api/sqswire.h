#pragma once
// SQS's wire formats, as the AWS SDKs speak them, on plain values:
//   - the JSON protocol (current SDKs): POST / with X-Amz-Target: AmazonSQS.<Op> and
//     Content-Type application/x-amz-json-1.0; errors {"__type":"com.amazonaws.sqs#<Name>",
//     "message":...} with x-amzn-query-error: <query code>;Sender;
//   - the query protocol (older SDKs, e.g. Debian's botocore 1.29): form-encoded
//     Action=<Op>&QueueUrl=...&Attribute.1.Name=..., answered in XML.
// Requests of both arrive here as one JSON-shaped parameter object, so an operation is
// written once; answers leave in the caller's protocol.
// Also SQS's MD5 digests (MD5OfMessageBody, MD5OfMessageAttributes), which SDKs verify.
//
// Pure functions; any thread.

#include "api/httpmessage.h"
#include "api/lambdawire.h"
#include "common/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace funcdesk::api {

enum class SqsProtocol { Json,
                         Query };

struct SqsCall
{
    SqsProtocol protocol = SqsProtocol::Json;
    QString operation;  // "SendMessage"
    QJsonObject params; // JSON protocol shape (query parameters converted)
    QByteArray traceHeader; // X-Amzn-Trace-Id of the request (a function's SDK sends its own)
};

// Whether a request is an SQS call (either protocol), and its operation and parameters.
// A body that is not what the protocol takes gives an error (InvalidParameterValue /
// MalformedQueryString).
bool isSqsRequest(const QByteArray &method, const QByteArray &contentType, const QByteArray &target, const QByteArray &body);
Result<SqsCall> parseSqsCall(const QByteArray &contentType, const QByteArray &target, const QByteArray &body);
// Query protocol form body -> JSON protocol parameters (Attribute.N.Name/Value -> Attributes{},
// MessageAttribute.N -> MessageAttributes{}, AttributeName.N -> AttributeNames[], *Entry.N -> Entries[]).
QJsonObject queryToJsonParams(const QByteArray &formBody);

// The answer to a successful call, in the call's protocol.
WireResponse sqsResponse(const SqsCall &call, const QJsonObject &result, const QString &requestId);
// An error by SQS's error name (QueueDoesNotExist, ReceiptHandleIsInvalid, ...), with
// its query code and HTTP status.
WireResponse sqsError(SqsProtocol protocol, const QString &name, const QString &message, const QString &requestId);
// A request refused before it reached SQS (requestguard.h) in SQS's format:
// SignatureDoesNotMatch for a signature that does not verify, else AccessDenied; 403.
WireResponse sqsAccessError(const HttpRequest &request, const Error &refusal);
// "AWS.SimpleQueueService.NonExistentQueue" for "QueueDoesNotExist"; the name itself when
// the query code is the same.
QString sqsQueryErrorCode(const QString &name);

// MD5 digests in lowercase hex, as SQS computes them.
QString md5Hex(const QByteArray &data);
// Over the attributes sorted by name: each name, data type, transport type (1 String and
// Number, 2 Binary) and value, lengths as 4-byte big-endian. Empty for no attributes.
QString md5OfMessageAttributes(const QJsonObject &attributes);
// Checks message attributes as SQS does (at most 10, names, data types, a value present).
Status validateMessageAttributes(const QJsonObject &attributes);
// Only characters SQS allows in a body (#x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF).
bool isValidMessageBody(const QString &body);
// The attributes whose names a ReceiveMessage asked for ("All", ".*", "prefix.*", names).
QJsonObject selectMessageAttributes(const QJsonObject &attributes, const QStringList &names);

// Queue URL and ARN of a queue on this endpoint: http://host:port/000000000000/<name>,
// arn:aws:sqs:us-east-1:000000000000:<name>.
QString queueUrl(const QString &baseUrl, const QString &name);
QString queueArn(const QString &name);
// The queue name in a queue URL (any host; path /<account>/<name>) or ARN; empty if none.
QString queueNameFromUrl(const QString &url);
QString queueNameFromArn(const QString &arn);

} // namespace funcdesk::api
