#include "cli/apiclient.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <memory>

namespace funcdesk::cli {

ApiClient::ApiClient(const QString &endpoint, QString token, int timeoutMs)
    : m_endpoint(QUrl::fromUserInput(endpoint)), m_token(std::move(token)), m_timeoutMs(timeoutMs)
{
}

Result<ApiReply> ApiClient::request(const QByteArray &method, const QString &path, const QUrlQuery &query,
                                    const QByteArray &body,
                                    const QList<QPair<QByteArray, QByteArray>> &headers) const
{
    if (!m_endpoint.isValid() || m_endpoint.host().isEmpty())
        return makeError(errc::Usage, QStringLiteral("invalid endpoint URL '") + m_endpoint.toString() + QLatin1Char('\''));
    QUrl url = m_endpoint;
    QString basePath = url.path();
    if (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    url.setPath(basePath + path);
    if (!query.isEmpty())
        url.setQuery(query);

    QNetworkAccessManager nam;
    // A local engine is never behind a proxy, whatever http_proxy says.
    const QHostAddress host(url.host());
    if (url.host() == QLatin1String("localhost") || (!host.isNull() && host.isLoopback()))
        nam.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest req(url);
    req.setTransferTimeout(m_timeoutMs);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!body.isEmpty() || method == "POST" || method == "PUT")
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!m_token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    for (const auto &h : headers)
        req.setRawHeader(h.first, h.second);

    std::unique_ptr<QNetworkReply> reply(nam.sendCustomRequest(req, method, body));
    QEventLoop loop;
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();

    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid()) {
        return makeError(QLatin1String(kEngineUnreachable),
                         QStringLiteral("no engine answers at ") + m_endpoint.toString() + QStringLiteral(" (")
                             + reply->errorString()
                             + QStringLiteral("); start one with 'funcdesk serve' or pass --endpoint"));
    }
    ApiReply out;
    out.status = status.toInt();
    out.body = reply->readAll();
    const auto pairs = reply->rawHeaderPairs();
    for (const auto &p : pairs)
        out.headers.insert(p.first.toLower(), p.second);
    return out;
}

Result<ApiReply> ApiClient::call(const QByteArray &method, const QString &path, const QUrlQuery &query,
                                 const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers) const
{
    auto reply = request(method, path, query, body, headers);
    if (!reply)
        return reply.error();
    if (reply->isError())
        return errorOf(*reply);
    return reply;
}

Error ApiClient::errorOf(const ApiReply &reply)
{
    const QJsonObject doc = QJsonDocument::fromJson(reply.body).object();
    QString type = QString::fromUtf8(reply.header("x-amzn-errortype")).section(QLatin1Char(':'), 0, 0);
    if (type.isEmpty())
        type = doc.value(QStringLiteral("Type")).toString();
    if (type.isEmpty() || type == QLatin1String("User") || type == QLatin1String("Service"))
        type = doc.value(QStringLiteral("__type")).toString(type);
    QString message = doc.value(QStringLiteral("Message")).toString();
    if (message.isEmpty())
        message = doc.value(QStringLiteral("message")).toString();
    if (message.isEmpty())
        message = QStringLiteral("HTTP ") + QString::number(reply.status) + QLatin1Char(' ')
            + QString::fromUtf8(reply.body.left(200));
    if (type.isEmpty())
        type = reply.status == 404 ? errc::ResourceNotFound : errc::Service;
    return makeError(type, message);
}

bool ApiClient::reachable() const
{
    ApiClient probe(m_endpoint.toString(), m_token, 2000);
    return probe.request("GET", QStringLiteral("/2015-03-31/functions/")).ok();
}

} // namespace funcdesk::cli
