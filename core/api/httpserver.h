#pragma once
// A small HTTP/1.1 server on QTcpServer (request parsing by the http-parser library).
// Handlers answer whenever they like: a request's HttpResponder can be kept and used
// later (long polls, invocations finishing on another thread), with keep-alive and
// pipelined requests answered in order.
//
// Threading: HttpServer and its connections belong to the thread the server lives on (the
// server thread), where handlers are called. An HttpResponder may be used from any thread:
// on the server thread it acts at once, from another its calls are queued to the server
// thread in the order they were made there (one inbox per server: answerinbox.h). Keep
// one responder's calls on one thread: calls from two threads are ordered per thread only.

#include "api/httpmessage.h"
#include "api/lambdawire.h"
#include "common/result.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

class QTcpServer;
class QThread;

namespace funcdesk::api {

class AnswerInbox;
class HttpConnection;

// A handle on one request awaiting its answer. Copyable; the first respond() wins, later
// ones (and any after the client went away) do nothing. Any thread (see above).
class HttpResponder
{
public:
    HttpResponder() = default;
    // The connection still exists and the request is unanswered. Off the server thread it
    // cannot look and says true: onAbandoned() tells when the client left.
    bool isOpen() const;
    void respond(const WireResponse &response);
    // A response whose body comes later, piece by piece (chunked transfer encoding): the
    // status and headers now, then each write() goes out as one chunk at once, and end()
    // closes it. Responses to later pipelined requests wait for end().
    void beginStream(const WireResponse &head);
    void write(const QByteArray &chunk);
    void end();
    // Called on the server thread when the connection closes before respond(); a callback
    // that must run on another thread hops there itself.
    void onAbandoned(std::function<void()> callback);

private:
    friend class HttpConnection;
    HttpResponder(HttpConnection *connection, quint64 sequence, std::shared_ptr<AnswerInbox> home);
    bool onServerThread() const;
    template<typename F>
    void act(F &&f); // f(connection) on the server thread, now or queued

    QPointer<HttpConnection> m_connection;
    quint64 m_sequence = 0;
    QThread *m_thread = nullptr;         // the server thread
    std::shared_ptr<AnswerInbox> m_home; // queues calls made on other threads to it
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
    const std::shared_ptr<AnswerInbox> &inbox() const { return m_inbox; }
    QTcpServer *m_listener = nullptr;
    Handler m_handler;
    qint64 m_maxBodyBytes = 7 * 1024 * 1024;
    int m_connections = 0;
    std::shared_ptr<AnswerInbox> m_inbox; // responders' calls from other threads
};

// HTTP reason phrase for a status code ("OK", "Accepted", ...).
QByteArray reasonPhrase(int status);
// Serialises a response with Content-Length; `keepAlive` false adds "Connection: close".
QByteArray serializeResponse(const WireResponse &response, bool keepAlive);
// The status line and headers of a chunked response (Transfer-Encoding: chunked).
QByteArray serializeStreamHead(const WireResponse &head, bool keepAlive);

} // namespace funcdesk::api
