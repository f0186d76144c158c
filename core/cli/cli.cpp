#include "cli/cli.h"

#include "cli/commandline.h"
#include "cli/commands.h"

#include <QCoreApplication>

namespace funcdesk::cli {
namespace {

struct Command
{
    const char *name;
    const char *summary;
    int (*run)(const QStringList &args);
};

const Command kCommands[] = {
    {"serve", "Run the engine and its HTTP API headless until SIGINT/SIGTERM.", runServe},
    {"list", "List functions.", runList},
    {"invoke", "Invoke a function and print its response.", runInvoke},
    {"deploy", "Deploy a folder's code (with its function.json) as a function's $LATEST.", runDeploy},
    {"publish", "Publish the deployed code of a function as a new version.", runPublish},
    {"logs", "Print a function's log lines (--follow to keep watching).", runLogs},
    {"export", "Export a function as an AWS SAM template or a Knative Service.", runExport},
    {"load", "Run an open-loop load test (rate, shape, duration) and print its latency summary.", runLoad},
    {"tune", "Power-tune a function: duration and cost at several memory sizes.", runTune},
    {"replay", "Replay recorded invocations against another version or alias and compare.", runReplay},
    {"alarms", "Alarm rules on recorded metrics: list, add, delete, history.", runAlarms},
    {"learn", "Guided scenarios: run real experiments with a self-check (list, run, reset).", runLearn},
    {"queues", "Local SQS-compatible queues: list, create, send, receive, purge, delete, redrive.", runQueues},
    {"dev", "Link a function to a folder: deploy each time saved changes settle.", runDev},
    {"layers", "Lambda layers: list, publish, delete.", runLayers},
};

QString mainHelp()
{
    QString text = QStringLiteral(
        "Usage: funcdesk [--version] [--help] <command> [options]\n"
        "\n"
        "Funcdesk: a desktop studio for serverless functions, with a local engine that\n"
        "behaves like AWS Lambda. Without a command it opens the GUI (when built with one).\n"
        "\n"
        "Commands:\n");
    for (const Command &c : kCommands)
        text += QStringLiteral("  ") + QString::fromLatin1(c.name).leftJustified(10) + QString::fromLatin1(c.summary)
            + QLatin1Char('\n');
    text += QStringLiteral(
        "\n"
        "Run 'funcdesk <command> --help' for a command's options. Every command takes\n"
        "--json (machine-readable output), --data-dir DIR, --endpoint URL and --token T.\n"
        "Commands that need the engine (invoke) talk to a running 'funcdesk serve' over its\n"
        "HTTP API (default http://127.0.0.1:9001, or FUNCDESK_ENDPOINT). list, deploy, publish,\n"
        "logs and export work on the data dir directly when no engine holds it, and go over\n"
        "the API when one does.\n"
        "\n"
        "Environment: FUNCDESK_DATA_DIR, FUNCDESK_ENDPOINT, FUNCDESK_TOKEN.\n"
        "\n"
        "Exit codes:\n"
        "  0  success\n"
        "  2  usage error (unknown command or option, missing or bad argument)\n"
        "  3  function (or version, alias) not found\n"
        "  4  function error: the handler failed (error, timeout, out of memory, crash)\n"
        "  5  engine/API unreachable, or any other failure\n"
        "  6  a deploy's build failed (pip or npm; their message is printed)\n");
    return text;
}

} // namespace

int run(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (QCoreApplication::applicationName().isEmpty())
        QCoreApplication::setApplicationName(QStringLiteral("funcdesk"));
    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    if (args.isEmpty() || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h")
        || args.first() == QLatin1String("help")) {
        if (args.size() >= 2 && args.first() == QLatin1String("help"))
            args = QStringList{args.at(1), QStringLiteral("--help")};
        else {
            printOut(mainHelp());
            return ExitOk;
        }
    }
    if (args.first() == QLatin1String("--version") || args.first() == QLatin1String("version")) {
        printOut(QStringLiteral("funcdesk ") + QStringLiteral(FUNCDESK_VERSION));
        return ExitOk;
    }
    const QString name = args.takeFirst();
    for (const Command &c : kCommands) {
        if (name == QLatin1String(c.name))
            return c.run(args);
    }
    printErr(QStringLiteral("funcdesk: unknown command '") + name + QStringLiteral("'"));
    printErr(QStringLiteral("Try 'funcdesk --help'."));
    return ExitUsage;
}

} // namespace funcdesk::cli
