// GUI event loop stall while the engine serves ~1,000 invocations/s (DESIGN.md budget:
// p99 <= 16 ms). The real window runs offscreen on a scratch data dir with the Monitor
// tab of the function under load showing live charts, the status bar counting, the
// store recording every invocation. A load thread paces async invocations at 1,000/s;
// a 5 ms timer on the GUI thread measures how late each tick fires.

#include "bench.h"

#ifdef FUNCDESK_BENCH_GUI

#include "engine/engine.h"
#include "settings/settings.h"
#include "ui/mainwindow.h"
#include "ui/models/functionlistmodel.h"
#include "ui/studio.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <atomic>

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

    // Load: 1,000 invocations/s, paced in 10 ms steps of 10, from a plain thread.
    std::atomic<bool> running{true};
    std::atomic<qint64> completed{0};
    engine::Engine *engine = studio->engine();
    const double seconds = 10;
    QThread *load = QThread::create([&] {
        // Wait until $LATEST is registered by the Service.
        QElapsedTimer wait;
        wait.start();
        while (engine->functions().isEmpty() && wait.elapsed() < 20000)
            QThread::msleep(20);
        QElapsedTimer clock;
        clock.start();
        qint64 sent = 0;
        while (running.load()) {
            const qint64 due = clock.elapsed(); // ms: one invocation per ms
            for (; sent < due; ++sent) {
                engine::InvokeRequest r;
                r.function = QStringLiteral("noop");
                r.trigger = TriggerKind::LoadGenerator;
                engine->invoke(r, [&completed](engine::InvokeResult) { ++completed; });
            }
            QThread::msleep(10);
        }
    });
    load->start();

    // Warm up, then measure timer lateness on the GUI thread.
    pump([&] { return completed.load() > 2000; }, 20000);
    std::vector<double> lateMs;
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed();
    const qint64 startCompleted = completed.load();
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        lateMs.push_back(std::max(0.0, double(now - last) / 1e6 - 5.0));
        last = now;
    });
    tick.start(5);
    pump([&] { return clock.elapsed() >= seconds * 1000; }, int(seconds * 1000) + 5000);
    tick.stop();
    const double rate = double(completed.load() - startCompleted) / (double(clock.elapsed()) / 1000.0);
    running = false;
    load->wait();
    delete load;
    pump([] { return false; }, 300);

    reporter.add(QStringLiteral("gui.stall_p50_ms"), bench::percentile(lateMs, 50), QStringLiteral("ms"));
    reporter.add(QStringLiteral("gui.stall_p99_ms"), bench::percentile(lateMs, 99), QStringLiteral("ms"), QStringLiteral("<= 16 ms"));
    reporter.add(QStringLiteral("gui.stall_max_ms"), bench::percentile(lateMs, 100), QStringLiteral("ms"));
    reporter.add(QStringLiteral("gui.stall_load_rate"), rate, QStringLiteral("inv/s"), QStringLiteral("~1,000"));
    window.reset();
}

#endif
