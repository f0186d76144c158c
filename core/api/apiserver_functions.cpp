// ApiServer: the function operations (list, create, get, delete, configuration, code,
// publish and list versions). All run on the API thread; they make git and disk calls.
// Aliases, concurrency, event invoke config and URL config are in apiserver_settings.cpp.
#include "apiserver.h"

#include "api/functioncatalog.h"
#include "api/apiserver_p.h"
#include "api/lambdawire.h"
#include "common/ids.h"
#include "versioning/importer.h"
#include "versioning/layerstore.h"
#include "versioning/manifest.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryFile>
#include <QUrl>

namespace funcdesk::api {

using namespace detail;

namespace {

// Reads a base64 zip into files (through a temporary file, as the importer wants a path).
Result<SourceFiles> filesFromZip(const QString &base64, const char *operation = "CreateFunction")
{
    const QByteArray zip = QByteArray::fromBase64(base64.toLatin1());
    if (zip.isEmpty())
        return makeError(errc::InvalidParameterValue, QStringLiteral("Code.ZipFile is empty or not base64"));
    if (Status s = checkZippedSize(zip.size(), QLatin1String(operation)); !s.ok())
        return s.error();
    QTemporaryFile file;
    if (!file.open() || file.write(zip) != zip.size() || !file.flush())
        return makeError(errc::Service, QStringLiteral("cannot write the zip to a temporary file"));
    Result<SourceFiles> files = importer::readZip(file.fileName());
    if (!files.ok())
        return makeError(errc::InvalidParameterValue,
                         QStringLiteral("Could not unzip uploaded file. Please check your file, then try to upload again. ") + files.error().message);
    return files;
}

} // namespace

// Lambda's paging: Marker (opaque: the index to continue from) and MaxItems.
QJsonArray detail::page(const QList<QJsonObject> &all, const HttpRequest &request, QString *nextMarker)
{
    const int start = qBound(0, queryParam(request, "Marker").toInt(), int(all.size()));
    const int maxItems = queryParam(request, "MaxItems").isEmpty() ? 50 : qBound(1, queryParam(request, "MaxItems").toInt(), 10000);
    QJsonArray out;
    for (int i = start; i < all.size() && out.size() < maxItems; ++i)
        out.append(all[i]);
    const int next = start + int(out.size());
    *nextMarker = next < all.size() ? QString::number(next) : QString();
    return out;
}

Result<QString> ApiServer::existingFunction(const QString &functionNameParam)
{
    const Result<FunctionRef> ref = parseFunctionName(functionNameParam);
    if (!ref.ok())
        return ref.error();
    if (!m_catalog->exists(ref->name))
        return functionNotFound(ref->name);
    return ref->name;
}

QJsonObject ApiServer::describe(const QString &name, const QString &version)
{
    const Result<FunctionConfig> cfg = m_catalog->config(name, version);
    FunctionDescription d;
    d.config = cfg.ok() ? *cfg : FunctionConfig{};
    d.config.name = name;
    auto facts = m_codeFacts.constFind(d.config.codeDir);
    if (facts == m_codeFacts.cend()) {
        QCryptographicHash hash(QCryptographicHash::Sha256);
        CodeFacts f;
        QStringList files;
        QDirIterator it(d.config.codeDir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (it.hasNext())
            files.append(it.next());
        files.sort();
        for (const QString &path : files) {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                continue;
            const QByteArray content = file.readAll();
            hash.addData(path.mid(d.config.codeDir.size()).toUtf8());
            hash.addData(content);
            f.size += content.size();
        }
        f.sha256 = QString::fromLatin1(hash.result().toBase64());
        facts = m_codeFacts.insert(d.config.codeDir, f);
    }
    d.codeSha256 = facts->sha256;
    d.codeSize = facts->size;
    if (!d.config.layers.isEmpty()) {
        const LayerStore layers(m_catalog->store().dataDir());
        for (const QString &arn : std::as_const(d.config.layers)) {
            Result<QPair<QString, int>> p = LayerStore::parseVersionArn(arn);
            Result<LayerVersionInfo> v = p.ok() ? layers.version(p->first, p->second, true) : Result<LayerVersionInfo>(p.error());
            d.layers.append({arn, v.ok() ? v->codeSize : 0});
        }
    }
    if (d.config.version == QLatin1String("$LATEST")) {
        const Result<QList<DeployInfo>> h = m_catalog->store().history(name, 1);
        if (h.ok() && !h->isEmpty()) {
            d.lastModified = lambdaTimestamp(h->first().time.toMSecsSinceEpoch());
            d.revisionId = h->first().commitId;
        }
    } else {
        const Result<QList<VersionInfo>> vs = m_catalog->store().versions(name);
        if (vs.ok()) {
            for (const VersionInfo &v : *vs) {
                if (QString::number(v.number) == d.config.version) {
                    d.lastModified = lambdaTimestamp(v.created.toMSecsSinceEpoch());
                    d.revisionId = v.commitId;
                }
            }
        }
    }
    return functionConfigurationJson(d);
}

Status ApiServer::changeDraftConfig(const QString &name, const std::function<Status(FunctionConfig &)> &edit,
                                    const QString &message)
{
    VersionStore &store = m_catalog->store();
    Result<FunctionConfig> cfg = store.draftConfig(name);
    if (!cfg.ok())
        return cfg.error();
    const FunctionConfig before = *cfg;
    if (Status s = edit(*cfg); !s.ok())
        return s;
    if (Status s = checkNewLayers(before.layers, cfg->layers); !s.ok())
        return s;
    if (Status s = store.setDraftConfig(name, *cfg); !s.ok())
        return s;
    const Result<QString> commit = store.deploy(name, message);
    if (!commit.ok() && commit.error().type != errc::NothingToDeploy) {
        (void)store.setDraftConfig(name, before); // a refused change leaves no trace in the draft
        return commit.error();
    }
    const Status s = m_catalog->refresh(name);
    Q_EMIT functionChanged(name);
    return s;
}

WireResponse ApiServer::listFunctions(const HttpRequest &request)
{
    QList<QJsonObject> all;
    const QStringList names = m_catalog->names();
    for (const QString &n : names)
        all.append(describe(n, QStringLiteral("$LATEST")));
    QString next;
    QJsonObject body{{QStringLiteral("Functions"), page(all, request, &next)}};
    if (!next.isEmpty())
        body.insert(QStringLiteral("NextMarker"), next);
    return jsonResponse(body);
}

WireResponse ApiServer::createFunction(const HttpRequest &request)
{
    const Result<QJsonObject> body = jsonBody(request);
    if (!body.ok())
        return errorResponse(body.error());
    const QString name = body->value(QStringLiteral("FunctionName")).toString();
    const Result<FunctionRef> ref = parseFunctionName(name);
    if (!ref.ok() || !ref->qualifier.isEmpty())
        return errorResponse(errc::InvalidParameterValue, QStringLiteral("Invalid FunctionName: %1").arg(name));
    if (m_catalog->exists(ref->name) || m_catalog->store().exists(ref->name))
        return errorResponse(errc::ResourceConflict, QStringLiteral("Function already exist: %1").arg(ref->name));
    if (!body->contains(QStringLiteral("Runtime")))
        return errorResponse(errc::InvalidParameterValue, QStringLiteral("Runtime is required for .zip deployment packages."));
    const QString zip = body->value(QStringLiteral("Code")).toObject().value(QStringLiteral("ZipFile")).toString();
    if (zip.isEmpty())
        return errorResponse(errc::InvalidParameterValue, QStringLiteral("Code.ZipFile is required (S3 code locations are not supported locally)."));
    Result<SourceFiles> files = filesFromZip(zip);
    if (!files.ok())
        return errorResponse(files.error());

    FunctionConfig config;
    config.name = ref->name;
    const QString manifestName = QLatin1String(manifest::kFileName);
    if (files->contains(manifestName)) {
        Result<FunctionConfig> fromZip = manifest::parse(files->value(manifestName).content, ref->name);
        if (!fromZip.ok())
            return errorResponse(fromZip.error());
        config = *fromZip;
    }
    if (Status s = applyConfigurationJson(*body, config); !s.ok())
        return errorResponse(s.error());
    if (!body->contains(QStringLiteral("Handler")) && !files->contains(manifestName))
        config.handler = manifest::defaultHandler(config.runtime);
    if (Status s = manifest::validate(config); !s.ok())
        return errorResponse(s.error());
    if (Status s = checkNewLayers({}, config.layers); !s.ok())
        return errorResponse(s.error());
    files->insert(manifestName, SourceFile(manifest::serialize(config)));

    const Result<QString> commit = m_catalog->store().create(ref->name, config.runtime, *files, QStringLiteral("CreateFunction"));
    if (!commit.ok())
        return fromError(commit.error());
    QString version = QStringLiteral("$LATEST");
    if (body->value(QStringLiteral("Publish")).toBool()) {
        const Result<VersionInfo> v = m_catalog->store().publish(ref->name, body->value(QStringLiteral("Description")).toString());
        if (!v.ok())
            return fromError(v.error());
        version = QString::number(v->number);
    }
    if (Status s = m_catalog->refresh(ref->name); !s.ok()) {
        Q_EMIT functionChanged(ref->name);
        return fromError(s.error());
    }
    Q_EMIT functionChanged(ref->name);
    return jsonResponse(describe(ref->name, version), 201);
}

WireResponse ApiServer::getFunction(const HttpRequest &request, const QString &nameParam, bool configurationOnly)
{
    const Result<FunctionRef> ref = parseFunctionName(nameParam, queryParam(request, "Qualifier"));
    if (!ref.ok())
        return errorResponse(ref.error());
    if (!m_catalog->exists(ref->name))
        return errorResponse(functionNotFound(ref->name));
    QString version = ref->qualifier.isEmpty() ? QStringLiteral("$LATEST") : ref->qualifier;
    if (!isVersionNumber(version) && version != QLatin1String("$LATEST")) {
        const QList<AliasConfig> aliases = m_catalog->aliases(ref->name);
        auto it = std::find_if(aliases.begin(), aliases.end(), [&](const AliasConfig &a) { return a.name == version; });
        if (it == aliases.end())
            return errorResponse(functionNotFound(ref->name, version));
        version = it->functionVersion;
    }
    if (!m_catalog->config(ref->name, version).ok())
        return errorResponse(functionNotFound(ref->name, version));
    const QJsonObject configuration = describe(ref->name, version);
    if (configurationOnly)
        return jsonResponse(configuration);
    QJsonObject body{
        {QStringLiteral("Configuration"), configuration},
        {QStringLiteral("Code"), QJsonObject{{QStringLiteral("RepositoryType"), QStringLiteral("S3")},
                                             {QStringLiteral("Location"), codeLocation(request, ref->name, version)}}},
        {QStringLiteral("Tags"), QJsonObject()},
    };
    const auto reserved = m_catalog->latest(ref->name).reservedConcurrency;
    if (reserved)
        body.insert(QStringLiteral("Concurrency"), QJsonObject{{QStringLiteral("ReservedConcurrentExecutions"), *reserved}});
    return jsonResponse(body);
}

WireResponse ApiServer::deleteFunction(const HttpRequest &request, const QString &nameParam)
{
    const Result<FunctionRef> ref = parseFunctionName(nameParam, queryParam(request, "Qualifier"));
    if (!ref.ok())
        return errorResponse(ref.error());
    if (!m_catalog->exists(ref->name))
        return errorResponse(functionNotFound(ref->name));
    if (!ref->qualifier.isEmpty())
        return deleteVersion(ref->name, ref->qualifier);
    const Status s = m_catalog->store().deleteFunction(ref->name);
    m_catalog->forget(ref->name);
    Q_EMIT functionChanged(ref->name);
    if (!s.ok())
        return fromError(s.error());
    WireResponse r;
    r.status = 204;
    return r;
}

// DeleteFunction with a Qualifier: that published version only. The answers are the ones
// the live service gives (its API reference documents none of them): $LATEST and alias
// names are refused with 400, a version an alias routes to with 409 naming the aliases, and
// deleting a version that does not exist is a no-op (204), not a 404.
WireResponse ApiServer::deleteVersion(const QString &name, const QString &qualifier)
{
    if (qualifier == QLatin1String("$LATEST")) {
        return errorResponse(errc::InvalidParameterValue,
                             QStringLiteral("$LATEST version cannot be deleted without deleting the function."));
    }
    if (!isVersionNumber(qualifier))
        return errorResponse(errc::InvalidParameterValue, QStringLiteral("Deletion of aliases is not currently supported."));
    const Status s = m_catalog->deleteVersion(name, qualifier.toInt());
    if (!s.ok() && s.error().type != errc::ResourceNotFound)
        return fromError(s.error());
    if (s.ok())
        Q_EMIT functionChanged(name);
    WireResponse r;
    r.status = 204;
    return r;
}

WireResponse ApiServer::updateConfiguration(const HttpRequest &request, const QString &nameParam)
{
    const Result<QString> name = existingFunction(nameParam);
    if (!name.ok())
        return errorResponse(name.error());
    const Result<QJsonObject> body = jsonBody(request);
    if (!body.ok())
        return errorResponse(body.error());
    const Status s = changeDraftConfig(
        *name, [&body](FunctionConfig &c) { return applyConfigurationJson(*body, c); },
        QStringLiteral("UpdateFunctionConfiguration"));
    if (!s.ok())
        return fromError(s.error());
    return jsonResponse(describe(*name, QStringLiteral("$LATEST")));
}

WireResponse ApiServer::updateCode(const HttpRequest &request, const QString &nameParam)
{
    const Result<QString> name = existingFunction(nameParam);
    if (!name.ok())
        return errorResponse(name.error());
    const Result<QJsonObject> body = jsonBody(request);
    if (!body.ok())
        return errorResponse(body.error());
    const QByteArray zip = QByteArray::fromBase64(body->value(QStringLiteral("ZipFile")).toString().toLatin1());
    if (zip.isEmpty())
        return errorResponse(errc::InvalidParameterValue, QStringLiteral("ZipFile is required (S3 code locations are not supported locally)."));
    if (Status s = checkZippedSize(zip.size(), QStringLiteral("UpdateFunctionCode")); !s.ok())
        return errorResponse(s.error());
    QTemporaryFile file;
    if (!file.open() || file.write(zip) != zip.size() || !file.flush())
        return errorResponse(errc::Service, QStringLiteral("cannot write the zip to a temporary file"));
    const Result<QString> commit = m_catalog->store().updateCodeFromZip(*name, file.fileName());
    if (!commit.ok() && commit.error().type != errc::NothingToDeploy)
        return fromError(commit.error());
    QString version = QStringLiteral("$LATEST");
    if (body->value(QStringLiteral("Publish")).toBool()) {
        const Result<VersionInfo> v = m_catalog->store().publish(*name);
        if (v.ok())
            version = QString::number(v->number);
        else if (v.error().type != errc::NothingToPublish)
            return fromError(v.error());
    }
    const Status s = m_catalog->refresh(*name);
    Q_EMIT functionChanged(*name);
    if (!s.ok())
        return fromError(s.error());
    return jsonResponse(describe(*name, version));
}

WireResponse ApiServer::publishVersion(const HttpRequest &request, const QString &nameParam)
{
    const Result<QString> name = existingFunction(nameParam);
    if (!name.ok())
        return errorResponse(name.error());
    const Result<QJsonObject> body = jsonBody(request);
    if (!body.ok())
        return errorResponse(body.error());
    QString version;
    const Result<VersionInfo> v = m_catalog->store().publish(*name, body->value(QStringLiteral("Description")).toString());
    if (v.ok()) {
        version = QString::number(v->number);
    } else if (v.error().type == errc::NothingToPublish) {
        // Lambda answers with the existing version when $LATEST has not changed.
        const QList<int> versions = m_catalog->versions(*name);
        if (versions.isEmpty())
            return fromError(v.error());
        version = QString::number(versions.last());
    } else {
        return fromError(v.error());
    }
    const Status s = m_catalog->refresh(*name);
    Q_EMIT functionChanged(*name);
    if (!s.ok())
        return fromError(s.error());
    return jsonResponse(describe(*name, version), v.ok() ? 201 : 200);
}

WireResponse ApiServer::listVersions(const HttpRequest &request, const QString &nameParam)
{
    const Result<QString> name = existingFunction(nameParam);
    if (!name.ok())
        return errorResponse(name.error());
    QList<QJsonObject> all{describe(*name, QStringLiteral("$LATEST"))};
    const QList<int> versions = m_catalog->versions(*name);
    for (int v : versions)
        all.append(describe(*name, QString::number(v)));
    QString next;
    QJsonObject body{{QStringLiteral("Versions"), page(all, request, &next)}};
    if (!next.isEmpty())
        body.insert(QStringLiteral("NextMarker"), next);
    return jsonResponse(body);
}

} // namespace funcdesk::api
