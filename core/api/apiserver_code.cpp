// ApiServer: GetFunction's Code.Location. On Lambda it is a presigned URL, valid for ten
// minutes, from which the version's deployment package (a zip) is downloaded with a plain
// GET and no credentials. Here it is a URL on this server, signed with a key the server
// makes at start (HMAC-SHA256 over the function, the version and the expiry), so the link
// works for ten minutes for whoever got it from an authorized GetFunction, and only for
// that function version. The zip is the version's code directory as the catalog reports
// it, written on the API thread (code directories are small; Lambda caps them at 250 MB).
#include "apiserver.h"

#include "api/apiserver_p.h"
#include "api/functioncatalog.h"
#include "api/lambdawire.h"
#include "versioning/codezip.h"

#include <QDateTime>
#include <QFile>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QUrl>
#include <QUrlQuery>

namespace funcdesk::api {

using namespace detail;

namespace {
constexpr qint64 kCodeUrlSeconds = 600; // Lambda's Code.Location is valid for 10 minutes

QByteArray codeSignature(const QByteArray &key, const QString &function, const QString &version, qint64 expires)
{
    const QByteArray message = function.toUtf8() + '\n' + version.toUtf8() + '\n' + QByteArray::number(expires);
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256).toHex();
}

WireResponse plainStatus(int status, const QByteArray &message)
{
    WireResponse r;
    r.status = status;
    r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    r.body = QByteArrayLiteral("{\"Message\":\"") + message + QByteArrayLiteral("\"}");
    return r;
}
} // namespace

bool ApiServer::isCodeDownload(const HttpRequest &request)
{
    return request.path.startsWith(kCodeDownloadPrefix);
}

QString ApiServer::codeLocation(const HttpRequest &request, const QString &function, const QString &version)
{
    if (m_codeUrlKey.isEmpty()) {
        m_codeUrlKey.resize(32);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(m_codeUrlKey.data()), 8);
    }
    const qint64 expires = QDateTime::currentSecsSinceEpoch() + kCodeUrlSeconds;
    // The address the caller used (checkHost() vetted it), else the one listened on.
    const QByteArray host = request.header("host");
    const QString base = host.isEmpty() ? baseUrl() : QStringLiteral("http://") + QString::fromLatin1(host);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("Expires"), QString::number(expires));
    query.addQueryItem(QStringLiteral("Signature"), QString::fromLatin1(codeSignature(m_codeUrlKey, function, version, expires)));
    return base + QLatin1String(kCodeDownloadPrefix) + QString::fromLatin1(QUrl::toPercentEncoding(function)) + QLatin1Char('/')
        + QString::fromLatin1(QUrl::toPercentEncoding(version)) + QStringLiteral(".zip?") + query.toString(QUrl::FullyEncoded);
}

WireResponse ApiServer::codeDownload(const HttpRequest &request)
{
    if (request.method != "GET" && request.method != "HEAD")
        return plainStatus(405, "Method Not Allowed");
    const QList<QByteArray> parts = request.path.mid(qsizetype(qstrlen(kCodeDownloadPrefix))).split('/');
    if (parts.size() != 2 || !parts[1].endsWith(".zip"))
        return plainStatus(404, "Not Found");
    const QString function = QUrl::fromPercentEncoding(parts[0]);
    const QString version = QUrl::fromPercentEncoding(parts[1].chopped(4));
    const QUrlQuery query(QString::fromLatin1(request.query));
    const qint64 expires = query.queryItemValue(QStringLiteral("Expires")).toLongLong();
    const QByteArray signature = query.queryItemValue(QStringLiteral("Signature")).toLatin1();
    if (m_codeUrlKey.isEmpty() || signature.isEmpty()
        || !constantTimeEquals(signature, codeSignature(m_codeUrlKey, function, version, expires)))
        return plainStatus(403, "The request signature does not match (ask GetFunction for a new Code.Location).");
    if (QDateTime::currentSecsSinceEpoch() > expires)
        return plainStatus(403, "Request has expired (ask GetFunction for a new Code.Location).");
    const Result<FunctionConfig> cfg = m_catalog->config(function, version);
    if (!cfg.ok())
        return errorResponse(functionNotFound(function, version));
    QTemporaryDir tmp;
    const QString zipPath = tmp.filePath(QStringLiteral("code.zip"));
    if (auto written = codezip::writeCodeZip(cfg->codeDir, zipPath); !written)
        return errorResponse(errc::Service, written.error().message);
    QFile zip(zipPath);
    if (!zip.open(QIODevice::ReadOnly))
        return errorResponse(errc::Service, zip.errorString());
    WireResponse r;
    r.status = 200;
    r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/zip"));
    r.setHeader(QByteArrayLiteral("Content-Disposition"),
                QByteArrayLiteral("attachment; filename=\"") + QUrl::toPercentEncoding(function) + QByteArrayLiteral(".zip\""));
    r.body = zip.readAll();
    return r;
}

} // namespace funcdesk::api
