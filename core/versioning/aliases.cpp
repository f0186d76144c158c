#include "aliases.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>

namespace funcdesk::aliases {
namespace {

bool isVersionNumber(const QString &v)
{
    bool ok = false;
    return v.toInt(&ok) > 0 && ok;
}
} // namespace

Status validateName(const QString &alias)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_-]{1,128}$"));
    static const QRegularExpression digits(QStringLiteral("^[0-9]+$"));
    if (!re.match(alias).hasMatch() || digits.match(alias).hasMatch())
        return makeError(errc::InvalidParameterValue, QStringLiteral("alias name \"%1\": must be 1-128 letters, digits, '-' or '_', not only digits").arg(alias));
    return {};
}

Status validate(const AliasConfig &a)
{
    if (Status s = validateName(a.name); !s.ok())
        return s;
    if (a.functionVersion != QLatin1String("$LATEST") && !isVersionNumber(a.functionVersion))
        return makeError(errc::InvalidParameterValue, QStringLiteral("functionVersion: must be a version number or $LATEST, got \"%1\"").arg(a.functionVersion));
    if (!(a.additionalWeight >= 0.0 && a.additionalWeight <= 1.0))
        return makeError(errc::InvalidParameterValue, QStringLiteral("additionalWeight: must be between 0 and 1, got %1").arg(a.additionalWeight));
    if (a.additionalVersion.isEmpty())
        return {};
    if (!isVersionNumber(a.additionalVersion))
        return makeError(errc::InvalidParameterValue, QStringLiteral("additionalVersion: must be a version number, got \"%1\"").arg(a.additionalVersion));
    if (a.functionVersion == QLatin1String("$LATEST"))
        return makeError(errc::InvalidParameterValue, QStringLiteral("additionalVersion: weighted routing needs a published functionVersion, not $LATEST"));
    if (a.additionalVersion == a.functionVersion)
        return makeError(errc::InvalidParameterValue, QStringLiteral("additionalVersion: must differ from functionVersion (%1)").arg(a.functionVersion));
    return {};
}

Result<QList<AliasConfig>> load(const QString &file)
{
    QList<AliasConfig> out;
    QFile f(file);
    if (!f.exists())
        return out;
    if (!f.open(QIODevice::ReadOnly))
        return makeError(errc::IOError, QStringLiteral("cannot read %1: %2").arg(file, f.errorString()));
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(errc::IOError, QStringLiteral("%1 is corrupt: %2").arg(file, pe.errorString()));
    const QJsonArray arr = doc.object().value(QLatin1String("aliases")).toArray();
    for (const QJsonValue &v : arr) {
        const QJsonObject o = v.toObject();
        AliasConfig a;
        a.name = o.value(QLatin1String("name")).toString();
        a.functionVersion = o.value(QLatin1String("functionVersion")).toString();
        a.description = o.value(QLatin1String("description")).toString();
        a.additionalVersion = o.value(QLatin1String("additionalVersion")).toString();
        a.additionalWeight = o.value(QLatin1String("additionalWeight")).toDouble();
        a.revisionId = o.value(QLatin1String("revisionId")).toString();
        out << a;
    }
    return out;
}

Status save(const QString &file, const QList<AliasConfig> &list)
{
    QJsonArray arr;
    for (const AliasConfig &a : list) {
        QJsonObject o;
        o.insert(QStringLiteral("name"), a.name);
        o.insert(QStringLiteral("functionVersion"), a.functionVersion);
        o.insert(QStringLiteral("description"), a.description);
        o.insert(QStringLiteral("additionalVersion"), a.additionalVersion);
        o.insert(QStringLiteral("additionalWeight"), a.additionalWeight);
        o.insert(QStringLiteral("revisionId"), a.revisionId);
        arr.append(o);
    }
    QJsonObject root;
    root.insert(QStringLiteral("aliases"), arr);
    QSaveFile f(file);
    if (!f.open(QIODevice::WriteOnly))
        return makeError(errc::IOError, QStringLiteral("cannot write %1: %2").arg(file, f.errorString()));
    f.write(QJsonDocument(root).toJson(QJsonDocument::Indented));
    if (!f.commit())
        return makeError(errc::IOError, QStringLiteral("cannot write %1: %2").arg(file, f.errorString()));
    return {};
}

QString pick(const AliasConfig &alias, double random01)
{
    if (!alias.additionalVersion.isEmpty() && random01 < alias.additionalWeight)
        return alias.additionalVersion;
    return alias.functionVersion;
}

} // namespace funcdesk::aliases
