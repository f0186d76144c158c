// The build step (versioning/build.h): a deploy whose requirements.txt did not change (a
// build cache hit, budget <= 50 ms), the first build of the same manifest with real pip
// from a local wheel, and the cold start of a function importing that dependency next to
// one without it. The dependency is a wheel made here with 300 modules (about the file
// count of requests and its dependencies), imported whole on init.
#include "bench.h"

#include "engine/engine.h"
#include "versioning/build.h"
#include "versioning/treefiles.h"
#include "versioning/versionstore.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <optional>
#include <vector>

FUNCDESK_BENCHMARK("build")
{
    using namespace funcdesk;
    QTemporaryDir dir;
    const QString wheels = dir.filePath(QStringLiteral("wheels"));
    QProcess wheel;
    wheel.start(QStringLiteral("python3"), {QStringLiteral(FUNCDESK_SOURCE_DIR "/tests/api/data/tinywheel.py"), wheels,
                                            QStringLiteral("benchdep"), QStringLiteral("1.0"), QStringLiteral("VALUE = 1"),
                                            QStringLiteral("300")});
    if (!wheel.waitForFinished(60000) || wheel.exitCode() != 0)
        return;
    qputenv("PIP_NO_INDEX", "1");
    qputenv("PIP_FIND_LINKS", QFile::encodeName(wheels));
    qputenv("PIP_NO_CACHE_DIR", "1");

    VersionStore store(DataDir{dir.filePath(QStringLiteral("data"))});
    const QString fn = QStringLiteral("withdep");
    SourceFiles files;
    files.insert(QStringLiteral("lambda_function.py"),
                 SourceFile(QByteArrayLiteral("import benchdep\n\ndef lambda_handler(event, context):\n    return benchdep.VALUE\n")));
    files.insert(QStringLiteral("requirements.txt"), SourceFile(QByteArrayLiteral("benchdep==1.0\n")));
    double t0 = bench::nowUs();
    if (!store.create(fn, Runtime::Python3, files).ok())
        return;
    reporter.add(QStringLiteral("build.first_build_pip_ms"), (bench::nowUs() - t0) / 1000.0, QStringLiteral("ms"),
                 QStringLiteral("(one run: pip install of a 300-module wheel, offline)"));

    std::vector<double> hitMs;
    for (int i = 1; i <= 20; ++i) {
        SourceFiles change;
        change.insert(QStringLiteral("lambda_function.py"),
                      SourceFile(QByteArrayLiteral("import benchdep\n\ndef lambda_handler(event, context):\n    return benchdep.VALUE + ")
                                 + QByteArray::number(i) + '\n'));
        if (!store.writeDraftFiles(fn, change).ok())
            return;
        t0 = bench::nowUs();
        if (!store.deploy(fn, QStringLiteral("change %1").arg(i)).ok())
            return;
        hitMs.push_back((bench::nowUs() - t0) / 1000.0);
        if (store.lastBuild(fn).valueOr({}).outcome != build::Outcome::Cached)
            return;
    }
    reporter.add(QStringLiteral("build.deploy_cache_hit_ms"), bench::percentile(hitMs, 50), QStringLiteral("ms"), QStringLiteral("<= 50"));
    reporter.add(QStringLiteral("build.deploy_cache_hit_p90_ms"), bench::percentile(hitMs, 90), QStringLiteral("ms"));

    // Cold starts: the built function, and the same handler without the import.
    Result<FunctionConfig> withDep = store.latestRunnable(fn);
    if (!withDep.ok())
        return;
    QTemporaryDir plainDir;
    QFile plain(plainDir.filePath(QStringLiteral("lambda_function.py")));
    if (!plain.open(QIODevice::WriteOnly))
        return;
    plain.write("def lambda_handler(event, context):\n    return 1\n");
    plain.close();
    FunctionConfig without = *withDep;
    without.codeDir = plainDir.path();

    engine::EngineOptions o;
    o.runDir = dir.filePath(QStringLiteral("run"));
    engine::Engine engine(o);
    const auto coldStart = [&engine](FunctionConfig c, int i) -> std::optional<double> {
        c.name += QString::number(i);
        if (!engine.registerFunction(c).ok())
            return std::nullopt;
        engine::InvokeRequest req;
        req.function = c.name;
        const double start = bench::nowUs();
        const engine::InvokeResult r = engine.invokeAndWait(req);
        const double ms = (bench::nowUs() - start) / 1000.0;
        engine.unregisterFunction(c.name);
        if (r.functionError)
            return std::nullopt;
        return ms;
    };
    std::vector<double> coldWith, coldWithout;
    for (int i = 0; i < 10; ++i) {
        const std::optional<double> a = coldStart(*withDep, i);
        const std::optional<double> b = coldStart(without, i);
        if (!a || !b)
            return;
        coldWith.push_back(*a);
        coldWithout.push_back(*b);
    }
    reporter.add(QStringLiteral("build.cold_start_with_dependency_ms"), bench::percentile(coldWith, 50), QStringLiteral("ms"),
                 QStringLiteral("(imports 300 modules on init)"));
    reporter.add(QStringLiteral("build.cold_start_without_dependency_ms"), bench::percentile(coldWithout, 50), QStringLiteral("ms"));
    engine.stop();
    (void)treefiles::removeTree(store.dataDir().versions());
    (void)treefiles::removeTree(store.dataDir().builds());
}
