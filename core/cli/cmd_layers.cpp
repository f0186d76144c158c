// funcdesk layers list [NAME] | publish NAME (--zip FILE | --dir DIR) | delete NAME VERSION
//
// Lambda's layers: through the running engine's API when one holds the data dir (the same
// calls an SDK makes), else directly on the data dir (versioning/layerstore.h).

#include "cli/apiclient.h"
#include "cli/cli.h"
#include "versioning/codezip.h"
#include "cli/commandline.h"
#include "cli/commands.h"
#include "cli/dataaccess.h"
#include "versioning/layerstore.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QUrl>

namespace funcdesk::cli {

namespace {

QString sizeText(qint64 bytes)
{
    return bytes >= 1024 * 1024 ? QStringLiteral("%1 MB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1)
                                : QStringLiteral("%1 KB").arg((bytes + 1023) / 1024);
}

QJsonObject versionJson(const LayerVersionInfo &v)
{
    return {{QStringLiteral("LayerName"), v.name},
            {QStringLiteral("Version"), v.version},
            {QStringLiteral("LayerVersionArn"), v.versionArn()},
            {QStringLiteral("Description"), v.description},
            {QStringLiteral("CreatedDate"), v.created.toString(Qt::ISODateWithMs)},
            {QStringLiteral("CompatibleRuntimes"), QJsonArray::fromStringList(v.compatibleRuntimes)},
            {QStringLiteral("CodeSize"), double(v.codeSize)}};
}

QString layerPath(const QString &name) { return QStringLiteral("/2018-10-31/layers/") + QString::fromUtf8(QUrl::toPercentEncoding(name)); }

// Lambda's ListLayerVersions answers, made into LayerVersionInfo (no local paths).
Result<QList<LayerVersionInfo>> versionsViaApi(const ApiClient &client, const QString &name)
{
    auto reply = client.call("GET", layerPath(name) + QStringLiteral("/versions"));
    if (!reply)
        return reply.error();
    QList<LayerVersionInfo> out;
    const QJsonArray versions = QJsonDocument::fromJson(reply->body).object().value(QStringLiteral("LayerVersions")).toArray();
    for (const QJsonValue &v : versions) {
        const QJsonObject o = v.toObject();
        LayerVersionInfo i;
        i.name = name;
        i.version = o.value(QStringLiteral("Version")).toInt();
        i.description = o.value(QStringLiteral("Description")).toString();
        i.created = QDateTime::fromString(o.value(QStringLiteral("CreatedDate")).toString().left(23), QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz"));
        i.created.setTimeSpec(Qt::UTC);
        for (const QJsonValue &r : o.value(QStringLiteral("CompatibleRuntimes")).toArray())
            i.compatibleRuntimes << r.toString();
        auto full = client.call("GET", layerPath(name) + QStringLiteral("/versions/%1").arg(i.version));
        if (full)
            i.codeSize = qint64(QJsonDocument::fromJson(full->body).object().value(QStringLiteral("Content")).toObject().value(QStringLiteral("CodeSize")).toDouble());
        out << i;
    }
    return out;
}

Result<QStringList> namesViaApi(const ApiClient &client)
{
    auto reply = client.call("GET", QStringLiteral("/2018-10-31/layers"));
    if (!reply)
        return reply.error();
    QStringList names;
    for (const QJsonValue &l : QJsonDocument::fromJson(reply->body).object().value(QStringLiteral("Layers")).toArray())
        names << l.toObject().value(QStringLiteral("LayerName")).toString();
    return names;
}

} // namespace

int runLayers(const QStringList &args)
{
    CommandLine cl(QStringLiteral("layers"),
                   QStringLiteral("Lambda layers: list [NAME], publish NAME (--zip FILE | --dir DIR), delete NAME VERSION.\n"
                                  "A layer's python/, nodejs/node_modules/, bin/ and lib/ are what functions see at /opt."));
    cl.addPositional(QStringLiteral("action"), QStringLiteral("list, publish or delete."), QStringLiteral("ACTION"));
    cl.addPositional(QStringLiteral("name"), QStringLiteral("Layer name."), QStringLiteral("[NAME]"));
    cl.addPositional(QStringLiteral("version"), QStringLiteral("Layer version (delete)."), QStringLiteral("[VERSION]"));
    cl.addOption(QCommandLineOption(QStringLiteral("zip"), QStringLiteral("publish: the layer's zip."), QStringLiteral("FILE")));
    cl.addOption(QCommandLineOption(QStringLiteral("dir"), QStringLiteral("publish: a folder to zip as the layer."), QStringLiteral("DIR")));
    cl.addOption(QCommandLineOption(QStringLiteral("description"), QStringLiteral("publish: a description."), QStringLiteral("TEXT")));
    cl.addOption(QCommandLineOption(QStringLiteral("runtime"), QStringLiteral("publish: a compatible runtime (repeatable)."), QStringLiteral("ID")));
    if (auto exit = cl.parse(args, 1, 3))
        return *exit;
    const QString action = cl.positional().at(0);
    const QString name = cl.positional().value(1);
    auto access = openDataAccess(cl);
    if (!access)
        return reportError(access.error());
    const ApiClient client(cl.endpoint(), cl.token());
    LayerStore store(access->dir);

    if (action == QLatin1String("list")) {
        QStringList names;
        if (!name.isEmpty()) {
            names << name;
        } else if (access->viaApi) {
            auto n = namesViaApi(client);
            if (!n)
                return reportError(n.error());
            names = *n;
        } else {
            names = store.names();
        }
        QList<QStringList> rows;
        QJsonArray all;
        for (const QString &n : std::as_const(names)) {
            QList<LayerVersionInfo> versions;
            if (access->viaApi) {
                auto v = versionsViaApi(client, n);
                if (!v)
                    return reportError(v.error());
                versions = *v;
            } else {
                versions = store.versions(n);
            }
            for (const LayerVersionInfo &v : std::as_const(versions)) {
                all.append(versionJson(v));
                rows.append({v.name, QString::number(v.version), sizeText(v.codeSize), v.compatibleRuntimes.join(QLatin1Char(',')),
                             v.created.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")), v.description});
            }
        }
        if (cl.json())
            printJson(all);
        else if (rows.isEmpty())
            printOut(QStringLiteral("No layers."));
        else
            printTable({QStringLiteral("NAME"), QStringLiteral("VERSION"), QStringLiteral("ZIP"), QStringLiteral("RUNTIMES"),
                        QStringLiteral("CREATED"), QStringLiteral("DESCRIPTION")},
                       rows);
        return ExitOk;
    }

    if (action == QLatin1String("publish")) {
        if (name.isEmpty())
            return cl.usageError(QStringLiteral("publish needs a layer NAME"));
        if (cl.isSet(QStringLiteral("zip")) == cl.isSet(QStringLiteral("dir")))
            return cl.usageError(QStringLiteral("publish needs one of --zip FILE or --dir DIR"));
        QTemporaryDir tmp;
        QString zipPath = cl.value(QStringLiteral("zip"));
        if (cl.isSet(QStringLiteral("dir"))) {
            zipPath = tmp.filePath(QStringLiteral("layer.zip"));
            if (auto z = codezip::writeCodeZip(QFileInfo(cl.value(QStringLiteral("dir"))).absoluteFilePath(), zipPath); !z)
                return reportError(z.error());
        }
        QFile zip(zipPath);
        if (!zip.open(QIODevice::ReadOnly))
            return reportError(makeError(errc::IOError, QStringLiteral("cannot read %1: %2").arg(zipPath, zip.errorString())));
        LayerPublish p{name, zip.readAll(), cl.value(QStringLiteral("description")), cl.parser().values(QStringLiteral("runtime")), {}, {}};
        QString arn;
        qint64 size = 0;
        if (access->viaApi) {
            const QJsonObject body{{QStringLiteral("Content"), QJsonObject{{QStringLiteral("ZipFile"), QString::fromLatin1(p.zip.toBase64())}}},
                                   {QStringLiteral("Description"), p.description},
                                   {QStringLiteral("CompatibleRuntimes"), QJsonArray::fromStringList(p.compatibleRuntimes)}};
            auto reply = client.call("POST", layerPath(name) + QStringLiteral("/versions"), {}, QJsonDocument(body).toJson(QJsonDocument::Compact));
            if (!reply)
                return reportError(reply.error());
            const QJsonObject o = QJsonDocument::fromJson(reply->body).object();
            arn = o.value(QStringLiteral("LayerVersionArn")).toString();
            size = qint64(o.value(QStringLiteral("Content")).toObject().value(QStringLiteral("CodeSize")).toDouble());
        } else {
            auto v = store.publish(p);
            if (!v)
                return reportError(v.error());
            arn = v->versionArn();
            size = v->codeSize;
        }
        if (cl.json())
            printJson(QJsonObject{{QStringLiteral("LayerVersionArn"), arn}, {QStringLiteral("CodeSize"), double(size)}});
        else
            printOut(QStringLiteral("Published %1 (%2)").arg(arn, sizeText(size)));
        return ExitOk;
    }

    if (action == QLatin1String("delete")) {
        bool ok = false;
        const int version = cl.positional().value(2).toInt(&ok);
        if (name.isEmpty() || !ok || version <= 0)
            return cl.usageError(QStringLiteral("delete needs a layer NAME and a VERSION number"));
        if (access->viaApi) {
            auto reply = client.call("DELETE", layerPath(name) + QStringLiteral("/versions/%1").arg(version));
            if (!reply)
                return reportError(reply.error());
        } else if (Status s = store.remove(name, version); !s) {
            return reportError(s.error());
        }
        if (!cl.json())
            printOut(QStringLiteral("Deleted %1 version %2 (functions that use it keep it).").arg(name).arg(version));
        return ExitOk;
    }
    return cl.usageError(QStringLiteral("unknown action \"%1\" (list, publish, delete)").arg(action));
}

} // namespace funcdesk::cli
