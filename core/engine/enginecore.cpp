#include "enginecore.h"
#include "engine/layerpaths.h"

#include "common/ids.h"
#include "common/logging.h"
#include "engine/errordocs.h"

#include <QDateTime>
#include <QMetaMethod>
#include <QProcessEnvironment>
#include <QTimer>

#include <algorithm>

namespace funcdesk::engine {

namespace {
constexpr qint64 kAsyncPayloadBytes = 1024 * 1024;
constexpr int kWatchdogMs = 20;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool isIdle(EnvironmentState s)
{
    return s == EnvironmentState::Idle || s == EnvironmentState::Frozen;
}

const QMetaMethod &finishedSignal()
{
    static const QMetaMethod m = QMetaMethod::fromSignal(&Engine::invocationFinished);
    return m;
}
const QMetaMethod &logLinesSignal()
{
    static const QMetaMethod m = QMetaMethod::fromSignal(&Engine::logLines);
    return m;
}
int sweepIntervalMs(int keepAliveSeconds)
{
    return std::clamp(keepAliveSeconds * 250, 100, 5000);
}

const QMetaMethod &environmentSignal()
{
    static const QMetaMethod m = QMetaMethod::fromSignal(&Engine::environmentChanged);
    return m;
}
} // namespace

EngineCore::EngineCore(Engine *engine, EngineOptions options, QString scratchRoot)
    : m_engine(engine), m_options(std::move(options)), m_scratchRoot(std::move(scratchRoot))
{
    m_watchdog = new QTimer(this);
    m_watchdog->setInterval(kWatchdogMs);
    connect(m_watchdog, &QTimer::timeout, this, &EngineCore::watchMemory);
    m_sweep = new QTimer(this);
    m_sweep->setInterval(sweepIntervalMs(m_options.keepAliveSeconds));
    connect(m_sweep, &QTimer::timeout, this, &EngineCore::sweepIdle);
}

EngineCore::~EngineCore()
{
    stop();
}

void EngineCore::registerFunction(const FunctionConfig &config, const RuntimeLaunch &launch)
{
    const QString key = config.versionKey();
    if (auto it = m_versions.find(key); it != m_versions.end()) {
        const QList<Environment *> idle = it->idle;
        m_versions.erase(it);
        for (Environment *env : idle)
            env->retire(QStringLiteral("code updated")); // busy ones retire when they finish
    }
    VersionEntry entry;
    entry.config = std::make_shared<const FunctionConfig>(config);
    LaunchSpec &spec = entry.launch;
    spec.config = entry.config;
    spec.program = launch.program;
    spec.arguments = launch.arguments;
    spec.scratchRoot = m_scratchRoot;

    // A clean environment: the app's PATH and locale, the function's variables, then
    // Lambda's reserved variables (which a function cannot override).
    static const QProcessEnvironment app = QProcessEnvironment::systemEnvironment();
    QMap<QString, QString> &env = spec.environment;
    env.insert(QStringLiteral("PATH"), app.value(QStringLiteral("PATH"), QStringLiteral("/usr/local/bin:/usr/bin:/bin")));
    const QStringList keys = app.keys();
    for (const QString &k : keys) {
        if (k == QLatin1String("LANG") || k.startsWith(QLatin1String("LC_")))
            env.insert(k, app.value(k));
    }
    env.insert(QStringLiteral("TZ"), QStringLiteral("UTC"));
    for (auto it = config.environment.cbegin(); it != config.environment.cend(); ++it)
        env.insert(it.key(), it.value());
    const QString region = QLatin1String(kRegion);
    env.insert(QStringLiteral("AWS_LAMBDA_FUNCTION_NAME"), config.name);
    env.insert(QStringLiteral("AWS_LAMBDA_FUNCTION_VERSION"), config.version);
    env.insert(QStringLiteral("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), QString::number(config.memoryMb));
    env.insert(QStringLiteral("AWS_LAMBDA_LOG_GROUP_NAME"), logGroupName(config.name));
    env.insert(QStringLiteral("_HANDLER"), config.handler);
    env.insert(QStringLiteral("LAMBDA_TASK_ROOT"), config.codeDir);
    env.insert(QStringLiteral("LAMBDA_RUNTIME_DIR"),
               config.runtime == Runtime::Provided ? config.codeDir : m_options.shimDir);
    env.insert(QStringLiteral("AWS_REGION"), region);
    env.insert(QStringLiteral("AWS_DEFAULT_REGION"), region);
    if (!launch.executionEnv.isEmpty())
        env.insert(QStringLiteral("AWS_EXECUTION_ENV"), launch.executionEnv);
    {
        // "AWS_Lambda_python3.11" -> "3.11", "AWS_Lambda_nodejs20.x" -> "20"
        QString runtimeVersion = launch.executionEnv;
        runtimeVersion.remove(QStringLiteral("AWS_Lambda_python")).remove(QStringLiteral("AWS_Lambda_nodejs")).remove(QStringLiteral(".x"));
        if (config.runtime == Runtime::Python3 && !runtimeVersion.contains(QLatin1Char('.')))
            runtimeVersion.clear(); // "3": unknown minor
        QStringList versions;
        for (const QString &v : {runtimeVersion, launch.localVersion}) {
            if (!v.isEmpty() && !versions.contains(v))
                versions.append(v);
        }
        addLayerPaths(env, config, versions);
    }

    auto it = m_versions.insert(key, std::move(entry));
    topUpProvisioned(*it);
    // Sweep at a quarter of the shortest keep-alive, so an environment retires at most a
    // quarter late.
    if (config.keepAliveSeconds)
        m_sweep->setInterval(std::min(m_sweep->interval(), sweepIntervalMs(*config.keepAliveSeconds)));
    if (!m_sweep->isActive())
        m_sweep->start();
}

void EngineCore::unregisterFunction(const QString &name, const QString &version)
{
    QList<Environment *> toRetire;
    for (auto it = m_versions.begin(); it != m_versions.end();) {
        if (it->config->name == name && (version.isEmpty() || it->config->version == version)) {
            toRetire += it->idle;
            it = m_versions.erase(it);
        } else {
            ++it;
        }
    }
    // Initializing and busy environments of removed versions retire when they next go idle.
    for (Environment *env : std::as_const(m_environments)) {
        if (env->config().name == name && (version.isEmpty() || env->config().version == version)
            && env->state() == EnvironmentState::Initializing && !env->hasRequest() && !toRetire.contains(env))
            toRetire.append(env);
    }
    for (Environment *env : std::as_const(toRetire))
        env->retire(QStringLiteral("version removed"));
}

QList<FunctionConfig> EngineCore::functions() const
{
    QList<FunctionConfig> out;
    for (const VersionEntry &e : m_versions)
        out.append(*e.config);
    return out;
}

QList<EnvironmentInfo> EngineCore::environments() const
{
    QList<EnvironmentInfo> out;
    for (const Environment *env : m_environments)
        out.append(env->info());
    return out;
}

InvokeResult EngineCore::rejected(const InvokeRequest &req, qint64 startMs, const QString &errorType,
                                  const QString &message, InvocationStatus status)
{
    InvokeResult r;
    r.record.requestId = req.requestId;
    r.record.function = req.function;
    r.record.version = req.version;
    r.record.alias = req.alias;
    r.record.trigger = req.trigger;
    r.record.startMs = startMs;
    r.record.status = status;
    r.record.errorType = errorType;
    r.record.errorMessage = message;
    r.record.requestBytes = req.payload.size();
    r.throttled = status == InvocationStatus::Throttled;
    return r;
}

void EngineCore::invoke(PendingInvocation inv)
{
    InvokeRequest &req = inv.request;
    if (req.requestId.isEmpty())
        req.requestId = newRequestId();
    inv.startMs = nowMs();
    inv.trace = TraceContext::begin(req.traceHeader);
    if (!inv.trace.parentSpanId.isEmpty())
        noteTraceParent(inv.trace.parentSpanId);
    // Lambda's recursive loop detection: events and messages (not synchronous calls, which
    // their callers' timeouts bound) stop at the chain's 17th call.
    if (inv.trace.lineage >= kMaxChainCalls && (req.trigger == TriggerKind::Async || req.trigger == TriggerKind::Queue || req.isAsync)) {
        const QString msg = QStringLiteral("Stopped a recursive loop: this request would be call %1 in one chain of "
                                           "functions, and a chain stops after %2 (Lambda's recursive loop detection).")
                                .arg(inv.trace.lineage + 1)
                                .arg(kMaxChainCalls);
        InvokeResult r = rejected(req, inv.startMs, errc::RecursiveInvocation, msg, InvocationStatus::Error);
        r.response = serviceErrorDocument(msg);
        complete(std::move(inv), std::move(r));
        return;
    }
    if (m_stopped) {
        InvokeResult r = rejected(req, inv.startMs, errc::Service, QStringLiteral("The engine is stopped."),
                                  InvocationStatus::Error);
        r.response = serviceErrorDocument(r.record.errorMessage);
        if (inv.done)
            inv.done(std::move(r));
        return;
    }
    auto it = m_versions.find(req.function + QLatin1Char(':') + req.version);
    if (it == m_versions.end()) {
        const QString msg = QStringLiteral("Function not found: ") + functionArn(req.function, req.version);
        InvokeResult r = rejected(req, inv.startMs, errc::ResourceNotFound, msg, InvocationStatus::Error);
        r.response = serviceErrorDocument(msg);
        if (inv.done)
            inv.done(std::move(r));
        return;
    }
    VersionEntry &entry = *it;
    const FunctionConfig &cfg = *entry.config;
    const qint64 limit = req.isAsync ? kAsyncPayloadBytes : m_options.maxSyncPayloadBytes;
    if (req.payload.size() > limit) {
        const QString msg = QStringLiteral("Request must be smaller than ") + QString::number(limit)
            + QStringLiteral(" bytes for the InvokeFunction operation");
        InvokeResult r = rejected(req, inv.startMs, errc::RequestTooLarge, msg, InvocationStatus::Error);
        r.record.memorySizeMb = cfg.memoryMb;
        r.response = serviceErrorDocument(msg);
        complete(std::move(inv), std::move(r));
        return;
    }
    if (req.debugPort && (cfg.runtime == Runtime::Provided || (!cfg.network && m_options.sandbox))) {
        const QString msg = cfg.runtime == Runtime::Provided
            ? QStringLiteral("Debugging is available for python3 and nodejs functions; a custom runtime brings its own debugger")
            : QStringLiteral("Debugging needs the function's network access on: the debugger connects to it over loopback");
        InvokeResult r = rejected(req, inv.startMs, errc::InvalidParameterValue, msg, InvocationStatus::Error);
        r.response = serviceErrorDocument(msg);
        complete(std::move(inv), std::move(r));
        return;
    }
    int &fnInFlight = m_inFlightByFunction[cfg.name];
    QString throttleReason;
    if (cfg.reservedConcurrency && fnInFlight >= *cfg.reservedConcurrency)
        throttleReason = QStringLiteral("ReservedFunctionConcurrentInvocationLimitExceeded");
    else if (m_inFlight >= m_options.globalConcurrency)
        throttleReason = QStringLiteral("ConcurrentInvocationLimitExceeded");
    if (throttleReason.isEmpty()) {
        while (!req.debugPort && !entry.idle.isEmpty()) {
            Environment *env = entry.idle.takeLast();
            if (!isIdle(env->state()))
                continue;
            ++fnInFlight;
            ++m_inFlight;
            env->invoke(std::move(inv));
            return;
        }
        if (makeRoomForEnvironment()) {
            ++fnInFlight;
            ++m_inFlight;
            startEnvironment(entry, std::move(inv), false);
            return;
        }
        throttleReason = QStringLiteral("ConcurrentInvocationLimitExceeded");
    }
    InvokeResult r = rejected(req, inv.startMs, errc::TooManyRequests, QStringLiteral("Rate Exceeded."),
                              InvocationStatus::Throttled);
    r.record.memorySizeMb = cfg.memoryMb;
    r.record.architecture = cfg.architecture;
    r.response = throttleDocument(throttleReason);
    complete(std::move(inv), std::move(r));
}

Environment *EngineCore::startEnvironment(VersionEntry &entry, std::optional<PendingInvocation> first, bool provisioned)
{
    LaunchSpec spec = entry.launch;
    spec.provisioned = provisioned;
    if (first && first->request.debugPort) {
        spec.debugPort = first->request.debugPort;
        if (spec.config->runtime == Runtime::NodeJs) // the inspector, stopped before the shim's first line
            spec.arguments.insert(spec.arguments.size() - 1, QStringLiteral("--inspect-brk=127.0.0.1:") + QString::number(spec.debugPort));
        else if (spec.config->runtime == Runtime::Python3) // the shim listens through debugpy
            spec.environment.insert(QStringLiteral("_FUNCDESK_DEBUG_PORT"), QString::number(spec.debugPort));
    }
    auto *env = new Environment(this, std::move(spec), this);
    m_environments.append(env);
    const Status started = env->start(first);
    if (started)
        return env;
    qCWarning(lcEngine) << "cannot start an environment for" << entry.config->versionKey() << started.error().toString();
    m_environments.removeOne(env);
    env->deleteLater();
    if (first) {
        InvokeResult r = rejected(first->request, first->startMs, started.error().type, started.error().message,
                                  InvocationStatus::Error);
        r.record.memorySizeMb = entry.config->memoryMb;
        r.response = errorDocument(started.error().type, started.error().message);
        r.functionError = true;
        --m_inFlightByFunction[entry.config->name];
        --m_inFlight;
        complete(std::move(*first), std::move(r));
    }
    return nullptr;
}

void EngineCore::topUpProvisioned(VersionEntry &entry)
{
    if (m_stopped)
        return;
    int have = 0;
    for (const Environment *env : std::as_const(m_environments)) {
        if (env->provisioned() && &env->config() == entry.config.get())
            ++have;
    }
    for (; have < entry.config->provisionedConcurrency; ++have) {
        if (!startEnvironment(entry, std::nullopt, true))
            break;
    }
}

bool EngineCore::makeRoomForEnvironment()
{
    if (m_environments.size() < m_options.globalConcurrency)
        return true;
    Environment *oldest = nullptr;
    for (Environment *env : std::as_const(m_environments)) {
        if (isIdle(env->state()) && !env->provisioned() && (!oldest || env->idleSinceMs() < oldest->idleSinceMs()))
            oldest = env;
    }
    if (!oldest)
        return false;
    oldest->retire(QStringLiteral("evicted"));
    return true;
}

void EngineCore::environmentStateChanged(Environment *env)
{
    const EnvironmentState state = env->state();
    if (state == EnvironmentState::Busy) { // every invocation: no look-up needed
        if (!m_watchdog->isActive())
            m_watchdog->start();
        if (m_engine->isSignalConnected(environmentSignal()))
            Q_EMIT m_engine->environmentChanged(env->info());
        return;
    }
    auto it = m_versions.find(env->versionKey());
    const bool current = it != m_versions.end() && it->config.get() == &env->config();
    if (isIdle(state)) {
        if (!current) {
            // Its version was replaced or removed while it was busy or starting.
            QTimer::singleShot(0, env, [env, removed = it == m_versions.end()] {
                env->retire(removed ? QStringLiteral("version removed") : QStringLiteral("code updated"));
            });
        } else if (!it->idle.contains(env)) {
            it->idle.append(env);
        }
    } else if (state == EnvironmentState::Retired) {
        m_environments.removeOne(env);
        if (current)
            it->idle.removeOne(env);
        env->deleteLater();
        if (current && env->provisioned() && !m_stopped && env->info().retireReason != QLatin1String("init error")) {
            const QString key = it.key();
            QTimer::singleShot(0, this, [this, key] {
                if (auto e = m_versions.find(key); e != m_versions.end())
                    topUpProvisioned(*e);
            });
        }
    }
    if (m_engine->isSignalConnected(environmentSignal()))
        Q_EMIT m_engine->environmentChanged(env->info());
}

void EngineCore::environmentFinished(Environment *env, PendingInvocation &&inv, InvokeResult &&result)
{
    Q_UNUSED(env);
    --m_inFlightByFunction[inv.request.function];
    --m_inFlight;
    complete(std::move(inv), std::move(result));
}

void EngineCore::noteTraceParent(const QString &spanId)
{
    if (spanId.isEmpty())
        return;
    const qint64 now = nowMs();
    if (m_traceParents.size() >= 4096) { // calls that outlived their callers: keep 15 min (the longest timeout)
        for (auto it = m_traceParents.begin(); it != m_traceParents.end();)
            it = it.value() < now - 15 * 60 * 1000 ? m_traceParents.erase(it) : std::next(it);
    }
    m_traceParents.insert(spanId, now);
}

void EngineCore::complete(PendingInvocation &&inv, InvokeResult &&result)
{
    InvocationRecord &rec = result.record;
    rec.traceId = inv.trace.traceId;
    rec.parentSpanId = inv.trace.parentSpanId;
    rec.spanId = inv.trace.spanId;
    rec.calledFunctions = !m_traceParents.isEmpty() && m_traceParents.remove(rec.spanId) > 0;
    // Lines first: the store rebuilds END / REPORT from the record, so a reader that sees
    // the record must already be able to see what the handler printed before them.
    if (m_sink) {
        if (!result.logs.isEmpty())
            m_sink->recordLines(result.logs);
        m_sink->recordInvocation(result.record);
        m_sink->recordExchange(result.record, inv.request.payload, result.response);
    }
    if (!result.logs.isEmpty() && m_engine->isSignalConnected(logLinesSignal()))
        Q_EMIT m_engine->logLines(result.logs);
    if (m_engine->isSignalConnected(finishedSignal()))
        Q_EMIT m_engine->invocationFinished(result.record);
    if (inv.done)
        inv.done(std::move(result));
}

void EngineCore::environmentLogLines(QList<LogLine> &&lines)
{
    if (m_sink)
        m_sink->recordLines(lines);
    if (m_engine->isSignalConnected(logLinesSignal()))
        Q_EMIT m_engine->logLines(lines);
}

std::unique_ptr<RuntimeChannel> EngineCore::makeProvidedChannel(const QString &environmentId)
{
    return m_factory ? m_factory(environmentId) : nullptr;
}

void EngineCore::sweepIdle()
{
    const qint64 now = nowMs();
    const QList<Environment *> envs = m_environments;
    for (Environment *env : envs) {
        const qint64 keepAliveMs = qint64(env->config().keepAliveSeconds.value_or(m_options.keepAliveSeconds)) * 1000;
        if (isIdle(env->state()) && !env->provisioned() && env->idleSinceMs() <= now - keepAliveMs)
            env->retire(QStringLiteral("idle timeout"));
    }
}

void EngineCore::watchMemory()
{
    bool anyBusy = false;
    const QList<Environment *> envs = m_environments;
    for (Environment *env : envs) {
        if (env->state() == EnvironmentState::Busy) {
            anyBusy = true;
            env->checkMemory();
        }
    }
    if (!anyBusy)
        m_watchdog->stop();
}

void EngineCore::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_watchdog->stop();
    m_sweep->stop();
    const QList<Environment *> envs = m_environments;
    for (Environment *env : envs)
        env->retire(QStringLiteral("engine stop"));
    m_versions.clear();
}

} // namespace funcdesk::engine
