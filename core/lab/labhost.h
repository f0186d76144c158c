#pragma once
// What an experiment needs from its surroundings: functions it creates and deploys, the
// engine to invoke them on, the store to record the run in, and somewhere to report
// progress. ServiceLabHost implements it over a running api::Service (the GUI's and the
// command line's); tests may implement it directly.
//
// Threading: every method may block (git, SQLite, waiting for the engine to register a
// deploy). Call them from one worker thread, never the GUI thread.

#include "common/functionconfig.h"
#include "common/result.h"
#include "engine/engine.h"
#include "store/asyncevents.h"
#include "store/captures.h"
#include "store/experiments.h"
#include "versioning/aliases.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>

namespace funcdesk::lab {

// A function an experiment deploys: from a template (resources/templates/functions/
// <runtime>/<templateId>) or from files, with manifest changes applied before the deploy.
struct FunctionSpec
{
    QString name;
    Runtime runtime = Runtime::Python3;
    QString templateId;                              // empty: `files` only
    QMap<QString, QByteArray> files;                 // added to (or replacing) the template's files
    std::function<void(FunctionConfig &)> configure; // e.g. memory, timeout, concurrency
};

class LabHost
{
public:
    virtual ~LabHost() = default;

    // Creates the function afresh (an existing one of that name is deleted first, so its
    // environments retire and the next invocation is cold), deploys it, and returns once
    // the engine runs the deployed configuration (as $LATEST).
    virtual Result<FunctionConfig> deployFunction(const FunctionSpec &spec) = 0;
    virtual Status deleteFunction(const QString &name) = 0;
    virtual QStringList functionNames() = 0;
    // Replaces files of the deployed function's code and deploys; returns once the engine
    // runs the new code.
    virtual Status deployFiles(const QString &name, const QMap<QString, QByteArray> &files) = 0;
    // Publishes the deployed code as the next version; returns its number once the engine
    // runs it.
    virtual Result<int> publish(const QString &name, const QString &description) = 0;
    // Creates or updates an alias; returns once invocations through it resolve with it.
    virtual Status setAlias(const QString &name, const AliasConfig &alias) = 0;
    // An invocation as the API makes it: the qualifier resolved per request (an alias's
    // weighted pick drawn each time). Blocks until it is answered.
    virtual engine::InvokeResult invokeQualified(const QString &name, const QString &qualifier, const QByteArray &payload,
                                                 TriggerKind trigger = TriggerKind::Manual) = 0;
    // An Event invocation through the Service's dispatcher (retries, destinations); returns
    // its request id once it is queued.
    virtual Result<QString> invokeAsync(const QString &name, const QByteArray &payload) = 0;
    // Retry delays for one function's Event invocations instead of Lambda's 60 s and 120 s
    // (empty: Lambda's). Returns once the dispatcher uses them.
    virtual void setAsyncRetryDelays(const QString &name, const QList<int> &delaysMs) = 0;
    // What the store holds, once the writer has committed everything recorded so far:
    // invocation records of `name` started in [fromMs, toMs] (oldest first), its
    // dead-letter list, its captured exchanges (only those among `requestIds` when given).
    virtual Result<QList<InvocationRecord>> invocations(const QString &name, qint64 fromMs, qint64 toMs) = 0;
    virtual Result<QList<store::AsyncEvent>> deadLetters(const QString &name) = 0;
    virtual Result<QList<store::Capture>> captures(const QString &name, qint64 fromMs, qint64 toMs,
                                                   const QStringList &requestIds = {}) = 0;
    virtual Result<store::Experiment> experiment(qint64 id) = 0;
    // Where functions reach Lambda's API ("http://127.0.0.1:9001"; their environments have
    // it as AWS_ENDPOINT_URL_LAMBDA); empty when the API is not listening.
    virtual QString apiEndpoint() const = 0;

    // Invocations go straight to the engine (Engine::invoke is thread-safe); experiments
    // that need a variant of a function (power tuning's memory sizes) register one as a
    // temporary version there, which never touches the function's history.
    virtual engine::Engine *engine() = 0;

    virtual Result<qint64> beginExperiment(const store::Experiment &experiment) = 0;
    virtual Status finishExperiment(qint64 id, const QJsonObject &summary) = 0;

    virtual void progress(const QString &step) = 0;
    virtual bool cancelled() const = 0;
};

} // namespace funcdesk::lab
