#include "cli/deploydir.h"

#include "versioning/codezip.h"
#include "common/runtimes.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "versioning/importer.h"
#include "versioning/manifest.h"
#include "versioning/treefiles.h"
#include "versioning/versionstore.h"

namespace funcdesk::cli {
namespace {

const char kManifest[] = "function.json";

} // namespace

namespace {

Result<SourceFiles> readFolder(const QString &root)
{
    SourceFiles files;
    const QDir dir(root);
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString rel = dir.relativeFilePath(path);
        if (rel == QLatin1String(".git") || rel.startsWith(QLatin1String(".git/")))
            continue;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return makeError(errc::IOError, QStringLiteral("cannot read ") + path + QStringLiteral(": ") + f.errorString());
        files.insert(rel, SourceFile(f.readAll(), QFileInfo(path).isExecutable()));
    }
    return files;
}

// The folder's manifest, or the one guessed from its handler file.
Result<FunctionConfig> manifestOf(const DeployRequest &request)
{
    auto files = readFolder(request.dir);
    if (!files)
        return files.error();
    QByteArray json = files->value(QLatin1String(kManifest)).content;
    if (!files->contains(QLatin1String(kManifest))) {
        auto guessed = importer::guessManifest(*files, request.name);
        if (!guessed)
            return guessed.error();
        json = *guessed;
    }
    return manifest::parse(json, request.name);
}

} // namespace

Result<DeployOutcome> deployDirect(const DataDir &dataDir, const DeployRequest &request)
{
    VersionStore store(dataDir);
    build::Options buildOptions;
    buildOptions.progress = request.progress;
    store.setBuildOptions(buildOptions);
    auto files = readFolder(request.dir);
    if (!files)
        return files.error();
    const QString manifestName = QLatin1String(kManifest);
    DeployOutcome outcome;
    if (!store.exists(request.name)) {
        if (!files->contains(manifestName)) {
            auto guessed = importer::guessManifest(*files, request.name);
            if (!guessed)
                return guessed.error();
            files->insert(manifestName, SourceFile(*guessed));
        }
        auto config = manifest::parse(files->value(manifestName).content, request.name);
        if (!config)
            return config.error();
        auto commit = store.create(request.name, config->runtime, *files, request.message);
        if (!commit)
            return commit.error();
        outcome.created = true;
        outcome.commitId = *commit;
        return outcome;
    }
    if (!files->contains(manifestName)) {
        auto draft = store.draftConfig(request.name);
        if (!draft)
            return draft.error();
        files->insert(manifestName, SourceFile(manifest::serialize(*draft)));
    }
    if (auto config = manifest::parse(files->value(manifestName).content, request.name); !config)
        return config.error();
    const QString repo = store.repoPath(request.name);
    if (Status st = treefiles::clearWorkdir(repo); !st)
        return st.error();
    if (Status st = treefiles::writeFiles(repo, *files); !st)
        return st.error();
    auto commit = store.deploy(request.name, request.message);
    if (!commit) {
        if (commit.error().type == errc::NothingToDeploy) {
            outcome.changed = false;
            return outcome;
        }
        return commit.error();
    }
    outcome.commitId = *commit;
    return outcome;
}

Result<DeployOutcome> deployViaApi(const ApiClient &client, const DeployRequest &request)
{
    QTemporaryDir tmp;
    if (!tmp.isValid())
        return makeError(errc::IOError, QStringLiteral("cannot create a temporary folder"));
    const QString zipPath = tmp.filePath(QStringLiteral("code.zip"));
    if (auto zipped = codezip::writeCodeZip(request.dir, zipPath); !zipped)
        return zipped.error();
    QFile zip(zipPath);
    if (!zip.open(QIODevice::ReadOnly))
        return makeError(errc::IOError, zip.errorString());
    const QString zipBase64 = QString::fromLatin1(zip.readAll().toBase64());
    const QString path = QStringLiteral("/2015-03-31/functions/") + QString::fromUtf8(QUrl::toPercentEncoding(request.name));

    auto existing = client.request("GET", path);
    if (!existing)
        return existing.error();
    DeployOutcome outcome;
    if (existing->status == 404) {
        QJsonObject body{{QStringLiteral("FunctionName"), request.name},
                         {QStringLiteral("Code"), QJsonObject{{QStringLiteral("ZipFile"), zipBase64}}}};
        auto config = manifestOf(request);
        if (!config)
            return config.error();
        body.insert(QStringLiteral("Runtime"), runtimeIdentifier(*config));
        body.insert(QStringLiteral("Handler"), config->handler);
        body.insert(QStringLiteral("MemorySize"), config->memoryMb);
        body.insert(QStringLiteral("Timeout"), config->timeoutSeconds);
        auto reply = client.call("POST", QStringLiteral("/2015-03-31/functions"), {},
                                 QJsonDocument(body).toJson(QJsonDocument::Compact));
        if (!reply)
            return reply.error();
        outcome.created = true;
        return outcome;
    }
    if (existing->isError())
        return ApiClient::errorOf(*existing);
    const QJsonObject body{{QStringLiteral("ZipFile"), zipBase64}};
    auto reply = client.call("PUT", path + QStringLiteral("/code"), {}, QJsonDocument(body).toJson(QJsonDocument::Compact));
    if (!reply)
        return reply.error();
    return outcome;
}

} // namespace funcdesk::cli
