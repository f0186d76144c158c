// Local queue benchmarks through the full Service (SQS's JSON protocol on the API port):
// send + receive + delete round trips on one keep-alive connection, one message at a time
// and ten at a time (the batch calls); and end to end through an event source mapping to
// a no-op python3 function: messages per second from a full queue to an empty one.
#include "bench.h"

#include "api/service.h"
#include "versioning/versionstore.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace funcdesk;

namespace {

// A blocking keep-alive HTTP client that returns each response's body.
class Client
{
public:
    explicit Client(quint16 port) : m_port(port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }
    ~Client()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    // POST path with body; the status (0 on failure) and the body in `out`.
    int post(const QByteArray &path, const QByteArray &body, const QByteArray &target, QByteArray *out)
    {
        QByteArray request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + QByteArray::number(body.size())
            + "\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, "
              "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7\r\n";
        if (!target.isEmpty())
            request += "X-Amz-Target: AmazonSQS." + target + "\r\nContent-Type: application/x-amz-json-1.0\r\n";
        request += "\r\n" + body;
        if (m_fd < 0 || ::send(m_fd, request.constData(), size_t(request.size()), 0) != request.size())
            return 0;
        QByteArray buf;
        char chunk[65536];
        for (;;) {
            const qsizetype end = buf.indexOf("\r\n\r\n");
            if (end >= 0) {
                const QByteArray head = buf.left(end).toLower();
                const qsizetype cl = head.indexOf("content-length: ");
                const qsizetype len = cl < 0 ? 0 : head.mid(cl + 16, head.indexOf('\r', cl) - cl - 16).toLongLong();
                if (buf.size() >= end + 4 + len) {
                    if (out)
                        *out = buf.mid(end + 4, len);
                    return buf.mid(9, 3).toInt();
                }
            }
            const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
            if (n <= 0)
                return 0;
            buf.append(chunk, qsizetype(n));
        }
    }
    int sqs(const char *op, const QJsonObject &params, QJsonObject *answer = nullptr)
    {
        QByteArray body;
        const int status = post("/", QJsonDocument(params).toJson(QJsonDocument::Compact), op, &body);
        if (answer)
            *answer = QJsonDocument::fromJson(body).object();
        return status;
    }

private:
    int m_fd = -1;
    quint16 m_port;
};

std::unique_ptr<api::Service> startService(QTemporaryDir &dir)
{
    api::ServiceOptions options;
    options.api.port = 0;
    options.runSchedules = false;
    auto service = api::Service::start(DataDir{dir.path()}, options);
    if (!service.ok()) {
        QTextStream(stderr) << "bench_queues: " << service.error().toString() << Qt::endl;
        return {};
    }
    return std::move(*service);
}

QJsonArray entries(int n, int first)
{
    QJsonArray out;
    for (int i = 0; i < n; ++i)
        out.append(QJsonObject{{QStringLiteral("Id"), QStringLiteral("e%1").arg(i)},
                               {QStringLiteral("MessageBody"), QStringLiteral("{\"n\":%1}").arg(first + i)}});
    return out;
}

} // namespace

FUNCDESK_BENCHMARK("queues.api")
{
    QTemporaryDir dir;
    auto service = startService(dir);
    if (!service)
        return;
    Client c(service->apiPort());
    QJsonObject created;
    c.sqs("CreateQueue", {{QStringLiteral("QueueName"), QStringLiteral("bench")}}, &created);
    const QString url = created.value(QStringLiteral("QueueUrl")).toString();

    // One message per call: SendMessage, ReceiveMessage, DeleteMessage.
    constexpr int kSingles = 3000;
    double t0 = bench::nowUs();
    int done = 0;
    for (int i = 0; i < kSingles; ++i) {
        QJsonObject got;
        if (c.sqs("SendMessage", {{QStringLiteral("QueueUrl"), url}, {QStringLiteral("MessageBody"), QStringLiteral("{\"n\":1}")}}) != 200
            || c.sqs("ReceiveMessage", {{QStringLiteral("QueueUrl"), url}}, &got) != 200)
            break;
        const QJsonArray messages = got.value(QStringLiteral("Messages")).toArray();
        if (messages.size() != 1
            || c.sqs("DeleteMessage", {{QStringLiteral("QueueUrl"), url},
                                       {QStringLiteral("ReceiptHandle"), messages[0].toObject().value(QStringLiteral("ReceiptHandle"))}}) != 200)
            break;
        ++done;
    }
    double seconds = (bench::nowUs() - t0) / 1e6;
    reporter.add(QStringLiteral("queues.api.send_receive_delete_msgs_per_s"), done / seconds, QStringLiteral("msg/s"));
    reporter.add(QStringLiteral("queues.api.send_receive_delete_us"), seconds * 1e6 / qMax(1, done), QStringLiteral("us"));

    // Ten per call: SendMessageBatch, ReceiveMessage (10), DeleteMessageBatch.
    constexpr int kBatches = 1000;
    t0 = bench::nowUs();
    int messages = 0;
    for (int b = 0; b < kBatches; ++b) {
        QJsonObject got;
        if (c.sqs("SendMessageBatch", {{QStringLiteral("QueueUrl"), url}, {QStringLiteral("Entries"), entries(10, b * 10)}}) != 200
            || c.sqs("ReceiveMessage", {{QStringLiteral("QueueUrl"), url}, {QStringLiteral("MaxNumberOfMessages"), 10}}, &got) != 200)
            break;
        QJsonArray deletes;
        for (const QJsonValue &m : got.value(QStringLiteral("Messages")).toArray())
            deletes.append(QJsonObject{{QStringLiteral("Id"), QStringLiteral("d%1").arg(deletes.size())},
                                       {QStringLiteral("ReceiptHandle"), m.toObject().value(QStringLiteral("ReceiptHandle"))}});
        if (deletes.isEmpty() || c.sqs("DeleteMessageBatch", {{QStringLiteral("QueueUrl"), url}, {QStringLiteral("Entries"), deletes}}) != 200)
            break;
        messages += int(deletes.size());
    }
    seconds = (bench::nowUs() - t0) / 1e6;
    reporter.add(QStringLiteral("queues.api.batch10_send_receive_delete_msgs_per_s"), messages / seconds, QStringLiteral("msg/s"));
}

FUNCDESK_BENCHMARK("queues.mapping")
{
    for (const int batchSize : {10, 1}) {
        QTemporaryDir dir;
        auto service = startService(dir);
        if (!service)
            return;
        SourceFiles files;
        files.insert(QStringLiteral("app.py"), SourceFile(QByteArrayLiteral("def handler(event, context):\n    return {}\n")));
        files.insert(QStringLiteral("function.json"), SourceFile(QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\"}")));
        VersionStore store(service->dataDir());
        if (!store.create(QStringLiteral("noop"), Runtime::Python3, files).ok())
            return;
        {
            QEventLoop loop;
            QObject::connect(service.get(), &api::Service::functionChanged, &loop, &QEventLoop::quit);
            QTimer::singleShot(20000, &loop, &QEventLoop::quit);
            service->refreshFunction(QStringLiteral("noop"));
            loop.exec();
        }
        Client c(service->apiPort());
        QJsonObject created;
        c.sqs("CreateQueue", {{QStringLiteral("QueueName"), QStringLiteral("work")}}, &created);
        const QString url = created.value(QStringLiteral("QueueUrl")).toString();
        const int total = batchSize == 10 ? 20000 : 4000;
        for (int b = 0; b < total / 10; ++b)
            c.sqs("SendMessageBatch", {{QStringLiteral("QueueUrl"), url}, {QStringLiteral("Entries"), entries(10, b * 10)}});
        const QByteArray mapping = QStringLiteral("{\"FunctionName\":\"noop\",\"EventSourceArn\":\"arn:aws:sqs:us-east-1:000000000000:work\",\"BatchSize\":%1}")
                                       .arg(batchSize)
                                       .toUtf8();
        const double t0 = bench::nowUs();
        if (c.post("/2015-03-31/event-source-mappings/", mapping, {}, nullptr) != 202)
            return;
        // Until nothing is left, visible or in flight (every batch deleted after its invocation).
        double seconds = 0;
        for (;;) {
            QJsonObject a;
            c.sqs("GetQueueAttributes", {{QStringLiteral("QueueUrl"), url}, {QStringLiteral("AttributeNames"), QJsonArray{QStringLiteral("All")}}}, &a);
            const QJsonObject attrs = a.value(QStringLiteral("Attributes")).toObject();
            seconds = (bench::nowUs() - t0) / 1e6;
            if ((attrs.value(QStringLiteral("ApproximateNumberOfMessages")).toString() == QLatin1String("0")
                 && attrs.value(QStringLiteral("ApproximateNumberOfMessagesNotVisible")).toString() == QLatin1String("0"))
                || seconds > 300)
                break;
            QThread::msleep(20);
        }
        reporter.add(QStringLiteral("queues.mapping.batch%1_msgs_per_s").arg(batchSize), total / seconds, QStringLiteral("msg/s"));
    }
}
