#pragma once
// The execution engine's public face, shared by the API server, the CLI and the GUI.
//
// Threading: Engine is a QObject that lives on its own thread (it creates and owns that
// thread; construct it from any thread). Every public method is thread-safe and never
// blocks on a running invocation, except invokeAndWait(), which must not be called on
// the GUI thread. Callbacks and signals are emitted on the engine thread: receivers on
// other threads get them queued (AutoConnection) or must be thread-safe (DirectConnection).

#include "common/functionconfig.h"
#include "common/invocationrecord.h"
#include "common/result.h"
#include "engine/runtimechannel.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace funcdesk::engine {

struct EngineOptions
{
    QString python3Path;          // empty: "python3" resolved on PATH (through version-manager shims)
    QString nodePath;             // empty: "node" resolved on PATH
    QString shimDir;              // folder with the runtime shims; empty: found next to the binary / in the source tree
    QString runDir;               // per-environment scratch dirs (their /tmp); empty: a QTemporaryDir
    int globalConcurrency = 64;   // environments across all functions
    int keepAliveSeconds = 300;   // idle environments retire after this
    bool freezeIdle = false;      // SIGSTOP idle environments, SIGCONT on use
    qint64 maxLogBytesPerInvocation = 256 * 1024;
    qint64 maxSyncPayloadBytes = 6 * 1024 * 1024;
    qint64 maxResponseBytes = 6 * 1024 * 1024;
    int maxProcessesPerEnvironment = 1024; // RLIMIT_NPROC
};

struct InvokeRequest
{
    QString function;
    QString version = QStringLiteral("$LATEST"); // a registered version of the function
    QString alias;                // recorded only: the qualifier the caller resolved to `version`
    QByteArray payload = QByteArrayLiteral("{}");
    TriggerKind trigger = TriggerKind::Manual;
    QByteArray clientContext;     // JSON, optional (Lambda-Runtime-Client-Context)
    QString requestId;            // empty: the engine makes one
    bool isAsync = false;         // payload limit 256 KB... (1 MB here, see DESIGN.md) instead of 6 MB
};

struct InvokeResult
{
    InvocationRecord record;      // complete: status, durations, memory, sizes, error
    QByteArray response;          // handler's JSON result, or the {errorMessage,errorType,stackTrace} document
    bool functionError = false;   // X-Amz-Function-Error: the response is an error document
    bool throttled = false;       // no environment could be had (record.status == Throttled)
    QList<LogLine> logs;          // this request's lines, START ... REPORT included
};

enum class EnvironmentState { Initializing, Idle, Busy, Frozen, Retired };
QString environmentStateName(EnvironmentState s);

struct EnvironmentInfo
{
    QString id;
    QString function;
    QString version;
    EnvironmentState state = EnvironmentState::Initializing;
    QString retireReason;         // "idle timeout", "version removed", "crash", "timeout", "oom", "engine stop", ...
    bool provisioned = false;
    qint64 pid = 0;
    qint64 createdMs = 0;         // wall clock
    qint64 stateSinceMs = 0;
    int invocations = 0;
    int maxMemoryUsedMb = 0;
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
    Status registerFunction(const FunctionConfig &config);
    void unregisterFunction(const QString &name, const QString &version = {}); // empty version: all
    QList<FunctionConfig> functions() const;

    // Asynchronous: `done` runs on the engine thread exactly once.
    void invoke(InvokeRequest request, std::function<void(InvokeResult)> done);
    // Convenience for CLI, tests and worker threads. Never call from the GUI thread.
    InvokeResult invokeAndWait(InvokeRequest request);

    QList<EnvironmentInfo> environments() const;
    // The interpreter actually executed for a runtime (after resolving version-manager shims).
    QString resolvedInterpreter(Runtime runtime) const;
    const EngineOptions &options() const;

    // Channel for `provided` runtimes (the Lambda Runtime API over HTTP, from core/api).
    // Set once before registering provided functions; without it they fail to register.
    void setProvidedChannelFactory(RuntimeChannelFactory factory);

    void stop(); // retire everything; further invokes fail with ServiceException

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
