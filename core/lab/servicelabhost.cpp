#include "lab/servicelabhost.h"

#include "api/service.h"
#include "common/resources.h"
#include "lab/labops.h"
#include "store/queries.h"
#include "store/sqlite.h"
#include "store/writer.h"
#include "versioning/versionstore.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QWaitCondition>

#include <algorithm>
#include <optional>

namespace funcdesk::lab {

namespace {

constexpr int kRegisterTimeoutMs = 30000;

Result<SourceFiles> templateFiles(Runtime runtime, const QString &templateId)
{
    SourceFiles files;
    if (templateId.isEmpty())
        return files;
    const QString dir = resourcePath(QStringLiteral("templates/functions/") + runtimeName(runtime) + QLatin1Char('/') + templateId);
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return makeError(errc::IOError, QStringLiteral("cannot read template file %1").arg(path));
        files.insert(QDir(dir).relativeFilePath(path), SourceFile(f.readAll(), QFileInfo(path).isExecutable()));
    }
    if (files.isEmpty())
        return makeError(errc::ResourceNotFound, QStringLiteral("no template %1 for %2").arg(templateId, runtimeName(runtime)));
    return files;
}

} // namespace

ServiceLabHost::ServiceLabHost(api::Service *service, std::function<void(const QString &)> progress,
                               const std::atomic<bool> *cancel)
    : m_service(service), m_dataDir(service->dataDir()), m_progress(std::move(progress)), m_cancel(cancel)
{
    // Counted where it is emitted (the Service's thread): the lab thread only reads it.
    auto changes = m_changes;
    m_changed = QObject::connect(
        service, &api::Service::functionChanged, service, [changes] { ++*changes; },
        Qt::DirectConnection);
}

ServiceLabHost::~ServiceLabHost()
{
    QObject::disconnect(m_changed);
}

bool ServiceLabHost::refreshAndWait(const QString &name)
{
    const int before = m_changes->load();
    refresh(name);
    return waitUntil([&] { return m_changes->load() > before; }, kRegisterTimeoutMs);
}

bool ServiceLabHost::waitForLatest(const QString &name)
{
    auto expected = VersionStore(m_dataDir).latestRunnable(name);
    if (!expected)
        return false;
    const FunctionConfig want = *expected;
    refresh(name);
    return waitUntil([&] { return engineRuns(name, [&want](const FunctionConfig &c) { return c.codeDir == want.codeDir; }); },
                     kRegisterTimeoutMs);
}

Status ServiceLabHost::deployFiles(const QString &name, const QMap<QString, QByteArray> &files)
{
    VersionStore versions(m_dataDir);
    SourceFiles sources;
    for (auto it = files.cbegin(); it != files.cend(); ++it)
        sources.insert(it.key(), SourceFile(it.value()));
    if (Status s = versions.writeDraftFiles(name, sources); !s)
        return s;
    if (auto d = versions.deploy(name, QStringLiteral("Change %1 for an experiment").arg(name));
        !d && d.error().type != errc::NothingToDeploy)
        return d.error();
    if (!waitForLatest(name))
        return makeError(errc::Service, QStringLiteral("%1 was deployed but the engine did not register it").arg(name));
    return {};
}

Result<int> ServiceLabHost::publish(const QString &name, const QString &description)
{
    auto version = VersionStore(m_dataDir).publish(name, description);
    if (!version)
        return version.error();
    const QString number = QString::number(version->number);
    refresh(name);
    if (!waitUntil(
            [&] {
                const QList<FunctionConfig> registered = engine()->functions();
                return std::any_of(registered.cbegin(), registered.cend(),
                                   [&](const FunctionConfig &c) { return c.name == name && c.version == number; });
            },
            kRegisterTimeoutMs))
        return makeError(errc::Service, QStringLiteral("version %1 of %2 was published but not registered").arg(number, name));
    return version->number;
}

Status ServiceLabHost::setAlias(const QString &name, const AliasConfig &alias)
{
    VersionStore versions(m_dataDir);
    const bool exists = versions.alias(name, alias.name).ok();
    auto saved = exists ? versions.updateAlias(name, alias) : versions.createAlias(name, alias);
    if (!saved)
        return saved.error();
    if (!refreshAndWait(name))
        return makeError(errc::Service, QStringLiteral("the alias %1 was saved but not taken up").arg(alias.name));
    return {};
}

engine::InvokeResult ServiceLabHost::invokeQualified(const QString &name, const QString &qualifier, const QByteArray &payload,
                                                     TriggerKind trigger)
{
    QMutex mutex;
    QWaitCondition answered;
    std::optional<engine::InvokeResult> result;
    engine::InvokeRequest request;
    request.function = name;
    request.payload = payload;
    request.trigger = trigger;
    // Service::invoke posts to the API thread, which resolves the qualifier; the answer
    // comes on the engine (or API) thread.
    m_service->invoke(std::move(request), qualifier, [&](engine::InvokeResult r) {
        QMutexLocker lock(&mutex);
        result = std::move(r);
        answered.wakeAll();
    });
    QMutexLocker lock(&mutex);
    while (!result)
        answered.wait(&mutex);
    return std::move(*result);
}

void ServiceLabHost::refresh(const QString &name)
{
    api::Service *service = m_service;
    QMetaObject::invokeMethod(
        service, [service, name] { service->refreshFunction(name); }, Qt::QueuedConnection);
}

bool ServiceLabHost::engineRuns(const QString &name, const std::function<bool(const FunctionConfig &)> &matches)
{
    const QList<FunctionConfig> registered = engine()->functions();
    for (const FunctionConfig &c : registered) {
        if (c.name == name && c.version == QLatin1String("$LATEST"))
            return matches(c);
    }
    return false;
}

Result<FunctionConfig> ServiceLabHost::deployFunction(const FunctionSpec &spec)
{
    VersionStore versions(m_dataDir);
    if (versions.exists(spec.name)) {
        if (auto s = deleteFunction(spec.name); !s)
            return s.error();
    }
    progress(QStringLiteral("Creating %1").arg(spec.name));
    auto files = templateFiles(spec.runtime, spec.templateId);
    if (!files)
        return files.error();
    for (auto it = spec.files.cbegin(); it != spec.files.cend(); ++it)
        files->insert(it.key(), SourceFile(it.value()));
    if (auto created = versions.create(spec.name, spec.runtime, *files, QStringLiteral("Create %1 for an experiment").arg(spec.name));
        !created)
        return created.error();
    if (spec.configure) {
        auto config = versions.draftConfig(spec.name);
        if (!config)
            return config.error();
        spec.configure(*config);
        if (auto s = versions.setDraftConfig(spec.name, *config); !s)
            return s.error();
        if (auto d = versions.deploy(spec.name, QStringLiteral("Configure %1 for an experiment").arg(spec.name));
            !d && d.error().type != errc::NothingToDeploy)
            return d.error();
    }
    auto expected = versions.latestRunnable(spec.name);
    if (!expected)
        return expected.error();
    refresh(spec.name);
    const FunctionConfig want = *expected;
    const bool registered = waitUntil(
        [&] {
            return engineRuns(spec.name, [&want](const FunctionConfig &c) {
                return c.codeDir == want.codeDir && c.memoryMb == want.memoryMb && c.timeoutSeconds == want.timeoutSeconds
                    && c.reservedConcurrency == want.reservedConcurrency
                    && c.provisionedConcurrency == want.provisionedConcurrency;
            });
        },
        kRegisterTimeoutMs);
    if (!registered)
        return makeError(errc::Service, QStringLiteral("%1 was deployed but the engine did not register it").arg(spec.name));
    return want;
}

Status ServiceLabHost::deleteFunction(const QString &name)
{
    VersionStore versions(m_dataDir);
    if (auto s = versions.deleteFunction(name); !s)
        return s;
    refresh(name);
    if (!waitUntil([&] { return !engineRuns(name, [](const FunctionConfig &) { return true; }); }, kRegisterTimeoutMs))
        return makeError(errc::Service, QStringLiteral("%1 was deleted but the engine still runs it").arg(name));
    return {};
}

QStringList ServiceLabHost::functionNames()
{
    return VersionStore(m_dataDir).functionNames();
}

engine::Engine *ServiceLabHost::engine()
{
    return m_service->engine();
}

Result<qint64> ServiceLabHost::beginExperiment(const store::Experiment &experiment)
{
    auto conn = store::threadConnection(m_dataDir.database());
    if (!conn)
        return conn.error();
    return store::beginExperiment(**conn, experiment);
}

Status ServiceLabHost::finishExperiment(qint64 id, const QJsonObject &summary)
{
    auto conn = store::threadConnection(m_dataDir.database());
    if (!conn)
        return conn.error();
    return store::finishExperiment(**conn, id, QDateTime::currentMSecsSinceEpoch(), summary);
}

void ServiceLabHost::progress(const QString &step)
{
    if (m_progress)
        m_progress(step);
}

bool ServiceLabHost::cancelled() const
{
    return m_cancel && m_cancel->load();
}

Result<QString> ServiceLabHost::invokeAsync(const QString &name, const QByteArray &payload)
{
    QMutex mutex;
    QWaitCondition answered;
    std::optional<Result<QString>> queued;
    api::Service *service = m_service;
    QMetaObject::invokeMethod(
        service,
        [&, service] {
            service->invokeAsync(name, QString(), payload, [&](Result<QString> r) {
                QMutexLocker lock(&mutex);
                queued = std::move(r);
                answered.wakeAll();
            });
        },
        Qt::QueuedConnection);
    QMutexLocker lock(&mutex);
    while (!queued)
        answered.wait(&mutex);
    return std::move(*queued);
}

void ServiceLabHost::setAsyncRetryDelays(const QString &name, const QList<int> &delaysMs)
{
    // Posted to the API thread, where the dispatcher lives; a function call posted after it
    // (an invokeAsync) runs after it there.
    api::Service *service = m_service;
    QMetaObject::invokeMethod(
        service, [service, name, delaysMs] { service->setAsyncRetryDelays(name, delaysMs); }, Qt::BlockingQueuedConnection);
}

Result<QList<InvocationRecord>> ServiceLabHost::invocations(const QString &name, qint64 fromMs, qint64 toMs)
{
    if (Status s = m_service->writer()->flush(); !s)
        return s.error();
    auto conn = store::threadConnection(m_dataDir.database());
    if (!conn)
        return conn.error();
    auto records = store::recentInvocations(**conn, name, fromMs, toMs, 100'000);
    if (!records)
        return records.error();
    QList<InvocationRecord> out = std::move(*records);
    std::sort(out.begin(), out.end(), [](const InvocationRecord &a, const InvocationRecord &b) { return a.startMs < b.startMs; });
    return out;
}

Result<QList<store::AsyncEvent>> ServiceLabHost::deadLetters(const QString &name)
{
    auto conn = store::threadConnection(m_dataDir.database());
    if (!conn)
        return conn.error();
    return store::listDeadLetterAsyncEvents(**conn, name);
}

Result<QList<store::Capture>> ServiceLabHost::captures(const QString &name, qint64 fromMs, qint64 toMs,
                                                       const QStringList &requestIds)
{
    if (Status s = m_service->writer()->flush(); !s)
        return s.error();
    auto conn = store::threadConnection(m_dataDir.database());
    if (!conn)
        return conn.error();
    if (!requestIds.isEmpty())
        return store::capturesById(**conn, name, requestIds);
    return store::captures(**conn, name, fromMs, toMs);
}

QString ServiceLabHost::apiEndpoint() const
{
    const QString address = m_service->apiAddress();
    return address.isEmpty() ? QString() : QStringLiteral("http://") + address;
}

Result<store::Experiment> ServiceLabHost::experiment(qint64 id)
{
    auto conn = store::threadConnection(m_dataDir.database());
    if (!conn)
        return conn.error();
    return store::experiment(**conn, id);
}

} // namespace funcdesk::lab
