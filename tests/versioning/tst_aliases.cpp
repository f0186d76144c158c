// Aliases: validation, storage through the VersionStore, qualifier resolution and the
// weighted split.
#include "scratchrepo.h"
#include "versioning/aliases.h"
#include "versioning/versionstore.h"

#include <QFileInfo>
#include <QTest>

#include <random>

using namespace funcdesk;
using funcdesk::test::ScratchRepo;

namespace {
AliasConfig makeAlias(const QString &name, const QString &version, const QString &extra = {}, double weight = 0)
{
    AliasConfig a;
    a.name = name;
    a.functionVersion = version;
    a.additionalVersion = extra;
    a.additionalWeight = weight;
    return a;
}

// A function with versions 1..n.
void publishVersions(ScratchRepo &s, const QString &fn, int n)
{
    QVERIFY(s.createPython(fn, "1").ok());
    QVERIFY(s.store().publish(fn).ok());
    for (int i = 2; i <= n; ++i) {
        QVERIFY(s.writeDraft(fn, QStringLiteral("lambda_function.py"), ScratchRepo::handlerSource(QByteArray::number(i))));
        QVERIFY(s.store().deploy(fn).ok());
        QVERIFY(s.store().publish(fn).ok());
    }
}
} // namespace

class TestAliases : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validation_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("extra");
        QTest::addColumn<double>("weight");
        QTest::addColumn<QString>("message"); // empty: valid
        QTest::newRow("plain") << QStringLiteral("live") << QStringLiteral("1") << QString() << 0.0 << QString();
        QTest::newRow("canary") << QStringLiteral("live") << QStringLiteral("1") << QStringLiteral("2") << 0.3 << QString();
        QTest::newRow("latest") << QStringLiteral("dev") << QStringLiteral("$LATEST") << QString() << 0.0 << QString();
        QTest::newRow("digits name") << QStringLiteral("123") << QStringLiteral("1") << QString() << 0.0 << QStringLiteral("alias name \"123\"");
        QTest::newRow("bad chars") << QStringLiteral("a.b") << QStringLiteral("1") << QString() << 0.0 << QStringLiteral("alias name \"a.b\"");
        QTest::newRow("weight > 1") << QStringLiteral("live") << QStringLiteral("1") << QStringLiteral("2") << 1.5 << QStringLiteral("additionalWeight: must be between 0 and 1");
        QTest::newRow("weight < 0") << QStringLiteral("live") << QStringLiteral("1") << QStringLiteral("2") << -0.1 << QStringLiteral("additionalWeight");
        QTest::newRow("same version") << QStringLiteral("live") << QStringLiteral("1") << QStringLiteral("1") << 0.5 << QStringLiteral("additionalVersion: must differ");
        QTest::newRow("routing from latest") << QStringLiteral("live") << QStringLiteral("$LATEST") << QStringLiteral("1") << 0.5 << QStringLiteral("additionalVersion: weighted routing");
        QTest::newRow("bad version") << QStringLiteral("live") << QStringLiteral("x") << QString() << 0.0 << QStringLiteral("functionVersion:");
    }
    void validation()
    {
        QFETCH(QString, name);
        QFETCH(QString, version);
        QFETCH(QString, extra);
        QFETCH(double, weight);
        QFETCH(QString, message);
        const Status s = aliases::validate(makeAlias(name, version, extra, weight));
        QCOMPARE(s.ok(), message.isEmpty());
        if (!s.ok())
            QVERIFY2(s.error().message.contains(message), qPrintable(s.error().message));
    }

    void pickFollowsTheRandomValue()
    {
        const AliasConfig a = makeAlias(QStringLiteral("live"), QStringLiteral("1"), QStringLiteral("2"), 0.3);
        QCOMPARE(aliases::pick(a, 0.0), QStringLiteral("2"));
        QCOMPARE(aliases::pick(a, 0.2999), QStringLiteral("2"));
        QCOMPARE(aliases::pick(a, 0.3), QStringLiteral("1"));
        QCOMPARE(aliases::pick(a, 0.99), QStringLiteral("1"));
        QCOMPARE(aliases::pick(makeAlias(QStringLiteral("x"), QStringLiteral("1")), 0.0), QStringLiteral("1"));
    }

    void crudThroughStoreIsPersisted()
    {
        ScratchRepo s;
        const QString fn = QStringLiteral("f");
        publishVersions(s, fn, 3);
        const Result<AliasConfig> created = s.store().createAlias(fn, makeAlias(QStringLiteral("live"), QStringLiteral("1")));
        QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.error().toString()));
        QVERIFY(!created->revisionId.isEmpty());
        QCOMPARE(s.store().createAlias(fn, makeAlias(QStringLiteral("live"), QStringLiteral("2"))).error().type,
                 QStringLiteral("ResourceConflictException"));
        QCOMPARE(s.store().createAlias(fn, makeAlias(QStringLiteral("next"), QStringLiteral("9"))).error().type,
                 QStringLiteral("ResourceNotFoundException"));
        QCOMPARE(s.store().createAlias(fn, makeAlias(QStringLiteral("next"), QStringLiteral("1"), QStringLiteral("9"), 0.5)).error().type,
                 QStringLiteral("ResourceNotFoundException"));
        QVERIFY(s.store().createAlias(fn, makeAlias(QStringLiteral("dev"), QStringLiteral("$LATEST"))).ok());

        const Result<AliasConfig> updated = s.store().updateAlias(fn, makeAlias(QStringLiteral("live"), QStringLiteral("2"), QStringLiteral("3"), 0.1));
        QVERIFY(updated.ok());
        QVERIFY(updated->revisionId != created->revisionId);
        QCOMPARE(s.store().updateAlias(fn, makeAlias(QStringLiteral("nope"), QStringLiteral("1"))).error().type,
                 QStringLiteral("ResourceNotFoundException"));

        // A second store on the same data dir sees the same aliases (they are on disk).
        VersionStore other(s.dataDir());
        const Result<AliasConfig> live = other.alias(fn, QStringLiteral("live"));
        QVERIFY(live.ok());
        QCOMPARE(live->functionVersion, QStringLiteral("2"));
        QCOMPARE(live->additionalVersion, QStringLiteral("3"));
        QCOMPARE(live->additionalWeight, 0.1);
        QCOMPARE(other.aliasList(fn)->size(), 2);
        QVERIFY(QFileInfo::exists(s.dataDir().functionRepo(fn) + QStringLiteral("/.git/funcdesk-aliases.json")));

        QVERIFY(s.store().deleteAlias(fn, QStringLiteral("live")).ok());
        QCOMPARE(s.store().deleteAlias(fn, QStringLiteral("live")).error().type, QStringLiteral("ResourceNotFoundException"));
        QCOMPARE(s.store().aliasList(fn)->size(), 1);
        QCOMPARE(s.store().alias(fn, QStringLiteral("live")).error().type, QStringLiteral("ResourceNotFoundException"));
    }

    void resolveQualifier_data()
    {
        QTest::addColumn<QString>("qualifier");
        QTest::addColumn<double>("random");
        QTest::addColumn<QString>("version"); // empty: error expected
        QTest::addColumn<QString>("alias");
        QTest::newRow("empty") << QString() << 0.5 << QStringLiteral("$LATEST") << QString();
        QTest::newRow("latest") << QStringLiteral("$LATEST") << 0.5 << QStringLiteral("$LATEST") << QString();
        QTest::newRow("version") << QStringLiteral("2") << 0.5 << QStringLiteral("2") << QString();
        QTest::newRow("missing version") << QStringLiteral("5") << 0.5 << QString() << QString();
        QTest::newRow("zero version") << QStringLiteral("0") << 0.5 << QString() << QString();
        QTest::newRow("alias primary") << QStringLiteral("live") << 0.9 << QStringLiteral("1") << QStringLiteral("live");
        QTest::newRow("alias canary") << QStringLiteral("live") << 0.1 << QStringLiteral("2") << QStringLiteral("live");
        QTest::newRow("alias to latest") << QStringLiteral("dev") << 0.1 << QStringLiteral("$LATEST") << QStringLiteral("dev");
        QTest::newRow("unknown alias") << QStringLiteral("nope") << 0.5 << QString() << QString();
    }
    void resolveQualifier()
    {
        QFETCH(QString, qualifier);
        QFETCH(double, random);
        QFETCH(QString, version);
        QFETCH(QString, alias);
        ScratchRepo s;
        const QString fn = QStringLiteral("f");
        publishVersions(s, fn, 2);
        QVERIFY(s.store().createAlias(fn, makeAlias(QStringLiteral("live"), QStringLiteral("1"), QStringLiteral("2"), 0.3)).ok());
        QVERIFY(s.store().createAlias(fn, makeAlias(QStringLiteral("dev"), QStringLiteral("$LATEST"))).ok());
        const Result<ResolvedQualifier> r = s.store().resolveQualifier(fn, qualifier, random);
        if (version.isEmpty()) {
            QVERIFY(!r.ok());
            QCOMPARE(r.error().type, QStringLiteral("ResourceNotFoundException"));
            QVERIFY(r.error().message.contains(fn + QLatin1Char(':') + qualifier));
            return;
        }
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QCOMPARE(r->version, version);
        QCOMPARE(r->alias, alias);
    }

    void weightedSplitIsStatisticallyRight()
    {
        ScratchRepo s;
        const QString fn = QStringLiteral("f");
        publishVersions(s, fn, 2);
        QVERIFY(s.store().createAlias(fn, makeAlias(QStringLiteral("canary"), QStringLiteral("1"), QStringLiteral("2"), 0.3)).ok());
        std::mt19937_64 generator(20260101);
        std::uniform_real_distribution<double> uniform(0.0, 1.0);
        const int picks = 10000;
        int toAdditional = 0;
        for (int i = 0; i < picks; ++i) {
            const Result<ResolvedQualifier> r = s.store().resolveQualifier(fn, QStringLiteral("canary"), uniform(generator));
            QVERIFY(r.ok());
            if (r->version == QLatin1String("2"))
                ++toAdditional;
            else
                QCOMPARE(r->version, QStringLiteral("1"));
        }
        const double share = double(toAdditional) / picks;
        QVERIFY2(std::abs(share - 0.3) < 0.02, qPrintable(QString::number(share)));
    }
};

QTEST_GUILESS_MAIN(TestAliases)
#include "tst_aliases.moc"
