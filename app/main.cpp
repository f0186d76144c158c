// The composition root: the GUI without arguments, the command line with a subcommand.
// All behaviour lives in core/ and ui/; this file only wires them together.

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

#ifdef HAVE_FUNCDESK_CLI
#include "cli/cli.h"
#endif
#ifdef HAVE_FUNCDESK_UI
#include "ui/gui.h"
#endif

namespace {

// A subcommand ("serve", "invoke", ...) or --help/--version selects the command line;
// no argument, or only GUI options such as --data-dir DIR, opens the window.
[[maybe_unused]] bool wantsCli(int argc, char **argv)
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

#ifdef HAVE_FUNCDESK_UI
    if (!wantsCli(argc, argv))
        return funcdesk::ui::runGui(argc, argv);
#endif
#ifdef HAVE_FUNCDESK_CLI
    return funcdesk::cli::run(argc, argv);
#else
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    if (wantsCli(argc, argv) && (qstrcmp(argv[1], "--version") == 0)) {
        out << "funcdesk " << FUNCDESK_VERSION << Qt::endl;
        return 0;
    }
    out << "usage: funcdesk [--version]" << Qt::endl;
    return wantsCli(argc, argv) ? 2 : 0;
#endif
}
