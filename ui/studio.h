#pragma once
// The GUI's one door to the engine, the store and versioning. Every call returns at
// once; the work runs on a worker thread (git operations on one serial pool, store
// reads on another, invocations on the engine's own thread) and the result comes back
// by value on the GUI thread, only while the receiver lives (ui/async.h). The GUI
// thread never waits on the engine, the store or git.
//
// Threading: create, use and destroy on the GUI thread.

#include "api/alarmmonitor.h"
#include "common/datadir.h"
#include "common/functionconfig.h"
#include "common/result.h"
#include "engine/engine.h"
#include "lab/loadrunner.h"
#include "lab/replay.h"
#include "lab/scenario.h"
#include "lab/tuningrun.h"
#include "metrics/livemetrics.h"
#include "store/alarms.h"
#include "store/experiments.h"
#include "store/queries.h"
#include "store/traces.h"
#include "versioning/versionstore.h"

#include <QObject>
#include <QThreadPool>

#include <functional>
#include <memory>

namespace funcdesk {
class Settings;
namespace api {
class Service;
}
} // namespace funcdesk

namespace funcdesk::ui {

struct FunctionSummary
{
    QString name;
    FunctionConfig config;     // the draft's manifest
    bool draftChanged = false; // undeployed edits
    int warmEnvironments = 0;
    int provisionedEnvironments = 0;
    int recentErrors = 0;   // last 5 minutes
    qint64 invocations = 0; // retained total
};

// A moment the charts mark on their time axis: a deploy, a publish, an alarm changing state.
struct ChangeEvent
{
    enum class Kind { Deploy, Publish, AlarmState };
    Kind kind = Kind::Deploy;
    qint64 ms = 0;
    QString function; // empty for an alarm on all functions
    QString title;    // "deploy 1a2b3c4", "v3", "checkout-errors"
    QString detail;   // the commit and its message, the version's description, the alarm's reason
    QString state;    // AlarmState: the new state
};

struct SavedTestEvent
{
    QString name;
    QString json;
};

class Studio : public QObject
{
    Q_OBJECT
public:
    // Opens (or creates) the data dir: takes its lock, starts the engine, the store writer
    // and the local API. Returns an Error (e.g. the data dir is in use) instead of a Studio.
    // seedExamples: on the first start of a data dir, add the example functions from
    // resources/examples so a new user has something to run (the app does; tests do not).
    static Result<std::unique_ptr<Studio>> open(const DataDir &dataDir, Settings *settings, bool seedExamples = false);
    ~Studio() override;

    const DataDir &dataDir() const;
    QString apiAddress() const; // "127.0.0.1:9001", empty when the API did not start
    QString apiError() const;   // why it did not
    QString functionUrl(const QString &function) const;
    // The environments as last reported by the engine (live ones, not retired). Never
    // waits on the engine thread. The Engine itself is not reachable from here: its
    // BLOCKING methods would stall the GUI thread behind the engine's queue.
    QList<engine::EnvironmentInfo> environments() const;
    metrics::LiveMetrics *liveMetrics() const;
    Settings *settings() const;
    QThreadPool *gitPool();   // serial: one git operation at a time
    QThreadPool *storePool(); // store reads (each worker thread has its own connection)

    template<typename T>
    using Callback = std::function<void(Result<T>)>;

    // Functions and their code.
    void listFunctions(QObject *receiver, Callback<QList<FunctionSummary>> done);
    void createFunction(const QString &name, Runtime runtime, const QString &templateId, QObject *receiver,
                        Callback<QString> done);
    void deleteFunction(const QString &name, QObject *receiver, Callback<bool> done);
    void renameFunction(const QString &name, const QString &newName, QObject *receiver, Callback<bool> done);
    // A new function from a zip (Lambda's deployment package) or a git repository
    // (path or file:// URL, optional ref and subdirectory).
    void importZip(const QString &name, const QString &zipPath, QObject *receiver, Callback<QString> done);
    void importGit(const QString &name, const QString &url, const QString &ref, const QString &subdirectory,
                   QObject *receiver, Callback<QString> done);
    void deploy(const QString &name, const QString &message, QObject *receiver, Callback<QString> done);
    void saveConfig(const FunctionConfig &config, QObject *receiver, Callback<bool> done); // into the draft
    // The function's last build (versioning/build.h): outcome, tool, duration, pip's / npm's log.
    void lastBuild(const QString &name, QObject *receiver, Callback<build::Record> done);
    // Edit in your own editor: `dir` becomes the function's $LATEST now and again whenever
    // saves in it settle (a deploy each, with the build step); a failed deploy keeps the
    // last good version running (linkedDeployed says so). One folder per function.
    void linkFolder(const QString &name, const QString &dir);
    void unlinkFolder(const QString &name);
    QString linkedFolder(const QString &name) const; // empty: not linked
    QString draftDir(const QString &name) const;                                           // the working tree (edit files here)
    QString versionDir(const QString &name, int version) const;

    // Invocations.
    // debugPort non-zero: debug it (engine/debugsession.h). onChunk: each chunk of a
    // streamed response as it arrives (on the receiver's thread).
    void invoke(const QString &name, const QString &qualifier, const QByteArray &payload, TriggerKind trigger,
                QObject *receiver, std::function<void(engine::InvokeResult)> done, quint16 debugPort = 0,
                std::function<void(const QByteArray &)> onChunk = {});

    // Versions and aliases.
    void history(const QString &name, QObject *receiver, Callback<QList<DeployInfo>> done);
    void versions(const QString &name, QObject *receiver, Callback<QList<VersionInfo>> done);
    void publish(const QString &name, const QString &description, QObject *receiver, Callback<VersionInfo> done);
    void aliases(const QString &name, QObject *receiver, Callback<QList<AliasConfig>> done);
    void saveAlias(const QString &name, const AliasConfig &alias, bool create, QObject *receiver,
                   Callback<AliasConfig> done);
    void diff(const QString &name, const QString &fromRef, const QString &toRef, QObject *receiver,
              Callback<QList<FileDiff>> done);
    void restore(const QString &name, const QString &ref, QObject *receiver, Callback<bool> done);

    // Telemetry (from the store's rollups and indexes).
    void series(const store::SeriesQuery &query, QObject *receiver, Callback<QList<store::SeriesPoint>> done);
    void summary(const store::SeriesQuery &query, QObject *receiver, Callback<store::DurationSummary> done);
    void recentInvocations(const QString &function, qint64 fromMs, int limit, QObject *receiver,
                           Callback<QList<InvocationRecord>> done);
    void searchLogs(const store::LogSearch &search, QObject *receiver, Callback<QList<LogLine>> done);
    void logsOf(const QString &requestId, QObject *receiver, Callback<QList<LogLine>> done);
    void totals(qint64 sinceMs, QObject *receiver, Callback<QList<store::FunctionTotals>> done);
    void traces(qint64 sinceMs, const QString &function, QObject *receiver, Callback<QList<store::TraceSummary>> done);
    void traceSpans(const QString &traceId, QObject *receiver, Callback<QList<store::Span>> done);

    // Experiments (the Learn page): one at a time on the lab thread, each for seconds.
    // `progress` hears each step on the GUI thread. cancelExperiment() stops the running
    // one at its next step (its result says "cancelled").
    void runScenario(const QString &id, QObject *receiver, std::function<void(QString)> progress,
                     std::function<void(lab::ScenarioResult)> done);
    void resetScenarios(QObject *receiver, std::function<void(QString)> progress, Callback<bool> done);
    void runPowerTuning(const lab::TuningOptions &options, QObject *receiver, std::function<void(QString)> progress,
                        Callback<lab::TuningResult> done);
    // Sends captured payloads to another version or alias and compares (lab/replay.h).
    void runReplay(const lab::ReplayOptions &options, QObject *receiver, std::function<void(QString)> progress,
                   Callback<lab::ReplayResult> done);
    void cancelExperiment();
    // Experiments overlapping [fromMs, toMs] (function empty: all), for charts and summaries.
    void experiments(qint64 fromMs, qint64 toMs, const QString &function, QObject *receiver,
                     Callback<QList<store::Experiment>> done);
    // True once per data dir: the first time the window opens on it (seedExamples), so it
    // can offer a short tour and the first lesson. Marked as offered when asked.
    bool takeFirstStart();

    // How CPU follows memory on this machine, or empty where it cannot.
    QString cpuScalingMethod() const;

    // The load generator (lab/loadrunner.h) on the engine, owned by `parent`. Its calls
    // never wait: the runner paces requests on a thread of its own.
    lab::LoadRunner *createLoadRunner(QObject *parent);
    // The version a qualifier runs now ($LATEST, N, or an alias's pick), off the GUI thread.
    void resolveQualifier(const QString &function, const QString &qualifier, QObject *receiver,
                          Callback<ResolvedQualifier> done);
    // Records an experiment's start, then its end with the summary; ids come back.
    void beginExperiment(const store::Experiment &experiment, QObject *receiver, Callback<qint64> done);
    void finishExperiment(qint64 id, const QJsonObject &summary);

    // Saved test events per function.
    void testEvents(const QString &function, QObject *receiver, Callback<QList<SavedTestEvent>> done);
    void saveTestEvent(const QString &function, const SavedTestEvent &event, QObject *receiver, Callback<bool> done);
    void deleteTestEvent(const QString &function, const QString &name, QObject *receiver, Callback<bool> done);

    // Alarms (studio_alarms.cpp): rules and history from the store; the Service's monitor
    // evaluates them. putAlarm() creates or updates a rule and has it evaluated at once.
    void alarms(QObject *receiver, Callback<QList<store::AlarmRow>> done);
    void alarmHistory(const store::AlarmHistoryQuery &query, QObject *receiver, Callback<QList<store::AlarmHistoryRow>> done);
    void putAlarm(const metrics::AlarmRule &rule, QObject *receiver, Callback<bool> done);
    void deleteAlarm(const QString &name, QObject *receiver, Callback<bool> done);
    // Deploys and publishes (from git) and alarm state changes (from the store) in
    // [fromMs, toMs] for one function (its alarms and the all-functions ones) or, with
    // `function` empty, for all; oldest first.
    void changeEvents(const QString &function, qint64 fromMs, qint64 toMs, QObject *receiver,
                      Callback<QList<ChangeEvent>> done);

Q_SIGNALS:
    void functionsChanged(); // created, deleted, deployed, config saved
    // A build's output, line by line, while a deploy runs (on the git pool).
    void buildOutput(const QString &function, const QString &line);
    // A linked folder was deployed (ok) or refused (message: the error, e.g. the build's).
    void linkedDeployed(const QString &function, bool ok, const QString &message);
    // An alarm changed state (its history row is written).
    void alarmStateChanged(const funcdesk::api::AlarmStateChange &change);
    // State changes in the order they happened, one batch every 100 ms (a busy engine
    // changes states thousands of times a second: one signal each would flood the GUI).
    void environmentsChanged(const QList<funcdesk::engine::EnvironmentInfo> &changes);

private:
    Studio();
    void drainEnvironmentChanges();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace funcdesk::ui
