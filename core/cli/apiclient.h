#pragma once
// A blocking client for a running engine's Lambda-compatible HTTP API, for commands that
// run once and exit. Lambda's wire format: errors carry x-amzn-ErrorType and a
// {"Type","Message"} (or {"message"}) body, turned into funcdesk::Error here.
// A connection that cannot be made is Error{"EngineUnreachable", ...}.
//
// Threading: main thread of the command (spins a local event loop per request).

#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

namespace funcdesk::cli {

inline constexpr const char kEngineUnreachable[] = "EngineUnreachable";

struct ApiReply
{
    int status = 0;
    QByteArray body;
    QMap<QByteArray, QByteArray> headers; // lower-case names

    QByteArray header(const char *lowerName) const { return headers.value(QByteArray(lowerName)); }
    bool isError() const { return status >= 400; }
};

class ApiClient
{
public:
    ApiClient(const QString &endpoint, QString token, int timeoutMs = 960000);

    QUrl endpoint() const { return m_endpoint; }

    // Any HTTP answer is a value (check isError()); only transport failures are Errors.
    Result<ApiReply> request(const QByteArray &method, const QString &path, const QUrlQuery &query = {},
                             const QByteArray &body = {},
                             const QList<QPair<QByteArray, QByteArray>> &headers = {}) const;
    // request() that also turns HTTP errors into Errors (Lambda's wire format).
    Result<ApiReply> call(const QByteArray &method, const QString &path, const QUrlQuery &query = {},
                          const QByteArray &body = {},
                          const QList<QPair<QByteArray, QByteArray>> &headers = {}) const;

    static Error errorOf(const ApiReply &reply);
    // True when something answers HTTP at the endpoint.
    bool reachable() const;

private:
    QUrl m_endpoint;
    QString m_token;
    int m_timeoutMs;
};

} // namespace funcdesk::cli
