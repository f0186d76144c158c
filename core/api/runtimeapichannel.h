#pragma once
// The Lambda Runtime API (version 2018-06-01) for one `provided` execution environment:
// an HTTP server on 127.0.0.1:<ephemeral port> that the environment's bootstrap reaches
// through AWS_LAMBDA_RUNTIME_API.
//
//   GET  /2018-06-01/runtime/invocation/next             long poll; the first one is initReady()
//   POST /2018-06-01/runtime/invocation/{id}/response    202; 400 unknown id, 403 not in flight, 413 > 6 MB
//   POST /2018-06-01/runtime/invocation/{id}/error       202 (Lambda-Runtime-Function-Error-Type)
//   POST /2018-06-01/runtime/init/error                  202; 403 once initialised
//
// Threading: created, used and destroyed on the engine thread (its server lives there).

#include "api/httpserver.h"
#include "engine/runtimechannel.h"

#include <QHash>
#include <QQueue>
#include <QSet>

namespace funcdesk::api {

class RuntimeApiChannel : public engine::RuntimeChannel
{
    Q_OBJECT
public:
    explicit RuntimeApiChannel(const QString &environmentId, QObject *parent = nullptr);
    ~RuntimeApiChannel() override;

    // Binds 127.0.0.1:0. Must succeed before the process starts.
    Status listen();
    quint16 port() const;
    QString environmentId() const { return m_environmentId; }

    QMap<QString, QString> processEnvironment() const override;
    void send(const engine::ChannelInvocation &invocation) override;

    static constexpr qint64 kMaxResponseBytes = 6 * 1024 * 1024;

private:
    void handle(HttpRequest &&request, HttpResponder responder);
    void handleNext(HttpResponder responder);
    void handleResult(const QString &requestId, bool isError, const HttpRequest &request, HttpResponder responder);
    void handleInitError(const HttpRequest &request, HttpResponder responder);
    void deliver();

    QString m_environmentId;
    HttpServer m_server;
    bool m_initialised = false; // the runtime asked for /next at least once
    HttpResponder m_waiting;    // a /next long poll waiting for an invocation
    QQueue<engine::ChannelInvocation> m_queue;
    QSet<QString> m_inFlight;        // delivered, not yet answered
    QSet<QString> m_finished;        // recently answered (a second answer is a wrong state)
    QQueue<QString> m_finishedOrder; // bounds m_finished to the last kRememberFinished ids
    static constexpr int kRememberFinished = 64;
};

// The factory the composition root hands to Engine::setProvidedChannelFactory(). Returns
// nullptr (and logs) when no port could be bound.
engine::RuntimeChannelFactory runtimeApiChannelFactory();

// An error document {"errorMessage","errorType"} for the engine, from whatever the runtime
// posted (its JSON when valid, else wrapped).
QByteArray normalizeErrorDocument(const QByteArray &body, const QString &errorType);

} // namespace funcdesk::api
