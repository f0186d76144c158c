#include "httpconnection.h"

#include <sys/socket.h>

namespace funcdesk::api {

namespace {

const http_parser_settings &parserSettings();

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, HttpServer *server)
    : QObject(server), m_socket(socket), m_server(server)
{
    m_socket->setParent(this);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::closeNow);
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::isPending(quint64 sequence) const
{
    auto it = m_pending.constFind(sequence);
    return !m_dead && it != m_pending.cend() && !it->answered;
}

void HttpConnection::respond(quint64 sequence, const WireResponse &response)
{
    auto it = m_pending.find(sequence);
    if (m_dead || it == m_pending.end() || it->answered)
        return;
    it->answered = true;
    it->abandoned = nullptr;
    it->bytes = serializeResponse(response, it->keepAlive);
    if (it->head)
        it->bytes.chop(response.body.size());
    flush();
}

void HttpConnection::beginStream(quint64 sequence, const WireResponse &head)
{
    auto it = m_pending.find(sequence);
    if (m_dead || it == m_pending.end() || it->answered)
        return;
    it->answered = true;
    it->streaming = true;
    it->abandoned = nullptr;
    it->bytes = serializeStreamHead(head, it->keepAlive);
    flush();
}

void HttpConnection::streamWrite(quint64 sequence, const QByteArray &bytes, bool last)
{
    auto it = m_pending.find(sequence);
    if (m_dead || it == m_pending.end() || !it->streaming || it->streamEnded)
        return;
    if (!it->head)
        it->bytes += bytes;
    it->streamEnded = last;
    flush();
}

void HttpConnection::onAbandoned(quint64 sequence, std::function<void()> callback)
{
    auto it = m_pending.find(sequence);
    if (it != m_pending.end() && !it->answered)
        it->abandoned = std::move(callback);
}

void HttpConnection::flush()
{
    while (!m_closing) {
        auto it = m_pending.find(m_nextToWrite);
        if (it == m_pending.end() || !it->answered)
            break;
        write(it->bytes);
        if (it->streaming && !it->streamEnded) { // more of it to come: later responses wait
            it->bytes.clear();
            break;
        }
        const bool keepAlive = it->keepAlive;
        m_pending.erase(it);
        ++m_nextToWrite;
        if (!keepAlive) {
            m_closing = true;
            m_socket->disconnectFromHost();
        }
    }
    // Write now rather than on the next event loop pass: saves a wake-up per response.
    if (!m_closing && m_socket->bytesToWrite() > 0)
        m_socket->flush();
}

void HttpConnection::write(const QByteArray &bytes)
{
    // Straight to the kernel when nothing is queued before it: QTcpSocket's buffered write
    // would arm a write notifier and take another event loop pass (and with it system
    // calls and a wake-up) to send what almost always fits the socket buffer at once.
    qsizetype sent = 0;
    if (m_socket->bytesToWrite() == 0 && m_socket->socketDescriptor() >= 0) {
        const ssize_t n = ::send(int(m_socket->socketDescriptor()), bytes.constData(), size_t(bytes.size()),
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0)
            sent = qsizetype(n);
    }
    if (sent < bytes.size())
        m_socket->write(bytes.constData() + sent, bytes.size() - sent); // the rest, or the error, the Qt way
}

void HttpConnection::closeNow()
{
    if (m_dead)
        return;
    m_dead = true;
    // Tell whoever holds an unanswered request (e.g. a long poll) that nobody is listening.
    QList<std::function<void()>> callbacks;
    for (auto &p : m_pending) {
        if (!p.answered && p.abandoned)
            callbacks.append(std::move(p.abandoned));
    }
    m_pending.clear();
    for (const auto &cb : callbacks)
        cb();
    deleteLater();
}

void HttpConnection::onReadyRead()
{
    if (m_dead)
        return;
    const QByteArray data = m_socket->readAll();
    if (m_closing || m_stopParsing || data.isEmpty())
        return;
    const size_t parsed = http_parser_execute(&m_parser, &parserSettings(), data.constData(), size_t(data.size()));
    if (HTTP_PARSER_ERRNO(&m_parser) == HPE_CB_message_complete) {
        m_stopParsing = true; // onMessageComplete asked to stop: the connection ends
        return;
    }
    if (HTTP_PARSER_ERRNO(&m_parser) != HPE_OK || (parsed != size_t(data.size()) && !m_parser.upgrade)) {
        if (m_dead || m_closing)
            return;
        WireResponse bad;
        bad.status = 400;
        bad.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/plain"));
        bad.body = QByteArrayLiteral("malformed HTTP request: ")
            + http_errno_description(HTTP_PARSER_ERRNO(&m_parser));
        Pending p;
        p.answered = true;
        p.keepAlive = false;
        p.bytes = serializeResponse(bad, false);
        m_pending.insert(m_nextSequence++, p);
        m_stopParsing = true;
        flush();
    }
}

int HttpConnection::onMessageBegin(http_parser *p)
{
    auto *self = static_cast<HttpConnection *>(p->data);
    self->m_current = HttpRequest{};
    self->m_url.clear();
    self->m_field.clear();
    self->m_lastWasValue = false;
    return 0;
}

int HttpConnection::onUrl(http_parser *p, const char *at, size_t len)
{
    static_cast<HttpConnection *>(p->data)->m_url.append(at, qsizetype(len));
    return 0;
}

int HttpConnection::onHeaderField(http_parser *p, const char *at, size_t len)
{
    auto *self = static_cast<HttpConnection *>(p->data);
    if (self->m_lastWasValue)
        self->m_field.clear(); // a new header starts
    self->m_field.append(at, qsizetype(len));
    self->m_lastWasValue = false;
    return 0;
}

int HttpConnection::onHeaderValue(http_parser *p, const char *at, size_t len)
{
    auto *self = static_cast<HttpConnection *>(p->data);
    if (!self->m_lastWasValue)
        self->m_current.headers.append({self->m_field, QByteArray()});
    self->m_current.headers.last().second.append(at, qsizetype(len));
    self->m_lastWasValue = true;
    return 0;
}

int HttpConnection::onHeadersComplete(http_parser *p)
{
    auto *self = static_cast<HttpConnection *>(p->data);
    HttpRequest &r = self->m_current;
    r.method = http_method_str(static_cast<http_method>(p->method));
    r.protocol = "HTTP/" + QByteArray::number(p->http_major) + '.' + QByteArray::number(p->http_minor);
    r.peerAddress = self->m_socket->peerAddress().toString().toLatin1();
    const qsizetype q = self->m_url.indexOf('?');
    r.path = q < 0 ? self->m_url : self->m_url.left(q);
    r.query = q < 0 ? QByteArray() : self->m_url.mid(q + 1);
    const qsizetype hash = r.query.indexOf('#');
    if (hash >= 0)
        r.query.truncate(hash);
    const qint64 max = self->m_server->maxBodyBytes();
    if (p->content_length != ULLONG_MAX && p->content_length > quint64(max))
        r.bodyTooLarge = true;
    else if (p->content_length != ULLONG_MAX && p->content_length > 0)
        r.body.reserve(qsizetype(p->content_length));
    if (r.header("expect").compare("100-continue", Qt::CaseInsensitive) == 0 && self->m_pending.isEmpty())
        self->m_socket->write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
    return 0;
}

int HttpConnection::onBody(http_parser *p, const char *at, size_t len)
{
    auto *self = static_cast<HttpConnection *>(p->data);
    HttpRequest &r = self->m_current;
    if (r.bodyTooLarge)
        return 0;
    if (r.body.size() + qint64(len) > self->m_server->maxBodyBytes()) {
        r.bodyTooLarge = true;
        r.body = QByteArray();
        return 0;
    }
    r.body.append(at, qsizetype(len));
    return 0;
}

int HttpConnection::onMessageComplete(http_parser *p)
{
    auto *self = static_cast<HttpConnection *>(p->data);
    const quint64 seq = self->m_nextSequence++;
    Pending pending;
    pending.keepAlive = http_should_keep_alive(p) != 0 && !self->m_current.bodyTooLarge;
    pending.head = p->method == HTTP_HEAD;
    self->m_pending.insert(seq, pending);
    QPointer<HttpConnection> guard(self);
    self->m_server->dispatch(std::move(self->m_current), HttpResponder(self, seq, self->m_server->inbox()));
    if (!guard)
        return 1;
    self->m_current = HttpRequest{};
    // Stop parsing after a request that ends the connection.
    return pending.keepAlive ? 0 : 1;
}

namespace {

const http_parser_settings &parserSettings()
{
    static const http_parser_settings s = [] {
        http_parser_settings settings;
        http_parser_settings_init(&settings);
        settings.on_message_begin = &HttpConnection::onMessageBegin;
        settings.on_url = &HttpConnection::onUrl;
        settings.on_header_field = &HttpConnection::onHeaderField;
        settings.on_header_value = &HttpConnection::onHeaderValue;
        settings.on_headers_complete = &HttpConnection::onHeadersComplete;
        settings.on_body = &HttpConnection::onBody;
        settings.on_message_complete = &HttpConnection::onMessageComplete;
        return settings;
    }();
    return s;
}

} // namespace

} // namespace funcdesk::api
