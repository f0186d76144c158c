// VersionStore: create, deploy, $LATEST exports, publish, versions, history, diff,
// restore, delete, and bad input.
#include "scratchrepo.h"
#include "versioning/manifest.h"
#include "versioning/versionstore.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include <unistd.h>

using namespace funcdesk;
using funcdesk::test::ScratchRepo;

namespace {
QString type(const Error &e) { return e.type; }

// Every regular file below `dir`, relative path -> content.
QMap<QString, QByteArray> filesIn(const QString &dir)
{
    QMap<QString, QByteArray> out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString p = it.next();
        if (p.contains(QStringLiteral("/.git/")))
            continue;
        out.insert(QDir(dir).relativeFilePath(p), ScratchRepo::readFile(p));
    }
    return out;
}

bool anyWritable(const QString &dir)
{
    if (QFileInfo(dir).permissions() & (QFile::WriteOwner | QFile::WriteGroup | QFile::WriteOther))
        return true;
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        if (it.fileInfo().permissions() & (QFile::WriteOwner | QFile::WriteGroup | QFile::WriteOther))
            return true;
    }
    return false;
}
} // namespace

class TestVersionStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void createMakesRepositoryWithFirstDeploy()
    {
        ScratchRepo s;
        const Result<QString> commit = s.createPython(QStringLiteral("hello"));
        QVERIFY2(commit.ok(), qPrintable(commit.ok() ? QString() : commit.error().toString()));
        QCOMPARE(commit->size(), 40);
        QVERIFY(s.store().exists(QStringLiteral("hello")));
        QCOMPARE(s.store().functionNames(), QStringList{QStringLiteral("hello")});
        QVERIFY(QFileInfo::exists(s.draftPath(QStringLiteral("hello"), QStringLiteral("function.json"))));
        const Result<FunctionConfig> draft = s.store().draftConfig(QStringLiteral("hello"));
        QVERIFY(draft.ok());
        QCOMPARE(draft->handler, QStringLiteral("lambda_function.lambda_handler"));
        const Result<QList<DeployInfo>> h = s.store().history(QStringLiteral("hello"));
        QVERIFY(h.ok());
        QCOMPARE(h->size(), 1);
        QCOMPARE(h->first().commitId, *commit);
        QCOMPARE(h->first().filesAdded, 2);
        QCOMPARE(h->first().author, QStringLiteral("Test Author"));
        QVERIFY(!*s.store().hasDraftChanges(QStringLiteral("hello")));
    }

    void createRefusesExistingAndBadNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("errorType");
        QTest::newRow("exists") << QStringLiteral("taken") << QStringLiteral("ResourceConflictException");
        QTest::newRow("slash") << QStringLiteral("a/b") << QStringLiteral("InvalidParameterValueException");
        QTest::newRow("dots") << QStringLiteral("..") << QStringLiteral("InvalidParameterValueException");
        QTest::newRow("empty") << QString() << QStringLiteral("InvalidParameterValueException");
        QTest::newRow("too long") << QString(65, QLatin1Char('x')) << QStringLiteral("InvalidParameterValueException");
    }
    void createRefusesExistingAndBadNames()
    {
        QFETCH(QString, name);
        QFETCH(QString, errorType);
        ScratchRepo s;
        QVERIFY(s.createPython(QStringLiteral("taken"), "original").ok());
        const Result<QString> r = s.createPython(name, "second");
        QVERIFY(!r.ok());
        QCOMPARE(r.error().type, errorType);
        // Nothing lost, nothing half-created.
        QCOMPARE(s.store().functionNames(), QStringList{QStringLiteral("taken")});
        QVERIFY(ScratchRepo::readFile(s.draftPath(QStringLiteral("taken"), QStringLiteral("lambda_function.py"))).contains("original"));
        QCOMPARE(QDir(s.dataDir().functions()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList{QStringLiteral("taken")});
    }

    void createWithInvalidManifestLeavesNothing()
    {
        ScratchRepo s;
        SourceFiles files;
        files.insert(QStringLiteral("function.json"), SourceFile(QByteArrayLiteral(R"({"runtime":"python3","handler":"a.b","memorySize":64})")));
        const Result<QString> r = s.store().create(QStringLiteral("bad"), Runtime::Python3, files);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QStringLiteral("memorySize: must be between 128 and 10240 MB, got 64")));
        QVERIFY(!s.store().exists(QStringLiteral("bad")));
        QVERIFY(QDir(s.dataDir().functions()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
    }

    void deployCommitsAdditionsModificationsDeletions()
    {
        ScratchRepo s;
        const QString fn = QStringLiteral("f");
        QVERIFY(s.createPython(fn).ok());
        QVERIFY(s.writeDraft(fn, QStringLiteral("lib/util.py"), "X = 1\n"));
        QVERIFY(s.writeDraft(fn, QStringLiteral("extra.txt"), "extra\n"));
        QVERIFY(s.store().deploy(fn, QStringLiteral("add files")).ok());
        QVERIFY(s.writeDraft(fn, QStringLiteral("lambda_function.py"), ScratchRepo::handlerSource("v2")));
        QVERIFY(QFile::remove(s.draftPath(fn, QStringLiteral("extra.txt"))));
        QVERIFY(*s.store().hasDraftChanges(fn));
        const Result<QString> c = s.store().deploy(fn, QStringLiteral("change and delete"));
        QVERIFY2(c.ok(), qPrintable(c.ok() ? QString() : c.error().toString()));

        const Result<QList<DeployInfo>> h = s.store().history(fn);
        QVERIFY(h.ok());
        QCOMPARE(h->size(), 3);
        QCOMPARE(h->at(0).commitId, *c);
        QCOMPARE(h->at(0).message, QStringLiteral("change and delete"));
        QCOMPARE(h->at(0).filesModified, 1);
        QCOMPARE(h->at(0).filesDeleted, 1);
        QCOMPARE(h->at(0).filesAdded, 0);
        QCOMPARE(h->at(1).filesAdded, 2);
        QCOMPARE(s.store().history(fn, 1)->size(), 1);

        const Result<FunctionConfig> latest = s.store().latestRunnable(fn);
        QVERIFY(latest.ok());
        const auto files = filesIn(latest->codeDir);
        QVERIFY(files.value(QStringLiteral("lambda_function.py")).contains("v2"));
        QVERIFY(files.contains(QStringLiteral("lib/util.py")));
        QVERIFY(!files.contains(QStringLiteral("extra.txt")));
    }

    void deployWithoutChangesSaysNothingToDeploy()
    {
        ScratchRepo s;
        QVERIFY(s.createPython(QStringLiteral("f")).ok());
        const Result<QString> r = s.store().deploy(QStringLiteral("f"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().type, QStringLiteral("NothingToDeploy"));
        QVERIFY(r.error().message.contains(QStringLiteral("nothing to deploy")));
        QCOMPARE(s.store().history(QStringLiteral("f"))->size(), 1);
    }

    void deployRefusesInvalidManifest_data()
    {
        QTest::addColumn<QByteArray>("manifestJson");
        QTest::addColumn<QString>("message");
        QTest::newRow("memory") << QByteArray(R"({"runtime":"python3","handler":"a.b","memorySize":64})")
                                << QStringLiteral("memorySize: must be between 128 and 10240 MB, got 64");
        QTest::newRow("handler escape") << QByteArray(R"({"runtime":"python3","handler":"../x.handler"})")
                                        << QStringLiteral("handler: must not leave the function directory");
        QTest::newRow("broken json") << QByteArray("{") << QStringLiteral("function.json: not valid JSON");
    }
    void deployRefusesInvalidManifest()
    {
        QFETCH(QByteArray, manifestJson);
        QFETCH(QString, message);
        ScratchRepo s;
        QVERIFY(s.createPython(QStringLiteral("f")).ok());
        QVERIFY(s.writeDraft(QStringLiteral("f"), QStringLiteral("function.json"), manifestJson));
        const Result<QString> r = s.store().deploy(QStringLiteral("f"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().type, QStringLiteral("InvalidParameterValueException"));
        QVERIFY2(r.error().message.contains(message), qPrintable(r.error().message));
        QCOMPARE(s.store().history(QStringLiteral("f"))->size(), 1);
        // The draft keeps the user's edit.
        QCOMPARE(ScratchRepo::readFile(s.draftPath(QStringLiteral("f"), QStringLiteral("function.json"))), manifestJson);
    }

    void deployRefusesMissingManifest()
    {
        ScratchRepo s;
        QVERIFY(s.createPython(QStringLiteral("f")).ok());
        QVERIFY(QFile::remove(s.draftPath(QStringLiteral("f"), QStringLiteral("function.json"))));
        const Result<QString> r = s.store().deploy(QStringLiteral("f"));
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QStringLiteral("function.json: missing")));
    }

    void setDraftConfigWritesManifest()
    {
        ScratchRepo s;
        QVERIFY(s.createPython(QStringLiteral("f")).ok());
        FunctionConfig c = *s.store().draftConfig(QStringLiteral("f"));
        c.memoryMb = 512;
        c.environment.insert(QStringLiteral("STAGE"), QStringLiteral("test"));
        QVERIFY(s.store().setDraftConfig(QStringLiteral("f"), c).ok());
        c.memoryMb = 1;
        QVERIFY(!s.store().setDraftConfig(QStringLiteral("f"), c).ok());
        QVERIFY(s.store().deploy(QStringLiteral("f"), QStringLiteral("config")).ok());
        const Result<FunctionConfig> latest = s.store().latestRunnable(QStringLiteral("f"));
        QCOMPARE(latest->memoryMb, 512);
        QCOMPARE(latest->environment.value(QStringLiteral("STAGE")), QStringLiteral("test"));
    }

    void latestRunsDeployedCommitNeverTheDraft()
    {
        ScratchRepo s;
        const QString fn = QStringLiteral("f");
        QVERIFY(s.createPython(fn, "deployed").ok());
        const Result<FunctionConfig> first = s.store().latestRunnable(fn);
        QVERIFY(first.ok());
        QCOMPARE(first->version, QStringLiteral("$LATEST"));
        QCOMPARE(first->name, fn);
        QVERIFY(first->codeDir.startsWith(s.dataDir().versions() + QStringLiteral("/f/latest-")));
        QVERIFY(!anyWritable(first->codeDir));

        // Unsaved edits do not reach $LATEST, and the export is reused.
        QVERIFY(s.writeDraft(fn, QStringLiteral("lambda_function.py"), ScratchRepo::handlerSource("draft")));
        const Result<FunctionConfig> again = s.store().latestRunnable(fn);
        QCOMPARE(again->codeDir, first->codeDir);
        QVERIFY(ScratchRepo::readFile(again->codeDir + QStringLiteral("/lambda_function.py")).contains("deployed"));

        // A deploy moves $LATEST to a new export and drops the old one.
        QVERIFY(s.store().deploy(fn).ok());
        const Result<FunctionConfig> third = s.store().latestRunnable(fn);
        QVERIFY(third->codeDir != first->codeDir);
        QVERIFY(ScratchRepo::readFile(third->codeDir + QStringLiteral("/lambda_function.py")).contains("draft"));
        QVERIFY(!QFileInfo::exists(first->codeDir));
    }

    void publishTagsAndExportsReadOnly()
    {
        ScratchRepo s;
        const QString fn = QStringLiteral("f");
        const Result<QString> c1 = s.createPython(fn, "one");
        const Result<VersionInfo> v1 = s.store().publish(fn, QStringLiteral("first"));
        QVERIFY2(v1.ok(), qPrintable(v1.ok() ? QString() : v1.error().toString()));
        QCOMPARE(v1->number, 1);
        QCOMPARE(v1->commitId, *c1);

        // No change since version 1: refused, and no version 2 appears.
        const Result<VersionInfo> again = s.store().publish(fn, QStringLiteral("again"));
        QVERIFY(!again.ok());
        QCOMPARE(again.error().type, QStringLiteral("NothingToPublish"));
        QCOMPARE(s.store().versions(fn)->size(), 1);

        // Draft edits alone do not make a new version either: publish takes the deployed commit.
        QVERIFY(s.writeDraft(fn, QStringLiteral("lambda_function.py"), ScratchRepo::handlerSource("two")));
        QCOMPARE(s.store().publish(fn).error().type, QStringLiteral("NothingToPublish"));
        const Result<QString> c2 = s.store().deploy(fn);
        QVERIFY(c2.ok());
        const Result<VersionInfo> v2 = s.store().publish(fn, QStringLiteral("second"));
        QVERIFY(v2.ok());
        QCOMPARE(v2->number, 2);

        const Result<QList<VersionInfo>> list = s.store().versions(fn);
        QVERIFY(list.ok());
        QCOMPARE(list->size(), 2);
        QCOMPARE(list->at(0).description, QStringLiteral("first"));
        QCOMPARE(list->at(1).commitId, *c2);
        QVERIFY(list->at(1).created.isValid());

        const Result<FunctionConfig> cfg1 = s.store().versionConfig(fn, 1);
        QVERIFY(cfg1.ok());
        QCOMPARE(cfg1->version, QStringLiteral("1"));
        QCOMPARE(cfg1->codeDir, s.dataDir().versions() + QStringLiteral("/f/1"));
        QVERIFY(!anyWritable(cfg1->codeDir));
        // The export is exactly the commit's tree.
        const auto exported = filesIn(cfg1->codeDir);
        QCOMPARE(exported.keys(), (QStringList{QStringLiteral("function.json"), QStringLiteral("lambda_function.py")}));
        QCOMPARE(exported.value(QStringLiteral("lambda_function.py")), ScratchRepo::handlerSource("one"));
        QVERIFY(ScratchRepo::readFile(s.store().versionConfig(fn, 2)->codeDir + QStringLiteral("/lambda_function.py")).contains("two"));

        // History shows which deploy became which version.
        const Result<QList<DeployInfo>> h = s.store().history(fn);
        QCOMPARE(h->at(0).versions, QList<int>{2});
        QCOMPARE(h->at(1).versions, QList<int>{1});

        QCOMPARE(s.store().versionConfig(fn, 3).error().type, QStringLiteral("ResourceNotFoundException"));
    }

    void deleteVersionKeepsHistoryAndItsNumber()
    {
        ScratchRepo s;
        const QString fn = QStringLiteral("f");
        QList<QString> commits;
        for (const char *marker : {"one", "two", "three"}) {
            if (commits.isEmpty()) {
                commits.append(*s.createPython(fn, marker));
            } else {
                QVERIFY(s.writeDraft(fn, QStringLiteral("lambda_function.py"), ScratchRepo::handlerSource(marker)));
                commits.append(*s.store().deploy(fn));
            }
            QVERIFY(s.store().publish(fn).ok());
        }
        AliasConfig live;
        live.name = QStringLiteral("live");
        live.functionVersion = QStringLiteral("2");
        QVERIFY(s.store().createAlias(fn, live).ok());
        AliasConfig canary;
        canary.name = QStringLiteral("canary");
        canary.functionVersion = QStringLiteral("1");
        canary.additionalVersion = QStringLiteral("3");
        canary.additionalWeight = 0.1;
        QVERIFY(s.store().createAlias(fn, canary).ok());

        // Versions an alias routes to (as its version or its weighted one) stay.
        Status refused = s.store().deleteVersion(fn, 2);
        QCOMPARE(refused.error().type, QStringLiteral("ResourceConflictException"));
        QCOMPARE(refused.error().message, QStringLiteral("Unable to delete version because the following aliases reference it: [live]"));
        refused = s.store().deleteVersion(fn, 3);
        QCOMPARE(refused.error().type, QStringLiteral("ResourceConflictException"));
        QVERIFY2(refused.error().message.endsWith(QStringLiteral("[canary]")), qPrintable(refused.error().message));
        QCOMPARE(s.store().versions(fn)->size(), 3);

        QVERIFY(s.store().deleteAlias(fn, QStringLiteral("canary")).ok());
        const Status deleted = s.store().deleteVersion(fn, 3);
        QVERIFY2(deleted.ok(), qPrintable(deleted.ok() ? QString() : deleted.error().toString()));
        const Result<QList<VersionInfo>> left = s.store().versions(fn);
        QCOMPARE(left->size(), 2);
        QCOMPARE(left->at(0).number, 1);
        QCOMPARE(left->at(1).number, 2);
        QVERIFY(!QFileInfo::exists(s.dataDir().versions() + QStringLiteral("/f/3")));
        QVERIFY(QFileInfo::exists(s.dataDir().versions() + QStringLiteral("/f/2/lambda_function.py")));
        QCOMPARE(s.store().versionConfig(fn, 3).error().type, QStringLiteral("ResourceNotFoundException"));
        QCOMPARE(s.store().resolveQualifier(fn, QStringLiteral("3"), 0.5).error().type, QStringLiteral("ResourceNotFoundException"));

        // The deploy it was published from stays in the history, no longer marked as a version.
        const Result<QList<DeployInfo>> h = s.store().history(fn);
        QCOMPARE(h->size(), 3);
        QCOMPARE(h->at(0).commitId, commits.at(2));
        QVERIFY(h->at(0).versions.isEmpty());
        QCOMPARE(h->at(1).versions, QList<int>{2});
        QVERIFY(ScratchRepo::readFile(s.store().repoPath(fn) + QStringLiteral("/.git/refs/funcdesk/deleted-versions/v3")).size() >= 40);

        // Gone is gone; other bad input.
        QCOMPARE(s.store().deleteVersion(fn, 3).error().type, QStringLiteral("ResourceNotFoundException"));
        QCOMPARE(s.store().deleteVersion(fn, 0).error().type, QStringLiteral("InvalidParameterValueException"));
        QCOMPARE(s.store().deleteVersion(QStringLiteral("missing"), 1).error().type, QStringLiteral("ResourceNotFoundException"));

        // Numbers are never handed out again: the deployed commit (version 3's) publishes as 4.
        const Result<VersionInfo> v4 = s.store().publish(fn);
        QVERIFY2(v4.ok(), qPrintable(v4.ok() ? QString() : v4.error().toString()));
        QCOMPARE(v4->number, 4);
        QCOMPARE(v4->commitId, commits.at(2));
        QVERIFY(s.store().deleteVersion(fn, 4).ok());
        QVERIFY(s.store().deleteVersion(fn, 1).ok());
        QCOMPARE(s.store().publish(fn)->number, 5);
    }

    void versionExportIsRecreatedWhenMissing()
    {
        ScratchRepo s;
        QVERIFY(s.createPython(QStringLiteral("f")).ok());
        QVERIFY(s.store().publish(QStringLiteral("f")).ok());
        const QString dir = s.dataDir().versions() + QStringLiteral("/f/1");
        QVERIFY(treefiles::removeTree(dir).ok());
        const Result<FunctionConfig> c = s.store().versionConfig(QStringLiteral("f"), 1);
        QVERIFY(c.ok());
        QVERIFY(QFileInfo::exists(dir + QStringLiteral("/lambda_function.py")));
    }

    void diffShowsChangedLines()
    {
        ScratchRepo s;
        const QString fn = QStringLiteral("f");
        QVERIFY(s.createPython(fn, "alpha").ok());
        QVERIFY(s.store().publish(fn).ok());
        QVERIFY(s.writeDraft(fn, QStringLiteral("lambda_function.py"), ScratchRepo::handlerSource("beta")));
        QVERIFY(s.writeDraft(fn, QStringLiteral("new.txt"), "brand new\n"));

        // Against the draft: the edit and the untracked file.
        const Result<QList<FileDiff>> draft = s.store().diff(fn, QStringLiteral("$LATEST"));
        QVERIFY(draft.ok());
        QCOMPARE(draft->size(), 2);
        const FileDiff &d0 = draft->at(0);
        QCOMPARE(d0.path, QStringLiteral("lambda_function.py"));
        QCOMPARE(d0.change, FileDiff::Change::Modified);
        QVERIFY2(d0.patch.contains(QStringLiteral("-    return {\"marker\": \"alpha\"}")), qPrintable(d0.patch));
        QVERIFY(d0.patch.contains(QStringLiteral("+    return {\"marker\": \"beta\"}")));
        QCOMPARE(d0.additions, 1);
        QCOMPARE(d0.deletions, 1);
        QCOMPARE(draft->at(1).path, QStringLiteral("new.txt"));
        QCOMPARE(draft->at(1).change, FileDiff::Change::Added);
        QVERIFY(draft->at(1).patch.contains(QStringLiteral("+brand new")));

        // Between versions.
        QVERIFY(s.store().deploy(fn).ok());
        QVERIFY(s.store().publish(fn).ok());
        const Result<QList<FileDiff>> between = s.store().diff(fn, QStringLiteral("1"), QStringLiteral("v2"));
        QVERIFY(between.ok());
        QCOMPARE(between->size(), 2);
        QVERIFY(between->at(0).patch.contains(QStringLiteral("+    return {\"marker\": \"beta\"}")));
        QVERIFY(s.store().diff(fn, QStringLiteral("2"), QStringLiteral("$LATEST"))->isEmpty());
        QCOMPARE(s.store().diff(fn, QStringLiteral("7")).error().type, QStringLiteral("ResourceNotFoundException"));
    }

    void restoreBringsOldContentIntoDraftThenDeploys()
    {
        ScratchRepo s;
        const QString fn = QStringLiteral("f");
        QVERIFY(s.createPython(fn, "old").ok());
        QVERIFY(s.store().publish(fn).ok());
        QVERIFY(s.writeDraft(fn, QStringLiteral("lambda_function.py"), ScratchRepo::handlerSource("new")));
        QVERIFY(s.writeDraft(fn, QStringLiteral("added.py"), "A = 1\n"));
        QVERIFY(s.store().deploy(fn).ok());

        // Undeployed edits are not silently dropped.
        QVERIFY(s.writeDraft(fn, QStringLiteral("unsaved.py"), "U = 1\n"));
        const Status refused = s.store().restore(fn, QStringLiteral("1"));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().type, QStringLiteral("DraftHasChanges"));
        QVERIFY(QFileInfo::exists(s.draftPath(fn, QStringLiteral("unsaved.py"))));
        QVERIFY(QFile::remove(s.draftPath(fn, QStringLiteral("unsaved.py"))));

        QVERIFY(s.store().restore(fn, QStringLiteral("1")).ok());
        QVERIFY(ScratchRepo::readFile(s.draftPath(fn, QStringLiteral("lambda_function.py"))).contains("old"));
        QVERIFY(!QFileInfo::exists(s.draftPath(fn, QStringLiteral("added.py"))));
        QVERIFY(QFileInfo::exists(s.draftPath(fn, QStringLiteral(".git/HEAD"))));
        // Not deployed: $LATEST still runs "new".
        QVERIFY(ScratchRepo::readFile(s.store().latestRunnable(fn)->codeDir + QStringLiteral("/lambda_function.py")).contains("new"));

        const Result<QString> c = s.store().deploy(fn, QStringLiteral("back to 1"));
        QVERIFY(c.ok());
        const Result<QList<DeployInfo>> h = s.store().history(fn);
        QCOMPARE(h->first().filesDeleted, 1);
        QCOMPARE(h->first().filesModified, 1);
        QVERIFY(ScratchRepo::readFile(s.store().latestRunnable(fn)->codeDir + QStringLiteral("/lambda_function.py")).contains("old"));
        // Same tree as version 1 but a new deploy: publishable as version 2.
        QCOMPARE(s.store().publish(fn)->number, 2);

        QVERIFY(s.writeDraft(fn, QStringLiteral("scratch.py"), "S\n"));
        QVERIFY(s.store().restore(fn, QStringLiteral("$LATEST"), RestoreMode::DiscardDraftChanges).ok());
        QVERIFY(!QFileInfo::exists(s.draftPath(fn, QStringLiteral("scratch.py"))));
        QVERIFY(!*s.store().hasDraftChanges(fn));
    }

    void deleteFunctionRemovesRepoAndExports()
    {
        ScratchRepo s;
        QVERIFY(s.createPython(QStringLiteral("gone")).ok());
        QVERIFY(s.createPython(QStringLiteral("kept")).ok());
        QVERIFY(s.store().publish(QStringLiteral("gone")).ok());
        QVERIFY(s.store().latestRunnable(QStringLiteral("gone")).ok());
        QVERIFY(s.store().deleteFunction(QStringLiteral("gone")).ok());
        QVERIFY(!s.store().exists(QStringLiteral("gone")));
        QVERIFY(!QFileInfo::exists(s.dataDir().functionRepo(QStringLiteral("gone"))));
        QVERIFY(!QFileInfo::exists(s.dataDir().versions() + QStringLiteral("/gone")));
        QCOMPARE(s.store().functionNames(), QStringList{QStringLiteral("kept")});
        QCOMPARE(s.store().deleteFunction(QStringLiteral("gone")).error().type, QStringLiteral("ResourceNotFoundException"));
        QCOMPARE(s.store().deleteFunction(QStringLiteral("../kept")).error().type, QStringLiteral("InvalidParameterValueException"));
        QVERIFY(s.store().exists(QStringLiteral("kept")));
    }

    void renameKeepsHistoryVersionsAndAliases()
    {
        ScratchRepo s;
        QVERIFY(s.createPython(QStringLiteral("old")).ok());
        QVERIFY(s.createPython(QStringLiteral("other")).ok());
        QVERIFY(s.store().publish(QStringLiteral("old")).ok());
        AliasConfig live;
        live.name = QStringLiteral("live");
        live.functionVersion = QStringLiteral("1");
        QVERIFY(s.store().createAlias(QStringLiteral("old"), live).ok());
        QCOMPARE(s.store().renameFunction(QStringLiteral("old"), QStringLiteral("other")).error().type,
                 QStringLiteral("ResourceConflictException"));
        QCOMPARE(s.store().renameFunction(QStringLiteral("old"), QStringLiteral("a/b")).error().type,
                 QStringLiteral("InvalidParameterValueException"));
        QVERIFY(s.store().renameFunction(QStringLiteral("old"), QStringLiteral("new")).ok());
        QVERIFY(!s.store().exists(QStringLiteral("old")));
        QCOMPARE(s.store().history(QStringLiteral("new"))->size(), 1);
        QCOMPARE(s.store().versions(QStringLiteral("new"))->size(), 1);
        QCOMPARE(s.store().resolveQualifier(QStringLiteral("new"), QStringLiteral("live"), 0.5)->version, QStringLiteral("1"));
        const Result<FunctionConfig> v1 = s.store().versionConfig(QStringLiteral("new"), 1);
        QCOMPARE(v1->name, QStringLiteral("new"));
        QCOMPARE(v1->codeDir, s.dataDir().versions() + QStringLiteral("/new/1"));
        QVERIFY(QFileInfo::exists(v1->codeDir + QStringLiteral("/lambda_function.py")));
    }

    void operationsOnMissingFunctionSayNotFound()
    {
        ScratchRepo s;
        const QString fn = QStringLiteral("missing");
        QCOMPARE(type(s.store().deploy(fn).error()), QStringLiteral("ResourceNotFoundException"));
        QCOMPARE(type(s.store().publish(fn).error()), QStringLiteral("ResourceNotFoundException"));
        QCOMPARE(type(s.store().latestRunnable(fn).error()), QStringLiteral("ResourceNotFoundException"));
        QCOMPARE(type(s.store().history(fn).error()), QStringLiteral("ResourceNotFoundException"));
        QCOMPARE(type(s.store().restore(fn, QStringLiteral("1")).error()), QStringLiteral("ResourceNotFoundException"));
        QVERIFY(s.store().deploy(fn).error().message.contains(fn));
        QCOMPARE(type(s.store().deploy(QStringLiteral("a b")).error()), QStringLiteral("InvalidParameterValueException"));
    }

    void draftFilesMayNotEscape_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("parent") << QStringLiteral("../evil.py");
        QTest::newRow("nested parent") << QStringLiteral("a/../../evil.py");
        QTest::newRow("absolute") << QStringLiteral("/tmp/evil.py");
        QTest::newRow("git dir") << QStringLiteral(".git/config");
    }
    void draftFilesMayNotEscape()
    {
        QFETCH(QString, path);
        ScratchRepo s;
        QVERIFY(s.createPython(QStringLiteral("f")).ok());
        SourceFiles files;
        files.insert(path, SourceFile(QByteArrayLiteral("x")));
        const Status st = s.store().writeDraftFiles(QStringLiteral("f"), files);
        QVERIFY(!st.ok());
        QVERIFY2(st.error().message.contains(path), qPrintable(st.error().message));
        QVERIFY(!QFileInfo::exists(s.root() + QStringLiteral("/functions/evil.py")));
    }

    void deployRefusesSymlinkPointingOutside()
    {
        ScratchRepo s;
        QVERIFY(s.createPython(QStringLiteral("f")).ok());
        QCOMPARE(::symlink("../../secret", QFile::encodeName(s.draftPath(QStringLiteral("f"), QStringLiteral("leak"))).constData()), 0);
        const Result<QString> r = s.store().deploy(QStringLiteral("f"));
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(QStringLiteral("points outside")), qPrintable(r.error().message));
    }
};

QTEST_GUILESS_MAIN(TestVersionStore)
#include "tst_versionstore.moc"
