// ApiServer: Lambda's layer API (2018-10-31/layers/...): PublishLayerVersion (Content.ZipFile),
// ListLayers, ListLayerVersions, GetLayerVersion, GetLayerVersionByArn, DeleteLayerVersion,
// and the zip behind Content.Location. Storage is versioning/layerstore.h.
#include "apiserver.h"

#include "api/apiserver_p.h"
#include "api/functioncatalog.h"
#include "api/lambdawire.h"
#include "versioning/layerstore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace funcdesk::api {

using namespace detail;

namespace {

// LayerName may be a name or a layer ARN.
QString layerNameOf(const QString &param)
{
    const qsizetype at = param.indexOf(QLatin1String(":layer:"));
    return at >= 0 ? param.mid(at + 7) : param;
}

QJsonObject versionSummary(const LayerVersionInfo &v)
{
    QJsonObject o{{QStringLiteral("LayerVersionArn"), v.versionArn()},
                  {QStringLiteral("Version"), v.version},
                  {QStringLiteral("Description"), v.description},
                  {QStringLiteral("CreatedDate"), lambdaTimestamp(v.created.toMSecsSinceEpoch())},
                  {QStringLiteral("CompatibleRuntimes"), QJsonArray::fromStringList(v.compatibleRuntimes)},
                  {QStringLiteral("CompatibleArchitectures"), QJsonArray::fromStringList(v.compatibleArchitectures)}};
    if (!v.licenseInfo.isEmpty())
        o.insert(QStringLiteral("LicenseInfo"), v.licenseInfo);
    return o;
}

QStringList stringList(const QJsonValue &v)
{
    QStringList out;
    const QJsonArray a = v.toArray();
    for (const QJsonValue &x : a)
        out << x.toString();
    return out;
}

bool matchesRuntime(const LayerVersionInfo &v, const QString &runtime, const QString &architecture)
{
    return (runtime.isEmpty() || v.compatibleRuntimes.contains(runtime))
        && (architecture.isEmpty() || v.compatibleArchitectures.contains(architecture));
}

} // namespace

QJsonObject ApiServer::layerVersionJson(const LayerVersionInfo &v) const
{
    QJsonObject o = versionSummary(v);
    o.insert(QStringLiteral("LayerArn"), v.layerArn());
    o.insert(QStringLiteral("Content"),
             QJsonObject{{QStringLiteral("Location"), QString(baseUrl() + QStringLiteral("/2018-10-31/layers/%1/versions/%2/content").arg(v.name).arg(v.version))},
                         {QStringLiteral("CodeSha256"), v.codeSha256},
                         {QStringLiteral("CodeSize"), double(v.codeSize)}});
    return o;
}

WireResponse ApiServer::publishLayerVersion(const HttpRequest &request, const QString &nameParam)
{
    const Result<QJsonObject> body = jsonBody(request);
    if (!body.ok())
        return errorResponse(body.error());
    LayerPublish p;
    p.name = layerNameOf(nameParam);
    const QJsonObject content = body->value(QStringLiteral("Content")).toObject();
    p.zip = QByteArray::fromBase64(content.value(QStringLiteral("ZipFile")).toString().toLatin1());
    p.description = body->value(QStringLiteral("Description")).toString();
    p.compatibleRuntimes = stringList(body->value(QStringLiteral("CompatibleRuntimes")));
    p.compatibleArchitectures = stringList(body->value(QStringLiteral("CompatibleArchitectures")));
    p.licenseInfo = body->value(QStringLiteral("LicenseInfo")).toString();
    if (p.compatibleRuntimes.size() > 15)
        return errorResponse(errc::InvalidParameterValue, QStringLiteral("1 validation error detected: Value at 'compatibleRuntimes' failed to satisfy constraint: Member must have length less than or equal to 15"));
    Result<LayerVersionInfo> v = LayerStore(m_catalog->store().dataDir()).publish(p);
    if (!v.ok())
        return fromError(v.error());
    Q_EMIT layersChanged();
    return jsonResponse(layerVersionJson(*v), 201);
}

WireResponse ApiServer::listLayers(const HttpRequest &request)
{
    if (queryParam(request, "find") == QLatin1String("LayerVersion"))
        return getLayerVersionByArn(queryParam(request, "Arn"));
    const QString runtime = queryParam(request, "CompatibleRuntime");
    const QString architecture = queryParam(request, "CompatibleArchitecture");
    const LayerStore layers(m_catalog->store().dataDir());
    QList<QJsonObject> all;
    const QStringList names = layers.names();
    for (const QString &n : names) {
        const QList<LayerVersionInfo> versions = layers.versions(n);
        for (const LayerVersionInfo &v : versions) {
            if (!matchesRuntime(v, runtime, architecture))
                continue;
            all.append(QJsonObject{{QStringLiteral("LayerName"), n},
                                   {QStringLiteral("LayerArn"), v.layerArn()},
                                   {QStringLiteral("LatestMatchingVersion"), versionSummary(v)}});
            break; // newest first: the latest that matches
        }
    }
    QString next;
    QJsonObject body{{QStringLiteral("Layers"), page(all, request, &next)}};
    if (!next.isEmpty())
        body.insert(QStringLiteral("NextMarker"), next);
    return jsonResponse(body);
}

WireResponse ApiServer::listLayerVersions(const HttpRequest &request, const QString &nameParam)
{
    const QString runtime = queryParam(request, "CompatibleRuntime");
    const QString architecture = queryParam(request, "CompatibleArchitecture");
    QList<QJsonObject> all;
    const QList<LayerVersionInfo> versions = LayerStore(m_catalog->store().dataDir()).versions(layerNameOf(nameParam));
    for (const LayerVersionInfo &v : versions) {
        if (matchesRuntime(v, runtime, architecture))
            all.append(versionSummary(v));
    }
    QString next;
    QJsonObject body{{QStringLiteral("LayerVersions"), page(all, request, &next)}};
    if (!next.isEmpty())
        body.insert(QStringLiteral("NextMarker"), next);
    return jsonResponse(body);
}

WireResponse ApiServer::layerVersionOperation(const HttpRequest &request, const QString &nameParam, const QString &number)
{
    bool ok = false;
    const int n = number.toInt(&ok);
    const QString name = layerNameOf(nameParam);
    LayerStore layers(m_catalog->store().dataDir());
    if (request.method == "DELETE") {
        if (Status s = layers.remove(name, ok ? n : -1); !s.ok())
            return fromError(s.error());
        Q_EMIT layersChanged();
        WireResponse r;
        r.status = 204;
        return r;
    }
    if (request.method != "GET")
        return errorResponse(errc::UnknownOperation, QStringLiteral("Unknown operation"), 404);
    Result<LayerVersionInfo> v = layers.version(name, ok ? n : -1);
    if (!v.ok())
        return errorResponse(v.error());
    return jsonResponse(layerVersionJson(*v));
}

WireResponse ApiServer::layerVersionContent(const QString &nameParam, const QString &number)
{
    Result<LayerVersionInfo> v = LayerStore(m_catalog->store().dataDir()).version(layerNameOf(nameParam), number.toInt());
    if (!v.ok())
        return errorResponse(v.error());
    QFile f(v->zipPath);
    if (!f.open(QIODevice::ReadOnly))
        return errorResponse(errc::Service, QStringLiteral("cannot read %1").arg(v->zipPath));
    WireResponse r;
    r.status = 200;
    r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/zip"));
    r.body = f.readAll();
    return r;
}

WireResponse ApiServer::getLayerVersionByArn(const QString &arn)
{
    Result<QPair<QString, int>> p = LayerStore::parseVersionArn(arn);
    if (!p.ok())
        return errorResponse(p.error());
    Result<LayerVersionInfo> v = LayerStore(m_catalog->store().dataDir()).version(p->first, p->second);
    if (!v.ok())
        return errorResponse(v.error());
    return jsonResponse(layerVersionJson(*v));
}

Status ApiServer::checkNewLayers(const QStringList &before, const QStringList &after) const
{
    if (after.size() > 5)
        return makeError(errc::InvalidParameterValue, QStringLiteral("Cannot reference more than 5 layers."));
    QStringList added;
    for (const QString &arn : after) {
        if (!before.contains(arn))
            added << arn;
    }
    // A version deleted since the function took it stays usable; a new reference must exist.
    Result<QList<LayerVersionInfo>> r = LayerStore(m_catalog->store().dataDir()).resolve(added, false);
    if (!r.ok())
        return r.error();
    return {};
}

} // namespace funcdesk::api
