#include "cli/export.h"

#include "versioning/codezip.h"
#include "common/runtimes.h"

#include "common/resources.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <yaml-cpp/yaml.h>

#include <string>

namespace funcdesk::cli {
namespace {

std::string s(const QString &text) { return text.toStdString(); }

// Always quoted: values a YAML reader could take for a number, bool or date stay strings.
void quoted(YAML::Emitter &out, const char *key, const QString &value)
{
    out << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << s(value);
}

QString versionTag(const QString &version)
{
    return version == QLatin1String("$LATEST") || version.isEmpty() ? QStringLiteral("latest")
                                                                    : QStringLiteral("v") + version;
}

QString revisionName(const QString &service, const QString &version)
{
    return service + QLatin1Char('-') + versionTag(version);
}

bool hasWeight(const std::optional<ExportAlias> &alias)
{
    return alias && !alias->additionalVersion.isEmpty() && alias->additionalWeight > 0;
}

void emitSamEvents(YAML::Emitter &out, const FunctionConfig &c)
{
    int n = 0;
    for (const Trigger &t : c.triggers)
        n += t.kind == Trigger::Kind::Schedule ? 1 : 0;
    if (n == 0)
        return;
    out << YAML::Key << "Events" << YAML::Value << YAML::BeginMap;
    int index = 0;
    for (const Trigger &t : c.triggers) {
        if (t.kind != Trigger::Kind::Schedule)
            continue;
        out << YAML::Key << s(QStringLiteral("Schedule") + QString::number(++index)) << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "Type" << YAML::Value << "Schedule";
        out << YAML::Key << "Properties" << YAML::Value << YAML::BeginMap;
        quoted(out, "Schedule", t.expression);
        out << YAML::Key << "Enabled" << YAML::Value << t.enabled;
        out << YAML::EndMap << YAML::EndMap;
    }
    out << YAML::EndMap;
}

bool hasFunctionUrl(const FunctionConfig &c)
{
    for (const Trigger &t : c.triggers) {
        if (t.kind == Trigger::Kind::FunctionUrl && t.enabled)
            return true;
    }
    return false;
}

// A copy of the function's code as it runs (".git" left out), links kept as links.
Status copyTree(const QString &from, const QString &to)
{
    const QDir src(from);
    if (!src.exists())
        return makeError(errc::IOError, QStringLiteral("code directory not found: ") + from);
    if (!QDir().mkpath(to))
        return makeError(errc::IOError, QStringLiteral("cannot create ") + to);
    const QFileInfoList entries = src.entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot | QDir::System);
    for (const QFileInfo &e : entries) {
        if (e.fileName() == QLatin1String(".git"))
            continue;
        const QString target = QDir(to).filePath(e.fileName());
        QFile::remove(target);
        if (e.isSymLink()) {
            if (!QFile::link(e.symLinkTarget(), target))
                return makeError(errc::IOError, QStringLiteral("cannot link ") + target);
        } else if (e.isDir()) {
            if (Status st = copyTree(e.filePath(), target); !st)
                return st;
        } else if (!QFile::copy(e.filePath(), target)) {
            return makeError(errc::IOError, QStringLiteral("cannot copy ") + e.filePath() + QStringLiteral(" to ") + target);
        }
    }
    return {};
}

Status writeFile(const QString &path, const QByteArray &data)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit())
        return makeError(errc::IOError, QStringLiteral("cannot write ") + path + QStringLiteral(": ") + file.errorString());
    return {};
}

} // namespace

std::optional<ExportFormat> exportFormatFromName(const QString &name)
{
    if (name == QLatin1String("sam"))
        return ExportFormat::Sam;
    if (name == QLatin1String("knative"))
        return ExportFormat::Knative;
    return std::nullopt;
}

QString cloudRuntime(const FunctionConfig &config)
{
    return runtimeIdentifier(config);
}

QString deploymentPreferenceType(double additionalWeight)
{
    if (additionalWeight <= 0)
        return QStringLiteral("AllAtOnce");
    if (additionalWeight <= 0.25)
        return QStringLiteral("Canary10Percent5Minutes");
    return QStringLiteral("Linear10PercentEvery1Minute");
}

QString samLogicalId(const QString &functionName)
{
    QString id;
    bool upper = true;
    for (const QChar ch : functionName) {
        if (!ch.isLetterOrNumber() || ch.unicode() > 127) {
            upper = true;
            continue;
        }
        id += upper ? ch.toUpper() : ch;
        upper = false;
    }
    if (id.isEmpty() || id.at(0).isDigit())
        id.prepend(QStringLiteral("Fn"));
    return id + QStringLiteral("Function");
}

QString knativeName(const QString &functionName)
{
    QString name;
    for (const QChar ch : functionName.toLower()) {
        if ((ch >= QLatin1Char('a') && ch <= QLatin1Char('z')) || ch.isDigit())
            name += ch;
        else if (!name.isEmpty() && !name.endsWith(QLatin1Char('-')))
            name += QLatin1Char('-');
    }
    while (name.endsWith(QLatin1Char('-')))
        name.chop(1);
    if (name.isEmpty() || name.at(0).isDigit())
        name.prepend(QStringLiteral("fn-"));
    return name.left(50); // leaves room for "-v<N>" in revision names (63 max)
}

// "shared-libs", 3 -> "SharedLibs3Layer"
static QString samLayerLogicalId(const ExportLayer &layer)
{
    QString id = samLogicalId(layer.name);
    id.chop(int(qstrlen("Function")));
    return id + QString::number(layer.version) + QStringLiteral("Layer");
}

static QString layerZipName(const ExportLayer &layer) { return layer.name + QLatin1Char('-') + QString::number(layer.version) + QStringLiteral(".zip"); }

static void emitSamLayers(YAML::Emitter &out, const ExportInput &input)
{
    for (const ExportLayer &l : input.layers) {
        out << YAML::Key << s(samLayerLogicalId(l)) << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "Type" << YAML::Value << "AWS::Serverless::LayerVersion";
        out << YAML::Key << "Properties" << YAML::Value << YAML::BeginMap;
        quoted(out, "LayerName", l.name);
        if (!l.description.isEmpty())
            quoted(out, "Description", l.description);
        quoted(out, "ContentUri", layerZipName(l));
        if (!l.compatibleRuntimes.isEmpty()) {
            out << YAML::Key << "CompatibleRuntimes" << YAML::Value << YAML::BeginSeq;
            for (const QString &r : l.compatibleRuntimes)
                out << s(r);
            out << YAML::EndSeq;
        }
        if (!l.licenseInfo.isEmpty())
            quoted(out, "LicenseInfo", l.licenseInfo);
        out << YAML::Key << "RetentionPolicy" << YAML::Value << "Retain";
        out << YAML::EndMap << YAML::EndMap;
    }
}

QByteArray samTemplate(const ExportInput &input, const QString &codeUri)
{
    const FunctionConfig &c = input.config;
    YAML::Emitter out;
    out << YAML::BeginMap;
    quoted(out, "AWSTemplateFormatVersion", QStringLiteral("2010-09-09"));
    out << YAML::Key << "Transform" << YAML::Value << "AWS::Serverless-2016-10-31";
    quoted(out, "Description", QStringLiteral("Funcdesk export of ") + c.name + QStringLiteral(" version ") + c.version);
    out << YAML::Key << "Resources" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << s(samLogicalId(c.name)) << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "Type" << YAML::Value << "AWS::Serverless::Function";
    out << YAML::Key << "Metadata" << YAML::Value << YAML::BeginMap;
    quoted(out, "FuncdeskVersion", c.version);
    out << YAML::EndMap;
    out << YAML::Key << "Properties" << YAML::Value << YAML::BeginMap;
    quoted(out, "FunctionName", c.name);
    if (!c.description.isEmpty())
        quoted(out, "Description", c.description);
    quoted(out, "CodeUri", codeUri);
    quoted(out, "Handler", c.handler);
    out << YAML::Key << "Runtime" << YAML::Value << s(cloudRuntime(c));
    out << YAML::Key << "MemorySize" << YAML::Value << c.memoryMb;
    out << YAML::Key << "Timeout" << YAML::Value << c.timeoutSeconds;
    out << YAML::Key << "Architectures" << YAML::Value << YAML::BeginSeq << s(c.architecture) << YAML::EndSeq;
    if (!input.layers.isEmpty()) {
        out << YAML::Key << "Layers" << YAML::Value << YAML::BeginSeq;
        for (const ExportLayer &l : input.layers)
            out << YAML::LocalTag("Ref") << s(samLayerLogicalId(l));
        out << YAML::EndSeq;
    }
    if (!c.environment.isEmpty()) {
        out << YAML::Key << "Environment" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "Variables" << YAML::Value << YAML::BeginMap;
        for (auto it = c.environment.cbegin(); it != c.environment.cend(); ++it)
            out << YAML::Key << s(it.key()) << YAML::Value << YAML::DoubleQuoted << s(it.value());
        out << YAML::EndMap << YAML::EndMap;
    }
    if (c.reservedConcurrency)
        out << YAML::Key << "ReservedConcurrentExecutions" << YAML::Value << *c.reservedConcurrency;
    QString aliasName = input.alias ? input.alias->name : QString();
    if (aliasName.isEmpty() && c.provisionedConcurrency > 0)
        aliasName = QStringLiteral("live");
    if (!aliasName.isEmpty())
        quoted(out, "AutoPublishAlias", aliasName);
    if (c.provisionedConcurrency > 0) {
        out << YAML::Key << "ProvisionedConcurrencyConfig" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "ProvisionedConcurrentExecutions" << YAML::Value << c.provisionedConcurrency;
        out << YAML::EndMap;
    }
    if (input.alias) {
        out << YAML::Key << "DeploymentPreference" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "Type" << YAML::Value
            << s(deploymentPreferenceType(hasWeight(input.alias) ? input.alias->additionalWeight : 0));
        out << YAML::EndMap;
    }
    if (hasFunctionUrl(c)) {
        out << YAML::Key << "FunctionUrlConfig" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "AuthType" << YAML::Value << "NONE";
        out << YAML::EndMap;
    }
    const AsyncConfig defaults;
    if (c.async.maximumRetryAttempts != defaults.maximumRetryAttempts
        || c.async.maximumEventAgeSeconds != defaults.maximumEventAgeSeconds) {
        out << YAML::Key << "EventInvokeConfig" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "MaximumRetryAttempts" << YAML::Value << c.async.maximumRetryAttempts;
        out << YAML::Key << "MaximumEventAgeInSeconds" << YAML::Value << c.async.maximumEventAgeSeconds;
        out << YAML::EndMap;
    }
    emitSamEvents(out, c);
    out << YAML::EndMap; // Properties
    out << YAML::EndMap; // function
    emitSamLayers(out, input);
    out << YAML::EndMap; // Resources
    out << YAML::EndMap;
    return QByteArray(out.c_str()) + '\n';
}

QByteArray knativeService(const ExportInput &input)
{
    const FunctionConfig &c = input.config;
    const QString service = knativeName(c.name);
    const QString image = knativeImage(input);
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "apiVersion" << YAML::Value << "serving.knative.dev/v1";
    out << YAML::Key << "kind" << YAML::Value << "Service";
    out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << s(service);
    out << YAML::Key << "labels" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "app.kubernetes.io/managed-by" << YAML::Value << "funcdesk";
    out << YAML::EndMap << YAML::EndMap;

    out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "template" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << s(revisionName(service, c.version));
    if (c.provisionedConcurrency > 0 || c.reservedConcurrency) {
        out << YAML::Key << "annotations" << YAML::Value << YAML::BeginMap;
        if (c.provisionedConcurrency > 0)
            quoted(out, "autoscaling.knative.dev/min-scale", QString::number(c.provisionedConcurrency));
        if (c.reservedConcurrency)
            quoted(out, "autoscaling.knative.dev/max-scale", QString::number(*c.reservedConcurrency));
        out << YAML::EndMap;
    }
    out << YAML::EndMap; // template.metadata
    out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "containerConcurrency" << YAML::Value << 1;
    out << YAML::Key << "timeoutSeconds" << YAML::Value << c.timeoutSeconds;
    out << YAML::Key << "containers" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    out << YAML::Key << "image" << YAML::Value << s(image);
    out << YAML::Key << "env" << YAML::Value << YAML::BeginSeq;
    auto envVar = [&out](const QString &name, const QString &value) {
        out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << s(name);
        quoted(out, "value", value);
        out << YAML::EndMap;
    };
    envVar(QStringLiteral("_HANDLER"), c.handler);
    for (auto it = c.environment.cbegin(); it != c.environment.cend(); ++it)
        envVar(it.key(), it.value());
    out << YAML::EndSeq;
    const std::string memory = s(QString::number(c.memoryMb) + QStringLiteral("Mi"));
    out << YAML::Key << "resources" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "limits" << YAML::Value << YAML::BeginMap << YAML::Key << "memory" << YAML::Value << memory
        << YAML::EndMap;
    out << YAML::Key << "requests" << YAML::Value << YAML::BeginMap << YAML::Key << "memory" << YAML::Value << memory
        << YAML::EndMap;
    out << YAML::EndMap;                 // resources
    out << YAML::EndMap << YAML::EndSeq; // container, containers
    out << YAML::EndMap;                 // template.spec
    out << YAML::EndMap;                 // template

    out << YAML::Key << "traffic" << YAML::Value << YAML::BeginSeq;
    if (input.alias) {
        const ExportAlias &a = *input.alias;
        const int extra = hasWeight(input.alias) ? qRound(a.additionalWeight * 100) : 0;
        out << YAML::BeginMap;
        out << YAML::Key << "revisionName" << YAML::Value << s(revisionName(service, a.functionVersion));
        out << YAML::Key << "percent" << YAML::Value << 100 - extra;
        out << YAML::Key << "tag" << YAML::Value << s(knativeName(a.name));
        out << YAML::EndMap;
        if (hasWeight(input.alias)) {
            out << YAML::BeginMap;
            out << YAML::Key << "revisionName" << YAML::Value << s(revisionName(service, a.additionalVersion));
            out << YAML::Key << "percent" << YAML::Value << extra;
            out << YAML::EndMap;
        }
    } else {
        out << YAML::BeginMap;
        out << YAML::Key << "latestRevision" << YAML::Value << true;
        out << YAML::Key << "percent" << YAML::Value << 100;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::EndMap; // spec
    out << YAML::EndMap;
    return QByteArray(out.c_str()) + '\n';
}

QString knativeImage(const ExportInput &input)
{
    return input.image.isEmpty()
        ? QStringLiteral("localhost:5000/funcdesk/") + knativeName(input.config.name) + QLatin1Char(':') + versionTag(input.config.version)
        : input.image;
}

QString knativeBaseImage(const FunctionConfig &config)
{
    const RuntimeIdentifier *id = findRuntimeIdentifier(runtimeIdentifier(config));
    if (!id || id->runtime == Runtime::Provided)
        return {};
    return (id->runtime == Runtime::Python3 ? QStringLiteral("python:") : QStringLiteral("node:")) + id->languageVersion
        + QStringLiteral("-slim");
}

QByteArray knativeDockerfile(const ExportInput &input)
{
    const FunctionConfig &c = input.config;
    const bool python = c.runtime == Runtime::Python3;
    const QString adapter = python ? QStringLiteral("funcdesk_adapter.py") : QStringLiteral("funcdesk_adapter.js");
    auto value = [](QString v) -> QString {
        v.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\"")).replace(QLatin1Char('$'), QStringLiteral("\\$"));
        return QLatin1Char('"') + v + QLatin1Char('"');
    };
    QString out = QStringLiteral("# Funcdesk export of %1 version %2 (%3): the function behind a small HTTP adapter.\n")
                      .arg(c.name, c.version, runtimeIdentifier(c));
    out += QStringLiteral("FROM ") + knativeBaseImage(c) + QLatin1Char('\n');
    out += QStringLiteral("ENV LAMBDA_TASK_ROOT=/var/task \\\n    _HANDLER=") + value(c.handler)
        + QStringLiteral(" \\\n    AWS_LAMBDA_FUNCTION_NAME=") + value(c.name)
        + QStringLiteral(" \\\n    AWS_LAMBDA_FUNCTION_VERSION=") + value(c.version)
        + QStringLiteral(" \\\n    AWS_LAMBDA_FUNCTION_MEMORY_SIZE=") + QString::number(c.memoryMb)
        + QStringLiteral(" \\\n    FUNCDESK_TIMEOUT_SECONDS=") + QString::number(c.timeoutSeconds)
        + QStringLiteral(" \\\n    PORT=8080\n");
    out += QStringLiteral("WORKDIR /var/task\nCOPY code/ /var/task/\n");
    if (python)
        out += QStringLiteral("RUN if [ -f requirements.txt ]; then pip install --no-cache-dir -r requirements.txt --target /var/task; fi\n");
    else
        out += QStringLiteral("RUN if [ -f package-lock.json ]; then npm ci --omit=dev; elif [ -f package.json ]; then npm install --omit=dev; fi\n");
    out += QStringLiteral("COPY ") + adapter + QStringLiteral(" /opt/funcdesk/") + adapter + QLatin1Char('\n');
    out += QStringLiteral("EXPOSE 8080\nCMD [\"") + (python ? QStringLiteral("python") : QStringLiteral("node"))
        + QStringLiteral("\", \"/opt/funcdesk/") + adapter + QStringLiteral("\"]\n");
    return out.toUtf8();
}

QByteArray knativeReadme(const ExportInput &input)
{
    const FunctionConfig &c = input.config;
    const QString image = knativeImage(input);
    QString out = QStringLiteral("# %1 (version %2) for Knative\n\n").arg(c.name, c.version);
    if (c.runtime == Runtime::Provided) {
        out += QStringLiteral("`service.yaml` is a Knative Service for `%1`. A custom runtime (`provided`) has no\n"
                              "build context here: build an image whose entry point serves HTTP on `$PORT` and\n"
                              "runs the function's `bootstrap` behind it, tag it `%1`, then\n\n"
                              "    kubectl apply -f service.yaml\n")
                   .arg(image);
        return out.toUtf8();
    }
    out += QStringLiteral("This folder is a complete build context:\n\n"
                          "- `code/`: the function's code as it runs (`%1`, handler `%2`);\n"
                          "- `%3`: a small HTTP server that listens on `$PORT`, turns each request into a\n"
                          "  function URL event (payload format 2.0), calls the handler and maps its answer\n"
                          "  back as a function URL does;\n"
                          "- `Dockerfile`: the official `%4` image, the code and its dependencies\n"
                          "  (`%5`, when present), and the adapter;\n"
                          "- `service.yaml`: a Knative Service running that image, one request at a time per\n"
                          "  container (`containerConcurrency: 1`), as one Lambda execution environment.\n\n"
                          "Build, push and deploy:\n\n"
                          "    docker build -t %6 .\n"
                          "    docker push %6\n"
                          "    kubectl apply -f service.yaml\n\n"
                          "To try the adapter without a container, from this folder:\n\n"
                          "    PORT=8080 LAMBDA_TASK_ROOT=code _HANDLER=%2 %7 %3\n"
                          "    curl http://127.0.0.1:8080/\n")
               .arg(runtimeIdentifier(c), c.handler,
                    c.runtime == Runtime::Python3 ? QStringLiteral("funcdesk_adapter.py") : QStringLiteral("funcdesk_adapter.js"),
                    knativeBaseImage(c),
                    c.runtime == Runtime::Python3 ? QStringLiteral("requirements.txt") : QStringLiteral("package.json"), image,
                    c.runtime == Runtime::Python3 ? QStringLiteral("python3") : QStringLiteral("node"));
    return out.toUtf8();
}

Result<QStringList> writeKnativeBuildContext(const ExportInput &input, const QString &outDir)
{
    const QDir dir(outDir);
    const bool python = input.config.runtime == Runtime::Python3;
    const QString adapterName = python ? QStringLiteral("funcdesk_adapter.py") : QStringLiteral("funcdesk_adapter.js");
    const QString codeDir = dir.filePath(QStringLiteral("code"));
    QDir(codeDir).removeRecursively();
    if (Status st = copyTree(input.config.codeDir, codeDir); !st)
        return st.error();
    QFile adapter(resourcePath(QStringLiteral("export/knative/")) + adapterName);
    if (!adapter.open(QIODevice::ReadOnly))
        return makeError(errc::IOError, QStringLiteral("cannot read ") + adapter.fileName() + QStringLiteral(": ") + adapter.errorString());
    const QString adapterPath = dir.filePath(adapterName);
    const QString dockerfile = dir.filePath(QStringLiteral("Dockerfile"));
    const QString readme = dir.filePath(QStringLiteral("README.md"));
    for (const auto &[path, data] : {std::pair{adapterPath, adapter.readAll()}, std::pair{dockerfile, knativeDockerfile(input)},
                                      std::pair{readme, knativeReadme(input)}}) {
        if (Status st = writeFile(path, data); !st)
            return st.error();
    }
    return QStringList{dockerfile, adapterPath, readme, codeDir};
}

Result<QStringList> exportFunction(const ExportInput &input, ExportFormat format, const QString &outDir)
{
    if (!QDir().mkpath(outDir))
        return makeError(errc::IOError, QStringLiteral("cannot create ") + outDir);
    const QDir dir(outDir);
    if (format == ExportFormat::Knative) {
        const QString path = dir.filePath(QStringLiteral("service.yaml"));
        if (Status st = writeFile(path, knativeService(input)); !st)
            return st.error();
        QStringList written{path};
        if (input.config.runtime == Runtime::Provided) { // no build context: see the notes
            const QString notes = dir.filePath(QStringLiteral("README.md"));
            if (Status st = writeFile(notes, knativeReadme(input)); !st)
                return st.error();
            return written << notes;
        }
        auto context = writeKnativeBuildContext(input, outDir);
        if (!context)
            return context.error();
        return written + *context;
    }
    const QString zipName = input.config.name + QStringLiteral(".zip");
    const QString zipPath = dir.filePath(zipName);
    auto zipped = codezip::writeCodeZip(input.config.codeDir, zipPath);
    if (!zipped)
        return zipped.error();
    QStringList written;
    for (const ExportLayer &l : input.layers) {
        const QString layerZip = dir.filePath(layerZipName(l));
        QFile::remove(layerZip);
        if (!QFile::copy(l.zipPath, layerZip))
            return makeError(errc::IOError, QStringLiteral("cannot copy %1 to %2").arg(l.zipPath, layerZip));
        written << layerZip;
    }
    const QString path = dir.filePath(QStringLiteral("template.yaml"));
    if (Status st = writeFile(path, samTemplate(input, zipName)); !st)
        return st.error();
    return QStringList{path, zipPath} + written;
}

} // namespace funcdesk::cli
