#include "studio.h"
#include "studio_p.h"

#include "api/service.h"
#include "common/logging.h"
#include "common/resources.h"
#include "settings/settings.h"
#include "store/catalog.h"
#include "store/costmodel.h"
#include "store/sqlite.h"
#include "ui/async.h"
#include "versioning/codezip.h"
#include "versioning/layerstore.h"
#include "versioning/manifest.h"
#include "versioning/treefiles.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>

#include <algorithm>
#include <mutex>

namespace funcdesk::ui {

namespace {

store::CostModel costModelFrom(const Settings &s)
{
    store::CostModel m;
    m.pricePerMillionRequests = s.pricePerMillionRequests();
    m.pricePerGbSecondX86 = s.pricePerGbSecondX86();
    m.pricePerGbSecondArm = s.pricePerGbSecondArm();
    m.billInit = s.billInit();
    m.freeTier = s.freeTier();
    return m;
}

// Lets a worker thread's result reach `receiver` on its own thread, if it still lives.
template<typename T>
void deliver(QObject *receiver, std::function<void(T)> done, T value)
{
    QPointer<QObject> guard(receiver);
    QMetaObject::invokeMethod(
        receiver,
        [guard, done = std::move(done), value = std::move(value)]() mutable {
            if (guard)
                done(std::move(value));
        },
        Qt::QueuedConnection);
}

} // namespace

Studio::Studio() : d(std::make_unique<Private>()) {}

Studio::~Studio()
{
    // Finish queued git and store work before the things they use go away.
    d->labCancel = true; // an experiment stops at its next step
    d->labPool.waitForDone();
    d->gitPool.waitForDone();
    d->storePool.waitForDone();
    d->service.reset(); // stops the API, the engine, then flushes the writer
}

namespace {

// The example functions, each a folder with a function.json, as SourceFiles.
Result<SourceFiles> readFolder(const QString &dir)
{
    SourceFiles files;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.contains(QStringLiteral("/__pycache__/")))
            continue;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return makeError(errc::IOError, Studio::tr("cannot read %1").arg(path));
        files.insert(QDir(dir).relativeFilePath(path), SourceFile(f.readAll(), QFileInfo(path).isExecutable()));
    }
    return files;
}

} // namespace

Result<std::unique_ptr<Studio>> Studio::open(const DataDir &dataDir, Settings *settings, bool seedExamples)
{
    std::unique_ptr<Studio> s(new Studio);
    Private &p = *s->d;
    p.dataDir = dataDir;
    p.settings = settings;
    p.costModel = costModelFrom(*settings);

    api::ServiceOptions options;
    options.engine.python3Path = settings->python3Path();
    options.engine.nodePath = settings->nodePath();
    options.engine.globalConcurrency = settings->globalConcurrency();
    options.engine.keepAliveSeconds = settings->keepAliveSeconds();
    options.engine.freezeIdle = settings->freezeIdle();
    options.engine.scaleCpuWithMemory = settings->scaleCpuWithMemory();
    options.engine.sandbox = settings->sandbox();
    options.capture.enabled = settings->capturePayloads();
    options.capture.maxBytes = std::clamp(settings->captureMaxKb(), 1, 6 * 1024) * 1024;
    options.capture.perFunction = std::clamp(settings->capturePerFunction(), 1, 100'000);
    options.api.address = settings->bindAddress();
    options.api.port = quint16(settings->apiPort());
    options.api.token = settings->apiToken();
    options.api.allowedOrigins = settings->allowedOrigins();
    options.api.requireLocalCredentials = settings->requireSignature();
    options.otlpEndpoint = QUrl(settings->otlpEndpoint());
    auto service = api::Service::start(dataDir, options);
    if (!service.ok())
        return service.error();
    p.service = std::move(*service);

    // Engine thread -> live metrics (thread-safe, O(1)); the Service records to the store.
    metrics::LiveMetrics *live = &p.live;
    const store::CostModel cost = p.costModel;
    engine::Engine *eng = p.service->engine();
    connect(
        eng, &engine::Engine::invocationFinished, eng,
        [live, cost](const InvocationRecord &r) {
            InvocationRecord priced = r;
            priced.costUsd = cost.cost(r);
            live->record(priced);
        },
        Qt::DirectConnection);
    Private *priv = &p;
    connect(
        eng, &engine::Engine::environmentChanged, eng,
        [priv](const engine::EnvironmentInfo &info) {
            std::lock_guard lock(priv->envMutex);
            // Busy environments per function are its concurrency: sample it for the
            // live charts whenever an environment enters or leaves Busy.
            const auto previous = priv->environments.constFind(info.id);
            const bool wasBusy = previous != priv->environments.constEnd()
                && previous->state == engine::EnvironmentState::Busy;
            const bool isBusy = info.state == engine::EnvironmentState::Busy;
            if (wasBusy != isBusy) {
                const qint64 second = QDateTime::currentSecsSinceEpoch();
                for (const QString &key : {info.function, QString()}) { // "" = all functions
                    int &busy = priv->busyPerFunction[key];
                    busy = std::max(0, busy + (isBusy ? 1 : -1));
                    priv->live.sampleConcurrency(key, busy, second);
                }
            }
            if (info.state == engine::EnvironmentState::Retired)
                priv->environments.remove(info.id);
            else
                priv->environments.insert(info.id, info);
            if (priv->pendingChanges.size() < 20000) // a stalled GUI must not grow this forever
                priv->pendingChanges.append(info);
        },
        Qt::DirectConnection);
    const auto existing = eng->environments(); // the ones that already exist (provisioned)
    {
        std::lock_guard lock(p.envMutex);
        for (const auto &info : existing)
            if (!p.environments.contains(info.id) && info.state != engine::EnvironmentState::Retired)
                p.environments.insert(info.id, info); // a change reported meanwhile is newer
    }
    Studio *self = s.get();
    connect(&p.drainTimer, &QTimer::timeout, self, [self] { self->drainEnvironmentChanges(); });
    p.drainTimer.start(100);
    connect(p.service.get(), &api::Service::functionChanged, s.get(), &Studio::functionsChanged);
    connect(p.service.get(), &api::Service::alarmStateChanged, s.get(), &Studio::alarmStateChanged);

    p.versions = std::make_unique<VersionStore>(dataDir);
    {
        // Builds run on the git pool; their lines reach the Code page through buildOutput.
        build::Options buildOptions;
        buildOptions.python3 = options.engine.python3Path;
        buildOptions.node = options.engine.nodePath;
        QPointer<Studio> guard(self);
        buildOptions.progress = [guard](const QString &function, const QString &line) {
            QMetaObject::invokeMethod(
                guard.data(), [guard, function, line] {
                    if (guard)
                        Q_EMIT guard->buildOutput(function, line);
                },
                Qt::QueuedConnection);
        };
        p.versions->setBuildOptions(std::move(buildOptions));
    }
    p.gitPool.setMaxThreadCount(1);
    p.storePool.setMaxThreadCount(2);
    p.labPool.setMaxThreadCount(1);
    p.labPool.setExpiryTimeout(-1); // keeps its SQLite connection (store::threadConnection)

    const QString marker = dataDir.root + QStringLiteral("/examples-added");
    p.firstStart = seedExamples && !QFileInfo::exists(marker);
    if (seedExamples && !QFileInfo::exists(marker) && p.versions->functionNames().isEmpty()) {
        VersionStore *versions = p.versions.get();
        runAsync(
            &p.gitPool, self,
            [versions, marker]() -> QStringList {
                QStringList added;
                // Layers first (examples/_layers/<name>/): an example function names one.
                const QDir exampleLayers(resourcePath(QStringLiteral("examples/_layers")));
                for (const QString &layer : exampleLayers.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
                    auto layerFiles = FolderWatch::readFolder(exampleLayers.filePath(layer), false);
                    auto zip = layerFiles.ok() ? codezip::zipFiles(*layerFiles) : Result<QByteArray>(layerFiles.error());
                    if (zip.ok())
                        (void)LayerStore(versions->dataDir()).publish(LayerPublish{layer, *zip, Studio::tr("Example layer"), {}, {}, {}});
                }
                const QDir examples(resourcePath(QStringLiteral("examples")));
                for (const QString &name : examples.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
                    auto files = readFolder(examples.filePath(name));
                    if (!files.ok())
                        continue;
                    const auto runtime = runtimeFromName(
                        QJsonDocument::fromJson(files->value(QStringLiteral("function.json")).content)
                            .object()
                            .value(QStringLiteral("runtime"))
                            .toString());
                    if (runtime && versions->create(name, *runtime, *files, Studio::tr("Add the %1 example").arg(name)).ok())
                        added.append(name);
                }
                QFile(marker).open(QIODevice::WriteOnly); // once per data dir, even if the user deletes them
                return added;
            },
            [self](QStringList added) {
                for (const QString &name : added)
                    self->d->service->refreshFunction(name);
                Q_EMIT self->functionsChanged();
            });
    }
    return s;
}

const DataDir &Studio::dataDir() const { return d->dataDir; }
QString Studio::apiAddress() const { return d->service->apiAddress(); }
QString Studio::apiError() const { return d->service->apiError(); }
QString Studio::functionUrl(const QString &function) const
{
    const QString address = apiAddress().isEmpty()
        ? d->settings->bindAddress() + QLatin1Char(':') + QString::number(d->settings->apiPort())
        : apiAddress();
    return QStringLiteral("http://") + address + QStringLiteral("/url/") + function + QLatin1Char('/');
}

QList<engine::EnvironmentInfo> Studio::environments() const
{
    std::lock_guard lock(d->envMutex);
    return d->environments.values();
}

void Studio::drainEnvironmentChanges()
{
    QList<engine::EnvironmentInfo> changes;
    {
        std::lock_guard lock(d->envMutex);
        changes.swap(d->pendingChanges);
    }
    if (!changes.isEmpty())
        Q_EMIT environmentsChanged(changes);
}
metrics::LiveMetrics *Studio::liveMetrics() const { return &d->live; }
Settings *Studio::settings() const { return d->settings; }
QThreadPool *Studio::gitPool() { return &d->gitPool; }
QThreadPool *Studio::storePool() { return &d->storePool; }
QString Studio::draftDir(const QString &name) const { return d->versions->repoPath(name); }
QString Studio::versionDir(const QString &name, int version) const
{
    return d->dataDir.versions() + QLatin1Char('/') + name + QLatin1Char('/') + QString::number(version);
}

void Studio::listFunctions(QObject *receiver, Callback<QList<FunctionSummary>> done)
{
    VersionStore *versions = d->versions.get();
    const auto environments = this->environments(); // a snapshot that never waits on the engine
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QHash<QString, int> recentErrors;
    runAsync(
        &d->gitPool, receiver,
        [versions, environments]() -> Result<QList<FunctionSummary>> {
            QList<FunctionSummary> out;
            for (const QString &name : versions->functionNames()) {
                FunctionSummary f;
                f.name = name;
                auto config = versions->draftConfig(name);
                if (config.ok())
                    f.config = *config;
                f.config.name = name;
                auto changed = versions->hasDraftChanges(name);
                f.draftChanged = changed.ok() && *changed;
                for (const auto &e : environments) {
                    if (e.function != name || e.state == engine::EnvironmentState::Retired)
                        continue;
                    ++f.warmEnvironments;
                    f.provisionedEnvironments += e.provisioned ? 1 : 0;
                }
                out.append(f);
            }
            return out;
        },
        [this, done, now](Result<QList<FunctionSummary>> result) {
            if (result.ok())
                for (FunctionSummary &f : *result)
                    for (const auto &b : d->live.snapshot(f.name, 300, now).points)
                        f.recentErrors += b.errors;
            done(std::move(result));
        });
}

namespace {

Result<bool> toBool(const Status &s)
{
    if (!s.ok())
        return s.error();
    return true;
}

// A change to functions' git repositories: `work` runs on the git worker; then the
// Service re-registers the named functions with the engine ($LATEST now runs the new
// commit and its old environments retire; a deleted function is unregistered), the
// caller hears the result, and the window refreshes its list.
template<typename T, typename Work>
void gitChange(Studio *studio, api::Service *service, QStringList names, QObject *receiver, Work work,
               Studio::Callback<T> done)
{
    runAsync(studio->gitPool(), receiver, std::move(work),
             [studio, service, names, done](Result<T> r) {
                 for (const QString &name : names)
                     service->refreshFunction(name);
                 done(std::move(r));
                 Q_EMIT studio->functionsChanged();
             });
}

} // namespace

void Studio::createFunction(const QString &name, Runtime runtime, const QString &templateId, QObject *receiver,
                            Callback<QString> done)
{
    VersionStore *versions = d->versions.get();
    const QString dir = resourcePath(QStringLiteral("templates/functions/") + runtimeName(runtime) + QLatin1Char('/') + templateId);
    gitChange<QString>(
        this, d->service.get(), {name}, receiver,
        [=]() -> Result<QString> {
            SourceFiles files;
            QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                QFile f(path);
                if (!f.open(QIODevice::ReadOnly))
                    return makeError(errc::IOError, Studio::tr("cannot read template file %1").arg(path));
                files.insert(QDir(dir).relativeFilePath(path),
                             SourceFile(f.readAll(), QFileInfo(path).isExecutable()));
            }
            if (files.isEmpty())
                return makeError(errc::ResourceNotFound,
                                 Studio::tr("no template “%1” for %2").arg(templateId, runtimeName(runtime)));
            return versions->create(name, runtime, files, Studio::tr("Create %1 from the %2 template").arg(name, templateId));
        },
        std::move(done));
}

void Studio::deleteFunction(const QString &name, QObject *receiver, Callback<bool> done)
{
    VersionStore *versions = d->versions.get();
    // Telemetry stays for the record.
    gitChange<bool>(
        this, d->service.get(), {name}, receiver, [=] { return toBool(versions->deleteFunction(name)); },
        std::move(done));
}

void Studio::renameFunction(const QString &name, const QString &newName, QObject *receiver, Callback<bool> done)
{
    VersionStore *versions = d->versions.get();
    gitChange<bool>(
        this, d->service.get(), {name, newName}, receiver,
        [=] { return toBool(versions->renameFunction(name, newName)); }, std::move(done));
}

void Studio::importZip(const QString &name, const QString &zipPath, QObject *receiver, Callback<QString> done)
{
    VersionStore *versions = d->versions.get();
    gitChange<QString>(
        this, d->service.get(), {name}, receiver, [=] { return versions->importFromZip(name, zipPath); },
        std::move(done));
}

void Studio::importGit(const QString &name, const QString &url, const QString &ref, const QString &subdirectory,
                       QObject *receiver, Callback<QString> done)
{
    VersionStore *versions = d->versions.get();
    gitChange<QString>(
        this, d->service.get(), {name}, receiver,
        [=] { return versions->importFromGit(name, url, ref, subdirectory); }, std::move(done));
}

void Studio::deploy(const QString &name, const QString &message, QObject *receiver, Callback<QString> done)
{
    VersionStore *versions = d->versions.get();
    gitChange<QString>(
        this, d->service.get(), {name}, receiver, [=] { return versions->deploy(name, message); },
        std::move(done));
}

void Studio::lastBuild(const QString &name, QObject *receiver, Callback<build::Record> done)
{
    const DataDir dataDir = d->dataDir;
    runAsync(&d->storePool, receiver, [dataDir, name] { return build::lastBuild(dataDir, name); }, std::move(done));
}

void Studio::linkFolder(const QString &name, const QString &dir)
{
    unlinkFolder(name);
    auto *watch = new FolderWatch(dir, 300, this);
    d->links.insert(name, watch);
    VersionStore *versions = d->versions.get();
    auto deployFolder = [this, versions, name, dir] {
        gitChange<QString>(
            this, d->service.get(), {name}, this,
            [versions, name, dir]() -> Result<QString> {
                Result<SourceFiles> files = FolderWatch::readFolder(dir);
                if (!files.ok())
                    return files.error();
                const QString manifest = QStringLiteral("function.json");
                if (!files->contains(manifest)) { // the folder may leave the manifest to Funcdesk
                    Result<FunctionConfig> draft = versions->draftConfig(name);
                    if (!draft.ok())
                        return draft.error();
                    files->insert(manifest, SourceFile(manifest::serialize(*draft)));
                }
                if (Status s = treefiles::clearWorkdir(versions->repoPath(name)); !s.ok())
                    return s.error();
                if (Status s = versions->writeDraftFiles(name, *files); !s.ok())
                    return s.error();
                return versions->deploy(name, Studio::tr("Saved in %1").arg(dir));
            },
            [this, name](Result<QString> r) {
                if (r.ok() || r.error().type == errc::NothingToDeploy)
                    Q_EMIT linkedDeployed(name, true, r.ok() ? *r : QString());
                else
                    Q_EMIT linkedDeployed(name, false, r.error().message);
            });
    };
    connect(watch, &FolderWatch::settled, this, deployFolder);
    deployFolder();
}

void Studio::unlinkFolder(const QString &name)
{
    if (FolderWatch *w = d->links.take(name))
        w->deleteLater();
}

QString Studio::linkedFolder(const QString &name) const
{
    const FolderWatch *w = d->links.value(name);
    return w ? w->dir() : QString();
}

void Studio::saveConfig(const FunctionConfig &config, QObject *receiver, Callback<bool> done)
{
    VersionStore *versions = d->versions.get();
    runAsync(
        &d->gitPool, receiver,
        [=]() -> Result<bool> {
            if (Status s = versions->setDraftConfig(config.name, config); !s.ok())
                return s.error();
            return true;
        },
        std::move(done));
}

void Studio::invoke(const QString &name, const QString &qualifier, const QByteArray &payload, TriggerKind trigger,
                    QObject *receiver, std::function<void(engine::InvokeResult)> done, quint16 debugPort,
                    std::function<void(const QByteArray &)> onChunk)
{
    engine::InvokeRequest request;
    request.debugPort = debugPort;
    if (onChunk) {
        QPointer<QObject> target(receiver);
        request.onStreamChunk = [target, onChunk](const QByteArray &chunk) {
            if (target) // engine thread -> the receiver's thread, in order (one queue)
                QMetaObject::invokeMethod(
                    target, [target, onChunk, chunk] { if (target) onChunk(chunk); }, Qt::QueuedConnection);
        };
    }
    request.function = name;
    request.payload = payload;
    request.trigger = trigger;
    QPointer<QObject> guard(receiver);
    // The Service resolves the qualifier (aliases pick a version per request) and runs it;
    // its callback comes on the engine thread and hops back to the receiver's thread.
    d->service->invoke(request, qualifier, [guard, done](engine::InvokeResult result) {
        if (guard)
            deliver<engine::InvokeResult>(guard, done, std::move(result));
    });
}

void Studio::history(const QString &name, QObject *receiver, Callback<QList<DeployInfo>> done)
{
    VersionStore *versions = d->versions.get();
    runAsync(
        &d->gitPool, receiver, [=] { return versions->history(name); }, std::move(done));
}

void Studio::versions(const QString &name, QObject *receiver, Callback<QList<VersionInfo>> done)
{
    VersionStore *versions = d->versions.get();
    runAsync(
        &d->gitPool, receiver, [=] { return versions->versions(name); }, std::move(done));
}

void Studio::publish(const QString &name, const QString &description, QObject *receiver, Callback<VersionInfo> done)
{
    VersionStore *versions = d->versions.get();
    runAsync(
        &d->gitPool, receiver, [=] { return versions->publish(name, description); },
        [this, name, done](Result<VersionInfo> r) {
            if (r.ok())
                d->service->refreshFunction(name);
            done(std::move(r));
        });
}

void Studio::aliases(const QString &name, QObject *receiver, Callback<QList<AliasConfig>> done)
{
    VersionStore *versions = d->versions.get();
    runAsync(
        &d->gitPool, receiver, [=] { return versions->aliasList(name); }, std::move(done));
}

void Studio::saveAlias(const QString &name, const AliasConfig &alias, bool create, QObject *receiver,
                       Callback<AliasConfig> done)
{
    VersionStore *versions = d->versions.get();
    runAsync(
        &d->gitPool, receiver,
        [=] { return create ? versions->createAlias(name, alias) : versions->updateAlias(name, alias); },
        [this, name, done](Result<AliasConfig> r) {
            if (r.ok())
                d->service->refreshFunction(name);
            done(std::move(r));
        });
}

void Studio::diff(const QString &name, const QString &fromRef, const QString &toRef, QObject *receiver,
                  Callback<QList<FileDiff>> done)
{
    VersionStore *versions = d->versions.get();
    runAsync(
        &d->gitPool, receiver, [=] { return versions->diff(name, fromRef, toRef); }, std::move(done));
}

void Studio::restore(const QString &name, const QString &ref, QObject *receiver, Callback<bool> done)
{
    VersionStore *versions = d->versions.get();
    runAsync(
        &d->gitPool, receiver,
        [=]() -> Result<bool> {
            // The user confirmed in the dialog; undeployed edits are replaced.
            if (Status s = versions->restore(name, ref, RestoreMode::DiscardDraftChanges); !s.ok())
                return s.error();
            return true;
        },
        [this, done](Result<bool> r) {
            done(std::move(r));
            Q_EMIT functionsChanged();
        });
}

namespace {
template<typename T, typename Query>
void storeQuery(QThreadPool *pool, const QString &db, QObject *receiver, Query query, Studio::Callback<T> done,
                bool readOnly = true)
{
    runAsync(
        pool, receiver,
        [db, query, readOnly]() -> Result<T> {
            store::OpenOptions options;
            options.readOnly = readOnly;
            auto conn = store::threadConnection(db, options);
            if (!conn.ok())
                return conn.error();
            return query(**conn);
        },
        std::move(done));
}
} // namespace

void Studio::series(const store::SeriesQuery &query, QObject *receiver, Callback<QList<store::SeriesPoint>> done)
{
    storeQuery<QList<store::SeriesPoint>>(
        &d->storePool, d->dataDir.database(), receiver,
        [query](store::Connection &c) { return store::timeSeries(c, query); },
        std::move(done));
}

void Studio::summary(const store::SeriesQuery &query, QObject *receiver, Callback<store::DurationSummary> done)
{
    storeQuery<store::DurationSummary>(
        &d->storePool, d->dataDir.database(), receiver,
        [query](store::Connection &c) { return store::durationSummary(c, query); },
        std::move(done));
}

void Studio::recentInvocations(const QString &function, qint64 fromMs, int limit, QObject *receiver,
                               Callback<QList<InvocationRecord>> done)
{
    const qint64 to = QDateTime::currentMSecsSinceEpoch() + 1000;
    storeQuery<QList<InvocationRecord>>(
        &d->storePool, d->dataDir.database(), receiver,
        [=](store::Connection &c) { return store::recentInvocations(c, function, fromMs, to, limit); }, std::move(done));
}

void Studio::searchLogs(const store::LogSearch &search, QObject *receiver, Callback<QList<LogLine>> done)
{
    storeQuery<QList<LogLine>>(
        &d->storePool, d->dataDir.database(), receiver,
        [search](store::Connection &c) { return store::searchLogs(c, search); }, std::move(done));
}

void Studio::logsOf(const QString &requestId, QObject *receiver, Callback<QList<LogLine>> done)
{
    storeQuery<QList<LogLine>>(
        &d->storePool, d->dataDir.database(), receiver,
        [requestId](store::Connection &c) { return store::logLinesOf(c, requestId); },
        std::move(done));
}

void Studio::totals(qint64 sinceMs, QObject *receiver, Callback<QList<store::FunctionTotals>> done)
{
    storeQuery<QList<store::FunctionTotals>>(
        &d->storePool, d->dataDir.database(), receiver,
        [sinceMs](store::Connection &c) { return store::functionTotals(c, sinceMs); },
        std::move(done));
}

void Studio::traces(qint64 sinceMs, const QString &function, QObject *receiver, Callback<QList<store::TraceSummary>> done)
{
    storeQuery<QList<store::TraceSummary>>(
        &d->storePool, d->dataDir.database(), receiver,
        [sinceMs, function](store::Connection &c) { return store::recentTraces(c, sinceMs, 200, function); }, std::move(done));
}

void Studio::traceSpans(const QString &traceId, QObject *receiver, Callback<QList<store::Span>> done)
{
    storeQuery<QList<store::Span>>(
        &d->storePool, d->dataDir.database(), receiver,
        [traceId](store::Connection &c) { return store::traceSpans(c, traceId); }, std::move(done));
}

void Studio::testEvents(const QString &function, QObject *receiver, Callback<QList<SavedTestEvent>> done)
{
    storeQuery<QList<SavedTestEvent>>(
        &d->storePool, d->dataDir.database(), receiver,
        [function](store::Connection &c) -> Result<QList<SavedTestEvent>> {
            auto events = store::listTestEvents(c, function);
            if (!events.ok())
                return events.error();
            QList<SavedTestEvent> out;
            for (const auto &e : *events)
                out.append(SavedTestEvent{e.name, e.json});
            return out;
        },
        std::move(done));
}

void Studio::saveTestEvent(const QString &function, const SavedTestEvent &event, QObject *receiver, Callback<bool> done)
{
    storeQuery<bool>(
        &d->storePool, d->dataDir.database(), receiver,
        [function, event](store::Connection &c) -> Result<bool> {
            if (Status s = store::saveTestEvent(c, store::TestEvent{function, event.name, event.json}); !s.ok())
                return s.error();
            return true;
        },
        std::move(done), false);
}

void Studio::deleteTestEvent(const QString &function, const QString &name, QObject *receiver, Callback<bool> done)
{
    storeQuery<bool>(
        &d->storePool, d->dataDir.database(), receiver,
        [function, name](store::Connection &c) -> Result<bool> {
            if (Status s = store::deleteTestEvent(c, function, name); !s.ok())
                return s.error();
            return true;
        },
        std::move(done), false);
}

} // namespace funcdesk::ui
