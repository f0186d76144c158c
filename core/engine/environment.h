#pragma once
// One execution environment: a runtime process tree serving one function version, one
// request at a time. States: Initializing -> Idle -> Busy -> Idle ... (Frozen while idle
// when freezing is on) -> Retired(reason).
//
// It owns the process (own process group, reaped on retire), the channel to it, the log
// pipe (stdout + stderr), the deadline timer and the scratch dir (its TMPDIR). Limits are
// enforced here: timeout (SIGKILL to the group), memory (the host's watchdog calls
// checkMemory() while Busy, plus a peak check at the end of every invocation), log bytes
// per invocation, response size.
//
// Threading: engine thread only. Ownership: created and deleted (deleteLater) by EngineCore.

#include "engine/cgroupcpu.h"
#include "engine/cgroupmemory.h"
#include "engine/cgrouppids.h"
#include "engine/childprocess.h"
#include "engine/engine.h"
#include "engine/proctree.h"

#include "common/trace.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

class QSocketNotifier;
class QTimer;

namespace funcdesk::engine {

class PipeChannel;
class Environment;

// One accepted request on its way through the engine.
struct PendingInvocation
{
    InvokeRequest request;
    std::function<void(InvokeResult)> done;
    qint64 startMs = 0; // wall clock when accepted
    TraceContext trace;
};

// How an environment is launched; built by EngineCore per function version.
struct LaunchSpec
{
    std::shared_ptr<const FunctionConfig> config;
    QString program;
    QStringList arguments;
    QMap<QString, QString> environment; // complete except TMPDIR and channel variables
    QString scratchRoot;                // the environment's TMPDIR is created below it
    bool provisioned = false;
    quint16 debugPort = 0; // a debug environment (InvokeRequest::debugPort)
};

// The environment's owner (EngineCore), told about everything that happens.
class EnvironmentHost
{
public:
    virtual ~EnvironmentHost() = default;
    virtual void environmentStateChanged(Environment *env) = 0;
    virtual void environmentFinished(Environment *env, PendingInvocation &&inv, InvokeResult &&result) = 0;
    virtual void environmentLogLines(QList<LogLine> &&lines) = 0; // output outside any request
    virtual const EngineOptions &engineOptions() const = 0;
    virtual std::unique_ptr<RuntimeChannel> makeProvidedChannel(const QString &environmentId) = 0;
};

class Environment final : public QObject
{
    Q_OBJECT
public:
    Environment(EnvironmentHost *host, LaunchSpec spec, QObject *parent = nullptr);
    ~Environment() override;

    // Spawns the runtime. With `first`, that request waits for init and is a cold start;
    // it is moved from only on success.
    Status start(std::optional<PendingInvocation> &first);
    void invoke(PendingInvocation inv); // state must be Idle or Frozen
    void retire(const QString &reason); // fails an active request with ServiceException
    void checkMemory();                 // watchdog tick while Busy

    const QString &id() const { return m_info.id; }
    EnvironmentState state() const { return m_info.state; }
    bool provisioned() const { return m_info.provisioned; }
    bool hasRequest() const { return m_active.has_value(); }
    const FunctionConfig &config() const { return *m_spec.config; }
    const QString &versionKey() const { return m_versionKey; }
    const EnvironmentInfo &info() const { return m_info; }
    qint64 idleSinceMs() const { return m_info.stateSinceMs; }

private:
    void setState(EnvironmentState s);
    void onInitReady();
    void onInitError(const QByteArray &document, const QString &errorType);
    void onResponse(const QString &requestId, const QByteArray &payload);
    void onFunctionError(const QString &requestId, const QByteArray &document, const QString &errorType);
    void onProtocolError(const QString &message);
    void onProcessExited();
    void onDeadline();
    void readLogs();
    void addLogLine(QByteArray line);
    void flushPartialLog();
    void sendActive();
    void refreshPeak(bool withPeak);
    void limitCpu(const FunctionConfig &cfg, SpawnSpec &spawn);
    // The duty-cycle CPU limit (cgroupcpu.h) while initialising or busy.
    void startDutyCycle();
    void stopDutyCycle();
    void onDutyTick();
    // Completes the active request. `retireReason` non-empty: the environment retires first.
    void finish(InvocationStatus status, QByteArray response, const QString &errorType, const QString &errorMessage,
                bool functionError, const QString &retireReason);
    void killNow(const QString &retireReason);
    void onDebugPoll();
    void onStreamStarted(const QString &requestId, const QString &contentType);
    void onStreamChunk(const QString &requestId, const QByteArray &bytes);
    void onStreamEnded(const QString &requestId);
    void runDeadline(int ms); // starts the deadline, or keeps it for later while a debugger is attached

    EnvironmentHost *m_host;
    LaunchSpec m_spec;
    EnvironmentInfo m_info;
    QString m_versionKey;     // config().versionKey(), computed once
    QString m_unqualifiedArn; // invokedFunctionArn for $LATEST without an alias
    CgroupMemory m_cgroup;    // kernel-enforced memory limit where cgroup v2 allows it
    CgroupCpu m_cpuCgroup;    // CPU quota in cgroup v1's cpu hierarchy, when scaled there
    CgroupPids m_pidsCgroup;  // process cap that binds root too, where cgroup v1's pids hierarchy allows
    ChildProcess m_process;
    std::unique_ptr<RuntimeChannel> m_channel;
    PipeChannel *m_pipe = nullptr; // m_channel when it is the built-in pipe channel
    UniqueFd m_logFd;
    QSocketNotifier *m_logNotifier = nullptr;
    QSocketNotifier *m_exitNotifier = nullptr;
    QTimer *m_deadline = nullptr;
    QTimer *m_debugPoll = nullptr; // debug environments: is a debugger attached?
    bool m_debuggerAttached = false;
    // The active request's streamed response, when its handler streams.
    bool m_streaming = false;
    bool m_streamOverflow = false;
    QString m_streamType;
    QByteArray m_streamBody;
    int m_pausedDeadlineMs = -1; // the deadline's remaining time while a debugger holds it
    QTimer *m_exitPoll = nullptr; // without pidfd support
    QTimer *m_duty = nullptr;     // the duty cycle's next stop or continue
    double m_dutyVcpus = 0;       // the duty cycle's share of a CPU; 0: none
    bool m_dutyStopped = false;
    QByteArray m_partial;
    QString m_scratchDir;
    std::optional<PendingInvocation> m_active;
    QList<LogLine> m_lines; // the active request's lines (init lines first on a cold start)
    qint64 m_logBytes = 0;
    bool m_logTruncated = false;
    bool m_cold = false;
    double m_initMs = 0;
    std::chrono::steady_clock::time_point m_spawnAt;
    std::chrono::steady_clock::time_point m_sentAt;
    qint64 m_deadlineMs = 0;
    qint64 m_peakKb = 0;
    pid_t m_memoryRoot = 0; // where memory is measured from: the process, or in a sandbox the runtime under bwrap
    pid_t memoryRoot();
    TreeMemory sampleMemory(bool withPeak); // of memoryRoot()'s tree
    TreeMemoryReader m_memoryReader;
    bool m_initDone = false;
};

} // namespace funcdesk::engine
