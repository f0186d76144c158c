#pragma once
// SQS's API on the Lambda API's port, for the local durable queues (store/queues.h):
// CreateQueue, GetQueueUrl, ListQueues, DeleteQueue, SendMessage, SendMessageBatch,
// ReceiveMessage (long polling), DeleteMessage, DeleteMessageBatch, ChangeMessageVisibility,
// ChangeMessageVisibilityBatch, GetQueueAttributes, SetQueueAttributes, PurgeQueue,
// ListDeadLetterSourceQueues; in SQS's JSON protocol and its query protocol (sqswire.h).
// Queue URLs are http://<host:port>/000000000000/<name>.
//
// Long polls (WaitTimeSeconds) never block the thread: the request's responder waits in a
// list, answered when a message is sent to its queue, when the periodic check finds one
// visible again, or with no messages when its wait is over.
//
// Threading: lives on the API thread with the ApiServer; uses that thread's SQLite connection.

#include "api/answerinbox.h"
#include "api/httpserver.h"
#include "api/sqswire.h"

#include <QObject>
#include <QTimer>

#include <list>

namespace funcdesk::api {

class SqsApi : public QObject
{
    Q_OBJECT
public:
    SqsApi(QString databasePath, QObject *parent = nullptr);
    ~SqsApi() override;

    // The endpoint's base URL ("http://127.0.0.1:9001") for the queue URLs it answers.
    void setBaseUrl(const QString &baseUrl) { m_baseUrl = baseUrl; }
    QString baseUrl() const { return m_baseUrl; }
    // Takes the request when it is an SQS call (either protocol); false: not SQS.
    bool handle(const HttpRequest &request, HttpResponder &responder);
    // One call without HTTP, answered in the JSON protocol (the command line on a data dir
    // no engine holds). A ReceiveMessage does not wait.
    WireResponse callDirect(const QString &operation, const QJsonObject &params);
    // Answers waiting long polls with no messages (shutting down).
    void stop();
    int waitingPolls() const { return int(m_waiters.size()); }

Q_SIGNALS:
    // Messages were stored in `queue` (sent, or moved back from a dead-letter queue).
    void messagesSent(const QString &queue);
    void tracedMessageSent(const QByteArray &traceHeader); // a message continuing a trace was accepted

public Q_SLOTS:
    // Something else put messages into `queue`: waiting polls look again.
    void wake(const QString &queue);

private:
    struct Waiter
    {
        SqsCall call;
        QString requestId;
        QString queue;
        qint64 deadlineMs = 0;
        HttpResponder responder;
        quint64 id = 0;
    };

    // `responder` null: answer at once (no long poll).
    WireResponse dispatch(const SqsCall &call, const QString &requestId, HttpResponder *responder, bool &deferred);
    Result<QString> queueOf(const QJsonObject &params) const;
    // ReceiveMessage's answer, or an empty list to wait on.
    Result<QJsonObject> receive(const QJsonObject &params, const QString &queue, bool &empty);
    void check(); // the timer: serve waiting polls that can be, time out the rest

    QString m_databasePath;
    QString m_baseUrl;
    std::list<Waiter> m_waiters;
    quint64 m_nextWaiter = 1;
    QTimer m_timer;
    std::shared_ptr<AnswerInbox> m_inbox; // abandoned long polls, told on the HTTP server's thread
};

} // namespace funcdesk::api
