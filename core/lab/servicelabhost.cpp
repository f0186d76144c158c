#include "lab/servicelabhost.h"

#include "api/service.h"
#include "common/resources.h"
#include "lab/labops.h"
#include "store/sqlite.h"
#include "versioning/versionstore.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

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

} // namespace funcdesk::lab
