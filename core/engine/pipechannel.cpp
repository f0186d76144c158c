#include "pipechannel.h"

#include "engine/errordocs.h"

#include <QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace funcdesk::engine {

namespace {
constexpr int kPipeBytes = 1 << 20;

quint32 readLength(const char *p)
{
    const auto *u = reinterpret_cast<const unsigned char *>(p);
    return quint32(u[0]) | quint32(u[1]) << 8 | quint32(u[2]) << 16 | quint32(u[3]) << 24;
}

// Splits off the next '\n'-terminated field of [pos, end).
QByteArray nextField(const char *&pos, const char *end)
{
    const char *nl = static_cast<const char *>(std::memchr(pos, '\n', size_t(end - pos)));
    const char *stop = nl ? nl : end;
    QByteArray field(pos, stop - pos);
    pos = nl ? nl + 1 : end;
    return field;
}
} // namespace

Result<std::unique_ptr<PipeChannel>> PipeChannel::create(qint64 maxFrameBytes)
{
    auto toChild = Pipe::create(false, kPipeBytes);
    if (!toChild)
        return toChild.error();
    auto fromChild = Pipe::create(true, kPipeBytes);
    if (!fromChild)
        return fromChild.error();
    std::unique_ptr<PipeChannel> c(new PipeChannel);
    c->m_childIn = std::move(toChild->read);
    c->m_toChild = std::move(toChild->write);
    ::fcntl(c->m_toChild.get(), F_SETFL, ::fcntl(c->m_toChild.get(), F_GETFL) | O_NONBLOCK);
    c->m_fromChild = std::move(fromChild->read);
    c->m_childOut = std::move(fromChild->write);
    c->m_maxFrame = maxFrameBytes;
    c->m_in.reserve(64 * 1024);
    return c;
}

PipeChannel::~PipeChannel()
{
    // Notifiers must go before their fds are closed.
    delete m_readNotifier;
    delete m_writeNotifier;
}

QList<QPair<int, int>> PipeChannel::childFds() const
{
    return {{3, m_childIn.get()}, {4, m_childOut.get()}};
}

void PipeChannel::processStarted()
{
    m_childIn.reset();
    m_childOut.reset();
    m_readNotifier = new QSocketNotifier(m_fromChild.get(), QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &PipeChannel::readAvailable);
    m_writeNotifier = new QSocketNotifier(m_toChild.get(), QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &PipeChannel::writePending);
}

QByteArray PipeChannel::encodeInvoke(const ChannelInvocation &inv)
{
    const QByteArray rid = inv.requestId.toLatin1();
    const QByteArray deadline = QByteArray::number(inv.deadlineMs);
    const QByteArray arn = inv.invokedFunctionArn.toUtf8();
    const QByteArray trace = inv.traceId.toLatin1();
    QByteArray context = inv.clientContext;
    context.replace('\n', ' '); // JSON strings cannot hold a raw newline: this keeps the JSON equal
    const qsizetype bodySize = 1 + rid.size() + deadline.size() + arn.size() + trace.size() + context.size() + 5
        + inv.payload.size();
    QByteArray frame;
    frame.reserve(4 + bodySize);
    const quint32 n = quint32(bodySize);
    const char len[4] = {char(n & 0xff), char((n >> 8) & 0xff), char((n >> 16) & 0xff), char((n >> 24) & 0xff)};
    frame.append(len, 4);
    frame.append('I');
    frame.append(rid).append('\n').append(deadline).append('\n').append(arn).append('\n');
    frame.append(trace).append('\n').append(context).append('\n').append(inv.payload);
    return frame;
}

void PipeChannel::send(const ChannelInvocation &invocation)
{
    if (m_broken)
        return;
    if (m_outPos < m_out.size()) {
        m_out.append(encodeInvoke(invocation));
        return;
    }
    m_out = encodeInvoke(invocation);
    m_outPos = 0;
    writePending();
}

void PipeChannel::writePending()
{
    while (m_outPos < m_out.size()) {
        const ssize_t n = ::write(m_toChild.get(), m_out.constData() + m_outPos, size_t(m_out.size() - m_outPos));
        if (n > 0) {
            m_outPos += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            if (m_writeNotifier)
                m_writeNotifier->setEnabled(true);
            return;
        }
        m_broken = true; // EPIPE: the runtime is gone; its exit is reported by the environment
        break;
    }
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    if (m_out.size() > kPipeBytes) // don't keep a large payload's buffer around
        m_out = QByteArray();
    else
        m_out.resize(0);
    m_outPos = 0;
}

void PipeChannel::readAvailable()
{
    if (!m_fromChild.valid())
        return;
    for (;;) {
        const qsizetype old = m_in.size();
        const qsizetype want = 64 * 1024;
        m_in.resize(old + want);
        const ssize_t n = ::read(m_fromChild.get(), m_in.data() + old, size_t(want));
        if (n <= 0) {
            m_in.resize(old);
            if (n < 0 && errno == EINTR)
                continue;
            if (n == 0 && m_readNotifier)
                m_readNotifier->setEnabled(false); // EOF: the exit is seen through the pidfd
            break;
        }
        m_in.resize(old + n);
        if (n < want)
            break;
        if (m_in.size() >= kPipeBytes) // a long answer: an oversized one is dropped as it comes, not buffered
            dispatchFrames();
    }
    dispatchFrames();
}

void PipeChannel::dispatchFrames()
{
    // Dispatch every complete frame. Receivers never delete the channel synchronously
    // (environments use deleteLater), but they may send the next invoke, so each frame is
    // taken out of the buffer before it is dispatched.
    while (!m_broken) {
        if (m_discard > 0) {
            const qsizetype n = qsizetype(std::min<qint64>(m_discard, m_in.size()));
            m_in.remove(0, n);
            m_discard -= n;
            if (m_discard > 0)
                return;
            if (m_in.capacity() > 1024 * 1024)
                m_in = QByteArray(m_in.constData(), m_in.size()); // let the oversized buffer go
            Q_EMIT error(std::exchange(m_discardRequest, {}), errorDocument(QStringLiteral("Function.ResponseSizeTooLarge"), responseTooLargeMessage()),
                         QStringLiteral("Function.ResponseSizeTooLarge"));
            continue;
        }
        if (m_in.size() < 4)
            break;
        const quint32 len = readLength(m_in.constData());
        if (qint64(len) > m_maxFrame && !beginDiscard(len))
            break; // the request id has not arrived yet
        if (m_discard > 0)
            continue;
        if (len == 0 || qint64(len) > m_maxFrame) {
            m_broken = true;
            Q_EMIT protocolError(QStringLiteral("invalid frame length ") + QString::number(len));
            return;
        }
        if (m_in.size() - 4 < qsizetype(len))
            break;
        QByteArray frame;
        if (m_in.size() == 4 + qsizetype(len)) {
            frame = std::move(m_in); // the common case: exactly one answer, no copy
            m_in = QByteArray();
        } else {
            frame = m_in.left(4 + qsizetype(len));
            m_in.remove(0, 4 + qsizetype(len));
        }
        dispatch(frame.at(4), frame.constData() + 5, qsizetype(len) - 1);
    }
}

// An answer too large to take: its request id (the body's first line) is kept, the rest
// dropped. False while that first line has not arrived yet.
bool PipeChannel::beginDiscard(quint32 len)
{
    constexpr qsizetype kMaxIdBytes = 256;
    if (m_in.size() < 5)
        return false;
    const char type = m_in.at(4);
    const qsizetype nl = m_in.indexOf('\n', 5);
    if ((type == 'S' || type == 'F') && nl > 5 && nl - 5 <= kMaxIdBytes) {
        m_discardRequest = QString::fromLatin1(m_in.constData() + 5, nl - 5);
        m_discard = 4 + qint64(len);
        return true;
    }
    if ((type == 'S' || type == 'F') && nl < 0 && m_in.size() < 5 + kMaxIdBytes)
        return false;
    return true; // not an answer: the frame length check below reports it
}

void PipeChannel::dispatch(char type, const char *body, qsizetype size)
{
    const char *pos = body;
    const char *end = body + size;
    switch (type) {
    case 'R':
        if (!m_ready) {
            m_ready = true;
            Q_EMIT initReady();
        }
        return;
    case 'E': {
        const QByteArray errorType = nextField(pos, end);
        m_broken = true;
        Q_EMIT initError(QByteArray(pos, end - pos), QString::fromUtf8(errorType));
        return;
    }
    case 'S': {
        const QByteArray rid = nextField(pos, end);
        Q_EMIT response(QString::fromLatin1(rid), QByteArray(pos, end - pos));
        return;
    }
    case 'F': {
        const QByteArray rid = nextField(pos, end);
        const QByteArray errorType = nextField(pos, end);
        Q_EMIT error(QString::fromLatin1(rid), QByteArray(pos, end - pos), QString::fromUtf8(errorType));
        return;
    }
    case 'T': {
        const QByteArray rid = nextField(pos, end);
        Q_EMIT streamStarted(QString::fromLatin1(rid), QString::fromUtf8(pos, end - pos));
        return;
    }
    case 'C': {
        const QByteArray rid = nextField(pos, end);
        Q_EMIT streamChunk(QString::fromLatin1(rid), QByteArray(pos, end - pos));
        return;
    }
    case 'D':
        Q_EMIT streamEnded(QString::fromLatin1(body, size));
        return;
    default:
        m_broken = true;
        Q_EMIT protocolError(QStringLiteral("unknown frame type ") + QString::number(int(uchar(type))));
    }
}

} // namespace funcdesk::engine
