#include "api/requestguard.h"

#include "api/apiserver.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>

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
    if (options.acceptAnySignature && isLoopbackAddress(options.bindAddress) && isWellFormedSigV4(authorization))
        return {};
    return makeError(errc::Unrecognized,
                     authorization.isEmpty()
                         ? QStringLiteral("Missing credentials: sign the request (AWS SDKs and the AWS CLI do), or send "
                                          "\"Authorization: Bearer <token>\" with the token in the data dir's "
                                          "funcdesk.token file.")
                         : QStringLiteral("The request signature is not a valid AWS Signature Version 4 header."));
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
