// funcdesk queues list | create NAME | send NAME BODY | receive NAME | purge NAME | delete NAME
//                    | redrive DLQ --to QUEUE
//
// The local queues (store/queues.h) through SQS's API of a running engine, or through the
// same operations on the data dir when no engine holds it (api::SqsApi::callDirect).

#include "cli/apiclient.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/dataaccess.h"

#include "api/sqsapi.h"
#include "api/sqswire.h"
#include "store/queues.h"
#include "store/sqlite.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace funcdesk::cli {

namespace {

class Queues
{
public:
    Queues(const CommandLine &cl, DataAccess access) : m_cl(cl), m_access(std::move(access))
    {
        m_base = m_access.viaApi ? cl.endpoint() : QStringLiteral("http://local");
        if (!m_access.viaApi)
            m_direct = std::make_unique<api::SqsApi>(m_access.dir.database());
        if (m_direct)
            m_direct->setBaseUrl(m_base);
    }

    QString url(const QString &name) const { return api::queueUrl(m_base, name); }
    bool direct() const { return !m_access.viaApi; }
    const DataDir &dir() const { return m_access.dir; }

    // One SQS call; an SQS error becomes an Error named as SQS names it (a missing queue
    // reports as not found: exit code 3).
    Result<QJsonObject> call(const char *operation, const QJsonObject &params) const
    {
        api::WireResponse r;
        if (m_direct) {
            r = m_direct->callDirect(QLatin1String(operation), params);
        } else {
            const ApiClient client(m_cl.endpoint(), m_cl.token(), 60000);
            auto reply = client.request("POST", QStringLiteral("/"), {}, QJsonDocument(params).toJson(QJsonDocument::Compact),
                                        {{"X-Amz-Target", QByteArray("AmazonSQS.") + operation},
                                         {"Content-Type", "application/x-amz-json-1.0"}});
            if (!reply)
                return reply.error();
            r.status = reply->status;
            r.body = reply->body;
        }
        const QJsonObject body = QJsonDocument::fromJson(r.body).object();
        if (r.status >= 400) {
            const QString type = body.value(QStringLiteral("__type")).toString().section(QLatin1Char('#'), -1);
            const QString message = body.value(QStringLiteral("message")).toString(body.value(QStringLiteral("Message")).toString());
            if (type == QLatin1String("QueueDoesNotExist"))
                return makeError(errc::ResourceNotFound, message);
            return makeError(type.isEmpty() ? QString(errc::Service) : type, message.isEmpty() ? QString::fromUtf8(r.body) : message);
        }
        return body;
    }

private:
    const CommandLine &m_cl;
    DataAccess m_access;
    QString m_base;
    std::unique_ptr<api::SqsApi> m_direct;
};

QString ageText(qint64 seconds)
{
    if (seconds < 120)
        return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 7200)
        return QStringLiteral("%1 min").arg(seconds / 60);
    return QStringLiteral("%1 h").arg(seconds / 3600);
}

int list(const Queues &q, const CommandLine &cl)
{
    auto listed = q.call("ListQueues", {});
    if (!listed)
        return reportError(listed.error());
    QJsonArray out;
    QList<QStringList> rows;
    for (const QJsonValue &u : listed->value(QStringLiteral("QueueUrls")).toArray()) {
        const QString name = api::queueNameFromUrl(u.toString());
        auto attributes = q.call("GetQueueAttributes", {{QStringLiteral("QueueUrl"), q.url(name)},
                                                        {QStringLiteral("AttributeNames"), QJsonArray{QStringLiteral("All"), QStringLiteral("ApproximateAgeOfOldestMessage")}}});
        if (!attributes)
            return reportError(attributes.error());
        const QJsonObject a = attributes->value(QStringLiteral("Attributes")).toObject();
        const QJsonObject redrive = QJsonDocument::fromJson(a.value(QStringLiteral("RedrivePolicy")).toString().toUtf8()).object();
        const QString dlq = api::queueNameFromArn(redrive.value(QStringLiteral("deadLetterTargetArn")).toString());
        const qint64 age = a.value(QStringLiteral("ApproximateAgeOfOldestMessage")).toString().toLongLong();
        out.append(QJsonObject{{QStringLiteral("name"), name},
                               {QStringLiteral("url"), u.toString()},
                               {QStringLiteral("visible"), a.value(QStringLiteral("ApproximateNumberOfMessages")).toString().toInt()},
                               {QStringLiteral("inFlight"), a.value(QStringLiteral("ApproximateNumberOfMessagesNotVisible")).toString().toInt()},
                               {QStringLiteral("delayed"), a.value(QStringLiteral("ApproximateNumberOfMessagesDelayed")).toString().toInt()},
                               {QStringLiteral("oldestMessageAgeSeconds"), age},
                               {QStringLiteral("visibilityTimeout"), a.value(QStringLiteral("VisibilityTimeout")).toString().toInt()},
                               {QStringLiteral("deadLetterQueue"), dlq},
                               {QStringLiteral("maxReceiveCount"), redrive.value(QStringLiteral("maxReceiveCount")).toInt()}});
        rows.append({name, a.value(QStringLiteral("ApproximateNumberOfMessages")).toString(),
                     a.value(QStringLiteral("ApproximateNumberOfMessagesNotVisible")).toString(),
                     a.value(QStringLiteral("ApproximateNumberOfMessagesDelayed")).toString(), ageText(age),
                     a.value(QStringLiteral("VisibilityTimeout")).toString() + QStringLiteral(" s"),
                     dlq.isEmpty() ? QStringLiteral("-") : QStringLiteral("%1 after %2").arg(dlq).arg(redrive.value(QStringLiteral("maxReceiveCount")).toInt())});
    }
    if (cl.json()) {
        printJson(out);
    } else if (rows.isEmpty()) {
        printOut(QStringLiteral("No queues."));
    } else {
        printTable({QStringLiteral("NAME"), QStringLiteral("VISIBLE"), QStringLiteral("IN FLIGHT"), QStringLiteral("DELAYED"),
                    QStringLiteral("OLDEST"), QStringLiteral("VISIBILITY"), QStringLiteral("DEAD-LETTER QUEUE")},
                   rows);
    }
    return ExitOk;
}

} // namespace

int runQueues(const QStringList &args)
{
    CommandLine cl(QStringLiteral("queues"),
                   QStringLiteral("Local SQS-compatible queues.\n"
                                  "  list                       queues with depth, in flight, oldest message age\n"
                                  "  create NAME                (--visibility-timeout, --dead-letter-queue, --max-receive-count)\n"
                                  "  send NAME BODY|@FILE       (--attribute KEY=VALUE, repeatable; --delay S)\n"
                                  "  receive NAME               (--max N, --wait S, --visibility-timeout S, --delete)\n"
                                  "  purge NAME | delete NAME\n"
                                  "  redrive DLQ --to QUEUE     move a dead-letter queue's messages back"));
    cl.addPositional(QStringLiteral("action"), QStringLiteral("list, create, send, receive, purge, delete or redrive."),
                     QStringLiteral("ACTION"));
    cl.addPositional(QStringLiteral("name"), QStringLiteral("Queue name."), QStringLiteral("[NAME]"));
    cl.addPositional(QStringLiteral("body"), QStringLiteral("Message body for send (@file reads a file)."), QStringLiteral("[BODY]"));
    cl.addOption(QCommandLineOption(QStringLiteral("visibility-timeout"), QStringLiteral("Seconds a received message stays hidden."), QStringLiteral("S")));
    cl.addOption(QCommandLineOption(QStringLiteral("dead-letter-queue"), QStringLiteral("create: the redrive target."), QStringLiteral("QUEUE")));
    cl.addOption(QCommandLineOption(QStringLiteral("max-receive-count"), QStringLiteral("create: receives before redrive (default 3)."),
                                    QStringLiteral("N"), QStringLiteral("3")));
    cl.addOption(QCommandLineOption(QStringLiteral("attribute"), QStringLiteral("send: a String message attribute KEY=VALUE."), QStringLiteral("KEY=VALUE")));
    cl.addOption(QCommandLineOption(QStringLiteral("delay"), QStringLiteral("send: seconds before it can be received."), QStringLiteral("S")));
    cl.addOption(QCommandLineOption(QStringLiteral("max"), QStringLiteral("receive: at most N messages (1-10, default 10)."), QStringLiteral("N"), QStringLiteral("10")));
    cl.addOption(QCommandLineOption(QStringLiteral("wait"), QStringLiteral("receive: long-poll up to S seconds (engine only)."), QStringLiteral("S"), QStringLiteral("0")));
    cl.addOption(QCommandLineOption(QStringLiteral("delete"), QStringLiteral("receive: delete what was received.")));
    cl.addOption(QCommandLineOption(QStringLiteral("to"), QStringLiteral("redrive: the queue to move messages to."), QStringLiteral("QUEUE")));
    if (auto exit = cl.parse(args, 1, 3))
        return *exit;
    const QStringList pos = cl.positional();
    const QString action = pos.at(0);
    static const QStringList kActions{QStringLiteral("list"), QStringLiteral("create"), QStringLiteral("send"), QStringLiteral("receive"),
                                      QStringLiteral("purge"), QStringLiteral("delete"), QStringLiteral("redrive")};
    if (!kActions.contains(action))
        return cl.usageError(QStringLiteral("unknown action '%1' (list, create, send, receive, purge, delete, redrive)").arg(action));
    if (action != QLatin1String("list") && pos.size() < 2)
        return cl.usageError(QStringLiteral("'%1' needs a queue name").arg(action));
    if (action == QLatin1String("send") && pos.size() < 3)
        return cl.usageError(QStringLiteral("'send' needs a message body"));
    auto access = openDataAccess(cl);
    if (!access)
        return reportError(access.error());
    const Queues q(cl, *access);
    if (action == QLatin1String("list"))
        return list(q, cl);
    const QString name = pos.at(1);
    QJsonObject params{{QStringLiteral("QueueUrl"), q.url(name)}};
    auto done = [&](const Result<QJsonObject> &r, const QString &text) {
        if (!r)
            return reportError(r.error());
        if (cl.json())
            printJson(*r);
        else
            printOut(text);
        return int(ExitOk);
    };

    if (action == QLatin1String("create")) {
        QJsonObject attributes;
        if (cl.isSet(QStringLiteral("visibility-timeout")))
            attributes.insert(QStringLiteral("VisibilityTimeout"), cl.value(QStringLiteral("visibility-timeout")));
        if (cl.isSet(QStringLiteral("dead-letter-queue"))) {
            const QJsonObject policy{{QStringLiteral("deadLetterTargetArn"), api::queueArn(cl.value(QStringLiteral("dead-letter-queue")))},
                                     {QStringLiteral("maxReceiveCount"), cl.value(QStringLiteral("max-receive-count"))}};
            attributes.insert(QStringLiteral("RedrivePolicy"), QString::fromUtf8(QJsonDocument(policy).toJson(QJsonDocument::Compact)));
        }
        const auto r = q.call("CreateQueue", {{QStringLiteral("QueueName"), name}, {QStringLiteral("Attributes"), attributes}});
        return done(r, r ? r->value(QStringLiteral("QueueUrl")).toString() : QString());
    }
    if (action == QLatin1String("send")) {
        // Any text (not only JSON); @FILE reads a file.
        QString body = pos.at(2);
        if (body.startsWith(QLatin1Char('@'))) {
            QFile f(body.mid(1));
            if (!f.open(QIODevice::ReadOnly))
                return reportError(makeError(errc::IOError, QStringLiteral("cannot read %1: %2").arg(body.mid(1), f.errorString())));
            body = QString::fromUtf8(f.readAll());
        }
        params.insert(QStringLiteral("MessageBody"), body);
        QJsonObject attributes;
        for (const QString &kv : cl.parser().values(QStringLiteral("attribute"))) {
            const qsizetype eq = kv.indexOf(QLatin1Char('='));
            if (eq <= 0)
                return cl.usageError(QStringLiteral("--attribute takes KEY=VALUE"));
            attributes.insert(kv.left(eq), QJsonObject{{QStringLiteral("DataType"), QStringLiteral("String")},
                                                       {QStringLiteral("StringValue"), kv.mid(eq + 1)}});
        }
        if (!attributes.isEmpty())
            params.insert(QStringLiteral("MessageAttributes"), attributes);
        if (cl.isSet(QStringLiteral("delay")))
            params.insert(QStringLiteral("DelaySeconds"), cl.value(QStringLiteral("delay")).toInt());
        const auto r = q.call("SendMessage", params);
        return done(r, r ? QStringLiteral("Sent %1").arg(r->value(QStringLiteral("MessageId")).toString()) : QString());
    }
    if (action == QLatin1String("receive")) {
        params.insert(QStringLiteral("MaxNumberOfMessages"), cl.value(QStringLiteral("max")).toInt());
        params.insert(QStringLiteral("WaitTimeSeconds"), cl.value(QStringLiteral("wait")).toInt());
        if (cl.isSet(QStringLiteral("visibility-timeout")))
            params.insert(QStringLiteral("VisibilityTimeout"), cl.value(QStringLiteral("visibility-timeout")).toInt());
        params.insert(QStringLiteral("AttributeNames"), QJsonArray{QStringLiteral("All")});
        params.insert(QStringLiteral("MessageAttributeNames"), QJsonArray{QStringLiteral("All")});
        auto r = q.call("ReceiveMessage", params);
        if (!r)
            return reportError(r.error());
        const QJsonArray messages = r->value(QStringLiteral("Messages")).toArray();
        if (cl.isSet(QStringLiteral("delete"))) {
            for (const QJsonValue &m : messages) {
                auto gone = q.call("DeleteMessage", {{QStringLiteral("QueueUrl"), q.url(name)},
                                                     {QStringLiteral("ReceiptHandle"), m.toObject().value(QStringLiteral("ReceiptHandle"))}});
                if (!gone)
                    return reportError(gone.error());
            }
        }
        if (cl.json()) {
            printJson(messages);
            return ExitOk;
        }
        QList<QStringList> rows;
        for (const QJsonValue &v : messages) {
            const QJsonObject m = v.toObject();
            const QJsonObject a = m.value(QStringLiteral("Attributes")).toObject();
            rows.append({m.value(QStringLiteral("MessageId")).toString(), a.value(QStringLiteral("ApproximateReceiveCount")).toString(),
                         QDateTime::fromMSecsSinceEpoch(a.value(QStringLiteral("SentTimestamp")).toString().toLongLong()).toString(Qt::ISODate),
                         m.value(QStringLiteral("Body")).toString().simplified().left(80)});
        }
        if (rows.isEmpty())
            printOut(QStringLiteral("No messages."));
        else
            printTable({QStringLiteral("MESSAGE ID"), QStringLiteral("RECEIVES"), QStringLiteral("SENT"), QStringLiteral("BODY")}, rows);
        return ExitOk;
    }
    if (action == QLatin1String("purge"))
        return done(q.call("PurgeQueue", params), QStringLiteral("Purged %1").arg(name));
    if (action == QLatin1String("delete"))
        return done(q.call("DeleteQueue", params), QStringLiteral("Deleted %1").arg(name));
    // redrive: the store's move, on the data dir or, with an engine, over its thread-safe
    // SQLite (the engine's long polls and mappings see the messages on their next look).
    if (!cl.isSet(QStringLiteral("to")))
        return cl.usageError(QStringLiteral("'redrive' needs --to QUEUE"));
    auto conn = store::Connection::open(q.dir().database());
    if (!conn)
        return reportError(conn.error());
    auto moved = store::moveMessages(*conn, name, cl.value(QStringLiteral("to")), -1, QDateTime::currentMSecsSinceEpoch());
    if (!moved)
        return reportError(moved.error().type == store::qerr::QueueDoesNotExist ? makeError(errc::ResourceNotFound, moved.error().message)
                                                                                 : moved.error());
    if (cl.json())
        printJson(QJsonObject{{QStringLiteral("moved"), *moved}});
    else
        printOut(QStringLiteral("Moved %1 messages from %2 to %3").arg(*moved).arg(name, cl.value(QStringLiteral("to"))));
    return ExitOk;
}

} // namespace funcdesk::cli
