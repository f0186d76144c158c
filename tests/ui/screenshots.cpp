// funcdesk_screenshots OUTDIR: drives the real application offscreen on a scratch data
// dir (real functions, real invocations) and grabs every page at 1280x800 into OUTDIR.
// packaging/screenshots.sh runs it; README and the AppStream metainfo use the PNGs.
#include "settings/settings.h"
#include "ui/mainwindow.h"
#include "ui/models/functionlistmodel.h"
#include "ui/pages/testpage.h"
#include "ui/pages/versionspage.h"
#include "ui/studio.h"
#include "ui/theme.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::ui;

namespace {

void waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs)
        QTest::qWait(20);
}

void settle(int ms)
{
    QTest::qWait(ms);
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QString out = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("packaging/screenshots");
    QDir().mkpath(out);
    QTemporaryDir dir;
    Settings settings(dir.filePath(QStringLiteral("settings.ini")));
    settings.setApiPort(0);
    applyTheme(app, Theme::Light);
    auto opened = Studio::open(DataDir{dir.filePath(QStringLiteral("data"))}, &settings);
    if (!opened.ok()) {
        qCritical("cannot open studio: %s", qPrintable(opened.error().toString()));
        return 1;
    }
    Studio *studio = opened->get();
    MainWindow window(studio);
    window.resize(1280, 800);
    window.show();

    struct Fn
    {
        const char *name;
        Runtime runtime;
        const char *tmpl;
    };
    const Fn functions[] = {{"hello", Runtime::Python3, "hello-world"},
                            {"orders-api", Runtime::NodeJs, "http-handler"},
                            {"flaky-worker", Runtime::Python3, "flaky"},
                            {"report-builder", Runtime::Python3, "slow-init"}};
    int created = 0;
    for (const Fn &f : functions)
        studio->createFunction(QLatin1String(f.name), f.runtime, QLatin1String(f.tmpl), &window,
                               [&created](Result<QString>) { ++created; });
    waitFor([&] { return created == int(std::size(functions)); }, 60000);
    window.refreshFunctions();
    waitFor([&] { return window.functionModel()->rowCount() == int(std::size(functions)); }, 10000);

    // Real traffic: a few rounds across the functions, some concurrent, so charts, logs,
    // environments and cost have something true to show.
    int pending = 0;
    for (int round = 0; round < 40; ++round) {
        for (const Fn &f : functions) {
            if (QLatin1String(f.tmpl) == QLatin1String("slow-init") && round > 2)
                continue;
            ++pending;
            studio->invoke(QLatin1String(f.name), QStringLiteral("$LATEST"), QByteArrayLiteral("{\"name\": \"Ada\"}"),
                           TriggerKind::LoadGenerator, &window, [&pending](engine::InvokeResult) { --pending; });
        }
        waitFor([&] { return pending == 0; }, 30000);
        settle(round % 10 == 0 ? 400 : 60);
    }

    window.selectFunction(QStringLiteral("hello"));
    VersionsPage *versions = window.versionsPage();
    versions->publish(QStringLiteral("First release"));
    settle(1500);

    auto grab = [&](const QString &name) {
        settle(1500); // let timers refresh the charts and tables
        window.grab().save(out + QLatin1Char('/') + name + QStringLiteral(".png"));
        qInfo("wrote %s/%s.png", qPrintable(out), qPrintable(name));
    };

    window.showPage(MainWindow::Page::Dashboard);
    grab(QStringLiteral("dashboard"));
    window.selectFunction(QStringLiteral("hello"));
    window.showFunctionTab(MainWindow::FunctionTab::Code);
    grab(QStringLiteral("code"));
    window.showFunctionTab(MainWindow::FunctionTab::Test);
    int done = 0;
    QObject::connect(window.testPage(), &TestPage::invoked, &window, [&done] { ++done; });
    window.testPage()->setEventText(QStringLiteral("{\n  \"name\": \"Ada\"\n}\n"));
    window.testPage()->invoke();
    waitFor([&] { return done > 0; }, 20000);
    grab(QStringLiteral("test"));
    window.showFunctionTab(MainWindow::FunctionTab::Monitor);
    grab(QStringLiteral("monitor"));
    window.showFunctionTab(MainWindow::FunctionTab::Versions);
    grab(QStringLiteral("versions"));
    window.showFunctionTab(MainWindow::FunctionTab::Configuration);
    grab(QStringLiteral("configuration"));
    window.showPage(MainWindow::Page::Environments);
    grab(QStringLiteral("environments"));
    window.showPage(MainWindow::Page::Logs);
    grab(QStringLiteral("logs"));
    window.showPage(MainWindow::Page::Cost);
    grab(QStringLiteral("cost"));
    return 0;
}
