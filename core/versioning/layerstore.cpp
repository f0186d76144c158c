#include "layerstore.h"

#include "common/ids.h"
#include "versioning/build.h"
#include "versioning/importer.h"
#include "versioning/treefiles.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTemporaryFile>
#include <QUuid>

#include <algorithm>

namespace funcdesk {

namespace {

Error invalid(const QString &message) { return makeError(errc::InvalidParameterValue, message); }

QString arnPrefix()
{
    return QStringLiteral("arn:aws:lambda:%1:%2:layer:").arg(QLatin1String(kRegion), QLatin1String(kAccountId));
}

QStringList toStrings(const QJsonValue &v)
{
    QStringList out;
    const QJsonArray a = v.toArray();
    for (const QJsonValue &x : a)
        out << x.toString();
    return out;
}

bool writeJson(const QString &path, const QJsonObject &o)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    f.write(QJsonDocument(o).toJson(QJsonDocument::Indented));
    return f.commit();
}

QJsonObject toJson(const LayerVersionInfo &i)
{
    return {{QStringLiteral("name"), i.name},
            {QStringLiteral("version"), i.version},
            {QStringLiteral("description"), i.description},
            {QStringLiteral("compatibleRuntimes"), QJsonArray::fromStringList(i.compatibleRuntimes)},
            {QStringLiteral("compatibleArchitectures"), QJsonArray::fromStringList(i.compatibleArchitectures)},
            {QStringLiteral("licenseInfo"), i.licenseInfo},
            {QStringLiteral("created"), i.created.toString(Qt::ISODateWithMs)},
            {QStringLiteral("codeSha256"), i.codeSha256},
            {QStringLiteral("codeSize"), i.codeSize},
            {QStringLiteral("unzippedBytes"), i.unzippedBytes},
            {QStringLiteral("deleted"), i.deleted}};
}

} // namespace

bool isValidLayerName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-zA-Z0-9_-]{1,140}$"));
    return re.match(name).hasMatch();
}

QString LayerVersionInfo::layerArn() const { return arnPrefix() + name; }
QString LayerVersionInfo::versionArn() const { return layerArn() + QLatin1Char(':') + QString::number(version); }

LayerStore::LayerStore(DataDir dataDir) : m_dataDir(std::move(dataDir)) {}

Result<LayerVersionInfo> LayerStore::publish(const LayerPublish &request)
{
    if (!isValidLayerName(request.name))
        return invalid(QStringLiteral("1 validation error detected: Value '%1' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+").arg(request.name));
    if (request.zip.isEmpty())
        return invalid(QStringLiteral("Content.ZipFile is required (S3 content locations are not supported locally)."));
    if (request.zip.size() > build::kMaxZippedUploadBytes)
        return makeError(errc::RequestEntityTooLarge, QStringLiteral("Request must be smaller than 70167211 bytes for the PublishLayerVersion operation"));
    const QString layerDir = m_dataDir.layers() + QLatin1Char('/') + request.name;
    if (!QDir().mkpath(layerDir))
        return makeError(errc::IOError, QStringLiteral("cannot create %1").arg(layerDir));

    QTemporaryFile zipFile(layerDir + QStringLiteral("/.upload-XXXXXX.zip"));
    if (!zipFile.open() || zipFile.write(request.zip) != request.zip.size() || !zipFile.flush())
        return makeError(errc::IOError, QStringLiteral("cannot write the layer's zip"));
    Result<SourceFiles> files = importer::readZip(zipFile.fileName());
    if (!files.ok()) {
        if (files.error().message.contains(QLatin1String("unzipped")))
            return invalid(QStringLiteral("Unzipped size must be smaller than %1 bytes").arg(build::kMaxUnzippedBytes));
        return invalid(QStringLiteral("Could not unzip uploaded file. Please check your file, then try to upload again. ") + files.error().message);
    }
    qint64 unzipped = 0;
    for (const SourceFile &f : std::as_const(*files))
        unzipped += f.content.size();
    if (unzipped > build::kMaxUnzippedBytes)
        return invalid(QStringLiteral("Unzipped size must be smaller than %1 bytes").arg(build::kMaxUnzippedBytes));

    // The next number: one past the highest ever handed out (a counter file, since deleted
    // versions' folders may be gone one day).
    int next = 1;
    {
        QFile counter(layerDir + QStringLiteral("/next"));
        if (counter.open(QIODevice::ReadOnly))
            next = std::max(1, counter.readAll().trimmed().toInt());
        const QStringList existing = QDir(layerDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        for (const QString &e : existing)
            next = std::max(next, e.toInt() + 1);
    }
    LayerVersionInfo info;
    info.name = request.name;
    info.version = next;
    info.description = request.description;
    info.compatibleRuntimes = request.compatibleRuntimes;
    info.compatibleArchitectures = request.compatibleArchitectures;
    info.licenseInfo = request.licenseInfo;
    info.created = QDateTime::currentDateTimeUtc();
    info.codeSha256 = QString::fromLatin1(QCryptographicHash::hash(request.zip, QCryptographicHash::Sha256).toBase64());
    info.codeSize = request.zip.size();
    info.unzippedBytes = unzipped;

    const QString target = layerDir + QLatin1Char('/') + QString::number(next);
    const QString staging = layerDir + QStringLiteral("/.partial-") + QUuid::createUuid().toString(QUuid::Id128).left(8);
    Status s = treefiles::writeFiles(staging + QStringLiteral("/content"), *files);
    if (s.ok() && !QFile::copy(zipFile.fileName(), staging + QStringLiteral("/layer.zip")))
        s = makeError(errc::IOError, QStringLiteral("cannot keep the layer's zip"));
    if (s.ok() && !writeJson(staging + QStringLiteral("/layer.json"), toJson(info)))
        s = makeError(errc::IOError, QStringLiteral("cannot write the layer's metadata"));
    if (s.ok()) {
        // Read-only like function exports: what runs cannot change it.
        const QString content = staging + QStringLiteral("/content");
        QDirIterator it(content, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString p = it.next();
            const QFileInfo fi = it.fileInfo();
            if (fi.isSymLink() || fi.isDir())
                continue;
            QFile::Permissions perm = QFile::ReadOwner | QFile::ReadUser | QFile::ReadGroup | QFile::ReadOther;
            if (fi.permission(QFile::ExeOwner))
                perm |= QFile::ExeOwner | QFile::ExeUser | QFile::ExeGroup | QFile::ExeOther;
            QFile::setPermissions(p, perm);
        }
    }
    if (s.ok()) {
        QSaveFile counter(layerDir + QStringLiteral("/next"));
        if (!counter.open(QIODevice::WriteOnly) || counter.write(QByteArray::number(next + 1)) < 0 || !counter.commit())
            s = makeError(errc::IOError, QStringLiteral("cannot write the layer's version counter"));
    }
    if (s.ok() && !QDir().rename(staging, target))
        s = makeError(errc::IOError, QStringLiteral("cannot move the layer into %1").arg(target));
    if (!s.ok()) {
        (void)treefiles::removeTree(staging);
        return s.error();
    }
    info.contentDir = target + QStringLiteral("/content");
    info.zipPath = target + QStringLiteral("/layer.zip");
    return info;
}

LayerVersionInfo LayerStore::read(const QString &name, int version) const
{
    const QString dir = m_dataDir.layers() + QLatin1Char('/') + name + QLatin1Char('/') + QString::number(version);
    QFile f(dir + QStringLiteral("/layer.json"));
    LayerVersionInfo i;
    if (!f.open(QIODevice::ReadOnly))
        return i;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    i.name = name;
    i.version = version;
    i.description = o.value(QStringLiteral("description")).toString();
    i.compatibleRuntimes = toStrings(o.value(QStringLiteral("compatibleRuntimes")));
    i.compatibleArchitectures = toStrings(o.value(QStringLiteral("compatibleArchitectures")));
    i.licenseInfo = o.value(QStringLiteral("licenseInfo")).toString();
    i.created = QDateTime::fromString(o.value(QStringLiteral("created")).toString(), Qt::ISODateWithMs);
    i.codeSha256 = o.value(QStringLiteral("codeSha256")).toString();
    i.codeSize = o.value(QStringLiteral("codeSize")).toInteger();
    i.unzippedBytes = o.value(QStringLiteral("unzippedBytes")).toInteger();
    i.deleted = o.value(QStringLiteral("deleted")).toBool();
    i.contentDir = dir + QStringLiteral("/content");
    i.zipPath = dir + QStringLiteral("/layer.zip");
    return i;
}

QStringList LayerStore::names() const
{
    QStringList out;
    const QStringList dirs = QDir(m_dataDir.layers()).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &d : dirs) {
        if (isValidLayerName(d) && !versions(d).isEmpty())
            out << d;
    }
    return out;
}

QList<LayerVersionInfo> LayerStore::versions(const QString &name) const
{
    QList<LayerVersionInfo> out;
    if (!isValidLayerName(name))
        return out;
    const QStringList dirs = QDir(m_dataDir.layers() + QLatin1Char('/') + name).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &d : dirs) {
        bool ok = false;
        const int n = d.toInt(&ok);
        if (!ok || n <= 0)
            continue;
        LayerVersionInfo i = read(name, n);
        if (i.version > 0 && !i.deleted)
            out << i;
    }
    std::sort(out.begin(), out.end(), [](const LayerVersionInfo &a, const LayerVersionInfo &b) { return a.version > b.version; });
    return out;
}

Result<LayerVersionInfo> LayerStore::version(const QString &name, int version, bool includeDeleted) const
{
    if (isValidLayerName(name) && version > 0) {
        LayerVersionInfo i = read(name, version);
        if (i.version > 0 && (includeDeleted || !i.deleted))
            return i;
    }
    return makeError(errc::ResourceNotFound, QStringLiteral("The resource you requested does not exist."));
}

Status LayerStore::remove(const QString &name, int version)
{
    Result<LayerVersionInfo> i = this->version(name, version);
    if (!i.ok())
        return {}; // Lambda: deleting what is not there succeeds
    i->deleted = true;
    const QString dir = m_dataDir.layers() + QLatin1Char('/') + name + QLatin1Char('/') + QString::number(version);
    if (!writeJson(dir + QStringLiteral("/layer.json"), toJson(*i)))
        return makeError(errc::IOError, QStringLiteral("cannot update %1").arg(dir));
    return {};
}

Result<QPair<QString, int>> LayerStore::parseVersionArn(const QString &arn)
{
    static const QRegularExpression re(QStringLiteral("^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\\d{12}:layer:([a-zA-Z0-9_-]+):([0-9]+)$"));
    const QRegularExpressionMatch m = re.match(arn);
    if (!m.hasMatch())
        return invalid(QStringLiteral("1 validation error detected: Value '%1' at 'layers' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+").arg(arn));
    return qMakePair(m.captured(1), m.captured(2).toInt());
}

Result<QList<LayerVersionInfo>> LayerStore::resolve(const QStringList &arns, bool includeDeleted) const
{
    if (arns.size() > 5)
        return invalid(QStringLiteral("Cannot reference more than 5 layers."));
    QList<LayerVersionInfo> out;
    for (const QString &arn : arns) {
        Result<QPair<QString, int>> p = parseVersionArn(arn);
        if (!p.ok())
            return p.error();
        Result<LayerVersionInfo> v = version(p->first, p->second, includeDeleted);
        if (!v.ok())
            return invalid(QStringLiteral("Layer version %1 does not exist.").arg(arn));
        out << *v;
    }
    return out;
}

Result<QString> LayerStore::mergedDir(const QList<LayerVersionInfo> &layers) const
{
    if (layers.isEmpty())
        return QString();
    QCryptographicHash h(QCryptographicHash::Sha256);
    for (const LayerVersionInfo &l : layers)
        h.addData((l.name + QLatin1Char(':') + QString::number(l.version) + QLatin1Char(':') + l.codeSha256 + QLatin1Char('\n')).toUtf8());
    const QString root = m_dataDir.layers() + QStringLiteral("/.merged");
    const QString target = root + QLatin1Char('/') + QString::fromLatin1(h.result().toHex().left(24));
    if (QFileInfo(target).isDir())
        return target;
    const QString staging = target + QStringLiteral(".partial-") + QUuid::createUuid().toString(QUuid::Id128).left(8);
    if (!QDir().mkpath(staging))
        return makeError(errc::IOError, QStringLiteral("cannot create %1").arg(staging));
    // linkTree keeps what is already there, so the last layer goes in first: its files win,
    // as when Lambda extracts the layers in order over each other.
    for (auto it = layers.crbegin(); it != layers.crend(); ++it) {
        if (Status s = build::linkTree(it->contentDir, staging); !s.ok()) {
            (void)treefiles::removeTree(staging);
            return s.error();
        }
    }
    if (!QDir().rename(staging, target)) {
        (void)treefiles::removeTree(staging);
        if (!QFileInfo(target).isDir())
            return makeError(errc::IOError, QStringLiteral("cannot move the merged layers into %1").arg(target));
    }
    return target;
}

} // namespace funcdesk
