// The build step of a deploy, through Lambda's API with real pip and npm, offline: a
// wheel written in the test and an `npm pack`ed tarball are the only packages, found
// through pip's and npm's own configuration (PIP_* variables, a file: dependency) that the
// test sets, as a user would for a local mirror.

#include "apitestkit.h"

#include "versioning/build.h"

#include <QDir>
#include <QScopeGuard>
#include <QFileInfo>
#include <QStandardPaths>

using namespace funcdesk;
using apitest::makeZip;

namespace {

const QByteArray kPyApp = QByteArrayLiteral(
    "import tinydep\n"
    "def handler(event, context):\n"
    "    return {'dep': tinydep.VALUE, 'code': 'CODE'}\n");

QByteArray pyApp(const QByteArray &marker) { return QByteArray(kPyApp).replace("CODE", marker); }

QByteArray b64(const QByteArray &zip) { return zip.toBase64(); }

bool run(const QString &program, const QStringList &args, const QString &workDir, QByteArray *output = nullptr)
{
    QProcess p;
    p.setWorkingDirectory(workDir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    p.waitForFinished(60000);
    if (output)
        *output = p.readAll();
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace

class TestBuild : public QObject
{
    Q_OBJECT

    QTemporaryDir m_packages;
    QString m_tarball;
    apitest::Stack stack;

    apitest::Reply invoke(const QString &name)
    {
        return stack.client->call("POST", QStringLiteral("/2015-03-31/functions/%1/invocations").arg(name), "{}");
    }
    apitest::Reply createFunction(const QString &name, const QString &runtime, const QString &handler, const QByteArray &zip)
    {
        const QJsonObject body{{QStringLiteral("FunctionName"), name},
                               {QStringLiteral("Runtime"), runtime},
                               {QStringLiteral("Handler"), handler},
                               {QStringLiteral("Role"), QStringLiteral("arn:aws:iam::000000000000:role/x")},
                               {QStringLiteral("Code"), QJsonObject{{QStringLiteral("ZipFile"), QString::fromLatin1(b64(zip))}}}};
        return stack.client->call("POST", QStringLiteral("/2015-03-31/functions"), QJsonDocument(body).toJson());
    }
    apitest::Reply updateCode(const QString &name, const QByteArray &zip)
    {
        const QJsonObject body{{QStringLiteral("ZipFile"), QString::fromLatin1(b64(zip))}};
        return stack.client->call("PUT", QStringLiteral("/2015-03-31/functions/%1/code").arg(name), QJsonDocument(body).toJson());
    }
    build::Record lastBuild(const QString &name)
    {
        auto r = stack.store->lastBuild(name);
        return r.ok() ? *r : build::Record{};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_packages.isValid());
        // Two versions of one wheel, so a manifest change has something to change to.
        const QString wheels = m_packages.filePath(QStringLiteral("wheels"));
        for (const char *v : {"1.0", "2.0"}) {
            QByteArray out;
            const QString src = QStringLiteral("VALUE = \"tiny-%1\"\n").arg(QLatin1String(v));
            QVERIFY2(run(QStringLiteral("python3"), {QStringLiteral(FUNCDESK_SOURCE_DIR "/tests/api/data/tinywheel.py"), wheels,
                                                     QStringLiteral("tinydep"), QLatin1String(v), src},
                         m_packages.path(), &out),
                     out.constData());
        }
        QByteArray pipVersion;
        if (!run(QStringLiteral("python3"), {QStringLiteral("-m"), QStringLiteral("pip"), QStringLiteral("--version")}, m_packages.path(), &pipVersion))
            QSKIP("pip is not installed for python3 (Debian: apt install python3-pip)");
        // pip's own configuration, as a user with a local mirror has it: no index, our folder.
        qputenv("PIP_NO_INDEX", "1");
        qputenv("PIP_FIND_LINKS", QFile::encodeName(wheels));
        qputenv("PIP_NO_CACHE_DIR", "1");
        qputenv("npm_config_cache", QFile::encodeName(m_packages.filePath(QStringLiteral("npm-cache"))));
        qputenv("npm_config_update_notifier", "false");

        if (!QStandardPaths::findExecutable(QStringLiteral("npm")).isEmpty()) {
            const QString pkg = m_packages.filePath(QStringLiteral("tinynode"));
            QVERIFY(QDir().mkpath(pkg));
            QFile pj(pkg + QStringLiteral("/package.json"));
            QVERIFY(pj.open(QIODevice::WriteOnly));
            pj.write("{\"name\":\"tinynode\",\"version\":\"1.0.0\",\"main\":\"index.js\"}\n");
            pj.close();
            QFile js(pkg + QStringLiteral("/index.js"));
            QVERIFY(js.open(QIODevice::WriteOnly));
            js.write("module.exports = { value: 'node-tiny-1' };\n");
            js.close();
            QByteArray out;
            QVERIFY2(run(QStringLiteral("npm"), {QStringLiteral("pack"), QStringLiteral("--pack-destination"), m_packages.path()}, pkg, &out),
                     out.constData());
            m_tarball = m_packages.filePath(QStringLiteral("tinynode-1.0.0.tgz"));
            QVERIFY(QFileInfo::exists(m_tarball));
        }
        QVERIFY(stack.start());
    }

    void pythonFunctionImportsItsDependency()
    {
        const QByteArray zip = makeZip({{QStringLiteral("app.py"), pyApp("one")},
                                        {QStringLiteral("requirements.txt"), QByteArrayLiteral("tinydep==1.0\n")}});
        const apitest::Reply created = createFunction(QStringLiteral("pydep"), QStringLiteral("python3.12"), QStringLiteral("app.handler"), zip);
        QVERIFY2(created.status == 201, created.body.constData());
        const apitest::Reply r = invoke(QStringLiteral("pydep"));
        QVERIFY2(r.status == 200, r.body.constData());
        QCOMPARE(r.json().value(QStringLiteral("dep")).toString(), QStringLiteral("tiny-1.0"));

        const build::Record b = lastBuild(QStringLiteral("pydep"));
        QCOMPARE(b.outcome, build::Outcome::Built);
        QCOMPARE(b.tool, QStringLiteral("pip"));
        QVERIFY2(b.log.contains(QLatin1String("Successfully installed tinydep-1.0")), qPrintable(b.log));
        // The built tree is what runs; the function's repository keeps only the sources.
        const QString codeDir = stack.catalog->latest(QStringLiteral("pydep")).codeDir;
        QVERIFY(QFileInfo::exists(codeDir + QStringLiteral("/tinydep/__init__.py")));
        QVERIFY(QFileInfo::exists(codeDir + QStringLiteral("/app.py")));
        QVERIFY(!QFileInfo::exists(stack.store->repoPath(QStringLiteral("pydep")) + QStringLiteral("/tinydep")));
    }

    void unchangedManifestHitsTheCacheAndAChangedOneRebuilds()
    {
        const build::Record first = lastBuild(QStringLiteral("pydep"));
        QVERIFY(!first.key.isEmpty());
        // New code, same requirements: the cached dependencies, the new code.
        apitest::Reply u = updateCode(QStringLiteral("pydep"), makeZip({{QStringLiteral("app.py"), pyApp("two")},
                                                                        {QStringLiteral("requirements.txt"), QByteArrayLiteral("tinydep==1.0\n")}}));
        QVERIFY2(u.status == 200, u.body.constData());
        build::Record cached = lastBuild(QStringLiteral("pydep"));
        QCOMPARE(cached.outcome, build::Outcome::Cached);
        QCOMPARE(cached.key, first.key);
        apitest::Reply r = invoke(QStringLiteral("pydep"));
        QCOMPARE(r.json().value(QStringLiteral("code")).toString(), QStringLiteral("two"));
        QCOMPARE(r.json().value(QStringLiteral("dep")).toString(), QStringLiteral("tiny-1.0"));

        // A changed manifest installs again.
        u = updateCode(QStringLiteral("pydep"), makeZip({{QStringLiteral("app.py"), pyApp("two")},
                                                         {QStringLiteral("requirements.txt"), QByteArrayLiteral("tinydep==2.0\n")}}));
        QVERIFY2(u.status == 200, u.body.constData());
        const build::Record rebuilt = lastBuild(QStringLiteral("pydep"));
        QCOMPARE(rebuilt.outcome, build::Outcome::Built);
        QVERIFY(rebuilt.key != first.key);
        r = invoke(QStringLiteral("pydep"));
        QCOMPARE(r.json().value(QStringLiteral("dep")).toString(), QStringLiteral("tiny-2.0"));
    }

    void failedBuildLeavesThePreviousVersionServing()
    {
        const QString before = stack.catalog->latest(QStringLiteral("pydep")).codeDir;
        const apitest::Reply u = updateCode(QStringLiteral("pydep"), makeZip({{QStringLiteral("app.py"), pyApp("broken")},
                                                                              {QStringLiteral("requirements.txt"), QByteArrayLiteral("nosuchpackage-funcdesk==9.9\n")}}));
        QCOMPARE(u.status, 400);
        QCOMPARE(u.errorType(), QStringLiteral("BuildFailedException"));
        const QString message = u.json().value(QStringLiteral("Message")).toString();
        QVERIFY2(message.startsWith(QLatin1String("Build failed: pip install exited with code 1")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("No matching distribution found for nosuchpackage-funcdesk==9.9")), qPrintable(message));
        QCOMPARE(lastBuild(QStringLiteral("pydep")).outcome, build::Outcome::Failed);

        // Still the last good code, from the same export; nothing was committed.
        const apitest::Reply r = invoke(QStringLiteral("pydep"));
        QCOMPARE(r.json().value(QStringLiteral("code")).toString(), QStringLiteral("two"));
        QCOMPARE(r.json().value(QStringLiteral("dep")).toString(), QStringLiteral("tiny-2.0"));
        QCOMPARE(stack.catalog->latest(QStringLiteral("pydep")).codeDir, before);
        auto history = stack.store->history(QStringLiteral("pydep"));
        QVERIFY(history.ok());
        QCOMPARE(history->size(), 3); // create, two updates; not the broken one
        // No half-built export is left behind.
        const QStringList left = QDir(QFileInfo(before).path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
        QCOMPARE(left, QStringList{QFileInfo(before).fileName()});
    }

    void nodeFunctionRequiresItsDependency()
    {
        if (m_tarball.isEmpty())
            QSKIP("npm is not installed (Debian: apt install npm)");
        const QByteArray packageJson = QStringLiteral("{\"name\":\"nodedep\",\"version\":\"1.0.0\",\"dependencies\":{\"tinynode\":\"file:%1\"}}\n")
                                           .arg(m_tarball)
                                           .toUtf8();
        const QByteArray index = QByteArrayLiteral(
            "const tiny = require('tinynode');\n"
            "exports.handler = async () => ({ dep: tiny.value });\n");
        const apitest::Reply created = createFunction(QStringLiteral("nodedep"), QStringLiteral("nodejs20.x"), QStringLiteral("index.handler"),
                                                      makeZip({{QStringLiteral("index.js"), index}, {QStringLiteral("package.json"), packageJson}}));
        QVERIFY2(created.status == 201, created.body.constData());
        const build::Record b = lastBuild(QStringLiteral("nodedep"));
        QCOMPARE(b.outcome, build::Outcome::Built);
        QVERIFY2(b.command.startsWith(QLatin1String("npm install --omit=dev")), qPrintable(b.command)); // no lockfile
        const apitest::Reply r = invoke(QStringLiteral("nodedep"));
        QVERIFY2(r.status == 200, r.body.constData());
        QCOMPARE(r.json().value(QStringLiteral("dep")).toString(), QStringLiteral("node-tiny-1"));
        const QString codeDir = stack.catalog->latest(QStringLiteral("nodedep")).codeDir;
        QVERIFY(QFileInfo::exists(codeDir + QStringLiteral("/node_modules/tinynode/index.js")));
        QVERIFY(!QFileInfo::exists(codeDir + QStringLiteral("/package-lock.json"))); // npm install's, not the user's
        QVERIFY(!QFileInfo::exists(stack.store->repoPath(QStringLiteral("nodedep")) + QStringLiteral("/node_modules")));

        // With a lockfile: npm ci.
        QTemporaryDir lockDir;
        QFile pj(lockDir.filePath(QStringLiteral("package.json")));
        QVERIFY(pj.open(QIODevice::WriteOnly));
        pj.write(packageJson);
        pj.close();
        QByteArray out;
        QVERIFY2(run(QStringLiteral("npm"), {QStringLiteral("install"), QStringLiteral("--package-lock-only"), QStringLiteral("--no-audit")}, lockDir.path(), &out),
                 out.constData());
        QFile lock(lockDir.filePath(QStringLiteral("package-lock.json")));
        QVERIFY(lock.open(QIODevice::ReadOnly));
        const apitest::Reply u = updateCode(QStringLiteral("nodedep"), makeZip({{QStringLiteral("index.js"), index},
                                                                                {QStringLiteral("package.json"), packageJson},
                                                                                {QStringLiteral("package-lock.json"), lock.readAll()}}));
        QVERIFY2(u.status == 200, u.body.constData());
        QVERIFY2(lastBuild(QStringLiteral("nodedep")).command.startsWith(QLatin1String("npm ci --omit=dev")), qPrintable(lastBuild(QStringLiteral("nodedep")).command));
        QCOMPARE(invoke(QStringLiteral("nodedep")).json().value(QStringLiteral("dep")).toString(), QStringLiteral("node-tiny-1"));
        QVERIFY(QFileInfo::exists(stack.catalog->latest(QStringLiteral("nodedep")).codeDir + QStringLiteral("/package-lock.json")));

        // Unchanged manifest and lockfile: the cache.
        const QByteArray index2 = QByteArray(index).replace("dep: tiny.value", "dep: tiny.value, again: true");
        lock.seek(0);
        const apitest::Reply again = updateCode(QStringLiteral("nodedep"), makeZip({{QStringLiteral("index.js"), index2},
                                                                                    {QStringLiteral("package.json"), packageJson},
                                                                                    {QStringLiteral("package-lock.json"), lock.readAll()}}));
        QVERIFY2(again.status == 200, again.body.constData());
        QCOMPARE(lastBuild(QStringLiteral("nodedep")).outcome, build::Outcome::Cached);
        QCOMPARE(invoke(QStringLiteral("nodedep")).json().value(QStringLiteral("again")).toBool(), true);
    }

    void failedNodeBuildCarriesNpmsMessage()
    {
        if (m_tarball.isEmpty())
            QSKIP("npm is not installed (Debian: apt install npm)");
        const apitest::Reply u = updateCode(QStringLiteral("nodedep"),
                                            makeZip({{QStringLiteral("index.js"), QByteArrayLiteral("exports.handler = async () => 1;\n")},
                                                     {QStringLiteral("package.json"), QByteArrayLiteral("{\"dependencies\":{\"x\":\"file:/nonexistent/x.tgz\"}}")}}));
        QCOMPARE(u.status, 400);
        QCOMPARE(u.errorType(), QStringLiteral("BuildFailedException"));
        const QString message = u.json().value(QStringLiteral("Message")).toString();
        QVERIFY2(message.startsWith(QLatin1String("Build failed: npm install --omit=dev")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("ENOENT")), qPrintable(message));
        QCOMPARE(invoke(QStringLiteral("nodedep")).json().value(QStringLiteral("again")).toBool(), true);
    }

    // The nodejs template with a real dependency: dayjs from the npm cache that dev.sh test
    // fills from the registry, installed offline by the deploy's npm install.
    void nodeTemplateWithDayjsRuns()
    {
        if (m_tarball.isEmpty())
            QSKIP("npm is not installed (Debian: apt install npm)");
        const QString cache = QStringLiteral(FUNCDESK_BINARY_DIR "/npm-cache");
        if (!QFileInfo::exists(cache + QStringLiteral("/_cacache")))
            QSKIP("no npm cache with dayjs: ./packaging/dev.sh test fills build/<preset>/npm-cache from the npm registry");
        const QByteArray previousCache = qgetenv("npm_config_cache");
        qputenv("npm_config_cache", QFile::encodeName(cache));
        qputenv("npm_config_offline", "true");
        const auto restore = qScopeGuard([previousCache] {
            qputenv("npm_config_cache", previousCache);
            qunsetenv("npm_config_offline");
        });
        const QString dir = QStringLiteral(FUNCDESK_SOURCE_DIR "/resources/templates/functions/nodejs/with-dependency");
        QMap<QString, QByteArray> files;
        for (const QString &name : QDir(dir).entryList(QDir::Files)) {
            QFile f(dir + QLatin1Char('/') + name);
            QVERIFY(f.open(QIODevice::ReadOnly));
            files.insert(name, f.readAll());
        }
        const apitest::Reply created = createFunction(QStringLiteral("dayjs-template"), QStringLiteral("nodejs20.x"),
                                                      QStringLiteral("index.handler"), makeZip(files));
        QVERIFY2(created.status == 201, created.body.constData());
        QCOMPARE(lastBuild(QStringLiteral("dayjs-template")).outcome, build::Outcome::Built);
        const apitest::Reply r = stack.client->call("POST", QStringLiteral("/2015-03-31/functions/dayjs-template/invocations"),
                                                    "{\"date\": \"2024-02-29T12:00:00Z\"}");
        QVERIFY2(r.status == 200, r.body.constData());
        QCOMPARE(r.json().value(QStringLiteral("inAWeek")).toString(), QStringLiteral("2024-03-07"));
    }

    void codeAndLayersOverLambdasUnzippedLimitAreRefused()
    {
        QTemporaryDir dir, data;
        QFile f(dir.filePath(QStringLiteral("app.py")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x = 1\n");
        f.close();
        FunctionConfig c;
        c.name = QStringLiteral("big");
        auto r = build::buildInto(DataDir{data.path()}, dir.path(), c, build::kMaxUnzippedBytes - 3, {});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().type, QString(errc::InvalidParameterValue));
        QCOMPARE(r.error().message, QStringLiteral("Unzipped size must be smaller than 262144000 bytes"));
        auto fits = build::buildInto(DataDir{data.path()}, dir.path(), c, build::kMaxUnzippedBytes - 6, {});
        QVERIFY(fits.ok());
    }

    void zipOverFiftyMegabytesIsRefusedAsLambdaRefusesIt()
    {
        // Stored (not deflated) random bytes: a zip just over 50 MB.
        QTemporaryDir dir;
        QByteArray out;
        const QString zipPath = dir.filePath(QStringLiteral("big.zip"));
        QVERIFY2(run(QStringLiteral("python3"), {QStringLiteral("-c"),
                                                 QStringLiteral("import os,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_STORED)\n"
                                                                "z.writestr('app.py','x=1\\n')\nz.writestr('blob.bin',os.urandom(50*1024*1024+1024))\nz.close()"),
                                                 zipPath},
                     dir.path(), &out),
                 out.constData());
        QFile zip(zipPath);
        QVERIFY(zip.open(QIODevice::ReadOnly));
        const apitest::Reply u = updateCode(QStringLiteral("pydep"), zip.readAll());
        QCOMPARE(u.status, 413);
        QCOMPARE(u.errorType(), QStringLiteral("RequestEntityTooLargeException"));
        QCOMPARE(u.json().value(QStringLiteral("Message")).toString(),
                 QStringLiteral("Request must be smaller than 70167211 bytes for the UpdateFunctionCode operation"));
    }
};

QTEST_GUILESS_MAIN(TestBuild)
#include "tst_build.moc"
