// SQS's two wire protocols (api/sqswire.h), fed as a request arrives:
//   byte 0: which Content-Type (odd: the JSON protocol's, even: a form body's)
//   line 1 (after byte 0): X-Amz-Target
//   rest:  the body
// Invariants: a request taken as SQS parses to an operation (a word of letters) or an
// error; every answer, success or error, is well-formed in the caller's protocol (a JSON
// object, or XML), including errors carrying the request's text and echoed attribute
// values; message attributes that validate have a 32-digit MD5; the form-body reader
// never invents empty parameter names.
#include "api/sqswire.h"
#include "fuzzsupport.h"

#include <QJsonDocument>
#include <QXmlStreamReader>

using namespace funcdesk;
using namespace funcdesk::api;

namespace {

void checkWellFormed(const WireResponse &r, SqsProtocol protocol, const char *what)
{
    if (protocol == SqsProtocol::Json) {
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(r.body, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
        {
            const QByteArray m = QByteArray(what) + ": JSON protocol answer is not a JSON object";
            fuzz::fail(m.constData(), r.body);
        }
        return;
    }
    QXmlStreamReader xml(r.body);
    bool sawElement = false;
    while (!xml.atEnd()) {
        if (xml.readNext() == QXmlStreamReader::StartElement)
            sawElement = true;
    }
    if (xml.hasError() || !sawElement)
    {
        const QByteArray m = QByteArray(what) + ": query protocol answer is not well-formed XML";
        fuzz::fail(m.constData(), r.body);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::init();
    if (size == 0)
        return 0;
    const QByteArray contentType = (data[0] & 1) ? QByteArrayLiteral("application/x-amz-json-1.0")
                                                 : QByteArrayLiteral("application/x-www-form-urlencoded; charset=utf-8");
    const QByteArray rest = fuzz::bytes(data + 1, size - 1);
    const qsizetype nl = rest.indexOf('\n');
    const QByteArray target = nl < 0 ? QByteArray() : rest.left(nl);
    const QByteArray body = nl < 0 ? rest : rest.mid(nl + 1);

    const QJsonObject form = queryToJsonParams(body);
    for (auto it = form.begin(); it != form.end(); ++it) {
        if (it.key().isEmpty())
            fuzz::fail("the form reader made a parameter without a name", body);
    }

    if (!isSqsRequest(QByteArrayLiteral("POST"), contentType, target, body))
        return 0;
    const SqsProtocol protocol = target.isEmpty() ? SqsProtocol::Query : SqsProtocol::Json;
    const Result<SqsCall> call = parseSqsCall(contentType, target, body);
    if (!call) {
        checkWellFormed(sqsError(protocol, call.error().type, call.error().message, QStringLiteral("req")), protocol,
                        "parse error");
        (void)sqsQueryErrorCode(call.error().type);
        return 0;
    }
    for (const QChar c : call->operation) {
        if (!(c.unicode() < 0x80 && c.isLetter()))
            fuzz::fail("an SQS operation that is not a word of letters", call->operation.toUtf8());
    }
    checkWellFormed(sqsResponse(*call, QJsonObject{}, QStringLiteral("req")), call->protocol, "empty result");
    // Errors carry text from the request (names, values) in their messages.
    const QString text = call->params.value(QStringLiteral("MessageBody")).toString()
        + call->params.value(QStringLiteral("QueueUrl")).toString();
    checkWellFormed(sqsError(call->protocol, call->operation, text, QStringLiteral("req")), call->protocol,
                    "error carrying request text");
    // What GetQueueAttributes and ReceiveMessage echo: attribute values as the caller set them.
    const QJsonObject attributes0 = call->params.value(QStringLiteral("Attributes")).toObject();
    checkWellFormed(sqsResponse(*call, QJsonObject{{QStringLiteral("Attributes"), attributes0}}, QStringLiteral("req")),
                    call->protocol, "echoed attributes");

    const QJsonObject attributes = call->params.value(QStringLiteral("MessageAttributes")).toObject();
    if (validateMessageAttributes(attributes).ok() && !attributes.isEmpty()) {
        const QString md5 = md5OfMessageAttributes(attributes);
        if (md5.size() != 32)
            fuzz::fail("MD5OfMessageAttributes is not 32 hex digits", md5.toUtf8());
        (void)selectMessageAttributes(attributes, {QStringLiteral("All")});
    }
    const QString messageBody = call->params.value(QStringLiteral("MessageBody")).toString();
    if (isValidMessageBody(messageBody) && md5Hex(messageBody.toUtf8()).size() != 32)
        fuzz::fail("MD5OfMessageBody is not 32 hex digits", messageBody.toUtf8());
    const QString url = call->params.value(QStringLiteral("QueueUrl")).toString();
    (void)queueNameFromUrl(url);
    (void)queueNameFromArn(url);
    return 0;
}
