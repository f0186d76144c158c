// Importing functions from zip archives and git repositories, including every
// path-escape attempt; failures leave nothing behind.
#include "scratchrepo.h"
#include "versioning/importer.h"
#include "versioning/versionstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>
#include <QUrl>

#include <git2.h>
#include <sys/stat.h>
#include <zip.h>

using namespace funcdesk;
using funcdesk::test::ScratchRepo;

namespace {

struct ZipItem
{
    QString name;
    QByteArray content;
    unsigned mode = 0100644; // S_IFREG | 0644; S_IFLNK for symlinks (content = target)
};

bool writeZip(const QString &path, const QList<ZipItem> &items)
{
    int err = 0;
    zip_t *z = zip_open(QFile::encodeName(path).constData(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z)
        return false;
    for (const ZipItem &item : items) {
        // libzip frees the copy once the archive is written.
        void *copy = malloc(size_t(qMax<qsizetype>(1, item.content.size())));
        memcpy(copy, item.content.constData(), size_t(item.content.size()));
        zip_source_t *src = zip_source_buffer(z, copy, zip_uint64_t(item.content.size()), 1);
        const zip_int64_t idx = zip_file_add(z, item.name.toUtf8().constData(), src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8);
        if (idx < 0) {
            zip_source_free(src);
            zip_discard(z);
            return false;
        }
        zip_file_set_external_attributes(z, zip_uint64_t(idx), 0, ZIP_OPSYS_UNIX, zip_uint32_t(item.mode) << 16);
    }
    return zip_close(z) == 0;
}

QList<ZipItem> pythonZip(const QByteArray &marker)
{
    return {{QStringLiteral("lambda_function.py"), ScratchRepo::handlerSource(marker)},
            {QStringLiteral("lib/helper.py"), QByteArrayLiteral("H = 1\n")},
            {QStringLiteral("run.sh"), QByteArrayLiteral("#!/bin/sh\n"), 0100755},
            {QStringLiteral("lib/link.py"), QByteArrayLiteral("helper.py"), 0120777}};
}

// Nothing of the failed import exists anywhere in the data dir.
void verifyNothingLeft(const ScratchRepo &s)
{
    QVERIFY(QDir(s.dataDir().functions()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
    QVERIFY(!QFileInfo::exists(s.dataDir().versions()) || QDir(s.dataDir().versions()).isEmpty());
    QVERIFY(!QFileInfo::exists(s.root() + QStringLiteral("/evil")));
    QVERIFY(!QFileInfo::exists(s.dataDir().functions() + QStringLiteral("/evil")));
}

} // namespace

class TestImporter : public QObject
{
    Q_OBJECT

    // Source repository for git imports: main = A (root python) -> B (+ app/ nodejs,
    // tag v1, branch "feature") -> C (root handler says "main-c").
    QTemporaryDir m_sourceData;
    QString m_sourceRepo;
    QString m_commitA;

private Q_SLOTS:
    void initTestCase()
    {
        VersionStore src(DataDir{m_sourceData.path()});
        SourceFiles files;
        files.insert(QStringLiteral("lambda_function.py"), SourceFile(ScratchRepo::handlerSource("main-a")));
        const Result<QString> a = src.create(QStringLiteral("source"), Runtime::Python3, files);
        QVERIFY(a.ok());
        m_commitA = *a;
        SourceFiles app;
        app.insert(QStringLiteral("app/index.js"), SourceFile(QByteArrayLiteral("exports.handler = async () => 'app';\n")));
        app.insert(QStringLiteral("app/function.json"), SourceFile(QByteArrayLiteral(R"({"runtime":"nodejs20.x","handler":"index.handler"})")));
        QVERIFY(src.writeDraftFiles(QStringLiteral("source"), app).ok());
        QVERIFY(src.deploy(QStringLiteral("source")).ok());
        QVERIFY(src.publish(QStringLiteral("source")).ok());
        m_sourceRepo = src.repoPath(QStringLiteral("source"));

        git_libgit2_init();
        git_repository *repo = nullptr;
        git_object *b = nullptr;
        git_reference *branch = nullptr;
        QCOMPARE(git_repository_open(&repo, QFile::encodeName(m_sourceRepo).constData()), 0);
        QCOMPARE(git_revparse_single(&b, repo, "v1^{commit}"), 0);
        QCOMPARE(git_branch_create(&branch, repo, "feature", reinterpret_cast<git_commit *>(b), 0), 0);
        git_reference_free(branch);
        git_object_free(b);
        git_repository_free(repo);
        git_libgit2_shutdown();

        SourceFiles c;
        c.insert(QStringLiteral("lambda_function.py"), SourceFile(ScratchRepo::handlerSource("main-c")));
        QVERIFY(src.writeDraftFiles(QStringLiteral("source"), c).ok());
        QVERIFY(src.deploy(QStringLiteral("source")).ok());
    }

    void cleanupTestCase() { (void)treefiles::removeTree(m_sourceData.path() + QStringLiteral("/versions")); }

    void zipImportCreatesFunction()
    {
        ScratchRepo s;
        const QString zip = s.root() + QStringLiteral("/code.zip");
        QVERIFY(writeZip(zip, pythonZip("zipped")));
        const Result<QString> r = s.store().importFromZip(QStringLiteral("zipped"), zip);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        const Result<FunctionConfig> c = s.store().latestRunnable(QStringLiteral("zipped"));
        QVERIFY(c.ok());
        QCOMPARE(c->runtime, Runtime::Python3); // guessed from lambda_function.py
        QVERIFY(ScratchRepo::readFile(c->codeDir + QStringLiteral("/lambda_function.py")).contains("zipped"));
        QCOMPARE(ScratchRepo::readFile(c->codeDir + QStringLiteral("/lib/helper.py")), QByteArray("H = 1\n"));
        QVERIFY(QFileInfo(c->codeDir + QStringLiteral("/run.sh")).permission(QFile::ExeOwner));
        QVERIFY(!QFileInfo(c->codeDir + QStringLiteral("/lib/helper.py")).permission(QFile::ExeOwner));
        QCOMPARE(QFileInfo(c->codeDir + QStringLiteral("/lib/link.py")).symLinkTarget(), c->codeDir + QStringLiteral("/lib/helper.py"));
        QCOMPARE(s.store().history(QStringLiteral("zipped"))->first().message, QStringLiteral("Import from code.zip"));
    }

    void zipWithManifestKeepsIt()
    {
        ScratchRepo s;
        const QString zip = s.root() + QStringLiteral("/node.zip");
        QVERIFY(writeZip(zip, {{QStringLiteral("src/main.mjs"), QByteArrayLiteral("export const go = async () => 1;\n")}, {QStringLiteral("function.json"), QByteArrayLiteral(R"({"runtime":"nodejs20.x","handler":"src/main.go","memorySize":512})")}}));
        QVERIFY(s.store().importFromZip(QStringLiteral("node"), zip).ok());
        const Result<FunctionConfig> c = s.store().latestRunnable(QStringLiteral("node"));
        QCOMPARE(c->runtime, Runtime::NodeJs);
        QCOMPARE(c->handler, QStringLiteral("src/main.go"));
        QCOMPARE(c->memoryMb, 512);
    }

    void zipEscapesAreRejected_data()
    {
        QTest::addColumn<QString>("entry");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<unsigned>("mode");
        QTest::addColumn<QString>("message");
        QTest::newRow("parent") << QStringLiteral("../evil") << QByteArray("x") << 0100644u
                                << QStringLiteral("zip entry \"../evil\": path leaves the function directory");
        QTest::newRow("nested parent") << QStringLiteral("lib/../../evil") << QByteArray("x") << 0100644u
                                       << QStringLiteral("zip entry \"lib/../../evil\": path leaves the function directory");
        QTest::newRow("absolute") << QStringLiteral("/tmp/evil") << QByteArray("x") << 0100644u
                                  << QStringLiteral("zip entry \"/tmp/evil\": absolute paths are not allowed");
        QTest::newRow("git dir") << QStringLiteral(".git/hooks/post-commit") << QByteArray("x") << 0100755u
                                 << QStringLiteral("zip entry \".git/hooks/post-commit\": .git is reserved");
        QTest::newRow("symlink out") << QStringLiteral("evil") << QByteArray("../../../etc/passwd") << 0120777u
                                     << QStringLiteral("zip entry \"evil\": symlink to \"../../../etc/passwd\" points outside");
        QTest::newRow("symlink absolute") << QStringLiteral("evil") << QByteArray("/etc/passwd") << 0120777u
                                          << QStringLiteral("zip entry \"evil\": symlink to \"/etc/passwd\" points outside");
        QTest::newRow("nested symlink out") << QStringLiteral("lib/evil") << QByteArray("../..") << 0120777u
                                            << QStringLiteral("zip entry \"lib/evil\": symlink to \"../..\" points outside");
    }
    void zipEscapesAreRejected()
    {
        QFETCH(QString, entry);
        QFETCH(QByteArray, content);
        QFETCH(unsigned, mode);
        QFETCH(QString, message);
        ScratchRepo s;
        QList<ZipItem> items = pythonZip("ok");
        items.append({entry, content, mode});
        const QString zip = s.root() + QStringLiteral("/bad.zip");
        QVERIFY(writeZip(zip, items));
        const Result<QString> r = s.store().importFromZip(QStringLiteral("evil"), zip);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().type, QStringLiteral("InvalidParameterValueException"));
        QVERIFY2(r.error().message.contains(message), qPrintable(r.error().message));
        verifyNothingLeft(s);
        QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/evil")));
    }

    void zipWithoutHandlerOrNotAZipFails()
    {
        ScratchRepo s;
        const QString zip = s.root() + QStringLiteral("/empty.zip");
        QVERIFY(writeZip(zip, {{QStringLiteral("README"), QByteArrayLiteral("hi\n")}}));
        const Result<QString> r = s.store().importFromZip(QStringLiteral("f"), zip);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QStringLiteral("function.json: missing")));
        const QString notZip = s.root() + QStringLiteral("/text.zip");
        QVERIFY(ScratchRepo::writeFile(notZip, "not a zip"));
        const Result<QString> r2 = s.store().importFromZip(QStringLiteral("f"), notZip);
        QVERIFY(!r2.ok());
        QVERIFY(r2.error().message.contains(QStringLiteral("cannot open zip")));
        QCOMPARE(s.store().importFromZip(QStringLiteral("bad name"), zip).error().type, QStringLiteral("InvalidParameterValueException"));
        verifyNothingLeft(s);
    }

    void updateCodeFromZipDeploysAndKeepsManifest()
    {
        ScratchRepo s;
        QVERIFY(s.createPython(QStringLiteral("f"), "before").ok());
        FunctionConfig c = *s.store().draftConfig(QStringLiteral("f"));
        c.memoryMb = 1024;
        QVERIFY(s.store().setDraftConfig(QStringLiteral("f"), c).ok());
        QVERIFY(s.store().deploy(QStringLiteral("f")).ok());
        const QString zip = s.root() + QStringLiteral("/update.zip");
        QVERIFY(writeZip(zip, pythonZip("after")));
        const Result<QString> r = s.store().updateCodeFromZip(QStringLiteral("f"), zip);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        const Result<FunctionConfig> latest = s.store().latestRunnable(QStringLiteral("f"));
        QVERIFY(ScratchRepo::readFile(latest->codeDir + QStringLiteral("/lambda_function.py")).contains("after"));
        QCOMPARE(latest->memoryMb, 1024);
        // The same zip again is not an error: the code is already there.
        const Result<QString> again = s.store().updateCodeFromZip(QStringLiteral("f"), zip);
        QVERIFY(again.ok());
        QCOMPARE(*again, *r);
        // A bad zip changes nothing.
        QVERIFY(writeZip(zip, {{QStringLiteral("../evil"), QByteArrayLiteral("x")}}));
        QVERIFY(!s.store().updateCodeFromZip(QStringLiteral("f"), zip).ok());
        QVERIFY(ScratchRepo::readFile(s.draftPath(QStringLiteral("f"), QStringLiteral("lambda_function.py"))).contains("after"));
    }

    void gitImportTakesRefs_data()
    {
        QTest::addColumn<QString>("ref");
        QTest::addColumn<QByteArray>("marker");
        QTest::addColumn<bool>("hasApp");
        QTest::newRow("default branch") << QString() << QByteArray("main-c") << true;
        QTest::newRow("branch main") << QStringLiteral("main") << QByteArray("main-c") << true;
        QTest::newRow("branch feature") << QStringLiteral("feature") << QByteArray("main-a") << true;
        QTest::newRow("tag") << QStringLiteral("v1") << QByteArray("main-a") << true;
        QTest::newRow("commit") << QStringLiteral("COMMIT_A") << QByteArray("main-a") << false;
    }
    void gitImportTakesRefs()
    {
        QFETCH(QString, ref);
        QFETCH(QByteArray, marker);
        QFETCH(bool, hasApp);
        if (ref == QLatin1String("COMMIT_A"))
            ref = m_commitA;
        ScratchRepo s;
        const Result<QString> r = s.store().importFromGit(QStringLiteral("imported"), m_sourceRepo, ref);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        const Result<FunctionConfig> c = s.store().latestRunnable(QStringLiteral("imported"));
        QVERIFY(ScratchRepo::readFile(c->codeDir + QStringLiteral("/lambda_function.py")).contains(marker));
        QCOMPARE(QFileInfo::exists(c->codeDir + QStringLiteral("/app/index.js")), hasApp);
        QCOMPARE(s.store().history(QStringLiteral("imported"))->size(), 1);
    }

    void gitImportTakesSubdirectoryAndFileUrl()
    {
        ScratchRepo s;
        const QString url = QUrl::fromLocalFile(m_sourceRepo).toString();
        const Result<QString> r = s.store().importFromGit(QStringLiteral("app"), url, QStringLiteral("main"), QStringLiteral("app"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        const Result<FunctionConfig> c = s.store().latestRunnable(QStringLiteral("app"));
        QCOMPARE(c->runtime, Runtime::NodeJs);
        QVERIFY(QFileInfo::exists(c->codeDir + QStringLiteral("/index.js")));
        QVERIFY(!QFileInfo::exists(c->codeDir + QStringLiteral("/lambda_function.py")));
    }

    void gitImportRejectsBadInput_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("ref");
        QTest::addColumn<QString>("subdirectory");
        QTest::addColumn<QString>("message");
        QTest::newRow("subdir parent") << QString() << QString() << QStringLiteral("..")
                                       << QStringLiteral("subdirectory \"..\": path leaves the function directory");
        QTest::newRow("subdir nested parent") << QString() << QString() << QStringLiteral("app/../..")
                                              << QStringLiteral("subdirectory \"app/../..\": path leaves the function directory");
        QTest::newRow("subdir absolute") << QString() << QString() << QStringLiteral("/etc")
                                         << QStringLiteral("subdirectory \"/etc\": absolute paths are not allowed");
        QTest::newRow("subdir missing") << QString() << QString() << QStringLiteral("nope")
                                        << QStringLiteral("subdirectory \"nope\": no such folder");
        QTest::newRow("ref missing") << QString() << QStringLiteral("no-such-branch") << QString()
                                     << QStringLiteral("no branch, tag or commit \"no-such-branch\"");
        QTest::newRow("no repository") << QStringLiteral("/nonexistent/repo") << QString() << QString()
                                       << QStringLiteral("no such repository");
        QTest::newRow("remote url") << QStringLiteral("https://example.invalid/x.git") << QString() << QString()
                                    << QStringLiteral("only local paths and file:// URLs");
    }
    void gitImportRejectsBadInput()
    {
        QFETCH(QString, source);
        QFETCH(QString, ref);
        QFETCH(QString, subdirectory);
        QFETCH(QString, message);
        ScratchRepo s;
        const Result<QString> r = s.store().importFromGit(QStringLiteral("evil"), source.isEmpty() ? m_sourceRepo : source, ref, subdirectory);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(message), qPrintable(r.error().message));
        verifyNothingLeft(s);
    }
};

QTEST_GUILESS_MAIN(TestImporter)
#include "tst_importer.moc"
