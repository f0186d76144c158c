#pragma once
// What the engine needs to run one function version: a code directory plus its
// configuration. Versioning reads it from the manifest (function.json); the engine
// never looks at git. Plain value type, copied freely between threads.

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace funcdesk {

enum class Runtime { Python3,
                     NodeJs,
                     Provided };

QString runtimeName(Runtime r); // "python3", "nodejs", "provided"
// Accepts the language names and Lambda's identifiers (common/runtimes.h: python3.13,
// nodejs22.x, provided.al2023, ...).
std::optional<Runtime> runtimeFromName(const QString &name);

struct AsyncConfig
{
    int maximumRetryAttempts = 2;       // 0..2, Lambda's default 2
    int maximumEventAgeSeconds = 21600; // 60..21600, 6 h default
    QString onSuccess;                  // destination function name, or "dlq"
    QString onFailure;
};

struct Trigger
{
    enum class Kind { FunctionUrl,
                      Schedule };
    Kind kind = Kind::FunctionUrl;
    QString expression; // schedule: "rate(5 minutes)" / "cron(0 12 * * ? *)"
    bool enabled = true;
    bool streaming = false; // function URL: InvokeMode RESPONSE_STREAM (else BUFFERED)
};

struct FunctionConfig
{
    QString name;
    Runtime runtime = Runtime::Python3;
    // Lambda's identifier as the function was given it ("python3.13"; common/runtimes.h);
    // empty when its manifest names only the language ("python3").
    QString runtimeId;
    QString handler = QStringLiteral("lambda_function.lambda_handler");
    int memoryMb = 128;     // 128..10240
    int timeoutSeconds = 3; // 1..900
    QMap<QString, QString> environment;
    std::optional<int> reservedConcurrency; // none: shares the global pool
    int provisionedConcurrency = 0;
    QString architecture = QStringLiteral("x86_64"); // or "arm64" (pricing only)
    QString description;
    AsyncConfig async;
    QList<Trigger> triggers;
    // false: the function's environments get no network at all (a sandboxed environment
    // only; engine/sandbox.h). Functions call APIs, so it is on by default.
    bool network = true;
    int ephemeralStorageMb = 512; // the size of /tmp, 512..10240 as on Lambda (sandboxed environments)
    // Layer version ARNs (arn:aws:lambda:<region>:<account>:layer:<name>:<N>), at most 5, in
    // the order Lambda extracts them (a later layer's file wins).
    QStringList layers;

    // Where the code lives, and which version of the function it is ("$LATEST", "1", ...).
    // Not part of the manifest: filled in by whoever hands the function to the engine.
    QString codeDir;
    QString version = QStringLiteral("$LATEST");
    // The function's layers merged into one read-only folder (versioning/layerstore.h), which
    // the environment sees at /opt; empty: no layers. Filled in like codeDir.
    QString optDir;
    // CPU in proportion to memory (1,769 MB = one vCPU) for this version's environments;
    // unset: the engine's setting. Experiments that need it (power tuning) set it.
    std::optional<bool> scaleCpu;
    // How long an idle environment of this version is kept before it retires; unset: the
    // engine's keepAliveSeconds. Lambda's keep-alive is not configurable; scenarios set a
    // short one to show scale to zero in seconds.
    std::optional<int> keepAliveSeconds;

    // Identity of one runnable unit: environments are never shared across these.
    QString versionKey() const { return name + QLatin1Char(':') + version; }
};

} // namespace funcdesk
