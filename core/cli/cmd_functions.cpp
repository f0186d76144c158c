// funcdesk list | deploy DIR | publish NAME: directly on the data dir when no engine holds
// it, else over the engine's API (ListFunctions, CreateFunction / UpdateFunctionCode,
// PublishVersion).

#include "cli/apiclient.h"
#include "cli/cli.h"
#include "versioning/codezip.h"
#include "cli/commandline.h"
#include "cli/commands.h"
#include "cli/dataaccess.h"
#include "cli/deploydir.h"
#include "versioning/build.h"
#include "common/runtimes.h"
#include "engine/interpreters.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "versioning/versionstore.h"

namespace funcdesk::cli {
namespace {

const QString kFunctionsPath = QStringLiteral("/2015-03-31/functions/");

QString functionPath(const QString &name, const QString &suffix = {})
{
    return kFunctionsPath + QString::fromUtf8(QUrl::toPercentEncoding(name)) + suffix;
}

ApiClient clientFor(const CommandLine &cl) { return ApiClient(cl.endpoint(), cl.token()); }

Result<QJsonArray> listDirect(const DataDir &dir)
{
    VersionStore store(dir);
    QJsonArray out;
    const QStringList names = store.functionNames();
    for (const QString &name : names) {
        auto config = store.latestRunnable(name);
        if (!config)
            config = store.draftConfig(name);
        if (!config)
            return config.error();
        QJsonObject f{{QStringLiteral("FunctionName"), name},
                      {QStringLiteral("Runtime"), runtimeIdentifier(*config)},
                      {QStringLiteral("Handler"), config->handler},
                      {QStringLiteral("MemorySize"), config->memoryMb},
                      {QStringLiteral("Timeout"), config->timeoutSeconds}};
        if (auto versions = store.versions(name))
            f.insert(QStringLiteral("Versions"), int(versions->size()));
        if (auto history = store.history(name, 1); history && !history->isEmpty())
            f.insert(QStringLiteral("LastModified"), history->first().time.toString(Qt::ISODate));
        out.append(f);
    }
    return out;
}

Result<QJsonArray> listViaApi(const CommandLine &cl)
{
    const ApiClient client = clientFor(cl);
    QJsonArray out;
    QString marker;
    do { // ListFunctions pages with NextMarker
        QUrlQuery query;
        if (!marker.isEmpty())
            query.addQueryItem(QStringLiteral("Marker"), marker);
        auto reply = client.call("GET", kFunctionsPath, query);
        if (!reply)
            return reply.error();
        const QJsonObject page = QJsonDocument::fromJson(reply->body).object();
        const QJsonArray functions = page.value(QStringLiteral("Functions")).toArray();
        for (const QJsonValue &v : functions) {
            const QJsonObject f = v.toObject();
            QJsonObject row;
            for (const char *key : {"FunctionName", "Runtime", "Handler", "MemorySize", "Timeout"}) {
                const QString k = QString::fromLatin1(key);
                if (f.contains(k))
                    row.insert(k, f.value(k));
            }
            const QJsonValue modified = f.value(QStringLiteral("LastModified"));
            if (modified.isDouble()) // epoch seconds
                row.insert(QStringLiteral("LastModified"),
                           QDateTime::fromSecsSinceEpoch(qint64(modified.toDouble()), Qt::UTC).toString(Qt::ISODate));
            else if (modified.isString())
                row.insert(QStringLiteral("LastModified"), modified);
            out.append(row);
        }
        marker = page.value(QStringLiteral("NextMarker")).toString();
    } while (!marker.isEmpty());
    return out;
}

// "python3.13 (local 3.11)" where the local interpreter is another version than the one
// the identifier names, "nodejs20.x (deprecated)" where Lambda deprecated it.
QString runtimeColumn(const QString &id, QHash<int, QString> &localVersions)
{
    const RuntimeIdentifier *r = findRuntimeIdentifier(id);
    if (!r)
        return id;
    QStringList notes;
    if (!r->languageVersion.isEmpty()) {
        const int key = int(r->runtime);
        if (!localVersions.contains(key)) {
            const auto interpreter = engine::resolveInterpreter(r->runtime, {});
            localVersions.insert(key, interpreter ? interpreter->version : QString());
        }
        if (!interpreterMismatch(id, localVersions.value(key)).isEmpty())
            notes << QStringLiteral("local ") + localVersions.value(key);
    }
    if (!runtimeDeprecationWarning(id).isEmpty())
        notes << QStringLiteral("deprecated");
    return notes.isEmpty() ? id : id + QStringLiteral(" (") + notes.join(QStringLiteral(", ")) + QLatin1Char(')');
}

} // namespace

int runList(const QStringList &args)
{
    CommandLine cl(QStringLiteral("list"), QStringLiteral("List functions: runtime, handler, memory, timeout."));
    if (auto exit = cl.parse(args))
        return *exit;
    auto access = openDataAccess(cl);
    if (!access)
        return reportError(access.error());
    Result<QJsonArray> functions = QJsonArray();
    functions = access->viaApi ? listViaApi(cl) : listDirect(access->dir);
    if (!functions)
        return reportError(functions.error());
    if (cl.json()) {
        printJson(*functions);
        return ExitOk;
    }
    QList<QStringList> rows;
    QHash<int, QString> localVersions; // language -> the local interpreter's version, probed once
    for (const QJsonValue &v : *functions) {
        const QJsonObject f = v.toObject();
        rows << QStringList{f.value(QStringLiteral("FunctionName")).toString(),
                            runtimeColumn(f.value(QStringLiteral("Runtime")).toString(), localVersions),
                            f.value(QStringLiteral("Handler")).toString(),
                            QString::number(f.value(QStringLiteral("MemorySize")).toInt()) + QStringLiteral(" MB"),
                            QString::number(f.value(QStringLiteral("Timeout")).toInt()) + QStringLiteral(" s"),
                            f.value(QStringLiteral("LastModified")).toString()};
    }
    if (rows.isEmpty()) {
        printOut(QStringLiteral("No functions."));
        return ExitOk;
    }
    printTable({QStringLiteral("NAME"), QStringLiteral("RUNTIME"), QStringLiteral("HANDLER"), QStringLiteral("MEMORY"),
                QStringLiteral("TIMEOUT"), QStringLiteral("LAST DEPLOY")},
               rows);
    return ExitOk;
}

int runDeploy(const QStringList &args)
{
    CommandLine cl(QStringLiteral("deploy"),
                   QStringLiteral("Deploy a folder (its files and function.json) as the function's $LATEST,\n"
                                  "creating the function on first deploy. Files missing from the folder are\n"
                                  "deleted from the function."));
    cl.addPositional(QStringLiteral("dir"), QStringLiteral("Folder with the function's code."), QStringLiteral("DIR"));
    cl.addOption(QCommandLineOption(QStringLiteral("name"), QStringLiteral("Function name (default: the folder's name)."),
                                    QStringLiteral("N")));
    cl.addOption(QCommandLineOption(QStringLiteral("message"), QStringLiteral("Deploy message (the commit message)."),
                                    QStringLiteral("M")));
    if (auto exit = cl.parse(args, 1, 1))
        return *exit;
    const QFileInfo dir(cl.positional().at(0));
    if (!dir.isDir())
        return cl.usageError(QStringLiteral("not a folder: ") + cl.positional().at(0));
    const QString name = cl.isSet(QStringLiteral("name")) ? cl.value(QStringLiteral("name")) : dir.fileName();
    auto access = openDataAccess(cl);
    if (!access)
        return reportError(access.error());
    DeployRequest request{name, dir.absoluteFilePath(), cl.value(QStringLiteral("message")), {}};
    const bool human = !cl.json();
    if (human) {
        request.progress = [](const QString &, const QString &line) { printOut(QStringLiteral("build: ") + line); };
        if (access->viaApi && (QFileInfo::exists(dir.absoluteFilePath() + QStringLiteral("/requirements.txt"))
                               || QFileInfo::exists(dir.absoluteFilePath() + QStringLiteral("/package.json"))))
            printOut(QStringLiteral("build: installing dependencies on the running engine..."));
    }
    Result<DeployOutcome> outcome = access->viaApi ? deployViaApi(clientFor(cl), request)
                                                   : deployDirect(access->dir, request);
    if (!outcome)
        return reportError(outcome.error());
    if (human && outcome->changed) {
        // The build's record sits in the data dir whichever process built it.
        if (auto b = build::lastBuild(access->dir, name); b && b->outcome != build::Outcome::None)
            printOut(QStringLiteral("build: %1 %2 in %3 ms (%4 KB with dependencies)")
                         .arg(build::outcomeName(b->outcome), b->tool)
                         .arg(b->durationMs)
                         .arg((b->totalBytes + 1023) / 1024));
    }
    // A deprecated runtime identifier is accepted, with Lambda's deprecation said.
    QFile manifestFile(dir.absoluteFilePath() + QStringLiteral("/function.json"));
    if (manifestFile.open(QIODevice::ReadOnly)) {
        const QString id = QJsonDocument::fromJson(manifestFile.readAll()).object().value(QStringLiteral("runtime")).toString();
        if (const QString warning = runtimeDeprecationWarning(id.trimmed().toLower()); !warning.isEmpty())
            printErr(QStringLiteral("warning: ") + warning);
    }
    if (cl.json()) {
        printJson(QJsonObject{{QStringLiteral("FunctionName"), name},
                              {QStringLiteral("Created"), outcome->created},
                              {QStringLiteral("Changed"), outcome->changed},
                              {QStringLiteral("CommitId"), outcome->commitId}});
    } else if (!outcome->changed) {
        printOut(QStringLiteral("Nothing to deploy: ") + name + QStringLiteral(" already runs this code."));
    } else {
        printOut((outcome->created ? QStringLiteral("Created and deployed ") : QStringLiteral("Deployed ")) + name
                 + (outcome->commitId.isEmpty() ? QString() : QStringLiteral(" (") + outcome->commitId.left(12) + QLatin1Char(')')));
    }
    return ExitOk;
}

int runPublish(const QStringList &args)
{
    CommandLine cl(QStringLiteral("publish"), QStringLiteral("Publish the function's deployed code as a new version."));
    cl.addPositional(QStringLiteral("name"), QStringLiteral("Function name."), QStringLiteral("NAME"));
    cl.addOption(QCommandLineOption(QStringLiteral("description"), QStringLiteral("Version description."),
                                    QStringLiteral("D")));
    if (auto exit = cl.parse(args, 1, 1))
        return *exit;
    const QString name = cl.positional().at(0);
    const QString description = cl.value(QStringLiteral("description"));
    auto access = openDataAccess(cl);
    if (!access)
        return reportError(access.error());
    QString version;
    if (access->viaApi) {
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("Description"), description}}).toJson(QJsonDocument::Compact);
        auto reply = clientFor(cl).call("POST", functionPath(name, QStringLiteral("/versions")), {}, body);
        if (!reply)
            return reportError(reply.error());
        version = QJsonDocument::fromJson(reply->body).object().value(QStringLiteral("Version")).toString();
    } else {
        VersionStore store(access->dir);
        if (!store.exists(name))
            return reportError(makeError(errc::ResourceNotFound, QStringLiteral("Function not found: ") + name));
        auto published = store.publish(name, description);
        if (!published)
            return reportError(published.error());
        version = QString::number(published->number);
    }
    if (cl.json())
        printJson(QJsonObject{{QStringLiteral("FunctionName"), name}, {QStringLiteral("Version"), version}, {QStringLiteral("Description"), description}});
    else
        printOut(QStringLiteral("Published ") + name + QStringLiteral(" version ") + version);
    return ExitOk;
}

} // namespace funcdesk::cli
