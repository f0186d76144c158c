// GUI event loop stall while the engine serves load (budget: p99 <= 16 ms, at 1,000
// invocations/s and at saturation). The real window runs offscreen on a scratch data dir,
// the store records every invocation, and wrk, a separate process, sends the load through
// the local API as any client would:
//   - paced: 16 connections, each waiting 16 ms between requests (about 1,000/s), with the
//     Monitor tab of the function under load showing live charts;
//   - saturated: 16 connections as fast as the engine answers, with the Environments page
//     showing (its swimlane repaints every 250 ms and it reads the environment list every
//     second: the page that once waited on the engine thread for that list).
// A 5 ms timer on the GUI thread measures how late each tick fires.

#include "bench.h"
#include "wrk.h"

#include "settings/settings.h"
#include "ui/mainwindow.h"
#include "ui/models/functionlistmodel.h"
#include "ui/studio.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

using namespace funcdesk;
using namespace funcdesk::ui;

namespace {

void pump(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
}

struct StallRun
{
    std::vector<double> lateMs;
    bench::WrkFigures wrk;
};

// Runs wrk for `seconds` while a 5 ms timer on this (the GUI) thread records its lateness.
StallRun measureWhileLoaded(const QString &scriptDir, const bench::WrkOptions &options)
{
    StallRun run;
    QProcess wrk;
    if (!bench::startWrk(wrk, scriptDir, options))
        return run;
    pump([] { return false; }, 1000); // let the load settle before measuring
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed();
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        run.lateMs.push_back(std::max(0.0, double(now - last) / 1e6 - 5.0));
        last = now;
    });
    tick.start(5);
    pump([&] { return wrk.state() == QProcess::NotRunning; }, options.seconds * 1000 + 30000);
    tick.stop();
    run.wrk = bench::wrkFigures(wrk);
    return run;
}

} // namespace

FUNCDESK_BENCHMARK("gui.stall")
{
    if (!qobject_cast<QApplication *>(QCoreApplication::instance()))
        return;
    QTemporaryDir dir;
    Settings settings(dir.filePath(QStringLiteral("settings.ini")));
    settings.setApiPort(0);
    auto opened = Studio::open(DataDir{dir.filePath(QStringLiteral("data"))}, &settings);
    if (!opened.ok())
        return;
    Studio *studio = opened->get();
    auto window = std::make_unique<MainWindow>(studio);
    window->resize(1280, 800);
    window->show();

    bool created = false;
    studio->createFunction(QStringLiteral("noop"), Runtime::Python3, QStringLiteral("hello-world"), window.get(),
                           [&](Result<QString>) { created = true; });
    pump([&] { return created; }, 30000);
    window->refreshFunctions();
    pump([&] { return window->functionModel()->rowCount() == 1; }, 10000);
    window->selectFunction(QStringLiteral("noop"));
    window->showFunctionTab(MainWindow::FunctionTab::Monitor);

    bench::WrkOptions options;
    options.url = QStringLiteral("http://%1/2015-03-31/functions/noop/invocations").arg(studio->apiAddress());
    options.seconds = 10;

    options.delayMs = 16;
    const StallRun paced = measureWhileLoaded(dir.path(), options);
    if (!paced.wrk.ok)
        return;
    reporter.add(QStringLiteral("gui.stall_p50_ms"), bench::percentile(paced.lateMs, 50), QStringLiteral("ms"));
    reporter.add(QStringLiteral("gui.stall_p99_ms"), bench::percentile(paced.lateMs, 99), QStringLiteral("ms"),
                 QStringLiteral("<= 16 ms"));
    reporter.add(QStringLiteral("gui.stall_max_ms"), bench::percentile(paced.lateMs, 100), QStringLiteral("ms"));
    reporter.add(QStringLiteral("gui.stall_load_rate"), paced.wrk.requestsPerSecond, QStringLiteral("inv/s"),
                 QStringLiteral("~1,000"));

    window->showPage(MainWindow::Page::Environments);
    options.delayMs = 0;
    const StallRun saturated = measureWhileLoaded(dir.path(), options);
    reporter.add(QStringLiteral("gui.stall_saturated_p50_ms"), bench::percentile(saturated.lateMs, 50),
                 QStringLiteral("ms"));
    reporter.add(QStringLiteral("gui.stall_saturated_p99_ms"), bench::percentile(saturated.lateMs, 99),
                 QStringLiteral("ms"), QStringLiteral("<= 16 ms"));
    reporter.add(QStringLiteral("gui.stall_saturated_max_ms"), bench::percentile(saturated.lateMs, 100),
                 QStringLiteral("ms"));
    reporter.add(QStringLiteral("gui.stall_saturated_rate"), saturated.wrk.requestsPerSecond, QStringLiteral("inv/s"));

    // The floor: the same saturation with a page that does nothing per environment change
    // (Learn, idle). On 2 busy cores the GUI thread also waits for a CPU; the difference
    // to the figures above is what the Environments page itself costs.
    window->showMode(QStringLiteral("learn"));
    const StallRun floor = measureWhileLoaded(dir.path(), options);
    reporter.add(QStringLiteral("gui.stall_saturated_floor_p99_ms"), bench::percentile(floor.lateMs, 99),
                 QStringLiteral("ms"));
    reporter.add(QStringLiteral("gui.stall_saturated_floor_max_ms"), bench::percentile(floor.lateMs, 100),
                 QStringLiteral("ms"));
    pump([] { return false; }, 300);
    window.reset();
}
