#include "functionurl.h"

#include "common/ids.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>
#include <QUrl>

namespace funcdesk::api {

namespace {

// An HTTP header name (RFC 9110 token) and a value that keeps to its line: a handler
// echoing request data into a header must not be able to split the response.
bool isHeaderName(const QByteArray &name)
{
    if (name.isEmpty())
        return false;
    for (const char c : name) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !QByteArrayView("!#$%&'*+-.^_`|~").contains(c))
            return false;
    }
    return true;
}

bool isHeaderValue(const QByteArray &value)
{
    return !value.contains('\r') && !value.contains('\n') && !value.contains('\0');
}

WireResponse internalServerError()
{
    WireResponse r;
    r.status = 502;
    r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    r.body = QByteArrayLiteral("{\"Message\":\"Internal Server Error\"}");
    return r;
}

QString decodeComponent(const QByteArray &raw)
{
    QByteArray plus = raw;
    plus.replace('+', ' ');
    return QUrl::fromPercentEncoding(plus);
}

} // namespace

QString functionUrlFor(const QString &apiAddress, const QString &function, const QString &alias)
{
    QString url = QStringLiteral("http://") + apiAddress + QLatin1String(kFunctionUrlPrefix) + function + QLatin1Char('/');
    if (!alias.isEmpty())
        url += alias + QLatin1Char('/');
    return url;
}

FunctionUrlTarget parseFunctionUrlPath(const QByteArray &path,
                                       const std::function<bool(const QString &, const QString &)> &isAlias)
{
    FunctionUrlTarget t;
    const QByteArray prefix(kFunctionUrlPrefix);
    if (!path.startsWith(prefix))
        return t;
    const QByteArray rest = path.mid(prefix.size());
    const qsizetype slash = rest.indexOf('/');
    const QByteArray fn = slash < 0 ? rest : rest.left(slash);
    if (fn.isEmpty() || !isValidFunctionName(QString::fromLatin1(fn)))
        return t;
    t.function = QString::fromLatin1(fn);
    QByteArray tail = slash < 0 ? QByteArray() : rest.mid(slash); // starts with '/' or empty
    if (tail.size() > 1) {
        const qsizetype next = tail.indexOf('/', 1);
        const QByteArray seg = next < 0 ? tail.mid(1) : tail.mid(1, next - 1);
        const QString segment = QUrl::fromPercentEncoding(seg);
        if (isAlias && isAlias(t.function, segment)) {
            t.qualifier = segment;
            tail = next < 0 ? QByteArray() : tail.mid(next);
        }
    }
    t.rawPath = tail.isEmpty() ? QByteArrayLiteral("/") : tail;
    return t;
}

bool isTextContentType(const QByteArray &contentType)
{
    const QByteArray ct = contentType.toLower().trimmed();
    if (ct.startsWith("text/"))
        return true;
    const QByteArray mime = ct.left(ct.indexOf(';') < 0 ? ct.size() : ct.indexOf(';')).trimmed();
    static const char *const textual[] = {"application/json", "application/javascript", "application/xml",
                                          "application/x-www-form-urlencoded", "application/yaml",
                                          "application/graphql", "application/ld+json"};
    for (const char *t : textual) {
        if (mime == t)
            return true;
    }
    return mime.endsWith("+json") || mime.endsWith("+xml");
}

QByteArray functionUrlEvent(const HttpRequest &request, const FunctionUrlTarget &target,
                            const FunctionUrlContext &context)
{
    // Headers: lower-cased names, repeated ones comma-joined; cookies go to their own list.
    QJsonObject headers;
    QJsonArray cookies;
    for (const auto &h : request.headers) {
        const QString name = QString::fromLatin1(h.first).toLower();
        const QString value = QString::fromUtf8(h.second);
        if (name == QLatin1String("cookie")) {
            const QStringList parts = value.split(QLatin1Char(';'), Qt::SkipEmptyParts);
            for (const QString &c : parts)
                cookies.append(c.trimmed());
            continue;
        }
        const QString prev = headers.value(name).toString();
        headers.insert(name, prev.isEmpty() && !headers.contains(name) ? value : prev + QLatin1Char(',') + value);
    }

    QJsonObject query;
    const QList<QByteArray> pairs = request.query.split('&');
    for (const QByteArray &pair : pairs) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        const QString key = decodeComponent(eq < 0 ? pair : pair.left(eq));
        const QString value = eq < 0 ? QString() : decodeComponent(pair.mid(eq + 1));
        query.insert(key, query.contains(key) ? query.value(key).toString() + QLatin1Char(',') + value : value);
    }

    const QDateTime when = QDateTime::fromMSecsSinceEpoch(context.timeEpochMs, QTimeZone::utc());
    const QString domainPrefix = context.urlId.isEmpty() ? target.function : context.urlId;
    const QJsonObject http{
        {QStringLiteral("method"), QString::fromLatin1(request.method)},
        {QStringLiteral("path"), QString::fromUtf8(target.rawPath)},
        {QStringLiteral("protocol"), QString::fromLatin1(request.protocol)},
        {QStringLiteral("sourceIp"), QString::fromLatin1(request.peerAddress)},
        {QStringLiteral("userAgent"), QString::fromUtf8(request.header("user-agent"))},
    };
    const QJsonObject requestContext{
        {QStringLiteral("accountId"), QStringLiteral("anonymous")},
        {QStringLiteral("apiId"), domainPrefix},
        {QStringLiteral("domainName"), QString(domainPrefix + QStringLiteral(".lambda-url.") + QLatin1String(kRegion) + QStringLiteral(".on.aws"))},
        {QStringLiteral("domainPrefix"), domainPrefix},
        {QStringLiteral("http"), http},
        {QStringLiteral("requestId"), context.requestId},
        {QStringLiteral("routeKey"), QStringLiteral("$default")},
        {QStringLiteral("stage"), QStringLiteral("$default")},
        {QStringLiteral("time"), QString(when.toString(QStringLiteral("dd/MMM/yyyy:HH:mm:ss")) + QStringLiteral(" +0000"))},
        {QStringLiteral("timeEpoch"), double(context.timeEpochMs)},
    };

    QJsonObject event{
        {QStringLiteral("version"), QStringLiteral("2.0")},
        {QStringLiteral("routeKey"), QStringLiteral("$default")},
        {QStringLiteral("rawPath"), QString::fromUtf8(target.rawPath)},
        {QStringLiteral("rawQueryString"), QString::fromUtf8(request.query)},
        {QStringLiteral("headers"), headers},
        {QStringLiteral("requestContext"), requestContext},
        {QStringLiteral("isBase64Encoded"), false},
    };
    if (!cookies.isEmpty())
        event.insert(QStringLiteral("cookies"), cookies);
    if (!query.isEmpty())
        event.insert(QStringLiteral("queryStringParameters"), query);
    if (!request.body.isEmpty()) {
        const bool text = isTextContentType(request.header("content-type"));
        event.insert(QStringLiteral("body"), text ? QString::fromUtf8(request.body) : QString::fromLatin1(request.body.toBase64()));
        event.insert(QStringLiteral("isBase64Encoded"), !text);
    }
    return QJsonDocument(event).toJson(QJsonDocument::Compact);
}

std::optional<WireResponse> functionUrlStreamHead(const QByteArray &preludeJson)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(preludeJson, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    WireResponse r;
    r.status = o.contains(QStringLiteral("statusCode")) ? o.value(QStringLiteral("statusCode")).toVariant().toInt() : 200;
    if (r.status < 100 || r.status > 599)
        return std::nullopt;
    const QJsonObject headers = o.value(QStringLiteral("headers")).toObject();
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        const QJsonValue v = it.value();
        const QByteArray value = (v.isString() ? v.toString() : v.isDouble() ? QString::number(v.toDouble()) : QString()).toUtf8();
        const QByteArray name = it.key().toUtf8();
        if (!isHeaderName(name) || !isHeaderValue(value))
            return std::nullopt;
        r.headers.append({name, value});
    }
    const QJsonArray cookies = o.value(QStringLiteral("cookies")).toArray();
    for (const QJsonValue &c : cookies) {
        if (!isHeaderValue(c.toString().toUtf8()))
            return std::nullopt;
        r.headers.append({QByteArrayLiteral("Set-Cookie"), c.toString().toUtf8()});
    }
    if (r.header(QByteArrayLiteral("content-type")).isEmpty())
        r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/octet-stream"));
    return r;
}

WireResponse functionUrlResponse(const QByteArray &result, bool functionError)
{
    WireResponse r;
    if (functionError) {
        r.status = 502;
        r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
        r.body = QByteArrayLiteral("{\"Message\":\"Internal Server Error\"}");
        return r;
    }
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(result, &err);
    const QJsonObject o = doc.object();
    if (err.error != QJsonParseError::NoError || !doc.isObject() || !o.contains(QStringLiteral("statusCode"))) {
        // Anything that is not a response object is the body of a 200 JSON response.
        r.status = 200;
        r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
        r.body = result;
        return r;
    }
    r.status = o.value(QStringLiteral("statusCode")).toVariant().toInt();
    if (r.status < 100 || r.status > 599) {
        r = WireResponse{};
        r.status = 502;
        r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
        r.body = QByteArrayLiteral("{\"Message\":\"Internal Server Error\"}");
        return r;
    }
    const QJsonObject headers = o.value(QStringLiteral("headers")).toObject();
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        const QJsonValue v = it.value();
        const QString value = v.isString() ? v.toString() : v.isDouble() ? QString::number(v.toDouble())
            : v.isBool()                                                 ? (v.toBool() ? QStringLiteral("true") : QStringLiteral("false"))
                                                                         : QString();
        const QByteArray name = it.key().toUtf8();
        if (!isHeaderName(name) || !isHeaderValue(value.toUtf8()))
            return internalServerError(); // like a bad statusCode: the response is malformed
        r.headers.append({name, value.toUtf8()});
    }
    const QJsonArray cookies = o.value(QStringLiteral("cookies")).toArray();
    for (const QJsonValue &c : cookies) {
        if (!isHeaderValue(c.toString().toUtf8()))
            return internalServerError();
        r.headers.append({QByteArrayLiteral("Set-Cookie"), c.toString().toUtf8()});
    }
    if (r.header(QByteArrayLiteral("content-type")).isEmpty())
        r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    const QJsonValue body = o.value(QStringLiteral("body"));
    const QByteArray text = body.isString()   ? body.toString().toUtf8()
        : (body.isObject() || body.isArray()) ? QJsonDocument::fromVariant(body.toVariant()).toJson(QJsonDocument::Compact)
                                              : QByteArray();
    r.body = o.value(QStringLiteral("isBase64Encoded")).toBool() ? QByteArray::fromBase64(text) : text;
    return r;
}

} // namespace funcdesk::api
