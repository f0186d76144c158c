#include "engine.h"

#include "common/eventthread.h"
#include "common/runtimes.h"
#include "common/ids.h"
#include "common/trace.h"
#include "engine/cgroupcpu.h"
#include "engine/sandbox.h"
#include "engine/enginecore.h"
#include "engine/errordocs.h"
#include "engine/interpreters.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QMutex>
#include <QTemporaryDir>
#include <QThread>

#include <condition_variable>
#include <mutex>
#include <optional>

namespace funcdesk::engine {

QString environmentStateName(EnvironmentState s)
{
    switch (s) {
    case EnvironmentState::Initializing:
        return QStringLiteral("initializing");
    case EnvironmentState::Idle:
        return QStringLiteral("idle");
    case EnvironmentState::Busy:
        return QStringLiteral("busy");
    case EnvironmentState::Frozen:
        return QStringLiteral("frozen");
    case EnvironmentState::Retired:
        return QStringLiteral("retired");
    }
    return {};
}

class EnginePrivate
{
public:
    EngineOptions options;
    std::unique_ptr<QTemporaryDir> scratch;
    QThread thread;
    EngineCore *core = nullptr;
    std::atomic<bool> stopped{false};
    bool hasProvidedFactory = false;

    mutable QMutex mutex; // guards the interpreter cache
    mutable std::optional<Result<Interpreter>> python;
    mutable std::optional<Result<Interpreter>> node;

    Result<Interpreter> interpreter(Runtime r) const
    {
        QMutexLocker lock(&mutex);
        auto &slot = r == Runtime::Python3 ? python : node;
        if (!slot)
            slot = resolveInterpreter(r, r == Runtime::Python3 ? options.python3Path : options.nodePath);
        return *slot;
    }

    // Runs f on the engine thread and waits for it (directly when already there).
    template<typename F>
    void onEngineThread(F &&f) const
    {
        if (QThread::currentThread() == &thread || !thread.isRunning())
            f();
        else
            QMetaObject::invokeMethod(core, std::forward<F>(f), Qt::BlockingQueuedConnection);
    }
};

Engine::Engine(EngineOptions options, QObject *parent) : QObject(parent), d(std::make_unique<EnginePrivate>())
{
    qRegisterMetaType<funcdesk::engine::EnvironmentInfo>();
    qRegisterMetaType<funcdesk::InvocationRecord>();
    qRegisterMetaType<QList<funcdesk::LogLine>>();
    d->options = std::move(options);
    d->options.shimDir = findShimDir(d->options.shimDir);
    if (d->options.runDir.isEmpty()) {
        d->scratch = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/funcdesk-run-XXXXXX"));
        d->options.runDir = d->scratch->path();
    } else {
        QDir().mkpath(d->options.runDir);
    }
    d->core = new EngineCore(this, d->options, d->options.runDir);
    d->core->moveToThread(&d->thread);
    d->thread.setObjectName(QStringLiteral("funcdesk-engine"));
    startWithPlainDispatcher(d->thread); // common/eventthread.h
}

Engine::~Engine()
{
    stop();
    if (d->thread.isRunning()) {
        EngineCore *core = d->core;
        QMetaObject::invokeMethod(
            core, [core] {
                delete core;
                QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
            },
            Qt::BlockingQueuedConnection);
        d->thread.quit();
        d->thread.wait();
    } else {
        delete d->core;
    }
    d->core = nullptr;
}

Status Engine::registerFunction(const FunctionConfig &config)
{
    const auto invalid = [](const QString &m) { return makeError(errc::InvalidParameterValue, m); };
    if (d->stopped)
        return makeError(errc::Service, QStringLiteral("The engine is stopped."));
    if (!isValidFunctionName(config.name))
        return invalid(QStringLiteral("Invalid function name: ") + config.name);
    if (config.version.isEmpty())
        return invalid(QStringLiteral("A version is required"));
    if (!QFileInfo(config.codeDir).isDir())
        return invalid(QStringLiteral("Code directory not found: ") + config.codeDir);
    if (config.memoryMb < 128 || config.memoryMb > 10240)
        return invalid(QStringLiteral("MemorySize must be between 128 and 10240 MB"));
    if (config.timeoutSeconds < 1 || config.timeoutSeconds > 900)
        return invalid(QStringLiteral("Timeout must be between 1 and 900 seconds"));
    if (!config.network && config.runtime == Runtime::Provided)
        return invalid(QStringLiteral("A custom runtime reaches the Runtime API over the network: it cannot run with "
                                      "the network off"));
    if (config.ephemeralStorageMb < 512 || config.ephemeralStorageMb > 10240)
        return invalid(QStringLiteral("EphemeralStorage must be between 512 and 10240 MB"));
    if (config.keepAliveSeconds && (*config.keepAliveSeconds < 1 || *config.keepAliveSeconds > 24 * 3600))
        return invalid(QStringLiteral("The keep-alive must be between 1 second and 24 hours"));
    if (config.reservedConcurrency && *config.reservedConcurrency < 0)
        return invalid(QStringLiteral("ReservedConcurrentExecutions must not be negative"));
    if (config.provisionedConcurrency < 0
        || (config.reservedConcurrency && config.provisionedConcurrency > *config.reservedConcurrency))
        return invalid(QStringLiteral("ProvisionedConcurrentExecutions must be between 0 and the reserved concurrency"));
    if (config.handler.isEmpty())
        return invalid(QStringLiteral("A handler is required"));

    RuntimeLaunch launch;
    switch (config.runtime) {
    case Runtime::Python3:
    case Runtime::NodeJs: {
        const bool python = config.runtime == Runtime::Python3;
        auto interp = d->interpreter(config.runtime);
        if (!interp)
            return interp.error();
        const QString shim = d->options.shimDir
            + (python ? QStringLiteral("/python/bootstrap.py") : QStringLiteral("/node/bootstrap.js"));
        if (!QFileInfo::exists(shim))
            return makeError(errc::Service, QStringLiteral("Runtime shim not found: ") + shim);
        launch.program = interp->path;
        launch.localVersion = interp->version;
        if (python) {
            launch.arguments = {shim};
        } else {
            // As Lambda's Node.js bootstrap starts node: a tenth of the memory for the young
            // generation (split over its two semi-spaces), the rest for the old one, so a
            // heap that outgrows the function's memory fails as V8's own out-of-memory.
            const int newSpace = config.memoryMb / 10;
            launch.arguments = {QStringLiteral("--expose-gc"),
                                QStringLiteral("--max-semi-space-size=%1").arg(newSpace / 2),
                                QStringLiteral("--max-old-space-size=%1").arg(config.memoryMb - newSpace), shim};
        }
        // As Lambda sets it: from the function's runtime identifier (AWS_Lambda_python3.13),
        // whichever local interpreter runs it.
        launch.executionEnv = QStringLiteral("AWS_Lambda_") + runtimeIdentifier(config);
        break;
    }
    case Runtime::Provided: {
        if (!d->hasProvidedFactory)
            return invalid(QStringLiteral("The provided runtime needs a Runtime API channel (none is set)"));
        const QFileInfo bootstrap(config.codeDir + QStringLiteral("/bootstrap"));
        if (!bootstrap.isFile() || !bootstrap.isExecutable())
            return invalid(QStringLiteral("No executable bootstrap in ") + config.codeDir);
        launch.program = bootstrap.absoluteFilePath();
        break;
    }
    }
    d->onEngineThread([this, &config, &launch] { d->core->registerFunction(config, launch); });
    return {};
}

void Engine::unregisterFunction(const QString &name, const QString &version)
{
    d->onEngineThread([this, &name, &version] { d->core->unregisterFunction(name, version); });
}

QList<FunctionConfig> Engine::functions() const
{
    QList<FunctionConfig> out;
    d->onEngineThread([this, &out] { out = d->core->functions(); });
    return out;
}

void Engine::invoke(InvokeRequest request, std::function<void(InvokeResult)> done)
{
    if (d->stopped) {
        InvokeResult r = EngineCore::rejected(request, QDateTime::currentMSecsSinceEpoch(), errc::Service,
                                              QStringLiteral("The engine is stopped."), InvocationStatus::Error);
        r.response = serviceErrorDocument(r.record.errorMessage);
        if (done)
            done(std::move(r));
        return;
    }
    EngineCore *core = d->core;
    QMetaObject::invokeMethod(
        core,
        [core, p = PendingInvocation{std::move(request), std::move(done), 0}]() mutable { core->invoke(std::move(p)); },
        Qt::QueuedConnection);
}

void Engine::invokeDirect(InvokeRequest request, std::function<void(InvokeResult)> done)
{
    if (QThread::currentThread() != &d->thread || d->stopped)
        return invoke(std::move(request), std::move(done));
    d->core->invoke(PendingInvocation{std::move(request), std::move(done), 0});
}

QThread *Engine::engineThread() const
{
    return &d->thread;
}

void Engine::noteTraceParent(const QByteArray &traceHeader)
{
    const TraceHeader h = TraceHeader::parse(traceHeader);
    if (h.parent.isEmpty() || d->stopped)
        return;
    EngineCore *core = d->core;
    QMetaObject::invokeMethod(core, [core, span = h.parent] { core->noteTraceParent(span); }, Qt::QueuedConnection);
}

InvokeResult Engine::invokeAndWait(InvokeRequest request)
{
    if (QThread::currentThread() == &d->thread) {
        InvokeResult r = EngineCore::rejected(request, QDateTime::currentMSecsSinceEpoch(), errc::Service,
                                              QStringLiteral("invokeAndWait() called on the engine thread"), InvocationStatus::Error);
        r.response = serviceErrorDocument(r.record.errorMessage);
        return r;
    }
    struct Waiter
    {
        std::mutex m;
        std::condition_variable cv;
        std::optional<InvokeResult> result;
    };
    auto w = std::make_shared<Waiter>();
    invoke(std::move(request), [w](InvokeResult r) {
        std::lock_guard lock(w->m);
        w->result = std::move(r);
        w->cv.notify_one();
    });
    std::unique_lock lock(w->m);
    w->cv.wait(lock, [&] { return w->result.has_value(); });
    return std::move(*w->result);
}

QList<EnvironmentInfo> Engine::environments() const
{
    QList<EnvironmentInfo> out;
    d->onEngineThread([this, &out] { out = d->core->environments(); });
    return out;
}

QString Engine::resolvedInterpreter(Runtime runtime) const
{
    if (runtime == Runtime::Provided)
        return {};
    auto interp = d->interpreter(runtime);
    return interp ? interp->path : QString();
}

QString Engine::sandboxUnavailableReason()
{
    return engine::sandboxUnavailableReason();
}

QString Engine::cpuScalingMethod()
{
    const CpuScaling method = engine::cpuScalingMethod();
    return method == CpuScaling::None ? QString() : cpuScalingName(method);
}

const EngineOptions &Engine::options() const
{
    return d->options;
}

void Engine::setProvidedChannelFactory(RuntimeChannelFactory factory)
{
    d->hasProvidedFactory = bool(factory);
    d->onEngineThread([this, &factory] { d->core->setProvidedChannelFactory(std::move(factory)); });
}

void Engine::setRecordSink(RecordSink *sink)
{
    d->onEngineThread([this, sink] { d->core->setRecordSink(sink); });
}

void Engine::stop()
{
    d->stopped = true;
    if (d->core)
        d->onEngineThread([this] { d->core->stop(); });
}

} // namespace funcdesk::engine
