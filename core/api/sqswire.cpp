#include "api/sqswire.h"

#include "common/errors.h"
#include "common/ids.h"
#include "store/queues.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QRegularExpression>
#include <QUrl>
#include <QXmlStreamWriter>

#include <algorithm>

namespace funcdesk::api {

namespace {

struct ErrorCode
{
    const char *name;
    const char *queryCode;
    int status;
};

// SQS's errors: name (the JSON __type after '#'), query code (the x-amzn-query-error and
// the XML Code), HTTP status. From SQS's API model.
constexpr ErrorCode kErrors[] = {
    {"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400},
    {"QueueNameExists", "QueueAlreadyExists", 400},
    {"ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 404},
    {"MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", 400},
    {"EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", 400},
    {"TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400},
    {"BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400},
    {"InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", 400},
    {"BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", 400},
    {"UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", 400},
    {"PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", 403},
    {"InvalidAttributeName", "InvalidAttributeName", 400},
    {"InvalidAttributeValue", "InvalidAttributeValue", 400},
    {"InvalidMessageContents", "InvalidMessageContents", 400},
    {"InvalidParameterValue", "InvalidParameterValue", 400},
    {"MissingParameter", "MissingParameter", 400},
    {"InvalidAction", "InvalidAction", 400},
    {"MalformedQueryString", "MalformedQueryString", 400},
    {"InternalError", "InternalError", 500},
    {"SignatureDoesNotMatch", "SignatureDoesNotMatch", 403},
    {"AccessDenied", "AccessDenied", 403},
};

const ErrorCode *findError(const QString &name)
{
    for (const ErrorCode &e : kErrors)
        if (name == QLatin1String(e.name))
            return &e;
    return nullptr;
}

// Query keys that hold numbers (the JSON protocol sends numbers).
bool isNumericKey(const QString &key)
{
    static const QStringList keys{QStringLiteral("MaxNumberOfMessages"), QStringLiteral("VisibilityTimeout"),
                                  QStringLiteral("WaitTimeSeconds"), QStringLiteral("DelaySeconds"),
                                  QStringLiteral("MaxResults")};
    return keys.contains(key);
}

// One parsed form value placed into a tree: "A.1.B" -> {"A": {"1": {"B": v}}}.
void place(QJsonObject &root, const QStringList &path, qsizetype at, const QString &value)
{
    const QString &key = path[at];
    if (at == path.size() - 1) {
        root.insert(key, value);
        return;
    }
    QJsonObject child = root.value(key).toObject();
    place(child, path, at + 1, value);
    root.insert(key, child);
}

// {"1": x, "2": y} in numeric order.
QList<QJsonValue> numbered(const QJsonObject &o)
{
    QMap<int, QJsonValue> byIndex;
    for (auto it = o.begin(); it != o.end(); ++it)
        byIndex.insert(it.key().toInt(), it.value());
    return byIndex.values();
}

QJsonObject convertTree(const QJsonObject &tree);

QJsonValue convertValue(const QString &key, const QJsonValue &v)
{
    if (v.isObject())
        return convertTree(v.toObject());
    if (isNumericKey(key)) {
        bool ok = false;
        const qint64 n = v.toString().toLongLong(&ok);
        return ok ? QJsonValue(n) : v;
    }
    return v;
}

QJsonObject convertTree(const QJsonObject &tree)
{
    QJsonObject out;
    for (auto it = tree.begin(); it != tree.end(); ++it) {
        const QString &key = it.key();
        const QJsonValue &v = it.value();
        auto asMap = [&](const QString &name) {
            QJsonObject map;
            for (const QJsonValue &e : numbered(v.toObject())) {
                const QJsonObject entry = e.toObject();
                map.insert(entry.value(QStringLiteral("Name")).toString(),
                           convertValue(QStringLiteral("Value"), entry.value(QStringLiteral("Value"))));
            }
            out.insert(name, map);
        };
        auto asList = [&](const QString &name) {
            QJsonArray list;
            for (const QJsonValue &e : numbered(v.toObject()))
                list.append(e.isObject() ? QJsonValue(convertTree(e.toObject())) : e);
            out.insert(name, list);
        };
        if (key == QLatin1String("Attribute") || key == QLatin1String("MessageAttribute")
            || key == QLatin1String("MessageSystemAttribute")) {
            asMap(key + QLatin1Char('s'));
        } else if (key == QLatin1String("Tag")) {
            asMap(QStringLiteral("tags"));
        } else if (key == QLatin1String("AttributeName") || key == QLatin1String("MessageAttributeName")
                   || key == QLatin1String("MessageSystemAttributeName")) {
            asList(key + QLatin1Char('s'));
        } else if (key.endsWith(QLatin1String("RequestEntry"))) {
            asList(QStringLiteral("Entries"));
        } else {
            out.insert(key, convertValue(key, v));
        }
    }
    return out;
}

bool isOperationName(const QString &op);

// Text as XML 1.0 allows it: characters it forbids (most controls, lone surrogates,
// U+FFFE/U+FFFF), which a caller's attribute value or an echoed name may hold, become
// U+FFFD, so every answer stays well-formed for the SDK's parser.
QString xmlText(const QString &text)
{
    const auto allowed = [](char32_t u) {
        return u == 0x9 || u == 0xA || u == 0xD || (u >= 0x20 && u <= 0xD7FF) || (u >= 0xE000 && u <= 0xFFFD)
            || (u >= 0x10000 && u <= 0x10FFFF);
    };
    QString out;
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text.at(i);
        if (c.isHighSurrogate() && i + 1 < n && text.at(i + 1).isLowSurrogate()) {
            out += c;
            out += text.at(++i);
        } else {
            out += allowed(c.unicode()) && !c.isSurrogate() ? c : QChar(QChar::ReplacementCharacter);
        }
    }
    return out;
}

void writeText(QXmlStreamWriter &xml, const QString &element, const QString &text)
{
    xml.writeTextElement(element, xmlText(text));
}

void writeMap(QXmlStreamWriter &xml, const QString &element, const QJsonObject &map)
{
    for (auto it = map.begin(); it != map.end(); ++it) {
        xml.writeStartElement(element);
        writeText(xml, QStringLiteral("Name"), it.key());
        if (it.value().isObject()) {
            xml.writeStartElement(QStringLiteral("Value"));
            const QJsonObject value = it.value().toObject();
            for (auto f = value.begin(); f != value.end(); ++f) {
                // DataType, StringValue, BinaryValue: a caller's other keys never name an element.
                if (f.value().isString() && isOperationName(f.key()))
                    writeText(xml, f.key(), f.value().toString());
            }
            xml.writeEndElement();
        } else {
            writeText(xml, QStringLiteral("Value"), it.value().toString());
        }
        xml.writeEndElement();
    }
}

void writeFields(QXmlStreamWriter &xml, const QString &operation, const QJsonObject &o);

void writeField(QXmlStreamWriter &xml, const QString &operation, const QString &key, const QJsonValue &v)
{
    if (v.isArray()) {
        // Flattened lists: each member an element named for it.
        QString element = key;
        if (key == QLatin1String("QueueUrls"))
            element = QStringLiteral("QueueUrl");
        else if (key == QLatin1String("Messages"))
            element = QStringLiteral("Message");
        else if (key == QLatin1String("Successful"))
            element = operation + QStringLiteral("ResultEntry");
        else if (key == QLatin1String("Failed"))
            element = QStringLiteral("BatchResultErrorEntry");
        else if (key == QLatin1String("queueUrls"))
            element = QStringLiteral("QueueUrl");
        for (const QJsonValue &e : v.toArray()) {
            if (e.isObject()) {
                xml.writeStartElement(element);
                writeFields(xml, operation, e.toObject());
                xml.writeEndElement();
            } else {
                writeText(xml, element, e.toString());
            }
        }
    } else if (v.isObject()) {
        writeMap(xml, key == QLatin1String("MessageAttributes") ? QStringLiteral("MessageAttribute") : QStringLiteral("Attribute"),
                 v.toObject());
    } else if (v.isBool()) {
        xml.writeTextElement(key, v.toBool() ? QStringLiteral("true") : QStringLiteral("false"));
    } else if (v.isDouble()) {
        xml.writeTextElement(key, QString::number(v.toInteger()));
    } else {
        writeText(xml, key, v.toString());
    }
}

void writeFields(QXmlStreamWriter &xml, const QString &operation, const QJsonObject &o)
{
    for (auto it = o.begin(); it != o.end(); ++it)
        writeField(xml, operation, it.key(), it.value());
}

// An operation is a word of letters ("SendMessage"); it also names the answer's XML
// elements, so nothing else may pass (nor any other name that becomes an element).
bool isOperationName(const QString &op)
{
    return !op.isEmpty() && op.size() <= 64
        && std::all_of(op.cbegin(), op.cend(), [](QChar c) { return c.unicode() < 0x80 && c.isLetter(); });
}

Error invalidAction()
{
    return makeError(QStringLiteral("InvalidAction"),
                     QStringLiteral("The action or operation requested is invalid. Verify that the action is typed correctly."));
}

void appendLength(QByteArray &out, const QByteArray &bytes)
{
    const quint32 n = quint32(bytes.size());
    out.append(char(n >> 24)).append(char(n >> 16)).append(char(n >> 8)).append(char(n));
    out.append(bytes);
}

} // namespace

bool isSqsRequest(const QByteArray &method, const QByteArray &contentType, const QByteArray &target, const QByteArray &body)
{
    if (method != "POST")
        return false;
    if (target.startsWith("AmazonSQS."))
        return true;
    return contentType.startsWith("application/x-www-form-urlencoded")
        && (body.startsWith("Action=") || body.contains("&Action="));
}

QJsonObject queryToJsonParams(const QByteArray &formBody)
{
    QJsonObject tree;
    for (const QByteArray &pair : formBody.split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        QByteArray k = eq < 0 ? pair : pair.left(eq);
        QByteArray v = eq < 0 ? QByteArray() : pair.mid(eq + 1);
        k.replace('+', ' ');
        v.replace('+', ' ');
        const QString key = QUrl::fromPercentEncoding(k);
        const QString value = QUrl::fromPercentEncoding(v);
        const QStringList path = key.split(QLatin1Char('.'));
        if (path.contains(QString())) // "", ".x", "a..b": no parameter has such a name
            continue;
        place(tree, path, 0, value);
    }
    return convertTree(tree);
}

Result<SqsCall> parseSqsCall(const QByteArray &contentType, const QByteArray &target, const QByteArray &body)
{
    SqsCall call;
    if (target.startsWith("AmazonSQS.")) {
        call.protocol = SqsProtocol::Json;
        call.operation = QString::fromLatin1(target.mid(int(qstrlen("AmazonSQS."))));
        if (!isOperationName(call.operation))
            return invalidAction();
        if (!body.trimmed().isEmpty()) {
            QJsonParseError err{};
            const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
            if (err.error != QJsonParseError::NoError || !doc.isObject())
                return makeError(QStringLiteral("InvalidParameterValue"), QStringLiteral("The request body is not a JSON object: %1").arg(err.errorString()));
            call.params = doc.object();
        }
        return call;
    }
    Q_UNUSED(contentType);
    call.protocol = SqsProtocol::Query;
    call.params = queryToJsonParams(body);
    call.operation = call.params.take(QStringLiteral("Action")).toString();
    call.params.remove(QStringLiteral("Version"));
    if (!call.operation.isEmpty() && !isOperationName(call.operation)) // none: the API names it
        return invalidAction();
    return call;
}

WireResponse sqsResponse(const SqsCall &call, const QJsonObject &result, const QString &requestId)
{
    WireResponse r;
    r.status = 200;
    r.setHeader(QByteArrayLiteral("x-amzn-RequestId"), requestId.toLatin1());
    if (call.protocol == SqsProtocol::Json) {
        r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/x-amz-json-1.0"));
        r.body = QJsonDocument(result).toJson(QJsonDocument::Compact);
        return r;
    }
    r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/xml"));
    QXmlStreamWriter xml(&r.body);
    xml.writeStartDocument();
    xml.writeStartElement(call.operation + QStringLiteral("Response"));
    xml.writeDefaultNamespace(QStringLiteral("http://queue.amazonaws.com/doc/2012-11-05/"));
    xml.writeStartElement(call.operation + QStringLiteral("Result"));
    writeFields(xml, call.operation, result);
    xml.writeEndElement();
    xml.writeStartElement(QStringLiteral("ResponseMetadata"));
    xml.writeTextElement(QStringLiteral("RequestId"), requestId);
    xml.writeEndElement();
    xml.writeEndElement();
    xml.writeEndDocument();
    return r;
}

QString sqsQueryErrorCode(const QString &name)
{
    const ErrorCode *e = findError(name);
    return e ? QLatin1String(e->queryCode) : name;
}

WireResponse sqsError(SqsProtocol protocol, const QString &name, const QString &message, const QString &requestId)
{
    const ErrorCode *e = findError(name);
    const int status = e ? e->status : 400;
    const QString code = sqsQueryErrorCode(name);
    const QString side = status >= 500 ? QStringLiteral("Receiver") : QStringLiteral("Sender");
    WireResponse r;
    r.status = status;
    r.setHeader(QByteArrayLiteral("x-amzn-RequestId"), requestId.toLatin1());
    if (protocol == SqsProtocol::Json) {
        r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/x-amz-json-1.0"));
        r.setHeader(QByteArrayLiteral("x-amzn-query-error"), QString(code + QLatin1Char(';') + side).toLatin1());
        const QJsonObject body{{QStringLiteral("__type"), QString(QStringLiteral("com.amazonaws.sqs#") + name)},
                               {QStringLiteral("message"), message}};
        r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        return r;
    }
    r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/xml"));
    QXmlStreamWriter xml(&r.body);
    xml.writeStartDocument();
    xml.writeStartElement(QStringLiteral("ErrorResponse"));
    xml.writeDefaultNamespace(QStringLiteral("http://queue.amazonaws.com/doc/2012-11-05/"));
    xml.writeStartElement(QStringLiteral("Error"));
    xml.writeTextElement(QStringLiteral("Type"), side);
    writeText(xml, QStringLiteral("Code"), code);
    writeText(xml, QStringLiteral("Message"), message);
    xml.writeEmptyElement(QStringLiteral("Detail"));
    xml.writeEndElement();
    xml.writeTextElement(QStringLiteral("RequestId"), requestId);
    xml.writeEndElement();
    xml.writeEndDocument();
    return r;
}

WireResponse sqsAccessError(const HttpRequest &request, const Error &refusal)
{
    const SqsProtocol protocol = request.hasHeader("x-amz-target") ? SqsProtocol::Json : SqsProtocol::Query;
    const QString name = refusal.type == errc::InvalidSignature ? QStringLiteral("SignatureDoesNotMatch") : QStringLiteral("AccessDenied");
    return sqsError(protocol, name, refusal.message, newRequestId());
}

QString md5Hex(const QByteArray &data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Md5).toHex());
}

QString md5OfMessageAttributes(const QJsonObject &attributes)
{
    if (attributes.isEmpty())
        return {};
    QStringList names = attributes.keys();
    std::sort(names.begin(), names.end(), [](const QString &a, const QString &b) { return a.toUtf8() < b.toUtf8(); });
    QByteArray buffer;
    for (const QString &name : names) {
        const QJsonObject value = attributes.value(name).toObject();
        const QString type = value.value(QStringLiteral("DataType")).toString();
        appendLength(buffer, name.toUtf8());
        appendLength(buffer, type.toUtf8());
        if (type.startsWith(QLatin1String("Binary"))) {
            buffer.append(char(2));
            appendLength(buffer, QByteArray::fromBase64(value.value(QStringLiteral("BinaryValue")).toString().toLatin1()));
        } else {
            buffer.append(char(1));
            appendLength(buffer, value.value(QStringLiteral("StringValue")).toString().toUtf8());
        }
    }
    return md5Hex(buffer);
}

Status validateMessageAttributes(const QJsonObject &attributes)
{
    if (attributes.size() > 10) {
        return makeError(QStringLiteral("InvalidParameterValue"),
                         QStringLiteral("Number of message attributes [%1] exceeds the allowed maximum [10].").arg(attributes.size()));
    }
    static const QRegularExpression nameRe(QStringLiteral("^[A-Za-z0-9_.-]{1,256}$"));
    for (auto it = attributes.begin(); it != attributes.end(); ++it) {
        const QString &name = it.key();
        if (!nameRe.match(name).hasMatch() || name.startsWith(QLatin1Char('.')) || name.endsWith(QLatin1Char('.'))
            || name.contains(QLatin1String("..")) || name.startsWith(QLatin1String("AWS."), Qt::CaseInsensitive)
            || name.startsWith(QLatin1String("Amazon."), Qt::CaseInsensitive)) {
            return makeError(QStringLiteral("InvalidParameterValue"),
                             QStringLiteral("Message attribute name '%1' is invalid.").arg(name));
        }
        const QJsonObject v = it.value().toObject();
        const QString type = v.value(QStringLiteral("DataType")).toString();
        const bool binary = type.startsWith(QLatin1String("Binary"));
        if (!binary && !type.startsWith(QLatin1String("String")) && !type.startsWith(QLatin1String("Number"))) {
            return makeError(QStringLiteral("InvalidParameterValue"),
                             QStringLiteral("The type of message (user) attribute '%1' is invalid. You must use only the following supported type prefixes: Binary, Number, String.")
                                 .arg(name));
        }
        const QString field = binary ? QStringLiteral("BinaryValue") : QStringLiteral("StringValue");
        if (!v.contains(field) || (v.value(field).toString().isEmpty())) {
            return makeError(QStringLiteral("InvalidParameterValue"),
                             QStringLiteral("Message (user) attribute '%1' must contain a non-empty value of message attribute type '%2'.")
                                 .arg(name, binary ? QStringLiteral("Binary") : type.section(QLatin1Char('.'), 0, 0)));
        }
        if (type.startsWith(QLatin1String("Number"))) {
            bool ok = false;
            v.value(field).toString().toDouble(&ok);
            if (!ok) {
                return makeError(QStringLiteral("InvalidParameterValue"),
                                 QStringLiteral("Can't cast the value of message (user) attribute '%1' to a number.").arg(name));
            }
        }
    }
    return {};
}

bool isValidMessageBody(const QString &body)
{
    const QList<uint> points = body.toUcs4();
    return std::all_of(points.begin(), points.end(), [](uint c) {
        return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
            || (c >= 0x10000 && c <= 0x10FFFF);
    });
}

QJsonObject selectMessageAttributes(const QJsonObject &attributes, const QStringList &names)
{
    QJsonObject out;
    for (auto it = attributes.begin(); it != attributes.end(); ++it) {
        const bool wanted = std::any_of(names.begin(), names.end(), [&](const QString &n) {
            if (n == QLatin1String("All") || n == QLatin1String(".*"))
                return true;
            if (n.endsWith(QLatin1String(".*")))
                return it.key().startsWith(n.chopped(1));
            return it.key() == n;
        });
        if (wanted)
            out.insert(it.key(), it.value());
    }
    return out;
}

QString queueUrl(const QString &baseUrl, const QString &name)
{
    return baseUrl + QLatin1Char('/') + QLatin1String(kAccountId) + QLatin1Char('/') + name;
}

QString queueArn(const QString &name)
{
    return QStringLiteral("arn:aws:sqs:%1:%2:%3").arg(QLatin1String(kRegion), QLatin1String(kAccountId), name);
}

QString queueNameFromUrl(const QString &url)
{
    const QUrl u(url);
    const QStringList parts = u.path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (u.isValid() && !u.scheme().isEmpty() && parts.size() == 2)
        return parts[1];
    return {};
}

QString queueNameFromArn(const QString &arn)
{
    const QStringList parts = arn.split(QLatin1Char(':'));
    if (parts.size() == 6 && parts[0] == QLatin1String("arn") && parts[2] == QLatin1String("sqs"))
        return parts[5];
    return {};
}

} // namespace funcdesk::api
