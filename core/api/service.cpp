#include "service.h"

#include "api/functioncatalog.h"
#include "api/otlpexporter.h"
#include "api/queuepoller.h"
#include "api/sqsapi.h"
#include "api/requestguard.h"
#include "api/runtimeapichannel.h"
#include "api/schedulerunner.h"
#include "common/eventthread.h"
#include "store/queues.h"
#include "common/logging.h"
#include "store/datadirlock.h"
#include "store/sqlite.h"
#include "store/writer.h"
#include "versioning/versionstore.h"

#include "api/lambdawire.h"
#include "common/ids.h"

#include <QDateTime>
#include <QDir>
#include <QHostAddress>
#include <QPointer>
#include <QThread>

namespace funcdesk::api {

namespace {

// What every environment gets to call the local Lambda API as code on Lambda calls the
// real one: the endpoint an SDK honours (AWS_ENDPOINT_URL_LAMBDA) and the data dir's own
// credentials to sign with (requestguard.h), which verify when signatures are required,
// as an execution role's do on Lambda.
QMap<QString, QString> platformEnvironment(const QString &bindAddress, quint16 port, const QString &secret)
{
    const QHostAddress address(bindAddress);
    QString host = bindAddress;
    if (address == QHostAddress::AnyIPv4 || address == QHostAddress::Any || address.isNull())
        host = QStringLiteral("127.0.0.1");
    else if (address == QHostAddress::AnyIPv6)
        host = QStringLiteral("[::1]");
    else if (address.protocol() == QAbstractSocket::IPv6Protocol)
        host = QLatin1Char('[') + bindAddress + QLatin1Char(']');
    return {{QStringLiteral("AWS_ENDPOINT_URL_LAMBDA"), QStringLiteral("http://%1:%2").arg(host).arg(port)},
            {QStringLiteral("AWS_ENDPOINT_URL_SQS"), QStringLiteral("http://%1:%2").arg(host).arg(port)},
            {QStringLiteral("AWS_ACCESS_KEY_ID"), QString(kLocalAccessKeyId)},
            {QStringLiteral("AWS_SECRET_ACCESS_KEY"), secret},
            {QStringLiteral("AWS_SESSION_TOKEN"), QStringLiteral("funcdesk-local")}};
}

// The catalog's store builds dependencies with the interpreters functions run on.
VersionStore buildingStore(const DataDir &dir, const engine::EngineOptions &engine)
{
    VersionStore store(dir);
    build::Options b;
    b.python3 = engine.python3Path;
    b.node = engine.nodePath;
    store.setBuildOptions(std::move(b));
    return store;
}

} // namespace

// Everything that lives on the API thread.
class ServiceWorker : public QObject
{
public:
    ServiceWorker(const DataDir &dir, engine::Engine *engine, const ServiceOptions &options)
        : catalog(buildingStore(dir, options.engine), engine),
          server(&catalog, options.api),
          dispatcher(&catalog, dir.database(), options.async),
          alarms(dir.database(), options.alarmIntervalMs),
          // EventBridge invokes asynchronously: scheduled events take the Event path
          // (persisted, retried, destinations, dead-letter list).
          schedules(&catalog, [this](const AsyncInvocation &inv) {
              if (const Status s = dispatcher.enqueue(inv); !s.ok())
                  qCWarning(lcApi) << "scheduled event for" << inv.function << "not queued:" << s.error().toString();
          }),
          sqs(dir.database()),
          poller(&catalog, dir.database())
    {
        server.setParent(this);
        dispatcher.setParent(this);
        schedules.setParent(this);
        sqs.setParent(this);
        poller.setParent(this);
        alarms.setParent(this);
        server.setAsyncSink([this](const AsyncInvocation &inv) { return dispatcher.enqueue(inv); });
        // SQS and event source mappings share the Lambda API's port and checks.
        server.setExtraRoute([this](const HttpRequest &request, HttpResponder &responder) {
            return sqs.handle(request, responder) || poller.handle(request, responder);
        });
        connect(&sqs, &SqsApi::messagesSent, &poller, &QueuePoller::wake);
        // A function that sends a message called on: its span is kept when it ends.
        connect(&sqs, &SqsApi::tracedMessageSent, this, [this](const QByteArray &h) { catalog.engine()->noteTraceParent(h); });
        // Queue alarms: a queue's depth and oldest message age have no history in the store,
        // so each evaluation samples them now and keeps the samples (an hour per queue);
        // a period's datapoint is its samples' maximum, or none when nothing was sampled.
        for (const char *metric : {"ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"}) {
            const bool depth = QByteArray(metric) == "ApproximateNumberOfMessagesVisible";
            alarms.source().add(QLatin1String(metric), [this, depth](store::Connection &conn, const metrics::AlarmRule &rule,
                                                                     qint64 fromMs, qint64 toMs) -> Result<QList<metrics::Datapoint>> {
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                auto stats = store::queueStats(conn, rule.queue, now);
                if (!stats)
                    return stats.error();
                const double value = depth ? double(stats->visible)
                                           : (stats->oldestSentMs > 0 ? double(now - stats->oldestSentMs) / 1000.0 : 0.0);
                QList<QPair<qint64, double>> &samples = queueSamples[(depth ? QStringLiteral("depth:") : QStringLiteral("age:")) + rule.queue];
                samples.append({now, value});
                while (!samples.isEmpty() && samples.first().first < now - 3600 * 1000)
                    samples.removeFirst();
                QList<metrics::Datapoint> out;
                const qint64 period = qint64(rule.periodSeconds) * 1000;
                for (qint64 t = fromMs; t < toMs; t += period) {
                    metrics::Datapoint p{t, std::nullopt};
                    for (const auto &[at, v] : samples) {
                        if (at >= t && at < t + period)
                            p.value = std::max(p.value.value_or(v), v);
                    }
                    out.append(p);
                }
                return out;
            });
        }
    }
    ~ServiceWorker() override
    {
        // Children are members: unparent so QObject does not delete them twice.
        server.setParent(nullptr);
        dispatcher.setParent(nullptr);
        schedules.setParent(nullptr);
        sqs.setParent(nullptr);
        poller.setParent(nullptr);
        alarms.setParent(nullptr);
    }

    FunctionCatalog catalog;
    ApiServer server;
    AsyncDispatcher dispatcher;
    AlarmMonitor alarms;
    QHash<QString, QList<QPair<qint64, double>>> queueSamples; // queue alarms' samples (API thread)
    ScheduleRunner schedules;
    SqsApi sqs;
    QueuePoller poller;
    std::unique_ptr<OtlpExporter> otlp; // when a collector is set
};

struct Service::Private
{
    DataDir dataDir;
    store::DataDirLock lock;
    std::unique_ptr<store::Writer> writer;
    std::unique_ptr<engine::Engine> engine;
    QThread apiThread;
    ServiceWorker *worker = nullptr; // lives on apiThread
    QString apiAddress;
    QString apiError;
    quint16 apiPort = 0;
};

Service::Service() : d(std::make_unique<Private>()) {}

Result<std::unique_ptr<Service>> Service::start(const DataDir &dataDir, ServiceOptions options)
{
    std::unique_ptr<Service> s(new Service);
    Private &d = *s->d;
    d.dataDir = dataDir;
    Result<store::DataDirLock> lock = store::DataDirLock::acquire(dataDir);
    if (!lock.ok())
        return lock.error();
    d.lock = std::move(*lock);
    QDir().mkpath(dataDir.functions());
    QDir().mkpath(dataDir.run());
    if (options.startApi && options.api.localToken.isEmpty()) {
        auto token = readOrCreateLocalToken(dataDir); // what the command line sends (requestguard.h)
        if (!token)
            return token.error();
        options.api.localToken = *token;
    }

    store::WriterOptions wo;
    wo.databasePath = dataDir.database();
    wo.capture = options.capture;
    Result<std::unique_ptr<store::Writer>> writer = store::Writer::start(wo);
    if (!writer.ok())
        return writer.error();
    d.writer = std::move(*writer);

    if (options.engine.runDir.isEmpty())
        options.engine.runDir = dataDir.run();
    d.engine = std::make_unique<engine::Engine>(options.engine);
    d.engine->setProvidedChannelFactory(runtimeApiChannelFactory());
    if (options.record)
        d.engine->setRecordSink(d.writer.get()); // the engine is destroyed first

    d.apiThread.setObjectName(QStringLiteral("funcdesk-api"));
    startWithPlainDispatcher(d.apiThread); // common/eventthread.h: the cheaper cross-thread wake-up
    Status started;
    Service *self = s.get();
    // Built here, then moved (with its children, timers and sockets) to the API thread
    // before anything starts.
    auto *worker = new ServiceWorker(dataDir, d.engine.get(), options);
    worker->moveToThread(&d.apiThread);
    d.worker = worker;
    connect(&d.apiThread, &QThread::finished, worker, &QObject::deleteLater);
    // Only the listen happens while the caller waits; registering functions (git and disk
    // work) runs next on the API thread, before it serves any request (same thread, queued
    // first), so the caller's thread (the GUI) never waits for git.
    QMetaObject::invokeMethod(
        worker,
        [&d, &started, worker, &options] {
            if (options.startApi) {
                worker->server.setDirectInvocations(false); // until the catalog is loaded, below
                const Status listening = worker->server.start();
                if (listening.ok()) {
                    d.apiPort = worker->server.port();
                    d.apiAddress = options.api.address + QLatin1Char(':') + QString::number(d.apiPort);
                    worker->sqs.setBaseUrl(worker->server.baseUrl());
                    worker->catalog.setPlatformEnvironment(
                        platformEnvironment(options.api.address, d.apiPort, options.api.localToken));
                } else {
                    d.apiError = listening.error().toString();
                }
            }
            Result<store::Connection *> conn = store::threadConnection(d.dataDir.database());
            if (!conn.ok())
                started = conn.error();
            if (!options.otlpEndpoint.isEmpty()) { // spans to a collector, from the engine's records
                worker->otlp = std::make_unique<OtlpExporter>(options.otlpEndpoint);
                connect(d.engine.get(), &engine::Engine::invocationFinished, worker->otlp.get(), &OtlpExporter::add,
                        Qt::QueuedConnection);
            }
        },
        Qt::BlockingQueuedConnection);
    const bool runSchedules = options.runSchedules;
    QMetaObject::invokeMethod(
        worker,
        [worker, self, runSchedules] {
            QString problems;
            const Status loaded = worker->catalog.loadAll();
            if (!loaded.ok()) {
                problems = loaded.error().message;
                qCWarning(lcApi) << "some functions could not be registered:" << problems;
            }
            worker->server.setDirectInvocations(true);
            const Status dispatching = worker->dispatcher.start();
            if (!dispatching.ok()) {
                problems += (problems.isEmpty() ? QString() : QStringLiteral("; ")) + dispatching.error().toString();
                qCWarning(lcApi) << "async dispatcher:" << dispatching.error().toString();
            }
            if (runSchedules)
                worker->schedules.reload();
            (void)worker->poller.start();
            worker->alarms.start();
            QMetaObject::invokeMethod(
                self, [self, problems] { Q_EMIT self->ready(problems); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
    if (!started.ok())
        return started.error();
    connect(&worker->server, &ApiServer::functionChanged, self, &Service::functionChanged, Qt::QueuedConnection);
    connect(&worker->server, &ApiServer::functionChanged, worker, [worker] { worker->schedules.reload(); });
    connect(&worker->dispatcher, &AsyncDispatcher::eventFinished, self, &Service::asyncEventFinished, Qt::QueuedConnection);
    connect(&worker->alarms, &AlarmMonitor::stateChanged, self, &Service::alarmStateChanged, Qt::QueuedConnection);
    return s;
}

Service::~Service()
{
    if (d->worker) {
        ServiceWorker *worker = d->worker;
        QMetaObject::invokeMethod(
            worker,
            [worker] {
                worker->schedules.stop();
                worker->poller.stop();
                worker->sqs.stop();
                worker->alarms.stop();
                worker->dispatcher.stop();
                worker->server.stop();
            },
            Qt::BlockingQueuedConnection);
    }
    if (d->engine)
        d->engine->stop();
    d->apiThread.quit();
    d->apiThread.wait();
    d->worker = nullptr;
    d->engine.reset();
    if (d->writer)
        (void)d->writer->flush();
    d->writer.reset();
}

const DataDir &Service::dataDir() const
{
    return d->dataDir;
}

engine::Engine *Service::engine() const
{
    return d->engine.get();
}

store::Writer *Service::writer() const
{
    return d->writer.get();
}

QString Service::apiAddress() const
{
    return d->apiAddress;
}

QString Service::apiError() const
{
    return d->apiError;
}

quint16 Service::apiPort() const
{
    return d->apiPort;
}

void Service::refreshFunction(const QString &name)
{
    QPointer<Service> self(this);
    post([self, name](FunctionCatalog &catalog) {
        const Status s = catalog.refresh(name);
        if (!s.ok() && s.error().type == errc::ResourceNotFound)
            catalog.forget(name);
        if (self)
            QMetaObject::invokeMethod(
                self.data(), [self, name] { if (self) Q_EMIT self->functionChanged(name); }, Qt::QueuedConnection);
    });
    ServiceWorker *worker = d->worker;
    QMetaObject::invokeMethod(
        worker, [worker] { worker->schedules.reload(); }, Qt::QueuedConnection);
}

void Service::fireSchedules(const QDateTime &now, std::function<void(int)> done)
{
    ServiceWorker *worker = d->worker;
    QPointer<Service> self(this);
    QMetaObject::invokeMethod(
        worker,
        [worker, self, now, done = std::move(done)] {
            const int fired = worker->schedules.fireDue(now);
            if (done && self)
                QMetaObject::invokeMethod(
                    self.data(), [done, fired] { done(fired); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void Service::evaluateAlarms(qint64 nowMs, std::function<void(Result<int>)> done)
{
    ServiceWorker *worker = d->worker;
    QPointer<Service> self(this);
    QMetaObject::invokeMethod(
        worker,
        [worker, self, nowMs, done = std::move(done)] {
            const Result<int> changed = worker->alarms.evaluate(nowMs);
            if (done && self)
                QMetaObject::invokeMethod(
                    self.data(), [done, changed] { done(changed); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void Service::post(std::function<void(FunctionCatalog &)> fn)
{
    ServiceWorker *worker = d->worker;
    QMetaObject::invokeMethod(
        worker, [worker, fn = std::move(fn)] { fn(worker->catalog); }, Qt::QueuedConnection);
}

void Service::invoke(engine::InvokeRequest request, const QString &qualifier, std::function<void(engine::InvokeResult)> done)
{
    post([request = std::move(request), qualifier, done = std::move(done)](FunctionCatalog &catalog) mutable {
        const Result<ResolvedQualifier> resolved = catalog.resolve(request.function, qualifier);
        if (!resolved.ok()) {
            engine::InvokeResult r;
            r.record.function = request.function;
            r.record.status = InvocationStatus::Error;
            r.record.errorType = resolved.error().type;
            r.record.errorMessage = resolved.error().message;
            if (done)
                done(std::move(r));
            return;
        }
        request.version = resolved->version;
        request.alias = resolved->alias;
        catalog.engine()->invoke(std::move(request), std::move(done));
    });
}

void Service::invokeAsync(const QString &function, const QString &qualifier, const QByteArray &payload,
                               std::function<void(Result<QString>)> done)
{
    ServiceWorker *worker = d->worker;
    QPointer<Service> self(this);
    QMetaObject::invokeMethod(
        worker,
        [worker, self, function, qualifier, payload, done = std::move(done)] {
            Result<QString> queued = newRequestId();
            if (!worker->catalog.exists(function)) {
                queued = functionNotFound(function);
            } else if (Status s = worker->dispatcher.enqueue(AsyncInvocation{*queued, function, qualifier, payload}); !s) {
                queued = s.error();
            }
            if (done && self)
                QMetaObject::invokeMethod(
                    self.data(), [done, queued] { done(queued); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void Service::setAsyncRetryDelays(const QString &function, const QList<int> &delaysMs)
{
    ServiceWorker *worker = d->worker;
    QMetaObject::invokeMethod(
        worker, [worker, function, delaysMs] { worker->dispatcher.setRetryDelays(function, delaysMs); },
        Qt::QueuedConnection);
}

void Service::queueChanged(const QString &queue)
{
    ServiceWorker *worker = d->worker;
    QMetaObject::invokeMethod(
        worker,
        [worker, queue] {
            worker->sqs.wake(queue);
            worker->poller.wake(queue);
        },
        Qt::QueuedConnection);
}

} // namespace funcdesk::api
