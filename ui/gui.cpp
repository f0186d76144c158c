#include "gui.h"

#include "common/datadir.h"
#include "settings/settings.h"
#include "ui/mainwindow.h"
#include "ui/studio.h"
#include "ui/theme.h"
#include "ui/widgets/icons.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace funcdesk::ui {

namespace {

int g_signalFd[2] = {-1, -1};

void onTerminate(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto n = ::write(g_signalFd[0], &byte, 1); // async-signal-safe
}

// SIGTERM and SIGINT close the window the normal way, so the engine stops its
// environments and the store flushes what it holds (the self-pipe trick).
void quitOnTerminationSignals(QApplication &app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalFd) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalFd[1], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [notifier] {
        char byte;
        [[maybe_unused]] const auto n = ::read(g_signalFd[1], &byte, 1);
        notifier->setEnabled(false);
        QApplication::closeAllWindows();
        QApplication::quit();
    });
    struct sigaction sa = {};
    sa.sa_handler = onTerminate;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);
}

} // namespace

QString missingDisplayReason(const QProcessEnvironment &env)
{
    if (!env.value(QStringLiteral("QT_QPA_PLATFORM")).isEmpty() || !env.value(QStringLiteral("DISPLAY")).isEmpty()
        || !env.value(QStringLiteral("WAYLAND_DISPLAY")).isEmpty())
        return {};
    return QStringLiteral(
        "funcdesk: no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
        "  To run the engine and API without a window:  funcdesk serve\n"
        "  then use the command line against it:         funcdesk list | invoke | deploy ...\n"
        "  To open the window anyway, start a display (for example Xvfb) or set QT_QPA_PLATFORM.\n");
}

int runGui(int argc, char **argv)
{
    if (const QString reason = missingDisplayReason(QProcessEnvironment::systemEnvironment()); !reason.isEmpty()) {
        std::fputs(reason.toLocal8Bit().constData(), stderr);
        return 3;
    }
    QApplication app(argc, argv);
    app.setApplicationDisplayName(QStringLiteral("Funcdesk"));
    app.setWindowIcon(appIcon());
    app.setDesktopFileName(QStringLiteral("io.funcdesk.Funcdesk"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Funcdesk: a desktop studio for serverless functions."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("data-dir"), QStringLiteral("Use <dir> for functions and telemetry."),
                      QStringLiteral("dir")});
    parser.process(app);
    quitOnTerminationSignals(app);

    Settings settings;
    applyTheme(app, settings.theme());
    QObject::connect(&settings, &Settings::changed, &app, [&app, &settings](const QString &key) {
        if (key == QLatin1String("ui/theme"))
            applyTheme(app, settings.theme());
    });

    const DataDir dataDir = DataDir::resolve(parser.value(QStringLiteral("data-dir")));
    auto studio = Studio::open(dataDir, &settings, /*seedExamples=*/true);
    if (!studio.ok()) {
        QMessageBox::critical(nullptr, QStringLiteral("Funcdesk"),
                              QCoreApplication::translate("funcdesk", "Funcdesk cannot open its data in %1:\n\n%2")
                                  .arg(dataDir.root, studio.error().message));
        return 1;
    }
    MainWindow window(studio->get());
    window.show();
    if ((*studio)->takeFirstStart())
        QTimer::singleShot(0, &window, &MainWindow::offerTour);
    const int code = app.exec();
    return code;
}

} // namespace funcdesk::ui
