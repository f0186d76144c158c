// Versioning: deploy and publish of a small function (a handler, a helper module and the
// manifest), medians of 20 in a scratch data dir.
#include "bench.h"

#include "versioning/treefiles.h"
#include "versioning/versionstore.h"

#include <QTemporaryDir>

#include <vector>

FUNCDESK_BENCHMARK("versioning")
{
    using namespace funcdesk;
    QTemporaryDir dir;
    VersionStore store(DataDir{dir.path()});
    const QString fn = QStringLiteral("bench");
    SourceFiles files;
    files.insert(QStringLiteral("lambda_function.py"),
                 SourceFile(QByteArrayLiteral("import helper\n\ndef lambda_handler(event, context):\n    return helper.VALUE\n")));
    files.insert(QStringLiteral("helper.py"), SourceFile(QByteArrayLiteral("VALUE = 0\n")));
    if (!store.create(fn, Runtime::Python3, files).ok())
        return;

    std::vector<double> deployMs;
    std::vector<double> publishMs;
    for (int i = 1; i <= 20; ++i) {
        SourceFiles change;
        change.insert(QStringLiteral("helper.py"), SourceFile(QByteArrayLiteral("VALUE = ") + QByteArray::number(i) + '\n'));
        if (!store.writeDraftFiles(fn, change).ok())
            return;
        double t0 = bench::nowUs();
        if (!store.deploy(fn, QStringLiteral("change %1").arg(i)).ok())
            return;
        deployMs.push_back((bench::nowUs() - t0) / 1000.0);
        t0 = bench::nowUs();
        if (!store.publish(fn).ok())
            return;
        publishMs.push_back((bench::nowUs() - t0) / 1000.0);
    }
    reporter.add(QStringLiteral("versioning.deploy_ms"), bench::percentile(deployMs, 50), QStringLiteral("ms"), QStringLiteral("<= 50 ms"));
    reporter.add(QStringLiteral("versioning.publish_ms"), bench::percentile(publishMs, 50), QStringLiteral("ms"), QStringLiteral("<= 100 ms"));
    (void)treefiles::removeTree(store.dataDir().versions()); // exports are read-only
}
