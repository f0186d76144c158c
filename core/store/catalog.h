#pragma once
// The store's index of functions, versions and aliases (git stays the source of truth;
// versioning keeps these rows in step), and saved test events per function.
//
// Threading: functions run on the calling thread with a connection that thread owns.

#include "common/result.h"

#include <QList>
#include <QString>

#include <optional>

namespace funcdesk::store {

class Connection;

struct FunctionRow
{
    QString name;
    QString runtime; // runtimeName(): "python3", "nodejs", "provided"
    QString handler;
    int memoryMb = 128;
    int timeoutSeconds = 3;
    QString architecture = QStringLiteral("x86_64");
    QString lastDeployCommit; // empty: never deployed
    qint64 updatedMs = 0;     // 0: now
};

struct VersionRow
{
    QString function;
    int number = 0;
    QString commit;
    qint64 createdMs = 0; // 0: now
    QString description;
};

struct AliasRow
{
    QString function;
    QString name;
    QString version;
    QString additionalVersion;   // empty: no routing config
    double additionalWeight = 0; // 0..1
    QString description;
};

Status upsertFunction(Connection &conn, const FunctionRow &row);
Result<std::optional<FunctionRow>> functionRow(Connection &conn, const QString &name);
Result<QList<FunctionRow>> listFunctions(Connection &conn);
// Also removes its versions and aliases (foreign keys cascade) and its test events.
Status deleteFunction(Connection &conn, const QString &name);

Status insertVersion(Connection &conn, const VersionRow &row); // error if the number exists
Result<QList<VersionRow>> listVersions(Connection &conn, const QString &function);

Status upsertAlias(Connection &conn, const AliasRow &row);
Result<QList<AliasRow>> listAliases(Connection &conn, const QString &function);
Status deleteAlias(Connection &conn, const QString &function, const QString &name);

struct TestEvent
{
    QString function;
    QString name;
    QString json;
    qint64 updatedMs = 0; // 0: now
};

Status saveTestEvent(Connection &conn, const TestEvent &event); // insert or replace by (function, name)
Result<std::optional<TestEvent>> testEvent(Connection &conn, const QString &function, const QString &name);
Result<QList<TestEvent>> listTestEvents(Connection &conn, const QString &function); // by name
Status deleteTestEvent(Connection &conn, const QString &function, const QString &name);

} // namespace funcdesk::store
