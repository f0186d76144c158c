#pragma once
// What the API serves from: every function's registered runnable versions and aliases,
// kept in memory so an invocation resolves its qualifier without touching git or disk.
// It registers $LATEST (VersionStore::latestRunnable) and each published version with the
// engine, re-registering only what changed (re-registering retires environments).
//
// Threading: owned by and used on one thread (the API thread); it makes VersionStore calls,
// so never the GUI thread. resolve() is the exception: any thread (the HTTP server's thread resolves invocations), from a routing table the API
// thread publishes under a lock after each change. The engine pointer must outlive the
// catalog.

#include "common/result.h"
#include "versioning/versionstore.h"

#include <QHash>
#include <QMap>
#include <QMutex>
#include <QRandomGenerator>
#include <QStringList>

namespace funcdesk::engine {
class Engine;
}

namespace funcdesk::api {

class FunctionCatalog
{
public:
    FunctionCatalog(VersionStore store, engine::Engine *engine);

    VersionStore &store() { return m_store; }
    engine::Engine *engine() const { return m_engine; }

    // Registers every function found in the data dir. Errors of single functions are
    // collected (the others still load) and returned joined.
    Status loadAll();
    // Re-reads one function after a change (create, deploy, publish, alias edits).
    Status refresh(const QString &name);
    // The function is gone: unregister it from the engine and drop it.
    void forget(const QString &name);
    // Deletes one published version (VersionStore::deleteVersion, same errors) and retires
    // its environments. refresh() also drops versions the store no longer has.
    Status deleteVersion(const QString &name, int version);

    // Variables every environment gets on top of the function's own, as Lambda gives its
    // reserved ones: the local API's endpoint (AWS_ENDPOINT_URL_LAMBDA) and credentials an
    // SDK signs with, so a function can call other functions. Applies to registrations
    // after the call (the Service sets it once it listens, before loading functions).
    // Not part of the function's configuration: GetFunction does not show them.
    void setPlatformEnvironment(QMap<QString, QString> environment) { m_platform = std::move(environment); }

    bool exists(const QString &name) const { return m_functions.contains(name); }
    QStringList names() const; // sorted
    // $LATEST's config as registered (codeDir is its export).
    FunctionConfig latest(const QString &name) const;
    Result<FunctionConfig> config(const QString &name, const QString &version) const;
    QList<int> versions(const QString &name) const;
    QList<AliasConfig> aliases(const QString &name) const;
    bool hasAlias(const QString &name, const QString &alias) const;

    // Qualifier (empty, "$LATEST", "N", alias) -> version to run (weighted for aliases).
    // ResourceNotFoundException when the function or qualifier does not exist. Any thread.
    Result<ResolvedQualifier> resolve(const QString &name, const QString &qualifier);

private:
    struct Entry
    {
        FunctionConfig latest;
        QMap<int, FunctionConfig> versions;
        QList<AliasConfig> aliases;
    };

    // What resolve() needs of a function: a copy of its entry's routing, kept by publish().
    struct Route
    {
        QList<int> versions;
        QList<AliasConfig> aliases;
    };

    VersionStore m_store;
    engine::Engine *m_engine;
    QHash<QString, Entry> m_functions; // the API thread's own
    QMap<QString, QString> m_platform;
    mutable QMutex m_routesLock;       // guards the two below
    QHash<QString, Route> m_routes;
    QRandomGenerator m_random{QRandomGenerator::securelySeeded()};

    FunctionConfig forEngine(const FunctionConfig &config) const;
    // Copies m_functions[name]'s routing (or its absence) into m_routes.
    void publish(const QString &name);
};

// Lambda's "Function not found: <arn>" error.
Error functionNotFound(const QString &name, const QString &qualifier = {});

} // namespace funcdesk::api
