// Importing functions from zip archives and git repositories, including every
// path-escape attempt; failures leave nothing behind.
#include "scratchrepo.h"
#include "versioning/importer.h"
#include "versioning/versionstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
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

// A git tree written raw, as a hostile repository can hold it: names git itself refuses
// ("..", "a/b", ".git", non-UTF-8), the same name twice, links anywhere.
struct RawEntry
{
    QByteArray mode; // "100644", "100755", "120000" (content: link target), "40000" (children)
    QByteArray name;
    QByteArray content;
    QList<RawEntry> children;
};

bool writeRawTree(git_odb *odb, const QList<RawEntry> &entries, git_oid *out)
{
    QByteArray raw;
    for (const RawEntry &e : entries) {
        git_oid oid;
        const bool ok = e.mode == "40000" ? writeRawTree(odb, e.children, &oid)
                                          : git_odb_write(&oid, odb, e.content.constData(), size_t(e.content.size()), GIT_OBJECT_BLOB) == 0;
        if (!ok)
            return false;
        raw += e.mode + ' ' + e.name + '\0' + QByteArray(reinterpret_cast<const char *>(oid.id), GIT_OID_RAWSZ);
    }
    return git_odb_write(out, odb, raw.constData(), size_t(raw.size()), GIT_OBJECT_TREE) == 0;
}

// A repository at `path` whose default branch holds one commit of `entries`.
bool makeRawRepo(const QString &path, const QList<RawEntry> &entries)
{
    git_libgit2_init();
    git_repository *repo = nullptr;
    git_odb *odb = nullptr;
    git_tree *tree = nullptr;
    git_signature *sig = nullptr;
    git_oid treeId, commitId;
    bool ok = git_repository_init(&repo, QFile::encodeName(path).constData(), 1) == 0 && git_repository_odb(&odb, repo) == 0
        && writeRawTree(odb, entries, &treeId) && git_tree_lookup(&tree, repo, &treeId) == 0
        && git_signature_now(&sig, "Test", "test@example.invalid") == 0
        && git_commit_create(&commitId, repo, "HEAD", sig, sig, nullptr, "hostile tree", tree, 0, nullptr) == 0;
    git_signature_free(sig);
    git_tree_free(tree);
    git_odb_free(odb);
    git_repository_free(repo);
    git_libgit2_shutdown();
    return ok;
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

Q_DECLARE_METATYPE(QList<ZipItem>)
Q_DECLARE_METATYPE(QList<RawEntry>)

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

    // Qt takes a path starting with ':' for a resource path, which is absolute to QDir:
    // such an entry must still land inside the function, not in the working directory.
    void zipEntryStartingWithAColonStaysInside()
    {
        ScratchRepo s;
        QTemporaryDir cwd;
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(cwd.path()));
        const QString zip = s.root() + QStringLiteral("/colon.zip");
        QVERIFY(writeZip(zip, {{QStringLiteral("lambda_function.py"), ScratchRepo::handlerSource("colon")},
                               {QStringLiteral(":notes.txt"), QByteArrayLiteral("inside\n")},
                               {QStringLiteral("lib/:data"), QByteArrayLiteral("also inside\n")}}));
        const Result<QString> r = s.store().importFromZip(QStringLiteral("colon"), zip);
        QVERIFY(QDir::setCurrent(before));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QCOMPARE(QDir(cwd.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System), QStringList());
        const Result<FunctionConfig> c = s.store().latestRunnable(QStringLiteral("colon"));
        QVERIFY(c.ok());
        QCOMPARE(ScratchRepo::readFile(c->codeDir + QStringLiteral("/:notes.txt")), QByteArray("inside\n"));
        QCOMPARE(ScratchRepo::readFile(c->codeDir + QStringLiteral("/lib/:data")), QByteArray("also inside\n"));
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

    // Checks on the whole archive: a chain of links, each inside on its own, must not carry
    // a write outside (b -> ".", z -> "b/b/b/x/../../../.." is <staging>/../../.., the data
    // dir, and "z/evil" was written there before the links were resolved).
    void zipFileSetIsChecked_data()
    {
        QTest::addColumn<QList<ZipItem>>("items");
        QTest::addColumn<QString>("message");
        QTest::newRow("write through a symlink chain")
            << QList<ZipItem>{{QStringLiteral("b"), QByteArrayLiteral("."), 0120777},
                              {QStringLiteral("x/keep"), QByteArrayLiteral("k")},
                              {QStringLiteral("z"), QByteArrayLiteral("b/b/b/x/../../../.."), 0120777},
                              {QStringLiteral("z/evil"), QByteArrayLiteral("escaped")}}
            << QStringLiteral("zip entry \"z/evil\": path passes through the symlink \"z\"");
        QTest::newRow("file below a symlink inside")
            << QList<ZipItem>{{QStringLiteral("src/app.py"), QByteArrayLiteral("x")},
                              {QStringLiteral("lib"), QByteArrayLiteral("src"), 0120777},
                              {QStringLiteral("lib/extra.py"), QByteArrayLiteral("y")}}
            << QStringLiteral("zip entry \"lib/extra.py\": path passes through the symlink \"lib\"");
        QTest::newRow("backslash") << QList<ZipItem>{{QStringLiteral("..\\evil"), QByteArrayLiteral("x")}}
                                   << QStringLiteral("zip entry \"..\\evil\": backslashes and NUL are not allowed in paths");
        QTest::newRow("empty part") << QList<ZipItem>{{QStringLiteral("lib//x.py"), QByteArrayLiteral("x")}}
                                    << QStringLiteral("zip entry \"lib//x.py\": empty or '.' path part");
        QTest::newRow("dot part") << QList<ZipItem>{{QStringLiteral("lib/./x.py"), QByteArrayLiteral("x")}}
                                  << QStringLiteral("zip entry \"lib/./x.py\": empty or '.' path part");
        QTest::newRow("Windows drive") << QList<ZipItem>{{QStringLiteral("C:/evil"), QByteArrayLiteral("x")}}
                                       << QStringLiteral("zip entry \"C:/evil\": absolute paths are not allowed");
        QTest::newRow("git dir in capitals") << QList<ZipItem>{{QStringLiteral(".GIT/config"), QByteArrayLiteral("x")}}
                                             << QStringLiteral("zip entry \".GIT/config\": .git is reserved");
        QTest::newRow("empty symlink") << QList<ZipItem>{{QStringLiteral("link"), QByteArray(), 0120777}}
                                       << QStringLiteral("zip entry \"link\": symlink to \"\" points outside");
    }
    void zipFileSetIsChecked()
    {
        QFETCH(QList<ZipItem>, items);
        QFETCH(QString, message);
        ScratchRepo s;
        items += pythonZip("ok");
        const QString zip = s.root() + QStringLiteral("/bad.zip");
        QVERIFY(writeZip(zip, items));
        const Result<QString> r = s.store().importFromZip(QStringLiteral("evil"), zip);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().type, QStringLiteral("InvalidParameterValueException"));
        QVERIFY2(r.error().message.contains(message), qPrintable(r.error().message));
        verifyNothingLeft(s);
        // The same zip as new code for an existing function changes nothing either.
        QVERIFY(s.createPython(QStringLiteral("f"), "before").ok());
        const Result<QString> u = s.store().updateCodeFromZip(QStringLiteral("f"), zip);
        QVERIFY(!u.ok());
        QVERIFY2(u.error().message.contains(message), qPrintable(u.error().message));
        QVERIFY(!QFileInfo::exists(s.root() + QStringLiteral("/evil")));
        QVERIFY(!QFileInfo::exists(s.dataDir().functions() + QStringLiteral("/evil")));
    }

    // A zip name without the UTF-8 flag is CP437, as the zip format says: read, not mangled.
    void zipNonUtf8NameIsCp437()
    {
        ScratchRepo s;
        const QString zip = s.root() + QStringLiteral("/cp437.zip");
        zip_t *z = zip_open(QFile::encodeName(zip).constData(), ZIP_CREATE | ZIP_TRUNCATE, nullptr);
        QVERIFY(z);
        static const char content[] = "x";
        zip_source_t *src = zip_source_buffer(z, content, 1, 0);
        QVERIFY(zip_file_add(z, "caf\x82.txt", src, ZIP_FL_ENC_RAW) >= 0); // 0x82: CP437's e-acute
        QCOMPARE(zip_close(z), 0);
        const Result<SourceFiles> files = importer::readZip(zip);
        QVERIFY2(files.ok(), qPrintable(files.ok() ? QString() : files.error().toString()));
        QCOMPARE(files->keys(), QStringList{QStringLiteral("caf\u00e9.txt")});
    }

    // A repository is as untrusted as a zip: its trees may hold what git never writes.
    void gitImportRejectsHostileTrees_data()
    {
        QTest::addColumn<QList<RawEntry>>("entries");
        QTest::addColumn<QString>("message");
        const RawEntry ok{"100644", "lambda_function.py", ScratchRepo::handlerSource("ok"), {}};
        QTest::newRow("dot-dot folder")
            << QList<RawEntry>{ok, {"40000", "..", {}, {{"100644", "evil", "x", {}}}}}
            << QStringLiteral("file \"../evil\": path leaves the function directory");
        QTest::newRow("slashes in a name") << QList<RawEntry>{ok, {"100644", "a/../../evil", "x", {}}}
                                           << QStringLiteral("file \"a/../../evil\": path leaves the function directory");
        QTest::newRow("git dir") << QList<RawEntry>{ok, {"40000", ".git", {}, {{"100755", "hooks", "x", {}}}}}
                                 << QStringLiteral("file \".git/hooks\": .git is reserved");
        QTest::newRow("symlink out") << QList<RawEntry>{ok, {"120000", "evil", "../../etc", {}}}
                                     << QStringLiteral("file \"evil\": symlink to \"../../etc\" points outside the function directory");
        QTest::newRow("symlink absolute") << QList<RawEntry>{ok, {"120000", "evil", "/etc/passwd", {}}}
                                          << QStringLiteral("file \"evil\": symlink to \"/etc/passwd\" points outside the function directory");
        QTest::newRow("write through a symlink chain")
            << QList<RawEntry>{{"120000", "b", ".", {}}, ok, {"40000", "x", {}, {{"100644", "keep", "k", {}}}},
                               {"120000", "z", "b/b/b/x/../../../..", {}}, {"40000", "z", {}, {{"100644", "evil", "escaped", {}}}}}
            << QStringLiteral("git entry \"z/evil\": path passes through the symlink \"z\"");
        QTest::newRow("non-UTF-8 name") << QList<RawEntry>{ok, {"100644", "caf\xff.py", "x", {}}}
                                        << QStringLiteral("git entry \"caf\ufffd.py\": name is not valid UTF-8");
    }
    void gitImportRejectsHostileTrees()
    {
        QFETCH(QList<RawEntry>, entries);
        QFETCH(QString, message);
        QTemporaryDir source;
        QVERIFY(makeRawRepo(source.path(), entries));
        ScratchRepo s;
        const Result<QString> r = s.store().importFromGit(QStringLiteral("evil"), source.path(), QString(), QString());
        QVERIFY(!r.ok());
        QCOMPARE(r.error().type, QStringLiteral("InvalidParameterValueException"));
        QVERIFY2(r.error().message.contains(message), qPrintable(r.error().message));
        verifyNothingLeft(s);
        QVERIFY(!QFileInfo::exists(QFileInfo(s.root()).path() + QStringLiteral("/evil")));
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
