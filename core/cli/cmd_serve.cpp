// funcdesk serve [--data-dir DIR] [--port N] [--bind ADDR] [--token T]
//
// Runs the api::Service (engine, store writer, API server, async dispatcher, schedules)
// headless until SIGINT/SIGTERM, then shuts it down through the event loop: the Service's
// destructor stops the server and the engine and flushes the writer. While it runs, the
// base URL is written to the data dir's endpoint file so other commands find it.

#include "cli/cli.h"
#include "cli/commandline.h"
#include "cli/commands.h"
#include "cli/signalwatcher.h"

#include "common/datadir.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include "api/service.h"
#include "engine/engine.h"

namespace funcdesk::cli {

int runServe(const QStringList &args)
{
    CommandLine cl(QStringLiteral("serve"),
                   QStringLiteral("Run the engine and its HTTP API (Lambda's API and function URLs) headless until\n"
                                  "SIGINT/SIGTERM. Binding to anything but loopback requires --token (clients send\n"
                                  "it as 'Authorization: Bearer <token>'). On loopback, Lambda's API takes an AWS\n"
                                  "signature (SDKs and the AWS CLI sign) or the token in <data dir>/funcdesk.token;\n"
                                  "requests from web pages (an Origin header) and for foreign Host names are refused.\n"
                                  "Port 0 picks a free port; the URL is printed and written to\n"
                                  "<data dir>/funcdesk.endpoint for the other commands."));
    cl.addOption(QCommandLineOption(QStringLiteral("port"), QStringLiteral("TCP port (default 9001; 0: any free port)."),
                                    QStringLiteral("N"), QStringLiteral("9001")));
    cl.addOption(QCommandLineOption(QStringLiteral("bind"), QStringLiteral("Address to listen on (default 127.0.0.1)."),
                                    QStringLiteral("ADDR"), QStringLiteral("127.0.0.1")));
    cl.addOption(QCommandLineOption(QStringLiteral("allow-origin"),
                                    QStringLiteral("A web origin allowed to call Lambda's API (repeatable; none by default)."),
                                    QStringLiteral("ORIGIN")));
    cl.addOption(QCommandLineOption(QStringLiteral("require-signature"),
                                    QStringLiteral("Accept only signatures made with the data dir's credentials (access key\n"
                                                   "FUNCDESKLOCAL, the secret in funcdesk.token), not any well-formed one.")));
    cl.addOption(QCommandLineOption(QStringLiteral("otlp-endpoint"),
                                    QStringLiteral("Send the spans of multi-function traces to this OpenTelemetry collector\n"
                                                   "(OTLP/HTTP, e.g. http://127.0.0.1:4318)."),
                                    QStringLiteral("URL")));
    cl.addOption(QCommandLineOption(QStringLiteral("no-sandbox"),
                                    QStringLiteral("Run functions outside the bubblewrap sandbox (they can then read your files).")));
    if (auto exit = cl.parse(args))
        return *exit;
    bool portOk = false;
    const int port = cl.value(QStringLiteral("port")).toInt(&portOk);
    if (!portOk || port < 0 || port > 65535)
        return cl.usageError(QStringLiteral("--port takes a number from 0 to 65535"));

    const DataDir dir = DataDir::resolve(cl.dataDir());
    api::ServiceOptions options;
    options.api.address = cl.value(QStringLiteral("bind"));
    options.api.port = quint16(port);
    options.api.token = cl.parser().isSet(QStringLiteral("token")) || !qEnvironmentVariableIsEmpty("FUNCDESK_TOKEN")
        ? cl.token()
        : QString(); // the data dir's own token file is accepted anyway (api/requestguard.h)
    options.api.allowedOrigins = cl.parser().values(QStringLiteral("allow-origin"));
    options.engine.sandbox = !cl.isSet(QStringLiteral("no-sandbox"));
    options.api.requireLocalCredentials = cl.isSet(QStringLiteral("require-signature"));
    if (cl.isSet(QStringLiteral("otlp-endpoint"))) {
        const QUrl otlp(cl.value(QStringLiteral("otlp-endpoint")), QUrl::StrictMode);
        if (!otlp.isValid() || (otlp.scheme() != QLatin1String("http") && otlp.scheme() != QLatin1String("https")) || otlp.host().isEmpty())
            return cl.usageError(QStringLiteral("--otlp-endpoint takes an http(s) URL, e.g. http://127.0.0.1:4318"));
        options.otlpEndpoint = otlp;
    }
    const QString noSandbox = engine::Engine::sandboxUnavailableReason();
    const bool sandboxed = options.engine.sandbox && noSandbox.isEmpty();
    auto service = api::Service::start(dir, options);
    if (!service)
        return reportError(service.error());
    if (!(*service)->apiError().isEmpty())
        return reportError(makeError(errc::ListenError, (*service)->apiError()));

    const QString address = (*service)->apiAddress();
    QString host = address.section(QLatin1Char(':'), 0, -2);
    if (host == QLatin1String("0.0.0.0") || host == QLatin1String("::") || host.isEmpty())
        host = QStringLiteral("127.0.0.1");
    const QString endpoint = QStringLiteral("http://") + host + QLatin1Char(':') + QString::number((*service)->apiPort());
    const QString endpointPath = endpointFile(dir);
    {
        QSaveFile file(endpointPath);
        if (!file.open(QIODevice::WriteOnly) || file.write(endpoint.toUtf8() + '\n') < 0 || !file.commit())
            printErr(QStringLiteral("funcdesk serve: cannot write ") + endpointPath + QStringLiteral(" (other commands "
                                                                                                     "need --endpoint)"));
    }
    if (cl.json())
        printOut(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("endpoint"), endpoint},
                                                             {QStringLiteral("listen"), address},
                                                             {QStringLiteral("dataDir"), dir.root},
                                                             {QStringLiteral("sandbox"), sandboxed},
                                                             {QStringLiteral("sandboxUnavailable"), noSandbox}})
                                       .toJson(QJsonDocument::Compact)));
    else
        printOut(QStringLiteral("Funcdesk engine serving ") + dir.root + QStringLiteral(" at ") + endpoint
                 + QStringLiteral(" (listening on ") + address + QStringLiteral("; Ctrl+C stops)")
                 + (sandboxed ? QStringLiteral("; functions run sandboxed (bubblewrap)")
                    : options.engine.sandbox
                        ? QStringLiteral("; functions are NOT sandboxed: %1. Install bubblewrap to keep them away "
                                         "from your files").arg(noSandbox)
                        : QStringLiteral("; functions are NOT sandboxed (--no-sandbox)")));

    SignalWatcher watcher;
    int received = 0;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, qApp, [&received](int signal) {
        received = signal;
        QCoreApplication::quit();
    });
    QCoreApplication::exec();
    service->reset(); // stops schedules, dispatcher, server and engine; flushes the store
    QFile::remove(endpointPath);
    if (!cl.json())
        printOut(QStringLiteral("Stopped (signal ") + QString::number(received) + QStringLiteral(")."));
    return ExitOk;
}

} // namespace funcdesk::cli
