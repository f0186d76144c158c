#include "manifest.h"

#include "common/ids.h"
#include "common/runtimes.h"
#include "common/schedule.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>

#include <cmath>

namespace funcdesk::manifest {
namespace {

QString quoted(const QString &s) { return QLatin1Char('"') + s + QLatin1Char('"'); }

QString describe(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return quoted(v.toString());
    case QJsonValue::Double:
        return QString::number(v.toDouble());
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

// Reads an integral JSON number into `out`; records a field-named problem otherwise.
void readInt(const QJsonValue &v, const QString &field, int &out, QStringList &problems)
{
    if (v.isUndefined())
        return;
    const double d = v.toDouble();
    if (!v.isDouble() || std::floor(d) != d || std::abs(d) > 2147483647.0) {
        problems << field + QStringLiteral(": must be an integer, got ") + describe(v);
        return;
    }
    out = int(d);
}

void readString(const QJsonValue &v, const QString &field, QString &out, QStringList &problems)
{
    if (v.isUndefined())
        return;
    if (!v.isString()) {
        problems << field + QStringLiteral(": must be a string, got ") + describe(v);
        return;
    }
    out = v.toString();
}

void checkRange(const QString &field, int value, int lo, int hi, const QString &unit, QStringList &problems)
{
    if (value < lo || value > hi)
        problems << QStringLiteral("%1: must be between %2 and %3%4, got %5")
                        .arg(field)
                        .arg(lo)
                        .arg(hi)
                        .arg(unit.isEmpty() ? QString() : QLatin1Char(' ') + unit)
                        .arg(value);
}

bool isReservedEnvironmentKey(const QString &key)
{
    static const QStringList reserved = {
        QStringLiteral("_HANDLER"), QStringLiteral("_X_AMZN_TRACE_ID"), QStringLiteral("AWS_REGION"),
        QStringLiteral("AWS_DEFAULT_REGION"), QStringLiteral("AWS_EXECUTION_ENV"),
        QStringLiteral("AWS_ACCESS_KEY"), QStringLiteral("AWS_ACCESS_KEY_ID"),
        QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("AWS_SESSION_TOKEN"),
        QStringLiteral("LAMBDA_TASK_ROOT"), QStringLiteral("LAMBDA_RUNTIME_DIR")};
    return reserved.contains(key) || key.startsWith(QLatin1String("AWS_LAMBDA_"));
}

// The scheduler's own parser, so the manifest accepts exactly what will fire.
QString scheduleProblem(const QString &expr)
{
    const Result<Schedule> parsed = parseSchedule(expr);
    return parsed.ok() ? QString() : parsed.error().message;
}

void collectProblems(const FunctionConfig &c, QStringList &problems)
{
    if (const Status h = validateHandler(c.handler, c.runtime); !h.ok())
        problems << h.error().message;
    checkRange(QStringLiteral("memorySize"), c.memoryMb, 128, 10240, QStringLiteral("MB"), problems);
    checkRange(QStringLiteral("timeout"), c.timeoutSeconds, 1, 900, QStringLiteral("seconds"), problems);
    if (c.reservedConcurrency)
        checkRange(QStringLiteral("reservedConcurrency"), *c.reservedConcurrency, 0, 1000, {}, problems);
    checkRange(QStringLiteral("provisionedConcurrency"), c.provisionedConcurrency, 0, 1000, {}, problems);
    checkRange(QStringLiteral("ephemeralStorage"), c.ephemeralStorageMb, 512, 10240, QStringLiteral("MB"), problems);
    if (c.reservedConcurrency && c.provisionedConcurrency > *c.reservedConcurrency)
        problems << QStringLiteral("provisionedConcurrency: must not exceed reservedConcurrency (%1), got %2")
                        .arg(*c.reservedConcurrency)
                        .arg(c.provisionedConcurrency);
    if (c.architecture != QLatin1String("x86_64") && c.architecture != QLatin1String("arm64"))
        problems << QStringLiteral("architecture: must be \"x86_64\" or \"arm64\", got ") + quoted(c.architecture);
    if (c.layers.size() > 5)
        problems << QStringLiteral("layers: Cannot reference more than 5 layers, got %1").arg(c.layers.size());
    for (const QString &arn : c.layers) {
        static const QRegularExpression kLayerArn(QStringLiteral("^arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(-gov)?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+$"));
        if (!kLayerArn.match(arn).hasMatch())
            problems << QStringLiteral("layers: not a layer version ARN: ") + quoted(arn);
    }
    if (c.description.size() > 256)
        problems << QStringLiteral("description: must be at most 256 characters, got %1").arg(c.description.size());

    static const QRegularExpression envKey(QStringLiteral("^[A-Za-z][A-Za-z0-9_]+$"));
    qsizetype envBytes = 0;
    for (auto it = c.environment.cbegin(); it != c.environment.cend(); ++it) {
        if (!envKey.match(it.key()).hasMatch())
            problems << QStringLiteral("environment.%1: name must match [A-Za-z][A-Za-z0-9_]+").arg(it.key());
        else if (isReservedEnvironmentKey(it.key()))
            problems << QStringLiteral("environment.%1: is reserved by the runtime").arg(it.key());
        envBytes += it.key().toUtf8().size() + it.value().toUtf8().size();
    }
    if (envBytes > 4096)
        problems << QStringLiteral("environment: must not exceed 4096 bytes in total, got %1").arg(envBytes);

    checkRange(QStringLiteral("async.maximumRetryAttempts"), c.async.maximumRetryAttempts, 0, 2, {}, problems);
    checkRange(QStringLiteral("async.maximumEventAgeInSeconds"), c.async.maximumEventAgeSeconds, 60, 21600,
               QStringLiteral("seconds"), problems);
    const auto checkDestination = [&](const QString &field, const QString &d) {
        if (!d.isEmpty() && d != QLatin1String("dlq") && !isValidFunctionName(d))
            problems << field + QStringLiteral(": must be a function name or \"dlq\", got ") + quoted(d);
    };
    checkDestination(QStringLiteral("async.destinations.onSuccess"), c.async.onSuccess);
    checkDestination(QStringLiteral("async.destinations.onFailure"), c.async.onFailure);

    int urls = 0;
    int schedule = 0;
    for (const Trigger &t : c.triggers) {
        if (t.kind == Trigger::Kind::FunctionUrl) {
            ++urls;
            continue;
        }
        if (const QString p = scheduleProblem(t.expression); !p.isEmpty())
            problems << QStringLiteral("triggers.schedules[%1]: ").arg(schedule) + p;
        ++schedule;
    }
    if (urls > 1)
        problems << QStringLiteral("triggers.functionUrl: a function has at most one URL");
}

void parseAsync(const QJsonValue &v, AsyncConfig &a, QStringList &problems)
{
    if (v.isUndefined() || v.isNull())
        return;
    if (!v.isObject()) {
        problems << QStringLiteral("async: must be an object, got ") + describe(v);
        return;
    }
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (it.key() != QLatin1String("maximumRetryAttempts") && it.key() != QLatin1String("maximumEventAgeInSeconds")
            && it.key() != QLatin1String("destinations"))
            problems << QStringLiteral("async.%1: unknown field").arg(it.key());
    }
    readInt(o.value(QLatin1String("maximumRetryAttempts")), QStringLiteral("async.maximumRetryAttempts"), a.maximumRetryAttempts, problems);
    readInt(o.value(QLatin1String("maximumEventAgeInSeconds")), QStringLiteral("async.maximumEventAgeInSeconds"), a.maximumEventAgeSeconds, problems);
    const QJsonValue d = o.value(QLatin1String("destinations"));
    if (d.isUndefined() || d.isNull())
        return;
    if (!d.isObject()) {
        problems << QStringLiteral("async.destinations: must be an object, got ") + describe(d);
        return;
    }
    const QJsonObject dobj = d.toObject();
    readString(dobj.value(QLatin1String("onSuccess")), QStringLiteral("async.destinations.onSuccess"), a.onSuccess, problems);
    readString(dobj.value(QLatin1String("onFailure")), QStringLiteral("async.destinations.onFailure"), a.onFailure, problems);
}

void parseTriggers(const QJsonValue &v, QList<Trigger> &triggers, QStringList &problems)
{
    if (v.isUndefined() || v.isNull())
        return;
    if (!v.isObject()) {
        problems << QStringLiteral("triggers: must be an object, got ") + describe(v);
        return;
    }
    const QJsonObject o = v.toObject();
    const QJsonValue url = o.value(QLatin1String("functionUrl"));
    if (!url.isUndefined() && !url.isBool())
        problems << QStringLiteral("triggers.functionUrl: must be true or false, got ") + describe(url);
    else if (url.toBool())
        triggers << Trigger{Trigger::Kind::FunctionUrl, QString(), true};
    const QJsonValue mode = o.value(QLatin1String("functionUrlInvokeMode"));
    if (!mode.isUndefined() && mode != QJsonValue(QStringLiteral("BUFFERED")) && mode != QJsonValue(QStringLiteral("RESPONSE_STREAM")))
        problems << QStringLiteral("triggers.functionUrlInvokeMode: must be \"BUFFERED\" or \"RESPONSE_STREAM\", got ") + describe(mode);
    else if (mode == QJsonValue(QStringLiteral("RESPONSE_STREAM")) && !triggers.isEmpty())
        triggers.last().streaming = true;
    const QJsonValue schedules = o.value(QLatin1String("schedules"));
    if (schedules.isUndefined() || schedules.isNull())
        return;
    if (!schedules.isArray()) {
        problems << QStringLiteral("triggers.schedules: must be an array, got ") + describe(schedules);
        return;
    }
    const QJsonArray arr = schedules.toArray();
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QJsonValue s = arr.at(i);
        const QString field = QStringLiteral("triggers.schedules[%1]").arg(i);
        Trigger t{Trigger::Kind::Schedule, QString(), true};
        if (s.isString()) {
            t.expression = s.toString();
        } else if (s.isObject()) {
            readString(s.toObject().value(QLatin1String("expression")), field + QStringLiteral(".expression"), t.expression, problems);
            const QJsonValue en = s.toObject().value(QLatin1String("enabled"));
            if (!en.isUndefined() && !en.isBool())
                problems << field + QStringLiteral(".enabled: must be true or false, got ") + describe(en);
            t.enabled = en.toBool(true);
        } else {
            problems << field + QStringLiteral(": must be an expression string or an object, got ") + describe(s);
            continue;
        }
        triggers << t;
    }
}

} // namespace

QString defaultHandler(Runtime runtime)
{
    switch (runtime) {
    case Runtime::Python3:
        return QStringLiteral("lambda_function.lambda_handler");
    case Runtime::NodeJs:
        return QStringLiteral("index.handler");
    case Runtime::Provided:
        return QStringLiteral("function.handler");
    }
    return {};
}

Status validateHandler(const QString &handler, Runtime runtime)
{
    const auto bad = [&](const QString &why) {
        return makeError(errc::InvalidParameterValue, QStringLiteral("handler: %1, got %2").arg(why, quoted(handler)));
    };
    if (handler.isEmpty())
        return makeError(errc::InvalidParameterValue, QStringLiteral("handler: must not be empty"));
    if (handler.size() > 128)
        return bad(QStringLiteral("must be at most 128 characters"));
    static const QRegularExpression space(QStringLiteral("\\s"));
    if (handler.contains(space))
        return bad(QStringLiteral("must not contain whitespace"));
    if (handler.startsWith(QLatin1Char('/')) || handler.contains(QLatin1Char('\\'))
        || (handler.size() > 1 && handler.at(1) == QLatin1Char(':')) || handler.startsWith(QLatin1Char('~')))
        return bad(QStringLiteral("must be a relative path inside the function directory"));
    const QStringList parts = handler.split(QLatin1Char('/'));
    for (const QString &p : parts) {
        if (p.isEmpty() || p == QLatin1String(".") || p == QLatin1String(".."))
            return bad(QStringLiteral("must not leave the function directory (no '..', '.' or empty path parts)"));
    }
    if (runtime != Runtime::Provided) {
        const QString last = parts.last();
        const qsizetype dot = last.lastIndexOf(QLatin1Char('.'));
        if (dot <= 0 || dot == last.size() - 1)
            return bad(QStringLiteral("must look like file.function"));
    }
    return {};
}

Status validate(const FunctionConfig &config)
{
    QStringList problems;
    collectProblems(config, problems);
    if (!problems.isEmpty())
        return makeError(errc::InvalidParameterValue, problems.join(QStringLiteral("; ")));
    return {};
}

Result<FunctionConfig> parse(const QByteArray &json, const QString &functionName)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError)
        return makeError(errc::InvalidParameterValue, QStringLiteral("function.json: not valid JSON at offset %1: %2").arg(pe.offset).arg(pe.errorString()));
    if (!doc.isObject())
        return makeError(errc::InvalidParameterValue, QStringLiteral("function.json: must be a JSON object"));
    const QJsonObject o = doc.object();

    static const QStringList known = {
        QStringLiteral("runtime"), QStringLiteral("handler"), QStringLiteral("memorySize"), QStringLiteral("timeout"),
        QStringLiteral("environment"), QStringLiteral("reservedConcurrency"), QStringLiteral("provisionedConcurrency"),
        QStringLiteral("architecture"), QStringLiteral("description"), QStringLiteral("async"), QStringLiteral("triggers"),
        QStringLiteral("network"), QStringLiteral("ephemeralStorage"), QStringLiteral("layers")};
    QStringList problems;
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!known.contains(it.key()))
            problems << QStringLiteral("%1: unknown field").arg(it.key());
    }

    FunctionConfig c;
    c.name = functionName;
    const QJsonValue runtime = o.value(QLatin1String("runtime"));
    if (runtime.isUndefined()) {
        problems << QStringLiteral("runtime: required");
    } else if (!runtime.isString()) {
        problems << QStringLiteral("runtime: must be a string, got ") + describe(runtime);
    } else if (const auto r = runtimeFromName(runtime.toString())) {
        c.runtime = *r;
        if (findRuntimeIdentifier(runtime.toString().trimmed().toLower()))
            c.runtimeId = runtime.toString().trimmed().toLower();
    } else {
        problems << QStringLiteral("runtime: unsupported runtime ") + quoted(runtime.toString())
                + QStringLiteral(" (python3.9 to python3.14, nodejs18.x to nodejs24.x, provided.al2 or provided.al2023)");
    }
    if (o.value(QLatin1String("handler")).isUndefined())
        problems << QStringLiteral("handler: required");
    readString(o.value(QLatin1String("handler")), QStringLiteral("handler"), c.handler, problems);
    readInt(o.value(QLatin1String("memorySize")), QStringLiteral("memorySize"), c.memoryMb, problems);
    readInt(o.value(QLatin1String("timeout")), QStringLiteral("timeout"), c.timeoutSeconds, problems);
    readInt(o.value(QLatin1String("provisionedConcurrency")), QStringLiteral("provisionedConcurrency"), c.provisionedConcurrency, problems);
    readString(o.value(QLatin1String("architecture")), QStringLiteral("architecture"), c.architecture, problems);
    readString(o.value(QLatin1String("description")), QStringLiteral("description"), c.description, problems);
    const QJsonValue reserved = o.value(QLatin1String("reservedConcurrency"));
    if (!reserved.isUndefined() && !reserved.isNull()) {
        int r = 0;
        const qsizetype before = problems.size();
        readInt(reserved, QStringLiteral("reservedConcurrency"), r, problems);
        if (problems.size() == before)
            c.reservedConcurrency = r;
    }
    const QJsonValue env = o.value(QLatin1String("environment"));
    if (env.isObject()) {
        const QJsonObject eo = env.toObject();
        for (auto it = eo.begin(); it != eo.end(); ++it) {
            if (!it.value().isString())
                problems << QStringLiteral("environment.%1: must be a string, got ").arg(it.key()) + describe(it.value());
            else
                c.environment.insert(it.key(), it.value().toString());
        }
    } else if (!env.isUndefined() && !env.isNull()) {
        problems << QStringLiteral("environment: must be an object, got ") + describe(env);
    }
    const QJsonValue network = o.value(QLatin1String("network"));
    if (network.isBool())
        c.network = network.toBool();
    else if (!network.isUndefined() && !network.isNull())
        problems << QStringLiteral("network: must be true or false, got ") + describe(network);
    readInt(o.value(QLatin1String("ephemeralStorage")), QStringLiteral("ephemeralStorage"), c.ephemeralStorageMb, problems);
    const QJsonValue layers = o.value(QLatin1String("layers"));
    if (layers.isArray()) {
        const QJsonArray la = layers.toArray();
        for (const QJsonValue &l : la) {
            if (l.isString())
                c.layers << l.toString();
            else
                problems << QStringLiteral("layers: must be layer version ARNs, got ") + describe(l);
        }
    } else if (!layers.isUndefined() && !layers.isNull()) {
        problems << QStringLiteral("layers: must be a list of layer version ARNs, got ") + describe(layers);
    }
    parseAsync(o.value(QLatin1String("async")), c.async, problems);
    parseTriggers(o.value(QLatin1String("triggers")), c.triggers, problems);

    collectProblems(c, problems);
    problems.removeDuplicates();
    if (!problems.isEmpty())
        return makeError(errc::InvalidParameterValue, problems.join(QStringLiteral("; ")));
    return c;
}

QByteArray serialize(const FunctionConfig &c)
{
    QJsonObject o;
    o.insert(QStringLiteral("runtime"), c.runtimeId.isEmpty() ? runtimeName(c.runtime) : c.runtimeId);
    o.insert(QStringLiteral("handler"), c.handler);
    o.insert(QStringLiteral("memorySize"), c.memoryMb);
    o.insert(QStringLiteral("timeout"), c.timeoutSeconds);
    QJsonObject env;
    for (auto it = c.environment.cbegin(); it != c.environment.cend(); ++it)
        env.insert(it.key(), it.value());
    o.insert(QStringLiteral("environment"), env);
    o.insert(QStringLiteral("reservedConcurrency"), c.reservedConcurrency ? QJsonValue(*c.reservedConcurrency) : QJsonValue());
    o.insert(QStringLiteral("provisionedConcurrency"), c.provisionedConcurrency);
    o.insert(QStringLiteral("architecture"), c.architecture);
    o.insert(QStringLiteral("description"), c.description);
    if (!c.network)
        o.insert(QStringLiteral("network"), false);
    if (c.ephemeralStorageMb != 512)
        o.insert(QStringLiteral("ephemeralStorage"), c.ephemeralStorageMb);
    if (!c.layers.isEmpty())
        o.insert(QStringLiteral("layers"), QJsonArray::fromStringList(c.layers));
    QJsonObject destinations;
    destinations.insert(QStringLiteral("onSuccess"), c.async.onSuccess);
    destinations.insert(QStringLiteral("onFailure"), c.async.onFailure);
    QJsonObject async;
    async.insert(QStringLiteral("maximumRetryAttempts"), c.async.maximumRetryAttempts);
    async.insert(QStringLiteral("maximumEventAgeInSeconds"), c.async.maximumEventAgeSeconds);
    async.insert(QStringLiteral("destinations"), destinations);
    o.insert(QStringLiteral("async"), async);
    bool url = false;
    bool streaming = false;
    QJsonArray schedules;
    for (const Trigger &t : c.triggers) {
        if (t.kind == Trigger::Kind::FunctionUrl) {
            url = url || t.enabled;
            streaming = streaming || (t.enabled && t.streaming);
        } else if (t.enabled) {
            schedules.append(t.expression);
        } else {
            QJsonObject s;
            s.insert(QStringLiteral("expression"), t.expression);
            s.insert(QStringLiteral("enabled"), false);
            schedules.append(s);
        }
    }
    QJsonObject triggers;
    triggers.insert(QStringLiteral("functionUrl"), url);
    if (streaming)
        triggers.insert(QStringLiteral("functionUrlInvokeMode"), QStringLiteral("RESPONSE_STREAM"));
    triggers.insert(QStringLiteral("schedules"), schedules);
    o.insert(QStringLiteral("triggers"), triggers);
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

} // namespace funcdesk::manifest
