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

namespace funcdesk::ui {

int runGui(int argc, char **argv)
{
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

    Settings settings;
    applyTheme(app, settings.theme());
    QObject::connect(&settings, &Settings::changed, &app, [&app, &settings](const QString &key) {
        if (key == QLatin1String("ui/theme"))
            applyTheme(app, settings.theme());
    });

    const DataDir dataDir = DataDir::resolve(parser.value(QStringLiteral("data-dir")));
    auto studio = Studio::open(dataDir, &settings);
    if (!studio.ok()) {
        QMessageBox::critical(nullptr, QStringLiteral("Funcdesk"),
                              QCoreApplication::translate("funcdesk", "Funcdesk cannot open its data in %1:\n\n%2")
                                  .arg(dataDir.root, studio.error().message));
        return 1;
    }
    MainWindow window(studio->get());
    window.show();
    const int code = app.exec();
    return code;
}

} // namespace funcdesk::ui
