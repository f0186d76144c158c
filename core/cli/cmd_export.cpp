// funcdesk export NAME --format sam|knative [--out DIR] [--qualifier Q] [--image IMAGE]
//
// Reads the function's version (and alias) straight from the data dir. This is read-only
// git access, safe beside a running engine, so export never needs the API.

#include "cli/cli.h"
#include "cli/commandline.h"
#include "cli/commands.h"
#include "cli/export.h"

#include "common/datadir.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>

#include "versioning/layerstore.h"
#include "versioning/versionstore.h"

namespace funcdesk::cli {

namespace {

bool isVersionNumber(const QString &q)
{
    bool ok = false;
    return q.toInt(&ok) > 0 && ok;
}

// The config of the version a qualifier names, and the alias when it names one. An alias
// with a weight exports its additional version: the code being rolled out.
Result<ExportInput> exportInputFor(VersionStore &store, const QString &name, const QString &qualifier)
{
    if (!store.exists(name))
        return makeError(errc::ResourceNotFound, QStringLiteral("Function not found: ") + name);
    ExportInput input;
    QString version = qualifier;
    if (!qualifier.isEmpty() && qualifier != QLatin1String("$LATEST") && !isVersionNumber(qualifier)) {
        auto alias = store.alias(name, qualifier);
        if (!alias)
            return alias.error();
        input.alias = ExportAlias{alias->name, alias->functionVersion, alias->additionalVersion, alias->additionalWeight};
        version = alias->additionalVersion.isEmpty() || alias->additionalWeight <= 0 ? alias->functionVersion
                                                                                     : alias->additionalVersion;
    }
    Result<FunctionConfig> config = (version.isEmpty() || version == QLatin1String("$LATEST"))
        ? store.latestRunnable(name)
        : store.versionConfig(name, version.toInt());
    if (!config)
        return config.error();
    input.config = *config;
    auto layers = LayerStore(store.dataDir()).resolve(config->layers, true);
    if (!layers)
        return layers.error();
    for (const LayerVersionInfo &l : std::as_const(*layers))
        input.layers.append(ExportLayer{l.name, l.version, l.zipPath, l.description, l.compatibleRuntimes, l.licenseInfo});
    return input;
}

} // namespace

int runExport(const QStringList &args)
{
    CommandLine cl(QStringLiteral("export"),
                   QStringLiteral("Export a function version as an AWS SAM template (template.yaml plus a code zip)\n"
                                  "or a Knative Service (service.yaml). --qualifier picks $LATEST (default), a\n"
                                  "version number or an alias; an alias carries its traffic split over\n"
                                  "(SAM: AutoPublishAlias + DeploymentPreference; Knative: traffic by revision)."));
    cl.addPositional(QStringLiteral("name"), QStringLiteral("Function name."), QStringLiteral("NAME"));
    cl.addOption(QCommandLineOption(QStringLiteral("format"), QStringLiteral("sam or knative."), QStringLiteral("FORMAT")));
    cl.addOption(QCommandLineOption(QStringLiteral("out"),
                                    QStringLiteral("Output folder (default: ./<name>-<format>)."), QStringLiteral("DIR")));
    cl.addOption(QCommandLineOption(QStringLiteral("qualifier"), QStringLiteral("$LATEST, a version or an alias."),
                                    QStringLiteral("Q")));
    cl.addOption(QCommandLineOption(QStringLiteral("image"),
                                    QStringLiteral("Knative container image (default: localhost:5000/funcdesk/<name>:<tag>)."),
                                    QStringLiteral("IMAGE")));
    if (auto exit = cl.parse(args, 1, 1))
        return *exit;
    const QString name = cl.positional().at(0);
    if (!cl.isSet(QStringLiteral("format")))
        return cl.usageError(QStringLiteral("--format sam|knative is required"));
    const auto format = exportFormatFromName(cl.value(QStringLiteral("format")));
    if (!format)
        return cl.usageError(QStringLiteral("unknown format '") + cl.value(QStringLiteral("format"))
                             + QStringLiteral("' (expected sam or knative)"));
    const QString outDir = cl.isSet(QStringLiteral("out"))
        ? cl.value(QStringLiteral("out"))
        : QDir::current().filePath(name + QLatin1Char('-') + cl.value(QStringLiteral("format")));

    VersionStore store(DataDir::resolve(cl.dataDir()));
    auto input = exportInputFor(store, name, cl.value(QStringLiteral("qualifier")));
    if (!input)
        return reportError(input.error());
    input->image = cl.value(QStringLiteral("image"));
    auto files = exportFunction(*input, *format, outDir);
    if (!files)
        return reportError(files.error());
    if (cl.json()) {
        QJsonObject doc{{QStringLiteral("function"), name},
                        {QStringLiteral("version"), input->config.version},
                        {QStringLiteral("format"), cl.value(QStringLiteral("format"))},
                        {QStringLiteral("files"), QJsonArray::fromStringList(*files)}};
        printJson(doc);
    } else {
        printOut(QStringLiteral("Exported ") + name + QStringLiteral(" version ") + input->config.version
                 + QStringLiteral(":"));
        for (const QString &f : *files)
            printOut(QStringLiteral("  ") + f);
    }
    return ExitOk;
}

} // namespace funcdesk::cli
