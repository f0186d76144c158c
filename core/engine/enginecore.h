#pragma once
// The engine's private implementation: registered versions, their environments, the
// scheduler (idle environment, else a cold start within the concurrency limits, else
// throttle), the memory watchdog and keep-alive retirement.
//
// Threading: lives on the engine thread (Engine moves it there); every method runs there.
// Ownership: owns every Environment (QObject children, deleted with deleteLater).

#include "engine/engine.h"
#include "engine/environment.h"

#include <QHash>
#include <QObject>

#include <memory>

class QTimer;

namespace funcdesk::engine {

// What registration resolved outside the engine thread.
struct RuntimeLaunch
{
    QString program;       // interpreter or bootstrap
    QStringList arguments; // the shim
    QString executionEnv;  // AWS_EXECUTION_ENV, empty for provided
    QString localVersion;  // the interpreter's own: "3.11", "20"; empty when unknown
};

class EngineCore final : public QObject, public EnvironmentHost
{
    Q_OBJECT
public:
    EngineCore(Engine *engine, EngineOptions options, QString scratchRoot);
    ~EngineCore() override;

    void registerFunction(const FunctionConfig &config, const RuntimeLaunch &launch);
    void unregisterFunction(const QString &name, const QString &version);
    QList<FunctionConfig> functions() const;
    QList<EnvironmentInfo> environments() const;
    void invoke(PendingInvocation inv);
    void setProvidedChannelFactory(RuntimeChannelFactory factory) { m_factory = std::move(factory); }
    void setRecordSink(RecordSink *sink) { m_sink = sink; }
    void stop(); // retire everything, reap every child; later invokes fail
    // A call carrying `spanId` as its parent is on its way (an event or message accepted
    // now, run later): the calling invocation's record says it called other functions.
    void noteTraceParent(const QString &spanId);

    // EnvironmentHost
    void environmentStateChanged(Environment *env) override;
    void environmentFinished(Environment *env, PendingInvocation &&inv, InvokeResult &&result) override;
    void environmentLogLines(QList<LogLine> &&lines) override;
    const EngineOptions &engineOptions() const override { return m_options; }
    std::unique_ptr<RuntimeChannel> makeProvidedChannel(const QString &environmentId) override;

    // A result for a request that never reached an environment.
    static InvokeResult rejected(const InvokeRequest &req, qint64 startMs, const QString &errorType,
                                 const QString &message, InvocationStatus status);

private:
    struct VersionEntry
    {
        std::shared_ptr<const FunctionConfig> config;
        LaunchSpec launch;
        QList<Environment *> idle; // most recently used last
    };

    Environment *startEnvironment(VersionEntry &entry, std::optional<PendingInvocation> first, bool provisioned);
    void topUpProvisioned(VersionEntry &entry);
    bool makeRoomForEnvironment();
    void complete(PendingInvocation &&inv, InvokeResult &&result);
    void sweepIdle();
    void watchMemory();

    Engine *m_engine;
    RecordSink *m_sink = nullptr;
    EngineOptions m_options;
    QString m_scratchRoot;
    RuntimeChannelFactory m_factory;
    QHash<QString, VersionEntry> m_versions;  // by FunctionConfig::versionKey()
    QList<Environment *> m_environments;      // every environment not yet retired
    QHash<QString, int> m_inFlightByFunction; // requests holding an environment, per function
    int m_inFlight = 0;
    int m_busy = 0;
    // Spans that other invocations named as their parent, until that span finishes (or,
    // for a call that outlived its caller, a sweep of old entries): wall clock noted.
    QHash<QString, qint64> m_traceParents;
    QTimer *m_watchdog = nullptr;
    QTimer *m_sweep = nullptr;
    bool m_stopped = false;
};

} // namespace funcdesk::engine
