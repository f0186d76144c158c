// Experiment tools on the real engine:
//   - lab.load: the open-loop load generator at 500 invocations/s of a no-op python3
//     function for 60 s (FUNCDESK_BENCH_LOAD_SECONDS to change): the achieved rate against
//     the target (budget: within 2 %), the schedule lag p99, and the latency it measured;
//   - lab.tuning: a CPU-bound python3 function (fib(26)) at 128 ... 1,769 MB with CPU
//     scaled to memory: the average duration at each size, which must fall as memory
//     grows where a cgroup method exists.

#include "bench.h"

#include "engine/engine.h"
#include "lab/labops.h"
#include "lab/loadrunner.h"
#include "lab/powertuning.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

using namespace funcdesk;

namespace {

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(content);
}

FunctionConfig pythonFunction(const QString &dir, const QString &name, const QByteArray &code)
{
    FunctionConfig c;
    c.name = name;
    c.runtime = Runtime::Python3;
    c.handler = QStringLiteral("app.handler");
    c.timeoutSeconds = 60;
    c.codeDir = dir + QStringLiteral("/") + name;
    writeFile(c.codeDir + QStringLiteral("/app.py"), code);
    return c;
}

} // namespace

FUNCDESK_BENCHMARK("lab.load")
{
    QTemporaryDir dir;
    engine::EngineOptions options;
    options.runDir = dir.filePath(QStringLiteral("run"));
    engine::Engine engine(options);
    if (!engine.registerFunction(pythonFunction(dir.path(), QStringLiteral("noop"),
                                                "def handler(event, context):\n    return None\n"))
             .ok())
        return;
    // Warm environments first, so the run measures the generator and warm invocations: at
    // 2 ms intervals, requests that arrive while the only environment is busy would start
    // cold ones (30-70 ms each), and those a burst of more (the "burst" scenario's lesson).
    lab::invokeTogether(&engine, QStringLiteral("noop"), 16);

    const double rate = 500;
    const double seconds = qEnvironmentVariableIsSet("FUNCDESK_BENCH_LOAD_SECONDS")
        ? qEnvironmentVariable("FUNCDESK_BENCH_LOAD_SECONDS").toDouble()
        : 60;
    lab::LoadRunner runner(&engine);
    lab::LoadRunOptions run;
    run.function = QStringLiteral("noop");
    run.shape.kind = lab::LoadShape::Constant;
    run.shape.rate = rate;
    run.durationSeconds = seconds;
    QEventLoop loop;
    lab::LoadSummary summary;
    QObject::connect(&runner, &lab::LoadRunner::finished, &loop, [&](const lab::LoadSummary &s) {
        summary = s;
        loop.quit();
    });
    if (!runner.start(run).ok())
        return;
    loop.exec();
    reporter.add(QStringLiteral("lab.load_target_rate"), rate, QStringLiteral("inv/s"));
    reporter.add(QStringLiteral("lab.load_achieved_rate"), summary.achievedRate, QStringLiteral("inv/s"));
    reporter.add(QStringLiteral("lab.load_achieved_pct"), 100.0 * summary.achievedRate / rate, QStringLiteral("%"),
                 QStringLiteral("98-102 %"));
    reporter.add(QStringLiteral("lab.load_schedule_lag_p99_ms"), summary.scheduleLagP99Ms, QStringLiteral("ms"));
    reporter.add(QStringLiteral("lab.load_latency_p50_ms"), summary.p50Ms, QStringLiteral("ms"));
    reporter.add(QStringLiteral("lab.load_latency_p99_ms"), summary.p99Ms, QStringLiteral("ms"));
    reporter.add(QStringLiteral("lab.load_errors"), summary.errors, QStringLiteral("count"));
    reporter.add(QStringLiteral("lab.load_throttled"), summary.throttled, QStringLiteral("count"));
    reporter.add(QStringLiteral("lab.load_cold_starts"), summary.coldStarts, QStringLiteral("count"));
}

FUNCDESK_BENCHMARK("lab.tuning")
{
    const QString method = engine::Engine::cpuScalingMethod();
    if (method.isEmpty()) {
        QTextStream(stderr) << "lab.tuning: CPU not scaled on this machine; skipped" << Qt::endl;
        return;
    }
    QTemporaryDir dir;
    engine::EngineOptions options;
    options.runDir = dir.filePath(QStringLiteral("run"));
    engine::Engine engine(options);
    const FunctionConfig base = pythonFunction(dir.path(), QStringLiteral("fib"),
                                               "def fib(k):\n    return k if k < 2 else fib(k - 1) + fib(k - 2)\n\n"
                                               "def handler(event, context):\n    return fib(26)\n");
    for (int mb : {128, 256, 512, 1024, 1769}) {
        FunctionConfig c = base;
        c.memoryMb = mb;
        c.scaleCpu = true;
        if (!engine.registerFunction(c).ok())
            return;
        engine::InvokeRequest r;
        r.function = c.name;
        engine.invokeAndWait(r); // cold start, not measured
        QList<double> durations;
        for (int i = 0; i < 5; ++i)
            durations.append(engine.invokeAndWait(r).record.durationMs);
        reporter.add(QStringLiteral("lab.tuning_fib26_%1mb_ms").arg(mb), lab::trimmedMean(durations), QStringLiteral("ms"));
    }
}
