#include "lambdawire.h"

#include "common/ids.h"
#include "common/runtimes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimeZone>

namespace funcdesk::api {

namespace {

struct ErrorStatus
{
    QLatin1String type;
    int status;
};

constexpr ErrorStatus kStatuses[] = {
    {errc::InvalidParameterValue, 400},
    {errc::InvalidRequestContent, 400},
    {errc::ResourceNotFound, 404},
    {errc::UnknownOperation, 404},
    {errc::Unrecognized, 403},
    {errc::AccessDenied, 403},
    {errc::ResourceConflict, 409},
    {errc::RequestTooLarge, 413},
    {errc::RequestEntityTooLarge, 413},
    {errc::BuildFailed, 400},
    {errc::UnsupportedMediaType, 415},
    {errc::TooManyRequests, 429},
    {errc::Service, 500},
    {errc::InvalidRuntime, 502},
    {QLatin1String("ResourceNotReadyException"), 502},
    {QLatin1String("EC2UnexpectedException"), 502},
};

Error invalid(const QString &message)
{
    return makeError(errc::InvalidParameterValue, message);
}

} // namespace

int statusForErrorType(const QString &type)
{
    for (const ErrorStatus &e : kStatuses) {
        if (type == e.type)
            return e.status;
    }
    return 500;
}

QString errorSide(int status)
{
    return status >= 500 ? QStringLiteral("Service") : QStringLiteral("User");
}

void WireResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            h.second = value;
            return;
        }
    }
    headers.append({name, value});
}

QByteArray WireResponse::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

WireResponse errorResponse(const QString &type, const QString &message, int status)
{
    WireResponse r;
    r.status = status > 0 ? status : statusForErrorType(type);
    r.setHeader(QByteArrayLiteral("x-amzn-ErrorType"), type.toLatin1());
    r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    QJsonObject body{{QStringLiteral("Type"), errorSide(r.status)}, {QStringLiteral("Message"), message}};
    r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return r;
}

WireResponse errorResponse(const Error &error, int status)
{
    const QString type = error.type.isEmpty() ? errc::Service : error.type;
    return errorResponse(type, error.message, status);
}

WireResponse throttleResponse(const QString &reason)
{
    WireResponse r = errorResponse(errc::TooManyRequests, QStringLiteral("Rate Exceeded."));
    QJsonObject body{{QStringLiteral("Type"), QStringLiteral("User")},
                     {QStringLiteral("Message"), QStringLiteral("Rate Exceeded.")},
                     {QStringLiteral("Reason"), reason}};
    r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return r;
}

WireResponse jsonResponse(const QJsonObject &body, int status)
{
    WireResponse r;
    r.status = status;
    r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return r;
}

bool isVersionNumber(const QString &qualifier)
{
    static const QRegularExpression re(QStringLiteral("^[1-9][0-9]{0,9}$"));
    return re.match(qualifier).hasMatch();
}

bool isValidAliasName(const QString &alias)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_-]{1,128}$"));
    static const QRegularExpression digits(QStringLiteral("^[0-9]+$"));
    return re.match(alias).hasMatch() && !digits.match(alias).hasMatch();
}

bool isValidQualifier(const QString &qualifier)
{
    return qualifier == QLatin1String("$LATEST") || isVersionNumber(qualifier) || isValidAliasName(qualifier);
}

Result<FunctionRef> parseFunctionName(const QString &functionName)
{
    const QStringList parts = functionName.split(QLatin1Char(':'));
    FunctionRef ref;
    if (parts.value(0) == QLatin1String("arn")) {
        // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
        if ((parts.size() != 7 && parts.size() != 8) || parts[2] != QLatin1String("lambda")
            || parts[5] != QLatin1String("function"))
            return invalid(QStringLiteral("1 validation error detected: Value '%1' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?").arg(functionName));
        ref.name = parts[6];
        ref.qualifier = parts.value(7);
    } else if (parts.size() >= 3 && parts[1] == QLatin1String("function")) {
        if (parts.size() > 4)
            return invalid(QStringLiteral("Invalid function name: %1").arg(functionName));
        ref.name = parts[2];
        ref.qualifier = parts.value(3);
    } else if (parts.size() <= 2) {
        ref.name = parts[0];
        ref.qualifier = parts.value(1);
    } else {
        return invalid(QStringLiteral("Invalid function name: %1").arg(functionName));
    }
    if (!isValidFunctionName(ref.name))
        return invalid(QStringLiteral("1 validation error detected: Value '%1' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+").arg(functionName));
    if (parts.size() > 1 && (parts.size() == 2 || parts.size() == 4 || parts.size() == 8) && ref.qualifier.isEmpty())
        return invalid(QStringLiteral("Invalid function name: %1").arg(functionName));
    if (!ref.qualifier.isEmpty() && !isValidQualifier(ref.qualifier))
        return invalid(QStringLiteral("Invalid qualifier: %1").arg(ref.qualifier));
    return ref;
}

Result<FunctionRef> parseFunctionName(const QString &functionName, const QString &qualifierParam)
{
    Result<FunctionRef> ref = parseFunctionName(functionName);
    if (!ref.ok() || qualifierParam.isEmpty())
        return ref;
    if (!isValidQualifier(qualifierParam))
        return invalid(QStringLiteral("Invalid qualifier: %1").arg(qualifierParam));
    if (!ref->qualifier.isEmpty() && ref->qualifier != qualifierParam)
        return invalid(QStringLiteral("The derived qualifier from the function name does not match the specified qualifier."));
    ref->qualifier = qualifierParam;
    return ref;
}

QString lambdaTimestamp(qint64 msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, QTimeZone::utc())
               .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz"))
        + QStringLiteral("+0000");
}

QJsonObject functionConfigurationJson(const FunctionDescription &d)
{
    const FunctionConfig &c = d.config;
    QJsonObject vars;
    for (auto it = c.environment.cbegin(); it != c.environment.cend(); ++it)
        vars.insert(it.key(), it.value());
    QJsonObject o{
        {QStringLiteral("FunctionName"), c.name},
        {QStringLiteral("FunctionArn"), functionArn(c.name, c.version)},
        {QStringLiteral("Runtime"), runtimeIdentifier(c)},
        {QStringLiteral("Role"), QString(QStringLiteral("arn:aws:iam::") + QLatin1String(kAccountId) + QStringLiteral(":role/funcdesk"))},
        {QStringLiteral("Handler"), c.handler},
        {QStringLiteral("CodeSize"), double(d.codeSize)},
        {QStringLiteral("Description"), c.description},
        {QStringLiteral("Timeout"), c.timeoutSeconds},
        {QStringLiteral("MemorySize"), c.memoryMb},
        {QStringLiteral("LastModified"), d.lastModified},
        {QStringLiteral("CodeSha256"), d.codeSha256},
        {QStringLiteral("Version"), c.version},
        {QStringLiteral("TracingConfig"), QJsonObject{{QStringLiteral("Mode"), QStringLiteral("PassThrough")}}},
        {QStringLiteral("RevisionId"), d.revisionId},
        {QStringLiteral("State"), QStringLiteral("Active")},
        {QStringLiteral("LastUpdateStatus"), QStringLiteral("Successful")},
        {QStringLiteral("PackageType"), QStringLiteral("Zip")},
        {QStringLiteral("Architectures"), QJsonArray{c.architecture}},
        {QStringLiteral("EphemeralStorage"), QJsonObject{{QStringLiteral("Size"), c.ephemeralStorageMb}}},
    };
    if (!c.environment.isEmpty())
        o.insert(QStringLiteral("Environment"), QJsonObject{{QStringLiteral("Variables"), vars}});
    if (!d.layers.isEmpty()) {
        QJsonArray layers;
        for (const auto &l : d.layers)
            layers.append(QJsonObject{{QStringLiteral("Arn"), l.first}, {QStringLiteral("CodeSize"), double(l.second)}});
        o.insert(QStringLiteral("Layers"), layers);
    }
    return o;
}

Status applyConfigurationJson(const QJsonObject &body, FunctionConfig &config)
{
    if (body.contains(QStringLiteral("Runtime"))) {
        const QString id = body.value(QStringLiteral("Runtime")).toString();
        const RuntimeIdentifier *known = findRuntimeIdentifier(id);
        const std::optional<Runtime> language = runtimeFromName(id);
        if (!known && language && id == runtimeName(*language)) { // Funcdesk's own "python3": the language's newest
            config.runtime = *language;
            config.runtimeId.clear();
        } else if (!known) {
            QStringList ids;
            for (const RuntimeIdentifier &r : runtimeIdentifiers())
                ids << r.id;
            return invalid(QStringLiteral("Value %1 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [%2]")
                               .arg(id, ids.join(QStringLiteral(", "))));
        } else {
            config.runtime = known->runtime;
            config.runtimeId = known->id;
        }
    }
    if (body.contains(QStringLiteral("Handler"))) {
        const QString h = body.value(QStringLiteral("Handler")).toString();
        if (h.isEmpty() || h.size() > 128)
            return invalid(QStringLiteral("Value '%1' at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128").arg(h));
        config.handler = h;
    }
    if (body.contains(QStringLiteral("MemorySize"))) {
        const int m = body.value(QStringLiteral("MemorySize")).toInt(-1);
        if (m < 128 || m > 10240)
            return invalid(QStringLiteral("1 validation error detected: Value '%1' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240 and greater than or equal to 128").arg(m));
        config.memoryMb = m;
    }
    if (body.contains(QStringLiteral("Timeout"))) {
        const int t = body.value(QStringLiteral("Timeout")).toInt(-1);
        if (t < 1 || t > 900)
            return invalid(QStringLiteral("1 validation error detected: Value '%1' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900 and greater than or equal to 1").arg(t));
        config.timeoutSeconds = t;
    }
    if (body.contains(QStringLiteral("EphemeralStorage"))) {
        const int size = body.value(QStringLiteral("EphemeralStorage")).toObject().value(QStringLiteral("Size")).toInt(-1);
        if (size < 512 || size > 10240)
            return invalid(QStringLiteral("1 validation error detected: Value '%1' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value less than or equal to 10240 and greater than or equal to 512").arg(size));
        config.ephemeralStorageMb = size;
    }
    if (body.contains(QStringLiteral("Description")))
        config.description = body.value(QStringLiteral("Description")).toString();
    if (body.contains(QStringLiteral("Layers"))) {
        const QJsonValue layers = body.value(QStringLiteral("Layers"));
        if (!layers.isArray())
            return invalid(QStringLiteral("Layers must be a list of layer version ARNs"));
        QStringList arns;
        const QJsonArray a = layers.toArray();
        for (const QJsonValue &l : a)
            arns << l.toString();
        if (arns.size() > 5)
            return invalid(QStringLiteral("Cannot reference more than 5 layers."));
        config.layers = arns;
    }
    if (body.contains(QStringLiteral("Environment"))) {
        const QJsonValue vars = body.value(QStringLiteral("Environment")).toObject().value(QStringLiteral("Variables"));
        if (!vars.isUndefined() && !vars.isObject())
            return invalid(QStringLiteral("Environment.Variables must be a map of strings"));
        QMap<QString, QString> env;
        const QJsonObject o = vars.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            static const QRegularExpression key(QStringLiteral("^[a-zA-Z]([a-zA-Z0-9_])+$"));
            if (!key.match(it.key()).hasMatch())
                return invalid(QStringLiteral("Environment variable name %1 is not valid").arg(it.key()));
            if (it.key().startsWith(QLatin1String("AWS_")) || it.key() == QLatin1String("_HANDLER"))
                return invalid(QStringLiteral("Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: %1").arg(it.key()));
            env.insert(it.key(), it.value().toString());
        }
        config.environment = env;
    }
    if (body.contains(QStringLiteral("Architectures"))) {
        const QJsonArray a = body.value(QStringLiteral("Architectures")).toArray();
        const QString arch = a.isEmpty() ? QString() : a.first().toString();
        if (a.size() != 1 || (arch != QLatin1String("x86_64") && arch != QLatin1String("arm64")))
            return invalid(QStringLiteral("Architectures must be [\"x86_64\"] or [\"arm64\"]"));
        config.architecture = arch;
    }
    return {};
}

QJsonObject aliasConfigurationJson(const AliasDescription &a)
{
    QJsonObject o{
        {QStringLiteral("AliasArn"), functionArn(a.function, a.name)},
        {QStringLiteral("Name"), a.name},
        {QStringLiteral("FunctionVersion"), a.functionVersion},
        {QStringLiteral("Description"), a.description},
        {QStringLiteral("RevisionId"), a.revisionId},
    };
    if (!a.additionalVersion.isEmpty()) {
        o.insert(QStringLiteral("RoutingConfig"),
                 QJsonObject{{QStringLiteral("AdditionalVersionWeights"),
                              QJsonObject{{a.additionalVersion, a.additionalWeight}}}});
    }
    return o;
}

} // namespace funcdesk::api
