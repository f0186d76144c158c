#pragma once
// The execution engine's public face, shared by the API server, the CLI and the GUI.
//
// Threading: Engine is a QObject that lives on its own thread (it creates and owns that
// thread; construct it from any thread). Every public method is thread-safe. Methods
// marked BLOCKING run on the engine thread while the caller waits: they never wait for a
// running invocation, but they do wait behind everything the engine thread has queued,
// which under load is milliseconds. Never call a BLOCKING method, nor invokeAndWait(),
// on the GUI thread (the GUI goes through ui/Studio, which keeps its own snapshot).
// Callbacks and signals are emitted on the engine thread: receivers on
// other threads get them queued (AutoConnection) or must be thread-safe (DirectConnection).
// The Engine object itself has the affinity of the thread that created it; its private
// implementation (EngineCore, enginecore.h) lives on the engine thread.
//
// How it works (details in the headers named):
//   - Built-in runtimes (python3, nodejs) run resources/runtimes/{python,node}/bootstrap.*
//     and speak a framed protocol over fds 3/4 (pipechannel.h); stdout+stderr are the log.
//     `provided` runs <codeDir>/bootstrap with the channel from setProvidedChannelFactory().
//   - Each environment is its own process group (childprocess.h), with RLIMIT_NPROC,
//     RLIMIT_CORE 0, a clean environment (PATH, LANG/LC_*, TZ=UTC, TMPDIR = its scratch dir,
//     the function's variables, then Lambda's reserved ones) and no other inherited fd.
//   - Where bubblewrap works and EngineOptions::sandbox is set, each environment runs in a
//     sandbox: code read-only at /var/task, a private /tmp, no home (sandbox.h).
//   - Limits (environment.h): timeout -> SIGKILL to the group, "Task timed out after N.00
//     seconds"; memory -> cgroup v2 memory.max where delegated (cgroupmemory.h), else an
//     RSS watchdog every 20 ms while busy plus a VmHWM check after each request
//     (Runtime.OutOfMemory); log bytes per request; request and response sizes.
//   - Scheduling (enginecore.h): an idle environment of the version, else a cold start
//     within reserved/global concurrency, else throttled at once (TooManyRequestsException).
//     A request never waits for another environment's init.
//   - invoke() after stop(): `done` runs at once on the calling thread (ServiceException).

#include "common/functionconfig.h"
#include "common/invocationrecord.h"
#include "common/result.h"
#include "engine/runtimechannel.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>

class QThread;
#include <memory>

namespace funcdesk::engine {

struct EngineOptions
{
    QString python3Path;        // empty: "python3" resolved on PATH (through version-manager shims)
    QString nodePath;           // empty: "node" resolved on PATH
    QString shimDir;            // folder with the runtime shims; empty: found next to the binary / in the source tree
    QString runDir;             // per-environment scratch dirs (their /tmp); empty: a QTemporaryDir
    int globalConcurrency = 64; // environments across all functions
    int keepAliveSeconds = 300; // idle environments retire after this
    bool freezeIdle = false;    // SIGSTOP idle environments, SIGCONT on use
    qint64 maxLogBytesPerInvocation = 256 * 1024;
    qint64 maxSyncPayloadBytes = 6 * 1024 * 1024;
    qint64 maxResponseBytes = 6 * 1024 * 1024;
    int maxProcessesPerEnvironment = 1024; // RLIMIT_NPROC
    bool scaleCpuWithMemory = false;       // CPU quota of memory/1769 vCPU per environment (cgroupcpu.h)
    // Each environment in a bubblewrap sandbox where bwrap works here (sandbox.h). Off by
    // default for embedders (tests, benches); the app and `funcdesk serve` turn it on.
    bool sandbox = false;
};
// python3Path / nodePath, when set, are executed as given (e.g. a test's fake runtime);
// when empty the command on PATH is asked once for its real executable (sys.executable,
// process.execPath), so version-manager shims (pyenv, asdf) cost nothing per cold start.

struct InvokeRequest
{
    QString function;
    QString version = QStringLiteral("$LATEST"); // a registered version of the function
    QString alias;                               // recorded only: the qualifier the caller resolved to `version`
    QByteArray payload = QByteArrayLiteral("{}");
    TriggerKind trigger = TriggerKind::Manual;
    QByteArray clientContext; // JSON, optional (Lambda-Runtime-Client-Context)
    QString requestId;        // empty: the engine makes one
    bool isAsync = false;     // payload limit 1 MB (Lambda's async limit) instead of 6 MB
    QByteArray traceHeader;   // X-Amzn-Trace-Id the request came with (common/trace.h); empty: a new trace
    // Non-zero: debug this request (debugsession.h): a fresh environment whose runtime's
    // debugger listens on 127.0.0.1:<debugPort>, waiting for a debugger; the timeout runs
    // only while none is attached; the environment retires after the request.
    quint16 debugPort = 0;
    // A streamed response (node's awslambda.streamifyResponse), on the engine thread as it
    // comes: its content type once, then each chunk. Without them the chunks are only
    // gathered into InvokeResult::response. At most kMaxStreamedResponseBytes are streamed.
    std::function<void(const QString &contentType)> onStreamStart;
    std::function<void(const QByteArray &chunk)> onStreamChunk;
};

// Lambda's limit on a streamed response (20 MB); past it the stream is cut and the request
// fails with Function.ResponseSizeTooLarge.
inline constexpr qint64 kMaxStreamedResponseBytes = 20 * 1024 * 1024;

struct InvokeResult
{
    InvocationRecord record;    // complete: status, durations, memory, sizes, error
    QByteArray response;        // handler's JSON result, or the {errorMessage,errorType,stackTrace} document
    bool functionError = false; // X-Amz-Function-Error: the response is an error document
    bool throttled = false;     // no environment could be had (record.status == Throttled)
    QList<LogLine> logs;        // this request's lines, START ... REPORT included
    bool streamed = false;      // the handler streamed its response (response: the chunks gathered)
    QString contentType;        // a streamed response's content type
};

enum class EnvironmentState { Initializing,
                              Idle,
                              Busy,
                              Frozen,
                              Retired };
QString environmentStateName(EnvironmentState s);

struct EnvironmentInfo
{
    QString id;
    QString function;
    QString version;
    EnvironmentState state = EnvironmentState::Initializing;
    QString retireReason; // "idle timeout", "version removed", "crash", "timeout", "oom", "engine stop", ...
    bool provisioned = false;
    qint64 pid = 0;
    qint64 createdMs = 0; // wall clock
    qint64 stateSinceMs = 0;
    int invocations = 0;
    int maxMemoryUsedMb = 0;
    double cpuLimitVcpus = 0; // the CPU quota in effect; 0: the machine's full speed
    bool sandboxed = false;   // runs in a bubblewrap sandbox (sandbox.h)
};

class EnginePrivate;
class EngineCore;

class Engine : public QObject
{
    Q_OBJECT
public:
    explicit Engine(EngineOptions options = {}, QObject *parent = nullptr);
    ~Engine() override; // stops every environment: no child, zombie or fd outlives the engine

    // Add or replace one runnable version (config.name + config.version). Replacing a
    // version retires its environments ("code updated"); the next invocation is cold.
    // Validates what the engine needs (runtime found, code dir exists, limits in range).
    // BLOCKING.
    Status registerFunction(const FunctionConfig &config);
    void unregisterFunction(const QString &name, const QString &version = {}); // empty version: all. BLOCKING.
    QList<FunctionConfig> functions() const;                                   // BLOCKING

    // Asynchronous: `done` runs on the engine thread exactly once.
    void invoke(InvokeRequest request, std::function<void(InvokeResult)> done);
    // As invoke(), for a caller already on engineThread() and outside the engine's own
    // callbacks (an HTTP request's handler there): the request starts now rather than
    // behind the thread's queued events, and `done` may run before this returns. From any
    // other thread it is invoke().
    void invokeDirect(InvokeRequest request, std::function<void(InvokeResult)> done);
    // The thread the engine runs on, for objects that want to live beside it (the API's
    // HTTP server: an invocation then reaches its environment without a thread hop).
    QThread *engineThread() const;
    // Convenience for CLI, tests and worker threads. Never call from the GUI thread.
    InvokeResult invokeAndWait(InvokeRequest request);
    // An event or message carrying this trace header was accepted and runs later: the
    // invocation named as its Parent is recorded as having called other functions.
    void noteTraceParent(const QByteArray &traceHeader);

    QList<EnvironmentInfo> environments() const; // BLOCKING
    // The interpreter actually executed for a runtime (after resolving version-manager shims).
    QString resolvedInterpreter(Runtime runtime) const;
    // How this machine scales CPU with memory ("cgroup v1 cpu.cfs_quota_us", ...), or
    // empty where it cannot (then scaled functions run at full speed and say so).
    static QString cpuScalingMethod();
    // Why environments cannot be sandboxed on this machine ("bubblewrap (bwrap) is not
    // installed"); empty where they can.
    static QString sandboxUnavailableReason();
    const EngineOptions &options() const;

    // Channel for `provided` runtimes (the Lambda Runtime API over HTTP, from core/api).
    // Set once before registering provided functions; without it they fail to register.
    // BLOCKING.
    void setProvidedChannelFactory(RuntimeChannelFactory factory);

    // Every finished invocation's record and every log line also go to `sink` (nullptr:
    // none), on the engine thread, before the signals below. When this returns the
    // engine no longer calls a sink it replaced. BLOCKING.
    void setRecordSink(RecordSink *sink);

    void stop(); // retire everything; further invokes fail with ServiceException. BLOCKING.

Q_SIGNALS:
    void environmentChanged(const funcdesk::engine::EnvironmentInfo &info);
    void invocationFinished(const funcdesk::InvocationRecord &record);
    void logLines(const QList<funcdesk::LogLine> &lines);

private:
    friend class EngineCore; // emits the signals above, checking isSignalConnected() first
    std::unique_ptr<EnginePrivate> d;
};

} // namespace funcdesk::engine

Q_DECLARE_METATYPE(funcdesk::engine::EnvironmentInfo)
