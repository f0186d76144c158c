#pragma once
// How the engine talks to one execution environment's runtime process.
//
// The built-in runtimes (python3, nodejs) use the engine's own pipe channel. The
// `provided` runtime speaks the Lambda Runtime API over HTTP; that channel is
// implemented in core/api (which sits above the engine) and handed to the engine
// through Engine::setProvidedChannelFactory(), keeping the dependency direction.
//
// Threading: a channel is created, used and destroyed on the engine thread.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QMap>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace funcdesk::engine {

struct ChannelInvocation
{
    QString requestId;
    qint64 deadlineMs = 0; // wall clock, ms since epoch (Lambda-Runtime-Deadline-Ms)
    QString invokedFunctionArn;
    QString traceId;          // Lambda-Runtime-Trace-Id
    QByteArray clientContext; // optional JSON
    QByteArray payload;
};

class RuntimeChannel : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~RuntimeChannel() override = default;

    // Variables the runtime process needs to reach this channel (e.g. AWS_LAMBDA_RUNTIME_API).
    virtual QMap<QString, QString> processEnvironment() const = 0;
    // Hand one invocation to the runtime (it is waiting on, or will next ask for, /next).
    virtual void send(const ChannelInvocation &invocation) = 0;

    // Channels that talk over inherited fds (the built-in pipe channel) name them here:
    // (fd number in the runtime process, fd in the engine). Default: none.
    virtual QList<QPair<int, int>> childFds() const { return {}; }
    // The runtime process has been started: close the child's ends of inherited fds.
    virtual void processStarted() {}

Q_SIGNALS:
    void initReady(); // runtime asked for its first invocation
    void initError(const QByteArray &errorDocument, const QString &errorType);
    void response(const QString &requestId, const QByteArray &payload);
    void error(const QString &requestId, const QByteArray &errorDocument, const QString &errorType);
    void protocolError(const QString &message); // the runtime broke the protocol
    // A streamed response (node's awslambda.streamifyResponse): its start with the content
    // type, each chunk as written, and its end (the request succeeded; a failure after the
    // start comes as error()).
    void streamStarted(const QString &requestId, const QString &contentType);
    void streamChunk(const QString &requestId, const QByteArray &bytes);
    void streamEnded(const QString &requestId);
};

using RuntimeChannelFactory = std::function<std::unique_ptr<RuntimeChannel>(const QString &environmentId)>;

} // namespace funcdesk::engine
