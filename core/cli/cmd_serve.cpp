// funcdesk serve [--data-dir DIR] [--port N] [--bind ADDR] [--token T]
// Placeholder until core/api's Service lands.

#include "cli/cli.h"
#include "cli/commandline.h"
#include "cli/commands.h"

namespace funcdesk::cli {

int runServe(const QStringList &args)
{
    CommandLine cl(QStringLiteral("serve"), QStringLiteral("Run the engine and its HTTP API headless until SIGINT/SIGTERM."));
    cl.addOption(QCommandLineOption(QStringLiteral("port"), QStringLiteral("TCP port (default 9001)."), QStringLiteral("N"),
                                    QStringLiteral("9001")));
    cl.addOption(QCommandLineOption(QStringLiteral("bind"), QStringLiteral("Address to listen on (default 127.0.0.1)."),
                                    QStringLiteral("ADDR"), QStringLiteral("127.0.0.1")));
    if (auto exit = cl.parse(args))
        return *exit;
    return reportError(makeError(QStringLiteral("Unsupported"), QStringLiteral("this build has no API service")));
}

} // namespace funcdesk::cli
