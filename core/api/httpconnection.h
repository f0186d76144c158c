#pragma once
// One client connection of HttpServer (internal to core/api).
// Threading: lives on the server's thread.

#include "api/httpserver.h"

#include <QMap>
#include <QTcpSocket>

#include <http_parser.h>

#include <functional>

namespace funcdesk::api {

class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, HttpServer *server);
    ~HttpConnection() override;

    bool isPending(quint64 sequence) const;
    void respond(quint64 sequence, const WireResponse &response);
    void onAbandoned(quint64 sequence, std::function<void()> callback);
    void beginStream(quint64 sequence, const WireResponse &head);
    void streamWrite(quint64 sequence, const QByteArray &bytes, bool last = false);

    // http_parser callbacks (p->data is the connection).
    static int onMessageBegin(http_parser *p);
    static int onUrl(http_parser *p, const char *at, size_t len);
    static int onHeaderField(http_parser *p, const char *at, size_t len);
    static int onHeaderValue(http_parser *p, const char *at, size_t len);
    static int onHeadersComplete(http_parser *p);
    static int onBody(http_parser *p, const char *at, size_t len);
    static int onMessageComplete(http_parser *p);

private:
    struct Pending
    {
        bool answered = false;
        bool keepAlive = true;
        bool head = false; // HEAD: headers only (Content-Length of the body it would have)
        bool streaming = false; // a chunked response: written as it comes, done at its last chunk
        bool streamEnded = false;
        QByteArray bytes;
        std::function<void()> abandoned;
    };

    void onReadyRead();
    void flush();
    void write(const QByteArray &bytes); // one response, in order
    void closeNow();

    QTcpSocket *m_socket;
    HttpServer *m_server;
    http_parser m_parser;
    HttpRequest m_current;
    QByteArray m_url;
    QByteArray m_field;
    bool m_lastWasValue = false;
    quint64 m_nextSequence = 1;
    quint64 m_nextToWrite = 1;
    QMap<quint64, Pending> m_pending;
    bool m_closing = false;
    bool m_dead = false;
    bool m_stopParsing = false; // a request ended the connection: ignore what follows
};

} // namespace funcdesk::api
