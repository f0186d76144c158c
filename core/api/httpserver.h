#pragma once
// A small HTTP/1.1 server on QTcpServer (request parsing by the http-parser library).
// Handlers answer whenever they like: a request's HttpResponder can be kept and used
// later (long polls, invocations finishing on another thread), with keep-alive and
// pipelined requests answered in order.
//
// Threading: HttpServer, its connections and every HttpResponder::respond() call belong to
// the thread the server lives on. Other threads hop there (QMetaObject::invokeMethod).

#include "api/httpmessage.h"
#include "api/lambdawire.h"
#include "common/result.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>

#include <functional>

class QTcpServer;

namespace funcdesk::api {

class HttpConnection;

// A handle on one request awaiting its answer. Copyable; the first respond() wins, later
// ones (and any after the client went away) do nothing.
class HttpResponder
{
public:
    HttpResponder() = default;
    bool isOpen() const; // the connection still exists and the request is unanswered
    void respond(const WireResponse &response);
    // A response whose body comes later, piece by piece (chunked transfer encoding): the
    // status and headers now, then each write() goes out as one chunk at once, and end()
    // closes it. Responses to later pipelined requests wait for end().
    void beginStream(const WireResponse &head);
    void write(const QByteArray &chunk);
    void end();
    // Called (on the server thread) when the connection closes before respond().
    void onAbandoned(std::function<void()> callback);

private:
    friend class HttpConnection;
    HttpResponder(HttpConnection *connection, quint64 sequence);
    QPointer<HttpConnection> m_connection;
    quint64 m_sequence = 0;
};

class HttpServer : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(HttpRequest &&, HttpResponder)>;

    explicit HttpServer(QObject *parent = nullptr);
    ~HttpServer() override;

    void setHandler(Handler handler);
    // Bodies beyond this are dropped and the request arrives with bodyTooLarge set.
    void setMaxBodyBytes(qint64 bytes);
    qint64 maxBodyBytes() const;

    Status listen(const QHostAddress &address, quint16 port = 0);
    void close();
    bool isListening() const;
    QHostAddress serverAddress() const;
    quint16 serverPort() const;
    int connectionCount() const;

private:
    friend class HttpConnection;
    void dispatch(HttpRequest &&request, HttpResponder responder);
    QTcpServer *m_listener = nullptr;
    Handler m_handler;
    qint64 m_maxBodyBytes = 7 * 1024 * 1024;
    int m_connections = 0;
};

// HTTP reason phrase for a status code ("OK", "Accepted", ...).
QByteArray reasonPhrase(int status);
// Serialises a response with Content-Length; `keepAlive` false adds "Connection: close".
QByteArray serializeResponse(const WireResponse &response, bool keepAlive);
// The status line and headers of a chunked response (Transfer-Encoding: chunked).
QByteArray serializeStreamHead(const WireResponse &head, bool keepAlive);

} // namespace funcdesk::api
