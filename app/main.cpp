// The composition root: the GUI without arguments, the command line with a subcommand.
// All behaviour lives in core/ and ui/; this file only wires them together.

#include "cli/cli.h"
#include "ui/gui.h"

#include <QCoreApplication>

namespace {

// A subcommand ("serve", "invoke", ...) or --help/--version selects the command line;
// no argument, or only GUI options such as --data-dir DIR, opens the window.
bool wantsCli(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '\0')
        return false;
    const char *first = argv[1];
    if (first[0] != '-')
        return true;
    for (const char *cliOption : {"--help", "-h", "--version", "-v", "--help-all"})
        if (qstrcmp(first, cliOption) == 0)
            return true;
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication::setOrganizationName(QStringLiteral("Funcdesk"));
    QCoreApplication::setApplicationName(QStringLiteral("funcdesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FUNCDESK_VERSION));

    if (!wantsCli(argc, argv))
        return funcdesk::ui::runGui(argc, argv);
    return funcdesk::cli::run(argc, argv);
}
