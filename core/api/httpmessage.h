#pragma once
// One parsed HTTP/1.1 request, as the HTTP server hands it to route handlers.
// Plain value; copied freely between threads.

#include <QByteArray>
#include <QList>
#include <QPair>

namespace funcdesk::api {

struct HttpRequest
{
    QByteArray method;                            // "GET", "POST", ...
    QByteArray path;                              // raw (percent-encoded) path, no query
    QByteArray query;                             // raw query string, no '?'
    QList<QPair<QByteArray, QByteArray>> headers; // in arrival order, names as sent
    QByteArray body;
    QByteArray peerAddress; // "127.0.0.1"
    QByteArray protocol = QByteArrayLiteral("HTTP/1.1");
    bool bodyTooLarge = false; // the body passed the server's limit and was dropped

    // Case-insensitive; repeated headers joined with ",".
    QByteArray header(const QByteArray &name) const
    {
        QByteArray out;
        bool found = false;
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
                if (found)
                    out += ',';
                out += h.second;
                found = true;
            }
        }
        return out;
    }
    bool hasHeader(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return true;
        }
        return false;
    }
};

} // namespace funcdesk::api
