// funcdesk invoke NAME [--payload JSON|@file] [--async] [--qualifier Q] [--log]
// Always over the engine's API: Invoke with Lambda's headers (X-Amz-Invocation-Type,
// X-Amz-Log-Type: Tail) and answers (X-Amz-Function-Error, X-Amz-Executed-Version,
// X-Amz-Log-Result).

#include "cli/apiclient.h"
#include "cli/cli.h"
#include "cli/commandline.h"
#include "cli/commands.h"
#include "common/datadir.h"
#include "engine/debugsession.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace funcdesk::cli {

namespace {
// Which debugger the function's runtime has, and where its code is: here (the data dir's
// copy of the version) and as the runtime sees it (/var/task in the sandbox).
Result<engine::DebugTarget> debugTargetFor(const ApiClient &client, const CommandLine &cl, const QString &name, quint16 port)
{
    QUrlQuery query;
    if (cl.isSet(QStringLiteral("qualifier")))
        query.addQueryItem(QStringLiteral("Qualifier"), cl.value(QStringLiteral("qualifier")));
    auto reply = client.call("GET", QStringLiteral("/2015-03-31/functions/") + QString::fromUtf8(QUrl::toPercentEncoding(name))
                                        + QStringLiteral("/configuration"),
                             query);
    if (!reply)
        return reply.error();
    const QJsonObject config = QJsonDocument::fromJson(reply->body).object();
    const auto runtime = runtimeFromName(config.value(QStringLiteral("Runtime")).toString());
    if (!runtime || *runtime == Runtime::Provided)
        return makeError(errc::InvalidParameterValue,
                         QStringLiteral("Debugging is available for python3 and nodejs functions; a custom runtime brings its own debugger"));
    engine::DebugTarget t;
    t.function = name;
    t.runtime = *runtime;
    t.port = port;
    t.localRoot = DataDir::resolve(cl.dataDir()).functionRepo(name);
    t.remoteRoot = QStringLiteral("/var/task");
    return t;
}
} // namespace

int runInvoke(const QStringList &args)
{
    CommandLine cl(QStringLiteral("invoke"),
                   QStringLiteral("Invoke a function on the running engine and print its response.\n"
                                  "Exit code 4 when the handler failed (its error document is printed)."));
    cl.addPositional(QStringLiteral("name"), QStringLiteral("Function name."), QStringLiteral("NAME"));
    cl.addOption(QCommandLineOption(QStringLiteral("payload"),
                                    QStringLiteral("Event JSON, or @file to read it from a file (default: {})."),
                                    QStringLiteral("JSON|@file")));
    cl.addOption(QCommandLineOption(QStringLiteral("async"),
                                    QStringLiteral("Queue the event (InvocationType Event) and return at once.")));
    cl.addOption(QCommandLineOption(QStringLiteral("qualifier"), QStringLiteral("$LATEST, a version or an alias."),
                                    QStringLiteral("Q")));
    cl.addOption(QCommandLineOption(QStringLiteral("log"), QStringLiteral("Print the invocation's log tail to stderr.")));
    cl.addOption(QCommandLineOption(QStringLiteral("debug"),
                                    QStringLiteral("Run it in a fresh environment with the runtime's debugger on loopback (node's\n"
                                                   "inspector, python's debugpy), wait for a debugger to attach, and print how.")));
    cl.addOption(QCommandLineOption(QStringLiteral("debug-port"), QStringLiteral("The debugger's port (default: a free one)."),
                                    QStringLiteral("PORT")));
    if (auto exit = cl.parse(args, 1, 1))
        return *exit;
    const QString name = cl.positional().at(0);
    auto payload = readPayload(cl.isSet(QStringLiteral("payload")) ? cl.value(QStringLiteral("payload")) : QStringLiteral("{}"));
    if (!payload)
        return cl.usageError(payload.error().message);
    const bool async = cl.isSet(QStringLiteral("async"));
    if (async && cl.isSet(QStringLiteral("log")))
        return cl.usageError(QStringLiteral("--log needs a synchronous invocation (drop --async)"));

    QUrlQuery query;
    if (cl.isSet(QStringLiteral("qualifier")))
        query.addQueryItem(QStringLiteral("Qualifier"), cl.value(QStringLiteral("qualifier")));
    QList<QPair<QByteArray, QByteArray>> headers{
        {"X-Amz-Invocation-Type", async ? QByteArrayLiteral("Event") : QByteArrayLiteral("RequestResponse")}};
    if (cl.isSet(QStringLiteral("log")))
        headers.append(qMakePair(QByteArrayLiteral("X-Amz-Log-Type"), QByteArrayLiteral("Tail")));
    const bool debug = cl.isSet(QStringLiteral("debug")) || cl.isSet(QStringLiteral("debug-port"));
    if (debug && async)
        return cl.usageError(QStringLiteral("--debug needs a synchronous invocation (drop --async)"));
    // A debug session lasts as long as the person debugging needs: no client timeout.
    ApiClient client = debug ? ApiClient(cl.endpoint(), cl.token(), 0) : ApiClient(cl.endpoint(), cl.token());
    if (debug) {
        const quint16 port = cl.isSet(QStringLiteral("debug-port")) ? quint16(cl.value(QStringLiteral("debug-port")).toUInt())
                                                                    : engine::freeLoopbackPort();
        if (port == 0)
            return cl.usageError(QStringLiteral("--debug-port must be a port number"));
        auto target = debugTargetFor(client, cl, name, port);
        if (!target)
            return reportError(target.error());
        printErr(engine::debugInstructions(*target));
        headers.append(qMakePair(QByteArrayLiteral("X-Funcdesk-Debug-Port"), QByteArray::number(port)));
    }
    auto reply = client.call("POST",
                             QStringLiteral("/2015-03-31/functions/") + QString::fromUtf8(QUrl::toPercentEncoding(name))
                                 + QStringLiteral("/invocations"),
                             query, *payload, headers);
    if (!reply)
        return reportError(reply.error());

    const QByteArray functionError = reply->header("x-amz-function-error");
    const QByteArray logTail = QByteArray::fromBase64(reply->header("x-amz-log-result"));
    const QString requestId = QString::fromUtf8(reply->header("x-amzn-requestid"));
    if (cl.json()) {
        QJsonObject doc{{QStringLiteral("StatusCode"), reply->status},
                        {QStringLiteral("ExecutedVersion"), QString::fromUtf8(reply->header("x-amz-executed-version"))}};
        if (!requestId.isEmpty())
            doc.insert(QStringLiteral("RequestId"), requestId);
        if (!functionError.isEmpty())
            doc.insert(QStringLiteral("FunctionError"), QString::fromUtf8(functionError));
        if (!logTail.isEmpty())
            doc.insert(QStringLiteral("LogResult"), QString::fromUtf8(logTail));
        if (!async) {
            const QJsonDocument parsed = QJsonDocument::fromJson(reply->body);
            if (parsed.isObject())
                doc.insert(QStringLiteral("Payload"), parsed.object());
            else
                doc.insert(QStringLiteral("Payload"), QString::fromUtf8(reply->body));
        }
        printJson(doc);
    } else {
        if (!logTail.isEmpty())
            printErr(QString::fromUtf8(logTail));
        if (async)
            printOut(QStringLiteral("Queued (HTTP ") + QString::number(reply->status) + QLatin1Char(')')
                     + (requestId.isEmpty() ? QString() : QStringLiteral(", request ") + requestId));
        else
            printOut(QString::fromUtf8(reply->body));
    }
    return functionError.isEmpty() ? ExitOk : ExitFunctionError;
}

} // namespace funcdesk::cli
