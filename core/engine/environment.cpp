#include "environment.h"

#include "common/ids.h"
#include "common/logging.h"
#include "common/reportline.h"
#include "engine/debugsession.h"
#include "engine/errordocs.h"
#include "engine/pipechannel.h"
#include "engine/proctree.h"
#include "engine/sandbox.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <unistd.h>

namespace funcdesk::engine {

namespace {
using Clock = std::chrono::steady_clock;

constexpr int kInitLimitMs = 10000;            // Lambda's init phase limit
constexpr int kDebugAttachMs = 10 * 60 * 1000; // how long a debug environment waits for its debugger
constexpr qsizetype kMaxLineBytes = 64 * 1024; // a longer line without '\n' is split
constexpr qint64 kChannelSlackBytes = 64 * 1024;

double msBetween(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double, std::milli>(b - a).count();
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

Environment::Environment(EnvironmentHost *host, LaunchSpec spec, QObject *parent)
    : QObject(parent), m_host(host), m_spec(std::move(spec))
{
    m_info.id = newEnvironmentId();
    m_info.function = m_spec.config->name;
    m_info.version = m_spec.config->version;
    m_info.provisioned = m_spec.provisioned;
    m_versionKey = m_spec.config->versionKey();
    m_unqualifiedArn = functionArn(m_spec.config->name);
    m_info.createdMs = nowMs();
    m_info.stateSinceMs = m_info.createdMs;
    m_deadline = new QTimer(this);
    m_deadline->setSingleShot(true);
    m_deadline->setTimerType(Qt::PreciseTimer);
    connect(m_deadline, &QTimer::timeout, this, &Environment::onDeadline);
}

Environment::~Environment()
{
    delete m_logNotifier;
    delete m_exitNotifier;
    if (m_process.running())
        m_process.killAndReap();
    if (!m_scratchDir.isEmpty())
        QDir(QFileInfo(m_scratchDir).path()).removeRecursively();
}

Status Environment::start(std::optional<PendingInvocation> &first)
{
    const EngineOptions &opts = m_host->engineOptions();
    const FunctionConfig &cfg = *m_spec.config;
    m_scratchDir = m_spec.scratchRoot + QLatin1Char('/') + m_info.id + QStringLiteral("/tmp");
    QDir().mkpath(m_scratchDir);

    if (cfg.runtime == Runtime::Provided) {
        m_channel = m_host->makeProvidedChannel(m_info.id);
        if (!m_channel)
            return makeError(errc::Service, QStringLiteral("no channel for the provided runtime"));
    } else {
        auto pipe = PipeChannel::create(std::max(opts.maxResponseBytes, opts.maxSyncPayloadBytes) + kChannelSlackBytes);
        if (!pipe)
            return pipe.error();
        m_pipe = pipe->get();
        m_channel = std::move(*pipe);
    }
    connect(m_channel.get(), &RuntimeChannel::initReady, this, &Environment::onInitReady);
    connect(m_channel.get(), &RuntimeChannel::initError, this, &Environment::onInitError);
    connect(m_channel.get(), &RuntimeChannel::response, this, &Environment::onResponse);
    connect(m_channel.get(), &RuntimeChannel::error, this, &Environment::onFunctionError);
    connect(m_channel.get(), &RuntimeChannel::protocolError, this, &Environment::onProtocolError);
    connect(m_channel.get(), &RuntimeChannel::streamStarted, this, &Environment::onStreamStarted);
    connect(m_channel.get(), &RuntimeChannel::streamChunk, this, &Environment::onStreamChunk);
    connect(m_channel.get(), &RuntimeChannel::streamEnded, this, &Environment::onStreamEnded);

    auto logPipe = Pipe::create(true);
    if (!logPipe)
        return logPipe.error();

    SpawnSpec spawn;
    spawn.program = m_spec.program;
    spawn.arguments = m_spec.arguments;
    spawn.environment = m_spec.environment;
    spawn.environment.insert(QStringLiteral("TMPDIR"), m_scratchDir);
    spawn.environment.insert(QStringLiteral("AWS_LAMBDA_LOG_STREAM_NAME"), logStreamName(cfg.version, m_info.id));
    spawn.environment.insert(QStringLiteral("AWS_LAMBDA_INITIALIZATION_TYPE"),
                             m_spec.provisioned ? QStringLiteral("provisioned-concurrency") : QStringLiteral("on-demand"));
    const QMap<QString, QString> channelEnv = m_channel->processEnvironment();
    for (auto it = channelEnv.cbegin(); it != channelEnv.cend(); ++it)
        spawn.environment.insert(it.key(), it.value());
    spawn.workingDirectory = cfg.codeDir;
    spawn.fds = {{1, logPipe->write.get()}, {2, logPipe->write.get()}};
    spawn.fds += m_channel->childFds();
    spawn.maxProcesses = opts.maxProcessesPerEnvironment;
    if (CgroupMemory::available()) {
        auto cg = CgroupMemory::create(m_info.id, qint64(cfg.memoryMb) * 1024 * 1024);
        if (cg) {
            m_cgroup = std::move(*cg);
            spawn.cgroupProcsFd = m_cgroup.procsFd();
        } else {
            qCWarning(lcEngine) << "memory cgroup:" << cg.error().message << "- using the RSS watchdog";
        }
    }
    if (CgroupPids::available()) {
        auto pids = CgroupPids::create(m_info.id, opts.maxProcessesPerEnvironment);
        if (pids) {
            m_pidsCgroup = std::move(*pids);
            spawn.pidsCgroupProcsFd = m_pidsCgroup.procsFd();
        } else {
            qCWarning(lcEngine) << "pids cgroup:" << pids.error().message << "- RLIMIT_NPROC only";
        }
    }
    if (cfg.scaleCpu.value_or(opts.scaleCpuWithMemory))
        limitCpu(cfg, spawn);
    if (opts.sandbox && !sandboxLauncher().isEmpty()) {
        SandboxSpec sandbox;
        sandbox.codeDir = cfg.codeDir;
        sandbox.optDir = cfg.optDir;
        sandbox.readOnlyPaths = {runtimePrefix(m_spec.program), opts.shimDir};
        sandbox.tmpSizeMb = cfg.ephemeralStorageMb;
        sandbox.network = cfg.network;
        if (Status s = wrapInSandbox(spawn, sandbox); !s)
            return s;
        m_info.sandboxed = true;
    }

    m_spawnAt = Clock::now();
    auto child = ChildProcess::spawn(spawn);
    m_channel->processStarted();
    if (!child)
        return child.error();
    m_process = std::move(*child);
    m_info.pid = m_process.pid();
    m_logFd = std::move(logPipe->read);

    m_logNotifier = new QSocketNotifier(m_logFd.get(), QSocketNotifier::Read, this);
    connect(m_logNotifier, &QSocketNotifier::activated, this, &Environment::readLogs);
    if (m_process.pidFd() >= 0) {
        m_exitNotifier = new QSocketNotifier(m_process.pidFd(), QSocketNotifier::Read, this);
        connect(m_exitNotifier, &QSocketNotifier::activated, this, &Environment::onProcessExited);
    } else {
        m_exitPoll = new QTimer(this);
        connect(m_exitPoll, &QTimer::timeout, this, [this] {
            if (m_process.reap(false))
                onProcessExited();
        });
        m_exitPoll->start(50);
    }
    if (first) {
        m_active = std::exchange(first, std::nullopt);
        m_cold = true;
    }
    if (m_spec.debugPort) {
        m_deadline->start(kDebugAttachMs);
        m_debugPoll = new QTimer(this);
        connect(m_debugPoll, &QTimer::timeout, this, &Environment::onDebugPoll);
        m_debugPoll->start(200);
    } else {
        m_deadline->start(kInitLimitMs);
    }
    startDutyCycle();
    m_host->environmentStateChanged(this);
    return {};
}

// CPU in proportion to memory (cgroupcpu.h): in the memory cgroup on v2, in a cgroup of
// its own on v1. Where neither works the environment runs at full speed, and its info says
// so (cpuLimitVcpus stays 0) for the results that depend on it.
void Environment::limitCpu(const FunctionConfig &cfg, SpawnSpec &spawn)
{
    const double vcpus = vcpusForMemory(cfg.memoryMb);
    if (m_cgroup.valid() && m_cgroup.setCpuMax(vcpus)) {
        m_info.cpuLimitVcpus = vcpus;
        return;
    }
    if (CgroupCpu::v1Available()) {
        auto cg = CgroupCpu::create(m_info.id, vcpus);
        if (cg) {
            m_cpuCgroup = std::move(*cg);
            spawn.cpuCgroupProcsFd = m_cpuCgroup.procsFd();
            m_info.cpuLimitVcpus = vcpus;
            return;
        }
        qCWarning(lcEngine) << "cpu cgroup:" << cg.error().message << "- using the duty cycle";
    }
    // A duty cycle stops and continues the process group (see startDutyCycle()); a share of
    // a whole CPU or more is the machine's full speed here.
    m_info.cpuLimitVcpus = std::min(vcpus, 1.0);
    if (vcpus < 1.0)
        m_dutyVcpus = vcpus;
}

// Within each period the group runs share x period, then stops for the rest: CPU-bound
// code gets the share of a CPU, as under a cfs quota. Runs while initialising or busy;
// an idle environment is left running (or frozen, when freezeIdle says so).
void Environment::startDutyCycle()
{
    if (m_dutyVcpus <= 0 || (m_duty && m_duty->isActive()) || !m_process.running())
        return;
    if (!m_duty) {
        m_duty = new QTimer(this);
        m_duty->setSingleShot(true);
        m_duty->setTimerType(Qt::PreciseTimer);
        connect(m_duty, &QTimer::timeout, this, &Environment::onDutyTick);
    }
    m_dutyStopped = false;
    m_duty->start(std::max(1, int(std::lround(m_dutyVcpus * double(kCpuPeriodUs) / 1000.0))));
}

void Environment::stopDutyCycle()
{
    if (m_duty)
        m_duty->stop();
    if (m_dutyStopped && m_process.running())
        m_process.signalGroup(SIGCONT);
    m_dutyStopped = false;
}

void Environment::onDutyTick()
{
    if (!m_process.running())
        return;
    const double periodMs = double(kCpuPeriodUs) / 1000.0;
    m_dutyStopped = !m_dutyStopped;
    m_process.signalGroup(m_dutyStopped ? SIGSTOP : SIGCONT);
    const double next = m_dutyStopped ? (1.0 - m_dutyVcpus) * periodMs : m_dutyVcpus * periodMs;
    m_duty->start(std::max(1, int(std::lround(next))));
}

void Environment::setState(EnvironmentState s)
{
    if (s == EnvironmentState::Busy || s == EnvironmentState::Initializing)
        startDutyCycle();
    else
        stopDutyCycle();
    m_info.state = s;
    m_info.stateSinceMs = nowMs();
    m_host->environmentStateChanged(this);
}

void Environment::onInitReady()
{
    if (m_initDone || m_info.state == EnvironmentState::Retired)
        return;
    m_initDone = true;
    m_initMs = msBetween(m_spawnAt, Clock::now());
    m_deadline->stop();
    m_pausedDeadlineMs = -1;
    refreshPeak(true);
    // The runtime wrote its init output before it said ready: take it now, so it is not
    // mistaken for the first request's output.
    readLogs();
    flushPartialLog();
    if (m_active) {
        sendActive();
        return;
    }
    if (!m_lines.isEmpty())
        m_host->environmentLogLines(std::exchange(m_lines, {}));
    setState(EnvironmentState::Idle);
    if (m_host->engineOptions().freezeIdle) {
        m_process.signalGroup(SIGSTOP);
        setState(EnvironmentState::Frozen);
    }
}

void Environment::invoke(PendingInvocation inv)
{
    if (m_info.state == EnvironmentState::Frozen)
        m_process.signalGroup(SIGCONT);
    m_active = std::move(inv);
    m_cold = false;
    m_lines.clear();
    sendActive();
}

void Environment::sendActive()
{
    const InvokeRequest &req = m_active->request;
    const FunctionConfig &cfg = *m_spec.config;
    setState(EnvironmentState::Busy);
    m_logBytes = 0;
    m_logTruncated = false;
    m_lines.append(LogLine{nowMs(), req.requestId, cfg.name, m_info.id, startLine(req.requestId, cfg.version), true});
    ChannelInvocation ci;
    ci.requestId = req.requestId;
    m_deadlineMs = nowMs() + qint64(cfg.timeoutSeconds) * 1000;
    ci.deadlineMs = m_deadlineMs;
    if (!req.alias.isEmpty())
        ci.invokedFunctionArn = functionArn(cfg.name, req.alias);
    else if (cfg.version != QLatin1String("$LATEST"))
        ci.invokedFunctionArn = functionArn(cfg.name, cfg.version);
    else
        ci.invokedFunctionArn = m_unqualifiedArn;
    ci.traceId = QString::fromLatin1(m_active->trace.downstreamHeader()); // _X_AMZN_TRACE_ID
    ci.clientContext = req.clientContext;
    ci.payload = req.payload;
    m_sentAt = Clock::now();
    runDeadline(cfg.timeoutSeconds * 1000);
    m_channel->send(ci);
}

void Environment::onResponse(const QString &requestId, const QByteArray &payload)
{
    if (!m_active || m_info.state != EnvironmentState::Busy || requestId != m_active->request.requestId) {
        onProtocolError(QStringLiteral("response for an unknown request ") + requestId);
        return;
    }
    if (payload.size() > m_host->engineOptions().maxResponseBytes) {
        const QString msg = responseTooLargeMessage();
        finish(InvocationStatus::Error, errorDocument(QStringLiteral("Function.ResponseSizeTooLarge"), msg),
               QStringLiteral("Function.ResponseSizeTooLarge"), msg, true, {});
        return;
    }
    finish(InvocationStatus::Success, payload, {}, {}, false, {});
}

void Environment::onStreamStarted(const QString &requestId, const QString &contentType)
{
    if (!m_active || m_info.state != EnvironmentState::Busy || requestId != m_active->request.requestId) {
        onProtocolError(QStringLiteral("stream for an unknown request ") + requestId);
        return;
    }
    m_streaming = true;
    m_streamType = contentType;
    if (m_active->request.onStreamStart)
        m_active->request.onStreamStart(contentType);
}

void Environment::onStreamChunk(const QString &requestId, const QByteArray &bytes)
{
    if (!m_active || !m_streaming || requestId != m_active->request.requestId) {
        onProtocolError(QStringLiteral("stream chunk for an unknown request ") + requestId);
        return;
    }
    if (m_streamOverflow)
        return; // cut at the limit; the rest is dropped as it comes
    if (m_streamBody.size() + bytes.size() > kMaxStreamedResponseBytes) {
        m_streamOverflow = true;
        return;
    }
    m_streamBody.append(bytes);
    if (m_active->request.onStreamChunk)
        m_active->request.onStreamChunk(bytes);
}

void Environment::onStreamEnded(const QString &requestId)
{
    if (!m_active || !m_streaming || requestId != m_active->request.requestId) {
        onProtocolError(QStringLiteral("stream end for an unknown request ") + requestId);
        return;
    }
    if (m_streamOverflow) {
        const QString msg = QStringLiteral("Response payload size exceeded maximum allowed payload size (")
            + QString::number(kMaxStreamedResponseBytes) + QStringLiteral(" bytes).");
        finish(InvocationStatus::Error, errorDocument(QStringLiteral("Function.ResponseSizeTooLarge"), msg),
               QStringLiteral("Function.ResponseSizeTooLarge"), msg, true, {});
        return;
    }
    finish(InvocationStatus::Success, std::exchange(m_streamBody, {}), {}, {}, false, {});
}

void Environment::onFunctionError(const QString &requestId, const QByteArray &document, const QString &errorType)
{
    if (!m_active || m_info.state != EnvironmentState::Busy || requestId != m_active->request.requestId) {
        onProtocolError(QStringLiteral("error for an unknown request ") + requestId);
        return;
    }
    finish(InvocationStatus::Error, document, errorType, errorMessageOf(document), true, {});
}

void Environment::onInitError(const QByteArray &document, const QString &errorType)
{
    if (m_info.state == EnvironmentState::Retired)
        return;
    m_initMs = msBetween(m_spawnAt, Clock::now());
    if (m_active)
        finish(InvocationStatus::Error, document, errorType, errorMessageOf(document), true, QStringLiteral("init error"));
    else
        retire(QStringLiteral("init error"));
}

void Environment::onProtocolError(const QString &message)
{
    if (m_info.state == EnvironmentState::Retired)
        return;
    if (!m_active) {
        retire(QStringLiteral("protocol error"));
        return;
    }
    killNow(QString());
    const QString msg = QStringLiteral("RequestId: ") + m_active->request.requestId + QStringLiteral(" Error: ") + message;
    finish(InvocationStatus::Crash, errorDocument(QStringLiteral("Runtime.Unknown"), msg), QStringLiteral("Runtime.Unknown"),
           msg, true, QStringLiteral("protocol error"));
}

void Environment::onProcessExited()
{
    if (m_info.state == EnvironmentState::Retired)
        return;
    if (m_exitNotifier)
        m_exitNotifier->setEnabled(false);
    if (m_pipe)
        m_pipe->readAvailable(); // an answer written just before exiting still counts
    if (m_info.state == EnvironmentState::Retired)
        return;
    readLogs();
    m_process.signalGroup(SIGKILL); // what is left of the group goes with it
    m_process.reap(true);
    if (!m_active) {
        // Dying before init finished is an init failure: a provisioned environment is not
        // replaced over and over.
        retire(m_initDone ? QStringLiteral("crash") : QStringLiteral("init error"));
        return;
    }
    const QString msg = runtimeExitedMessage(m_active->request.requestId, m_process.exitDescription());
    if (m_cgroup.valid() && m_cgroup.oomKilled()) { // the kernel's OOM killer, inside memory.max
        m_peakKb = std::max(m_peakKb, m_cgroup.peakKb());
        finish(InvocationStatus::OutOfMemory, errorDocument(QStringLiteral("Runtime.OutOfMemory"), msg),
               QStringLiteral("Runtime.OutOfMemory"), msg, true, QStringLiteral("oom"));
        return;
    }
    finish(InvocationStatus::Crash, errorDocument(errc::RuntimeExitError, msg),
           QStringLiteral("Runtime.ExitError"), msg, true, QStringLiteral("crash"));
}

void Environment::onDeadline()
{
    if (m_info.state == EnvironmentState::Retired)
        return;
    if (!m_initDone && !m_active) {
        retire(QStringLiteral("init timeout"));
        return;
    }
    const bool inInit = !m_initDone;
    const double seconds = inInit ? (m_spec.debugPort ? kDebugAttachMs : kInitLimitMs) / 1000.0 : double(m_spec.config->timeoutSeconds);
    if (inInit)
        refreshPeak(true); // what the init used, for its REPORT, before the process goes
    killNow(QString());
    const QString msg = timeoutMessage(m_active->request.requestId, seconds);
    m_lines.append(LogLine{nowMs(), m_active->request.requestId, m_info.function, m_info.id, msg});
    finish(InvocationStatus::Timeout, errorDocument({}, msg), QStringLiteral("Sandbox.Timedout"), msg, true,
           QStringLiteral("timeout"));
}

void Environment::runDeadline(int ms)
{
    if (m_debuggerAttached) {
        m_pausedDeadlineMs = ms;
        return;
    }
    m_deadline->start(ms);
}

// A debug environment's clock: the deadline (the attach wait, then the request's timeout)
// stops while a debugger is attached and goes on with what was left when it detaches.
void Environment::onDebugPoll()
{
    const bool attached = debuggerAttached(m_spec.debugPort);
    if (attached == m_debuggerAttached)
        return;
    m_debuggerAttached = attached;
    if (attached) {
        if (m_deadline->isActive()) {
            m_pausedDeadlineMs = std::max(1, m_deadline->remainingTime());
            m_deadline->stop();
        }
    } else if (m_pausedDeadlineMs >= 0) {
        m_deadline->start(std::exchange(m_pausedDeadlineMs, -1));
    }
}

void Environment::checkMemory()
{
    if (m_info.state != EnvironmentState::Busy || !m_process.running())
        return;
    if (m_cgroup.valid()) { // the kernel enforces the limit; just follow the peak
        m_peakKb = std::max(m_peakKb, m_cgroup.peakKb());
        return;
    }
    const TreeMemory m = sampleMemory(false);
    m_peakKb = std::max(m_peakKb, m.rssKb);
    if (m.rssKb <= qint64(m_spec.config->memoryMb) * 1024)
        return;
    killNow(QString());
    const QString msg = runtimeExitedMessage(m_active->request.requestId, QStringLiteral("signal: killed"));
    finish(InvocationStatus::OutOfMemory, errorDocument(QStringLiteral("Runtime.OutOfMemory"), msg),
           QStringLiteral("Runtime.OutOfMemory"), msg, true, QStringLiteral("oom"));
}

void Environment::refreshPeak(bool withPeak)
{
    if (!m_process.running())
        return;
    if (m_cgroup.valid()) {
        m_peakKb = std::max(m_peakKb, m_cgroup.peakKb());
        return;
    }
    const TreeMemory m = sampleMemory(withPeak);
    m_peakKb = std::max(m_peakKb, withPeak ? m.hwmKb : m.rssKb);
}

TreeMemory Environment::sampleMemory(bool withPeak)
{
    const pid_t root = memoryRoot();
    if (m_memoryReader.root() != root)
        m_memoryReader.reset(root);
    return m_memoryReader.read(withPeak);
}

pid_t Environment::memoryRoot()
{
    if (m_memoryRoot == 0 && !m_info.sandboxed)
        m_memoryRoot = m_process.pid();
    if (m_memoryRoot == 0) { // found once the runtime is up; bwrap's own processes until then
        const pid_t runtime = firstDescendantNotNamed(m_process.pid(), "bwrap");
        if (runtime == 0)
            return m_process.pid();
        m_memoryRoot = runtime;
    }
    return m_memoryRoot;
}

void Environment::killNow(const QString &retireReason)
{
    Q_UNUSED(retireReason);
    m_deadline->stop();
    m_process.killAndReap();
    readLogs();
}

void Environment::readLogs()
{
    if (!m_logFd.valid())
        return;
    char buf[64 * 1024];
    for (int round = 0; round < 64; ++round) {
        const ssize_t n = ::read(m_logFd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0 && m_logNotifier)
                m_logNotifier->setEnabled(false);
            return;
        }
        const char *pos = buf;
        const char *end = buf + n;
        while (pos < end) {
            const char *nl = static_cast<const char *>(std::memchr(pos, '\n', size_t(end - pos)));
            if (!nl) {
                m_partial.append(pos, end - pos);
                if (m_partial.size() > kMaxLineBytes)
                    addLogLine(std::exchange(m_partial, {}));
                break;
            }
            if (m_partial.isEmpty()) {
                addLogLine(QByteArray(pos, nl - pos));
            } else {
                m_partial.append(pos, nl - pos);
                addLogLine(std::exchange(m_partial, {}));
            }
            pos = nl + 1;
        }
        if (size_t(n) < sizeof buf)
            return;
    }
}

void Environment::flushPartialLog()
{
    if (!m_partial.isEmpty())
        addLogLine(std::exchange(m_partial, {}));
}

void Environment::addLogLine(QByteArray line)
{
    if (line.endsWith('\r'))
        line.chop(1);
    const bool inRequest = m_active && m_initDone && m_info.state == EnvironmentState::Busy;
    LogLine l{nowMs(), inRequest ? m_active->request.requestId : QString(), m_info.function, m_info.id, {}};
    if (m_active || m_info.state == EnvironmentState::Initializing) {
        if (m_logTruncated)
            return;
        const qint64 cap = m_host->engineOptions().maxLogBytesPerInvocation;
        m_logBytes += line.size() + 1;
        if (m_logBytes > cap) {
            m_logTruncated = true;
            l.text = QStringLiteral("[funcdesk] log output truncated: this invocation wrote more than ")
                + QString::number(cap) + QStringLiteral(" bytes");
        } else {
            l.text = QString::fromUtf8(line);
        }
        m_lines.append(std::move(l));
        return;
    }
    l.text = QString::fromUtf8(line);
    m_host->environmentLogLines(QList<LogLine>{std::move(l)});
}

void Environment::finish(InvocationStatus status, QByteArray response, const QString &errorType,
                         const QString &errorMessage, bool functionError, const QString &retireReason)
{
    const auto end = Clock::now();
    m_deadline->stop();
    const FunctionConfig &cfg = *m_spec.config;
    const bool sent = m_initDone;
    if (!m_initDone)
        m_initMs = msBetween(m_spawnAt, end);
    // A request whose init failed waited for that init: it is its duration (and its bill),
    // as Lambda's invoke-phase init is.
    const double durationMs = sent ? msBetween(m_sentAt, end) : m_initMs;
    readLogs();
    flushPartialLog();

    QString reason = retireReason;
    QString type = errorType;
    QString message = errorMessage;
    if (m_process.running() && (status == InvocationStatus::Success || status == InvocationStatus::Error)) {
        // A short request cannot have moved the peak much since the last sample; reading
        // /proc/<pid>/status costs more than the request itself, so only longer ones pay.
        refreshPeak(durationMs >= 2.0 || m_info.invocations == 0);
        if (m_peakKb > qint64(cfg.memoryMb) * 1024) {
            killNow(QString());
            status = InvocationStatus::OutOfMemory;
            type = QStringLiteral("Runtime.OutOfMemory");
            message = runtimeExitedMessage(m_active->request.requestId, QStringLiteral("signal: killed"));
            response = errorDocument(type, message);
            functionError = true;
            reason = QStringLiteral("oom");
        }
    }

    PendingInvocation pending = std::move(*m_active);
    m_active.reset();
    const InvokeRequest &req = pending.request;

    InvokeResult r;
    InvocationRecord &rec = r.record;
    rec.requestId = req.requestId;
    rec.function = cfg.name;
    rec.version = cfg.version;
    rec.alias = req.alias;
    rec.environmentId = m_info.id;
    rec.trigger = req.trigger;
    rec.startMs = pending.startMs;
    rec.durationMs = durationMs;
    rec.billedDurationMs = billedMilliseconds(durationMs);
    rec.cold = m_cold;
    rec.initDurationMs = m_cold ? m_initMs : 0.0;
    rec.memorySizeMb = cfg.memoryMb;
    rec.maxMemoryUsedMb = int((m_peakKb + 1023) / 1024);
    rec.status = status;
    rec.errorType = type;
    rec.errorMessage = message;
    rec.requestBytes = req.payload.size();
    rec.responseBytes = response.size();
    rec.architecture = cfg.architecture;
    rec.logTruncated = m_logTruncated;
    rec.initFailed = !sent;
    rec.debugged = m_spec.debugPort != 0;
    if (m_spec.debugPort && reason.isEmpty())
        reason = QStringLiteral("debug session ended");
    if (!sent) { // init failed: INIT_REPORT, then the request's START (there was none yet)
        const qint64 t = nowMs();
        m_lines.append(LogLine{t, req.requestId, cfg.name, m_info.id, initReportLine(m_initMs, type, status == InvocationStatus::Timeout)});
        m_lines.append(LogLine{t + 1, req.requestId, cfg.name, m_info.id, startLine(req.requestId, cfg.version), true});
    }
    if (status == InvocationStatus::Crash || status == InvocationStatus::OutOfMemory)
        m_lines.append(LogLine{nowMs(), req.requestId, cfg.name, m_info.id, message});
    const qint64 t = nowMs();
    m_lines.append(LogLine{t, req.requestId, cfg.name, m_info.id, endLine(req.requestId), true});
    m_lines.append(LogLine{t, req.requestId, cfg.name, m_info.id, reportLine(rec), true});
    r.logs = std::exchange(m_lines, {});
    r.response = std::move(response);
    r.functionError = functionError;
    r.streamed = m_streaming;
    r.contentType = std::exchange(m_streamType, {});
    m_streaming = false;
    m_streamOverflow = false;
    m_streamBody = QByteArray();

    m_info.invocations++;
    m_info.maxMemoryUsedMb = rec.maxMemoryUsedMb;
    if (!reason.isEmpty()) {
        retire(reason);
    } else {
        setState(EnvironmentState::Idle);
        if (m_host->engineOptions().freezeIdle) {
            m_process.signalGroup(SIGSTOP);
            setState(EnvironmentState::Frozen);
        }
    }
    m_host->environmentFinished(this, std::move(pending), std::move(r));
}

void Environment::retire(const QString &reason)
{
    if (m_info.state == EnvironmentState::Retired)
        return;
    m_deadline->stop();
    m_memoryReader.reset();
    // retire() may run inside a notifier's own activated() signal: disable now, delete later,
    // and never leave an enabled notifier on a closed fd.
    for (QSocketNotifier **n : {&m_exitNotifier, &m_logNotifier}) {
        if (*n) {
            (*n)->setEnabled(false);
            (*n)->deleteLater();
            *n = nullptr;
        }
    }
    if (m_exitPoll)
        m_exitPoll->stop();
    if (m_debugPoll)
        m_debugPoll->stop();
    if (m_duty)
        m_duty->stop();
    if (m_process.running())
        m_process.killAndReap();
    m_cgroup = CgroupMemory(); // kills stragglers, removes the cgroup
    m_cpuCgroup = CgroupCpu();
    m_pidsCgroup = CgroupPids();
    readLogs();
    m_logFd.reset();
    if (m_channel) {
        m_channel->disconnect(this);
        m_channel.release()->deleteLater(); // it may be in the middle of emitting
        m_pipe = nullptr;
    }
    if (!m_scratchDir.isEmpty()) {
        QDir(QFileInfo(m_scratchDir).path()).removeRecursively();
        m_scratchDir.clear();
    }
    m_info.retireReason = reason;
    std::optional<PendingInvocation> orphan = std::exchange(m_active, std::nullopt);
    if (!orphan && !m_lines.isEmpty()) // e.g. a provisioned environment's failed init
        m_host->environmentLogLines(std::exchange(m_lines, {}));
    setState(EnvironmentState::Retired);
    if (orphan) {
        const QString msg = QStringLiteral("RequestId: ") + orphan->request.requestId
            + QStringLiteral(" Error: execution environment retired (") + reason + QLatin1Char(')');
        InvokeResult r;
        r.record.requestId = orphan->request.requestId;
        r.record.function = m_info.function;
        r.record.version = m_info.version;
        r.record.alias = orphan->request.alias;
        r.record.environmentId = m_info.id;
        r.record.trigger = orphan->request.trigger;
        r.record.startMs = orphan->startMs;
        r.record.memorySizeMb = m_spec.config->memoryMb;
        r.record.status = InvocationStatus::Error;
        r.record.errorType = errc::Service;
        r.record.errorMessage = msg;
        r.record.requestBytes = orphan->request.payload.size();
        r.response = errorDocument(r.record.errorType, msg);
        r.functionError = true;
        r.logs = std::exchange(m_lines, {});
        m_host->environmentFinished(this, std::move(*orphan), std::move(r));
    }
}

} // namespace funcdesk::engine
