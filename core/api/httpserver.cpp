#include "httpserver.h"

#include "api/answerinbox.h"
#include "api/httpconnection.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

namespace funcdesk::api {

HttpResponder::HttpResponder(HttpConnection *connection, quint64 sequence, std::shared_ptr<AnswerInbox> home)
    : m_connection(connection), m_sequence(sequence), m_thread(connection->thread()), m_home(std::move(home))
{
}

bool HttpResponder::onServerThread() const
{
    return QThread::currentThread() == m_thread;
}

template<typename F>
void HttpResponder::act(F &&f)
{
    if (!m_home)
        return; // a default-constructed responder
    if (onServerThread()) {
        if (m_connection)
            f(m_connection.data());
        return;
    }
    // The connection is looked at only on its own thread, once the call gets there.
    m_home->post([connection = m_connection, f = std::forward<F>(f)]() mutable {
        if (connection)
            f(connection.data());
    });
}

bool HttpResponder::isOpen() const
{
    if (!onServerThread())
        return m_home != nullptr;
    return m_connection && m_connection->isPending(m_sequence);
}

void HttpResponder::respond(const WireResponse &response)
{
    const quint64 seq = m_sequence;
    if (onServerThread()) { // the common case, without copying the response
        if (m_connection)
            m_connection->respond(seq, response);
        return;
    }
    act([seq, response](HttpConnection *c) { c->respond(seq, response); });
}

void HttpResponder::beginStream(const WireResponse &head)
{
    const quint64 seq = m_sequence;
    act([seq, head](HttpConnection *c) { c->beginStream(seq, head); });
}

void HttpResponder::write(const QByteArray &chunk)
{
    if (chunk.isEmpty())
        return;
    const quint64 seq = m_sequence;
    QByteArray bytes = QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
    act([seq, bytes = std::move(bytes)](HttpConnection *c) {
        c->streamWrite(seq, bytes);
    });
}

void HttpResponder::end()
{
    const quint64 seq = m_sequence;
    act([seq](HttpConnection *c) { c->streamWrite(seq, QByteArrayLiteral("0\r\n\r\n"), true); });
}

void HttpResponder::onAbandoned(std::function<void()> callback)
{
    const quint64 seq = m_sequence;
    act([seq, callback = std::move(callback)](HttpConnection *c) mutable { c->onAbandoned(seq, std::move(callback)); });
}

HttpServer::HttpServer(QObject *parent)
    : QObject(parent), m_listener(new QTcpServer(this)), m_inbox(AnswerInbox::create(this))
{
    connect(m_listener, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_listener->nextPendingConnection()) {
            auto *connection = new HttpConnection(socket, this);
            ++m_connections;
            connect(connection, &QObject::destroyed, this, [this] { --m_connections; });
        }
    });
}

HttpServer::~HttpServer()
{
    m_inbox->detach();
}

void HttpServer::setHandler(Handler handler)
{
    m_handler = std::move(handler);
}

void HttpServer::setMaxBodyBytes(qint64 bytes)
{
    m_maxBodyBytes = bytes;
}

qint64 HttpServer::maxBodyBytes() const
{
    return m_maxBodyBytes;
}

Status HttpServer::listen(const QHostAddress &address, quint16 port)
{
    if (!m_listener->listen(address, port)) {
        return makeError(errc::ListenError,
                         QStringLiteral("cannot listen on %1:%2: %3")
                             .arg(address.toString())
                             .arg(port)
                             .arg(m_listener->errorString()));
    }
    return {};
}

void HttpServer::close()
{
    m_listener->close();
}

bool HttpServer::isListening() const
{
    return m_listener->isListening();
}

QHostAddress HttpServer::serverAddress() const
{
    return m_listener->serverAddress();
}

quint16 HttpServer::serverPort() const
{
    return m_listener->serverPort();
}

int HttpServer::connectionCount() const
{
    return m_connections;
}

void HttpServer::dispatch(HttpRequest &&request, HttpResponder responder)
{
    if (m_handler) {
        m_handler(std::move(request), std::move(responder));
        return;
    }
    WireResponse r;
    r.status = 404;
    responder.respond(r);
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100: return QByteArrayLiteral("Continue");
    case 200: return QByteArrayLiteral("OK");
    case 201: return QByteArrayLiteral("Created");
    case 202: return QByteArrayLiteral("Accepted");
    case 204: return QByteArrayLiteral("No Content");
    case 301: return QByteArrayLiteral("Moved Permanently");
    case 302: return QByteArrayLiteral("Found");
    case 304: return QByteArrayLiteral("Not Modified");
    case 400: return QByteArrayLiteral("Bad Request");
    case 401: return QByteArrayLiteral("Unauthorized");
    case 403: return QByteArrayLiteral("Forbidden");
    case 404: return QByteArrayLiteral("Not Found");
    case 405: return QByteArrayLiteral("Method Not Allowed");
    case 409: return QByteArrayLiteral("Conflict");
    case 410: return QByteArrayLiteral("Gone");
    case 413: return QByteArrayLiteral("Request Entity Too Large");
    case 415: return QByteArrayLiteral("Unsupported Media Type");
    case 429: return QByteArrayLiteral("Too Many Requests");
    case 500: return QByteArrayLiteral("Internal Server Error");
    case 502: return QByteArrayLiteral("Bad Gateway");
    case 503: return QByteArrayLiteral("Service Unavailable");
    case 504: return QByteArrayLiteral("Gateway Timeout");
    default: return QByteArrayLiteral("Status");
    }
}

QByteArray serializeStreamHead(const WireResponse &head, bool keepAlive)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(head.status) + ' ' + reasonPhrase(head.status) + "\r\n";
    for (const auto &h : head.headers) {
        if (h.first.compare("content-length", Qt::CaseInsensitive) == 0 || h.first.compare("connection", Qt::CaseInsensitive) == 0
            || h.first.compare("transfer-encoding", Qt::CaseInsensitive) == 0)
            continue;
        out += h.first + ": " + h.second + "\r\n";
    }
    if (!keepAlive)
        out += "Connection: close\r\n";
    out += "Transfer-Encoding: chunked\r\n\r\n";
    return out;
}

QByteArray serializeResponse(const WireResponse &response, bool keepAlive)
{
    QByteArray out;
    out.reserve(160 + response.body.size());
    out += "HTTP/1.1 ";
    out += QByteArray::number(response.status);
    out += ' ';
    out += reasonPhrase(response.status);
    out += "\r\n";
    for (const auto &h : response.headers) {
        if (h.first.compare("content-length", Qt::CaseInsensitive) == 0
            || h.first.compare("connection", Qt::CaseInsensitive) == 0)
            continue;
        out += h.first;
        out += ": ";
        out += h.second;
        out += "\r\n";
    }
    if (!keepAlive)
        out += "Connection: close\r\n";
    out += "Content-Length: ";
    out += QByteArray::number(response.body.size());
    out += "\r\n\r\n";
    out += response.body;
    return out;
}

} // namespace funcdesk::api
