#pragma once
// The built-in runtimes' channel: a small framed protocol over two pipes.
//
// Protocol (the python3 and nodejs shims in resources/runtimes implement the other side;
// so does tests/fakeruntime):
//   The runtime process reads frames on fd 3 and writes frames on fd 4. Its stdout and
//   stderr are the environment's log (captured separately by the engine, never framed).
//   A frame is   u32 little-endian N | N bytes: one type byte, then the body.
//   engine -> runtime
//     'I' invoke: requestId \n deadlineMs \n invokedFunctionArn \n traceId \n clientContext \n payload
//         (clientContext is single-line JSON or empty; payload is the raw event JSON, last, any bytes)
//   runtime -> engine
//     'R' ready: init finished, waiting for the first invoke (empty body)
//     'E' init error: errorType \n errorDocument        (then the runtime waits for EOF on fd 3)
//     'S' success: requestId \n responsePayload
//     'F' function error: requestId \n errorType \n errorDocument
//     'T' stream start: requestId \n contentType      (a streamed response; then 'C'..., then 'D' or 'F')
//     'C' stream chunk: requestId \n bytes
//     'D' stream end:   requestId
//   An 'S' or 'F' frame longer than the channel's maximum is read and dropped, and reported
//   as an error (Function.ResponseSizeTooLarge) for its request: the runtime stays usable.
//   A runtime answers exactly one 'S' or 'F' per 'I', in order, and flushes its stdout and
//   stderr before writing it, so every log byte of a request is in the log pipe before its
//   answer arrives. EOF on fd 3 means "exit now".
//
// Threading: created, used and destroyed on the engine thread (QSocketNotifiers).
// Ownership: owns both pipes; the child's ends are closed by processStarted().

#include "engine/childprocess.h"
#include "engine/runtimechannel.h"

class QSocketNotifier;

namespace funcdesk::engine {

class PipeChannel final : public RuntimeChannel
{
    Q_OBJECT
public:
    static Result<std::unique_ptr<PipeChannel>> create(qint64 maxFrameBytes);
    ~PipeChannel() override;

    QMap<QString, QString> processEnvironment() const override { return {}; }
    void send(const ChannelInvocation &invocation) override;
    QList<QPair<int, int>> childFds() const override;
    void processStarted() override;

    // Reads and dispatches whatever the runtime has written so far (before handling its exit).
    void readAvailable();
    // Encodes one invoke frame (public for tests and the fake runtime's tests).
    static QByteArray encodeInvoke(const ChannelInvocation &invocation);

private:
    PipeChannel() = default;
    void writePending();
    void dispatchFrames();
    bool beginDiscard(quint32 len);
    void dispatch(char type, const char *body, qsizetype size);

    UniqueFd m_toChild;   // engine writes invoke frames
    UniqueFd m_childIn;   // child's fd 3
    UniqueFd m_fromChild; // engine reads answers
    UniqueFd m_childOut;  // child's fd 4
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QByteArray m_in;
    QByteArray m_out;
    qsizetype m_outPos = 0;
    qint64 m_maxFrame = 0;
    // An answer over m_maxFrame is dropped as it arrives (the runtime is still writing
    // it), then reported as Lambda's Function.ResponseSizeTooLarge for m_discardRequest.
    qint64 m_discard = 0;
    QString m_discardRequest;
    bool m_ready = false;
    bool m_broken = false;
};

} // namespace funcdesk::engine
