#include "functioncatalog.h"

#include "api/lambdawire.h"
#include "common/ids.h"
#include "engine/engine.h"

#include <QScopeGuard>

#include <algorithm>

namespace funcdesk::api {

namespace {

bool sameRunnable(const FunctionConfig &a, const FunctionConfig &b)
{
    return a.codeDir == b.codeDir && a.runtime == b.runtime && a.handler == b.handler && a.memoryMb == b.memoryMb
        && a.timeoutSeconds == b.timeoutSeconds && a.environment == b.environment
        && a.reservedConcurrency == b.reservedConcurrency && a.provisionedConcurrency == b.provisionedConcurrency
        && a.architecture == b.architecture && a.async.maximumRetryAttempts == b.async.maximumRetryAttempts
        && a.async.maximumEventAgeSeconds == b.async.maximumEventAgeSeconds && a.async.onSuccess == b.async.onSuccess
        && a.async.onFailure == b.async.onFailure && a.description == b.description && a.network == b.network
        && a.ephemeralStorageMb == b.ephemeralStorageMb && a.layers == b.layers && a.optDir == b.optDir;
}

} // namespace

Error functionNotFound(const QString &name, const QString &qualifier)
{
    return makeError(errc::ResourceNotFound,
                     QStringLiteral("Function not found: ") + functionArn(name, qualifier));
}

FunctionCatalog::FunctionCatalog(VersionStore store, engine::Engine *engine)
    : m_store(std::move(store)), m_engine(engine)
{
}

Status FunctionCatalog::loadAll()
{
    QStringList problems;
    const QStringList names = m_store.functionNames();
    for (const QString &name : names) {
        const Status s = refresh(name);
        if (!s.ok())
            problems.append(name + QStringLiteral(": ") + s.error().message);
    }
    if (!problems.isEmpty())
        return makeError(errc::Service, problems.join(QStringLiteral("; ")));
    return {};
}

Status FunctionCatalog::refresh(const QString &name)
{
    if (!m_store.exists(name)) {
        forget(name);
        return functionNotFound(name);
    }
    Result<FunctionConfig> latest = m_store.latestRunnable(name);
    if (!latest.ok())
        return latest.error();
    // However far this gets, resolve() then sees what is registered (a version only once
    // the engine has it).
    const auto published = qScopeGuard([this, &name] { publish(name); });
    Entry &e = m_functions[name];
    if (!sameRunnable(e.latest, *latest) || e.latest.name.isEmpty()) {
        const Status s = m_engine->registerFunction(forEngine(*latest));
        if (!s.ok())
            return s;
        e.latest = *latest;
    } else {
        e.latest = *latest; // triggers and other fields the engine does not look at
    }
    Result<QList<VersionInfo>> versions = m_store.versions(name);
    if (!versions.ok())
        return versions.error();
    // Versions deleted behind the catalog's back (the GUI's own git work): their
    // environments retire.
    for (auto it = e.versions.begin(); it != e.versions.end();) {
        const int n = it.key();
        if (std::none_of(versions->cbegin(), versions->cend(), [n](const VersionInfo &v) { return v.number == n; })) {
            m_engine->unregisterFunction(name, QString::number(n));
            it = e.versions.erase(it);
        } else {
            ++it;
        }
    }
    for (const VersionInfo &v : *versions) {
        if (e.versions.contains(v.number))
            continue; // versions are immutable
        Result<FunctionConfig> cfg = m_store.versionConfig(name, v.number);
        if (!cfg.ok())
            return cfg.error();
        const Status s = m_engine->registerFunction(forEngine(*cfg));
        if (!s.ok())
            return s;
        e.versions.insert(v.number, *cfg);
    }
    Result<QList<AliasConfig>> aliases = m_store.aliasList(name);
    if (!aliases.ok())
        return aliases.error();
    e.aliases = *aliases;
    return {};
}

FunctionConfig FunctionCatalog::forEngine(const FunctionConfig &config) const
{
    if (m_platform.isEmpty())
        return config;
    FunctionConfig out = config;
    for (auto it = m_platform.cbegin(); it != m_platform.cend(); ++it)
        out.environment.insert(it.key(), it.value());
    return out;
}

void FunctionCatalog::forget(const QString &name)
{
    if (m_functions.remove(name) > 0) {
        publish(name); // resolved by no one from here on
        m_engine->unregisterFunction(name);
    }
}

Status FunctionCatalog::deleteVersion(const QString &name, int version)
{
    auto it = m_functions.find(name);
    if (it == m_functions.end())
        return functionNotFound(name);
    // The store refuses first (no such version, aliases route to it), so a refusal leaves
    // the version running. The routing table drops it before the engine does: an
    // invocation resolved earlier reached the engine first (both on the engine's thread, or
    // queued ahead of the unregistration), and none picks the version once this returns.
    if (Status s = m_store.deleteVersion(name, version); !s.ok())
        return s;
    it->versions.remove(version);
    publish(name);
    m_engine->unregisterFunction(name, QString::number(version));
    return {};
}

QStringList FunctionCatalog::names() const
{
    QStringList n = m_functions.keys();
    n.sort();
    return n;
}

FunctionConfig FunctionCatalog::latest(const QString &name) const
{
    return m_functions.value(name).latest;
}

Result<FunctionConfig> FunctionCatalog::config(const QString &name, const QString &version) const
{
    auto it = m_functions.constFind(name);
    if (it == m_functions.cend())
        return functionNotFound(name);
    if (version.isEmpty() || version == QLatin1String("$LATEST"))
        return it->latest;
    auto v = it->versions.constFind(version.toInt());
    if (v == it->versions.cend())
        return functionNotFound(name, version);
    return *v;
}

QList<int> FunctionCatalog::versions(const QString &name) const
{
    return m_functions.value(name).versions.keys();
}

QList<AliasConfig> FunctionCatalog::aliases(const QString &name) const
{
    return m_functions.value(name).aliases;
}

bool FunctionCatalog::hasAlias(const QString &name, const QString &alias) const
{
    auto it = m_functions.constFind(name);
    if (it == m_functions.cend())
        return false;
    for (const AliasConfig &a : it->aliases) {
        if (a.name == alias)
            return true;
    }
    return false;
}

Result<ResolvedQualifier> FunctionCatalog::resolve(const QString &name, const QString &qualifier)
{
    QMutexLocker lock(&m_routesLock);
    auto it = m_routes.constFind(name);
    if (it == m_routes.cend())
        return functionNotFound(name);
    if (qualifier.isEmpty() || qualifier == QLatin1String("$LATEST"))
        return ResolvedQualifier{QStringLiteral("$LATEST"), QString()};
    if (isVersionNumber(qualifier)) {
        if (!it->versions.contains(qualifier.toInt()))
            return functionNotFound(name, qualifier);
        return ResolvedQualifier{qualifier, QString()};
    }
    for (const AliasConfig &a : it->aliases) {
        if (a.name == qualifier)
            return ResolvedQualifier{aliases::pick(a, m_random.generateDouble()), a.name};
    }
    return functionNotFound(name, qualifier);
}

void FunctionCatalog::publish(const QString &name)
{
    auto it = m_functions.constFind(name);
    if (it == m_functions.cend()) {
        QMutexLocker lock(&m_routesLock);
        m_routes.remove(name);
        return;
    }
    Route r{it->versions.keys(), it->aliases};
    QMutexLocker lock(&m_routesLock);
    m_routes.insert(name, std::move(r));
}

} // namespace funcdesk::api
