#pragma once
// The composition the GUI and `funcdesk serve` share. Given a data dir it:
//   takes the data-dir lock, starts the store's writer and the engine (recording every
//   invocation record and log line), registers every function's $LATEST and published
//   versions (FunctionCatalog), and runs the API server, the async dispatcher and the
//   schedule runner on one "API thread".
//
// Threading: create, use and destroy Service on one thread (the GUI or main thread); it
// never blocks on an invocation. Catalog, ApiServer, AsyncDispatcher and ScheduleRunner
// live on the API thread; reach them with post(). The API thread makes VersionStore calls
// for functions changed over HTTP: the GUI should not run git operations on the same
// function at the same moment (it calls refreshFunction() after its own changes).

#include "api/alarmmonitor.h"
#include "api/apiserver.h"
#include "api/asyncdispatcher.h"
#include "common/datadir.h"
#include "common/result.h"
#include "engine/engine.h"
#include "store/captures.h"

#include <QDateTime>
#include <QObject>
#include <QUrl>

#include <functional>
#include <memory>

namespace funcdesk::store {
class Writer;
}

namespace funcdesk::api {

class FunctionCatalog;
class ServiceWorker;

struct ServiceOptions
{
    engine::EngineOptions engine; // runDir defaults to DataDir::run()
    ApiServerOptions api;
    bool startApi = true; // when it cannot listen, the Service still runs: see apiError()
    AsyncDispatcherOptions async;
    bool runSchedules = true;
    bool record = true; // invocation records and log lines to the store's writer
    store::CaptureOptions capture; // payloads kept for replay
    QUrl otlpEndpoint; // an OpenTelemetry collector (OTLP/HTTP) that gets the traces' spans; empty: none
    int alarmIntervalMs = 5000;    // how often alarms are evaluated; 0: only by evaluateAlarms()
};

class Service : public QObject
{
    Q_OBJECT
public:
    // Errors: the data dir lock ("DataDirInUse"), the database, the API thread. A failing
    // API listen is not an error (apiError() says why).
    static Result<std::unique_ptr<Service>> start(const DataDir &dataDir, ServiceOptions options = {});
    ~Service() override; // stops schedules, dispatcher and server, then the engine, then flushes the writer

    const DataDir &dataDir() const;
    engine::Engine *engine() const;
    store::Writer *writer() const;
    QString apiAddress() const; // "127.0.0.1:9001"; empty when the API is not listening
    QString apiError() const;
    quint16 apiPort() const;

    // Re-register a function after a change made outside the API (GUI deploy, publish,
    // aliases, delete). Asynchronous.
    void refreshFunction(const QString &name);
    // Runs `fn` on the API thread with the catalog (e.g. to resolve qualifiers like the API).
    void post(std::function<void(FunctionCatalog &)> fn);
    // Resolves `qualifier` (empty: $LATEST; alias with weights) and invokes. `done` runs on
    // the engine thread, or on the API thread with a ResourceNotFoundException result.
    void invoke(engine::InvokeRequest request, const QString &qualifier, std::function<void(engine::InvokeResult)> done);
    // An Event invocation, persisted then dispatched with retries and destinations. `done`
    // gets the request id once the event is queued (or why it was not), on this thread.
    void invokeAsync(const QString &function, const QString &qualifier, const QByteArray &payload,
                     std::function<void(Result<QString>)> done = {});
    // Replaces Lambda's retry delays (60 s, 120 s) for one function's Event invocations;
    // empty: Lambda's again. Experiments compress time with it (a lesson cannot wait three
    // minutes) and say so. Asynchronous; applies to retries scheduled after it lands.
    void setAsyncRetryDelays(const QString &function, const QList<int> &delaysMs);
    // Fires the schedules due at `now` as the schedule timer does when that time comes (a
    // clock the caller controls, e.g. tests). Their events take the Event path. `done` gets
    // how many fired, on the Service's thread.
    void fireSchedules(const QDateTime &now, std::function<void(int)> done = {});
    // Messages were put into a local queue outside the SQS API (the GUI's send, a move back
    // from a dead-letter queue): waiting receives and the queue's mappings look at once.
    void queueChanged(const QString &queue);
    // Evaluates every alarm as of `nowMs` (a clock the caller controls, e.g. tests), as the
    // alarm timer does. `done` gets how many changed state, on the Service's thread.
    void evaluateAlarms(qint64 nowMs, std::function<void(Result<int>)> done = {});

Q_SIGNALS:
    // Emitted on the Service's thread.
    // Functions are registered and the dispatcher runs (start() returns before: it only
    // waits for the API to listen). `problems`: functions that could not be registered.
    void ready(const QString &problems);
    void functionChanged(const QString &name);
    // An alarm changed state (api/alarmmonitor.h); its history row is written.
    void alarmStateChanged(const funcdesk::api::AlarmStateChange &change);
    void asyncEventFinished(const QString &requestId, const QString &function, const QString &status, const QString &condition);

private:
    Service();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace funcdesk::api
