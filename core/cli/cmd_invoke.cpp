// funcdesk invoke NAME [--payload JSON|@file] [--async] [--qualifier Q] [--log]
// Always over the engine's API: Invoke with Lambda's headers (X-Amz-Invocation-Type,
// X-Amz-Log-Type: Tail) and answers (X-Amz-Function-Error, X-Amz-Executed-Version,
// X-Amz-Log-Result).

#include "cli/apiclient.h"
#include "cli/cli.h"
#include "cli/commandline.h"
#include "cli/commands.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace funcdesk::cli {

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
    ApiClient client(cl.endpoint(), cl.token());
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
