#pragma once
// `funcdesk export NAME --format sam|knative`: turns one function version into a
// deployment description for the cloud.
//
//  * sam:     template.yaml (AWS SAM, Transform AWS::Serverless-2016-10-31) with one
//             AWS::Serverless::Function whose CodeUri is a code zip written beside it (the
//             built code: dependencies included), and one AWS::Serverless::LayerVersion per
//             layer it uses (ContentUri: the layer's zip beside it), named in its Layers.
//  * knative: service.yaml, a serving.knative.dev/v1 Service (containerConcurrency 1,
//             because a Lambda execution environment serves one request at a time), and
//             beside it a build context for its image: code/, an HTTP adapter in the
//             function's language (function URL events in, function URL responses out),
//             a Dockerfile on the language's official slim image, and README.md.
//
// Input is plain values (FunctionConfig plus the alias to carry over), so the mapping is
// testable without the versioning or store libraries; the command fills them in.
//
// Alias with a weight -> SAM AutoPublishAlias + DeploymentPreference. SAM's predefined
// canary types all shift 10% first, so a weight up to 25% maps to the closest one,
// Canary10Percent5Minutes; a larger weight maps to Linear10PercentEvery1Minute (traffic
// moves in 10% steps, the closest predefined shape to an already large split); an alias
// without a weight deploys AllAtOnce. A function with provisioned concurrency but no
// alias gets AutoPublishAlias "live", since SAM only provisions through an alias.
// Knative: the alias's split becomes spec.traffic by revision (integer percents summing
// to 100), revisions named <service>-v<version>.
//
// Threading: pure functions plus file writes; any thread but the GUI thread.

#include "common/functionconfig.h"
#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace funcdesk::cli {

enum class ExportFormat { Sam,
                          Knative };
std::optional<ExportFormat> exportFormatFromName(const QString &name); // "sam", "knative"

struct ExportAlias
{
    QString name;                // "live"
    QString functionVersion;     // primary version ("3")
    QString additionalVersion;   // empty: no weighted routing
    double additionalWeight = 0; // 0..1, share sent to additionalVersion
};

// A layer the function uses: an AWS::Serverless::LayerVersion beside it in the SAM export.
struct ExportLayer
{
    QString name;
    int version = 0;
    QString zipPath; // the published zip, copied next to the template as <name>-<N>.zip
    QString description;
    QStringList compatibleRuntimes;
    QString licenseInfo;
};

struct ExportInput
{
    FunctionConfig config; // config.codeDir: what goes into the zip; config.version: exported version
    std::optional<ExportAlias> alias;
    QString image; // knative container image; empty: localhost:5000/funcdesk/<name>:<tag>
    QList<ExportLayer> layers; // in the function's order
};

// The Lambda runtime identifier the function was given (python3.13 stays python3.13), or
// for one that names only its language, that language's newest (common/runtimes.h).
QString cloudRuntime(const FunctionConfig &config);
// The SAM DeploymentPreference type for an alias weight (see the header comment).
QString deploymentPreferenceType(double additionalWeight);
// SAM logical id: "my-func_2" -> "MyFunc2Function".
QString samLogicalId(const QString &functionName);
// Knative service name (DNS-1123 label): "My_Func" -> "my-func".
QString knativeName(const QString &functionName);

QByteArray samTemplate(const ExportInput &input, const QString &codeUri);
QByteArray knativeService(const ExportInput &input);
// The Knative build context beside service.yaml (python and node functions): the image
// (default localhost:5000/funcdesk/<name>:<tag>), the official slim base image of the
// runtime's language version ("python:3.13-slim", "node:22-slim"), the Dockerfile and the
// README with the build, push and apply commands.
QString knativeImage(const ExportInput &input);
QString knativeBaseImage(const FunctionConfig &config);
QByteArray knativeDockerfile(const ExportInput &input);
QByteArray knativeReadme(const ExportInput &input);
// Writes code/ (a copy of config.codeDir), the HTTP adapter (resources/export/knative),
// Dockerfile and README.md into outDir; returns them.
Result<QStringList> writeKnativeBuildContext(const ExportInput &input, const QString &outDir);

// Writes the export into outDir (created if needed) and returns the files written:
// sam -> template.yaml, <name>.zip and each layer's <layer>-<N>.zip; knative ->
// service.yaml, Dockerfile, the adapter, README.md and code/ (provided: service.yaml and
// README.md).
Result<QStringList> exportFunction(const ExportInput &input, ExportFormat format, const QString &outDir);

} // namespace funcdesk::cli
