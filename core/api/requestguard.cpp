#include "api/requestguard.h"

#include "api/apiserver.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>

#include <algorithm>
#include <cstdlib>

namespace funcdesk::api {

namespace {

// The host part of a Host header: "localhost:9001" -> "localhost", "[::1]:9001" -> "::1".
QString hostName(const QByteArray &header)
{
    QString host = QString::fromLatin1(header).trimmed().toLower();
    if (host.startsWith(QLatin1Char('['))) {
        const qsizetype close = host.indexOf(QLatin1Char(']'));
        return close > 0 ? host.mid(1, close - 1) : host;
    }
    const qsizetype colon = host.lastIndexOf(QLatin1Char(':'));
    if (colon >= 0 && host.indexOf(QLatin1Char(':')) == colon) // one colon: a port
        host.truncate(colon);
    return host;
}

bool isWildcard(const QString &address)
{
    return address == QLatin1String("0.0.0.0") || address == QLatin1String("::") || address.isEmpty();
}

} // namespace

Status checkHost(const HttpRequest &request, const GuardOptions &options)
{
    if (!request.hasHeader("host"))
        return {}; // not a browser: every browser request names its host
    const QString host = hostName(request.header("host"));
    if (host == QLatin1String("localhost") || isLoopbackAddress(host))
        return {};
    // Bound to every address (with a token, see ApiServer::start): any of them may be named.
    if (isWildcard(options.bindAddress) || host == options.bindAddress.toLower())
        return {};
    return makeError(errc::AccessDenied,
                     QStringLiteral("Host \"%1\" is not this server: Funcdesk answers requests for localhost, loopback "
                                    "addresses and %2 only.")
                         .arg(host, options.bindAddress));
}

Status checkOrigin(const HttpRequest &request, const GuardOptions &options)
{
    if (!request.hasHeader("origin"))
        return {};
    const QString origin = QString::fromLatin1(request.header("origin")).trimmed();
    if (options.allowedOrigins.contains(origin))
        return {};
    return makeError(errc::AccessDenied,
                     QStringLiteral("Requests from web pages (Origin \"%1\") are refused: a page must not drive the local "
                                    "engine. Allow the origin in Settings if you trust it.")
                         .arg(origin));
}

bool isWellFormedSigV4(const QByteArray &authorization)
{
    static const QRegularExpression sigV4(QStringLiteral(
        "^AWS4-HMAC-SHA256 Credential=[^/\\s,]+/\\d{8}/[a-z0-9-]+/[a-z0-9-]+/aws4_request,\\s*"
        "SignedHeaders=[a-z0-9;-]+,\\s*Signature=[0-9a-f]{64}$"));
    return sigV4.match(QString::fromLatin1(authorization).trimmed()).hasMatch();
}

Status checkCredentials(const HttpRequest &request, const GuardOptions &options)
{
    const QByteArray authorization = request.header("authorization");
    if (authorization.startsWith("Bearer ")) {
        for (const QString &token : options.tokens) {
            if (!token.isEmpty() && constantTimeEquals(authorization, QByteArrayLiteral("Bearer ") + token.toUtf8()))
                return {};
        }
        return makeError(errc::Unrecognized, QStringLiteral("The security token included in the request is invalid."));
    }
    if (!options.requiredSecret.isEmpty() && isWellFormedSigV4(authorization))
        return verifySigV4(request, options.requiredSecret, QDateTime::currentMSecsSinceEpoch());
    if (options.acceptAnySignature && isLoopbackAddress(options.bindAddress) && isWellFormedSigV4(authorization))
        return {};
    return makeError(errc::Unrecognized,
                     authorization.isEmpty()
                         ? QStringLiteral("Missing credentials: sign the request (AWS SDKs and the AWS CLI do), or send "
                                          "\"Authorization: Bearer <token>\" with the token in the data dir's "
                                          "funcdesk.token file.")
                         : QStringLiteral("The request signature is not a valid AWS Signature Version 4 header."));
}

namespace {

QByteArray sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

QByteArray hmac(const QByteArray &key, const QByteArray &message)
{
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256);
}

// AWS's URI encoding: unreserved characters as they are, everything else %XX (upper case).
QByteArray awsEncode(const QByteArray &bytes, const QByteArray &keep = {})
{
    return bytes.toPercentEncoding(keep);
}

QByteArray canonicalQuery(const QByteArray &query)
{
    QList<QPair<QByteArray, QByteArray>> pairs;
    for (const QByteArray &part : query.split('&')) {
        if (part.isEmpty())
            continue;
        const qsizetype eq = part.indexOf('=');
        const QByteArray key = eq < 0 ? part : part.left(eq);
        const QByteArray value = eq < 0 ? QByteArray() : part.mid(eq + 1);
        pairs.append({awsEncode(QByteArray::fromPercentEncoding(key)), awsEncode(QByteArray::fromPercentEncoding(value))});
    }
    std::sort(pairs.begin(), pairs.end());
    QByteArray out;
    for (const auto &[key, value] : std::as_const(pairs))
        out += (out.isEmpty() ? QByteArray() : QByteArrayLiteral("&")) + key + '=' + value;
    return out;
}

QByteArray canonicalHeaderValue(const QByteArray &value)
{
    return value.simplified(); // trimmed, inner runs of spaces as one
}

Error signatureError(const QString &why)
{
    return makeError(errc::InvalidSignature, why);
}

} // namespace

Status verifySigV4(const HttpRequest &request, const QString &secret, qint64 nowMs)
{
    static const QRegularExpression parts(QStringLiteral(
        "^AWS4-HMAC-SHA256 Credential=([^/\\s,]+)/(\\d{8})/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request,\\s*"
        "SignedHeaders=([a-z0-9;-]+),\\s*Signature=([0-9a-f]{64})$"));
    const QRegularExpressionMatch m = parts.match(QString::fromLatin1(request.header("authorization")).trimmed());
    if (!m.hasMatch())
        return signatureError(QStringLiteral("The request signature is not a valid AWS Signature Version 4 header."));
    const QByteArray day = m.captured(2).toLatin1();
    const QByteArray region = m.captured(3).toLatin1();
    const QByteArray service = m.captured(4).toLatin1();
    const QByteArrayList signedHeaders = m.captured(5).toLatin1().split(';');
    const QByteArray signature = m.captured(6).toLatin1();

    const QByteArray amzDate = request.header("x-amz-date").trimmed();
    const QDateTime stamp = QDateTime::fromString(QString::fromLatin1(amzDate), QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    if (!stamp.isValid() || !amzDate.startsWith(day))
        return signatureError(QStringLiteral("The request must carry X-Amz-Date (yyyyMMddTHHmmssZ) on the credential's day."));
    QDateTime utc = stamp;
    utc.setTimeSpec(Qt::UTC);
    if (nowMs > 0 && std::abs(utc.toMSecsSinceEpoch() - nowMs) > 15 * 60 * 1000)
        return signatureError(QStringLiteral("Signature expired: %1 is more than 15 minutes from the server's time.")
                                  .arg(QString::fromLatin1(amzDate)));
    if (!signedHeaders.contains("host") && request.hasHeader("host"))
        return signatureError(QStringLiteral("The host header must be signed."));

    QByteArray headers;
    for (const QByteArray &name : signedHeaders) {
        if (!request.hasHeader(name))
            return signatureError(QStringLiteral("Signed header %1 is missing.").arg(QString::fromLatin1(name)));
        headers += name + ':' + canonicalHeaderValue(request.header(name)) + '\n';
    }
    const QByteArray payloadHash =
        request.hasHeader("x-amz-content-sha256") ? request.header("x-amz-content-sha256").trimmed() : sha256Hex(request.body);
    const QByteArray canonical = request.method + '\n' + awsEncode(request.path.isEmpty() ? QByteArrayLiteral("/") : request.path, "/")
        + '\n' + canonicalQuery(request.query) + '\n' + headers + '\n' + signedHeaders.join(';') + '\n' + payloadHash;
    const QByteArray scope = day + '/' + region + '/' + service + "/aws4_request";
    const QByteArray toSign = "AWS4-HMAC-SHA256\n" + amzDate + '\n' + scope + '\n' + sha256Hex(canonical);
    QByteArray key = hmac("AWS4" + secret.toUtf8(), day);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    const QByteArray expected = hmac(key, toSign).toHex();
    if (!constantTimeEquals(expected, signature))
        return signatureError(QStringLiteral("The request signature we calculated does not match the signature you "
                                             "provided. Check your AWS Secret Access Key and signing method."));
    return {};
}

QString localTokenPath(const DataDir &dir)
{
    return dir.root + QStringLiteral("/funcdesk.token");
}

QString readLocalToken(const DataDir &dir)
{
    QFile f(localTokenPath(dir));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).trimmed() : QString();
}

Result<QString> readOrCreateLocalToken(const DataDir &dir)
{
    const QString existing = readLocalToken(dir);
    if (existing.size() >= 32)
        return existing;
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    const QString token = QString::fromLatin1(bytes.toHex());
    QDir().mkpath(dir.root);
    QSaveFile f(localTokenPath(dir));
    if (!f.open(QIODevice::WriteOnly))
        return makeError(errc::IOError, QStringLiteral("cannot write %1: %2").arg(localTokenPath(dir), f.errorString()));
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(token.toLatin1() + '\n');
    if (!f.commit())
        return makeError(errc::IOError, QStringLiteral("cannot write %1: %2").arg(localTokenPath(dir), f.errorString()));
    return token;
}

} // namespace funcdesk::api
