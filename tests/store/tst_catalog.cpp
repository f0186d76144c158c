// Functions / versions / aliases index and saved test events.
#include "store/catalog.h"
#include "store/sqlite.h"
#include "tempdb.h"

#include <QTest>

using namespace funcdesk;
using namespace funcdesk::store;

class TestCatalog : public QObject
{
    Q_OBJECT
    test::TempDb db;
    Connection conn;

private Q_SLOTS:
    void init()
    {
        auto c = Connection::open(db.path());
        QVERIFY(c);
        conn = std::move(*c);
        QVERIFY(conn.exec("DELETE FROM functions; DELETE FROM test_events;"));
    }

    void functionUpsertAndRead()
    {
        FunctionRow row{QStringLiteral("hello"), QStringLiteral("python3"), QStringLiteral("app.handler"), 256, 10,
                        QStringLiteral("arm64"), QStringLiteral("abc123"), 1000};
        QVERIFY(upsertFunction(conn, row));
        row.memoryMb = 512;
        row.lastDeployCommit = QStringLiteral("def456");
        QVERIFY(upsertFunction(conn, row));
        auto got = functionRow(conn, QStringLiteral("hello"));
        QVERIFY(got && got->has_value());
        QCOMPARE((*got)->memoryMb, 512);
        QCOMPARE((*got)->lastDeployCommit, QStringLiteral("def456"));
        QCOMPARE((*got)->architecture, QStringLiteral("arm64"));
        QCOMPARE((*got)->timeoutSeconds, 10);
        QVERIFY(upsertFunction(conn, FunctionRow{QStringLiteral("abc"), QStringLiteral("nodejs"), QStringLiteral("index.handler")}));
        auto all = listFunctions(conn);
        QVERIFY(all);
        QCOMPARE(all->size(), 2);
        QCOMPARE(all->first().name, QStringLiteral("abc"));
        QVERIFY(all->first().updatedMs > 0);
        QVERIFY(all->first().lastDeployCommit.isEmpty());
        auto none = functionRow(conn, QStringLiteral("nobody"));
        QVERIFY(none && !none->has_value());
    }

    void versionsAndAliasesCascade()
    {
        QVERIFY(upsertFunction(conn, FunctionRow{QStringLiteral("f"), QStringLiteral("python3"), QStringLiteral("h")}));
        QVERIFY(insertVersion(conn, VersionRow{QStringLiteral("f"), 1, QStringLiteral("c1"), 10, {}}));
        QVERIFY(insertVersion(conn, VersionRow{QStringLiteral("f"), 2, QStringLiteral("c2"), 20, QStringLiteral("d")}));
        QVERIFY(!insertVersion(conn, VersionRow{QStringLiteral("f"), 2, QStringLiteral("c3"), 30, {}}));   // immutable
        QVERIFY(!insertVersion(conn, VersionRow{QStringLiteral("ghost"), 1, QStringLiteral("c"), 1, {}})); // FK
        auto versions = listVersions(conn, QStringLiteral("f"));
        QVERIFY(versions);
        QCOMPARE(versions->size(), 2);
        QCOMPARE(versions->at(1).commit, QStringLiteral("c2"));
        QCOMPARE(versions->at(1).description, QStringLiteral("d"));

        QVERIFY(upsertAlias(conn, AliasRow{QStringLiteral("f"), QStringLiteral("live"), QStringLiteral("1"), {}, 0, {}}));
        QVERIFY(upsertAlias(conn, AliasRow{QStringLiteral("f"), QStringLiteral("live"), QStringLiteral("1"), QStringLiteral("2"), 0.1, {}}));
        auto aliases = listAliases(conn, QStringLiteral("f"));
        QVERIFY(aliases);
        QCOMPARE(aliases->size(), 1);
        QCOMPARE(aliases->first().additionalVersion, QStringLiteral("2"));
        QCOMPARE(aliases->first().additionalWeight, 0.1);
        QVERIFY(saveTestEvent(conn, TestEvent{QStringLiteral("f"), QStringLiteral("e"), QStringLiteral("{}")}));

        QVERIFY(deleteFunction(conn, QStringLiteral("f")));
        QCOMPARE(listVersions(conn, QStringLiteral("f"))->size(), 0);
        QCOMPARE(listAliases(conn, QStringLiteral("f"))->size(), 0);
        QCOMPARE(listTestEvents(conn, QStringLiteral("f"))->size(), 0);
    }

    void deleteAliasRemovesOnlyIt()
    {
        QVERIFY(upsertFunction(conn, FunctionRow{QStringLiteral("f"), QStringLiteral("python3"), QStringLiteral("h")}));
        QVERIFY(upsertAlias(conn, AliasRow{QStringLiteral("f"), QStringLiteral("a"), QStringLiteral("1"), {}, 0, {}}));
        QVERIFY(upsertAlias(conn, AliasRow{QStringLiteral("f"), QStringLiteral("b"), QStringLiteral("1"), {}, 0, {}}));
        QVERIFY(deleteAlias(conn, QStringLiteral("f"), QStringLiteral("a")));
        auto aliases = listAliases(conn, QStringLiteral("f"));
        QCOMPARE(aliases->size(), 1);
        QCOMPARE(aliases->first().name, QStringLiteral("b"));
    }

    void testEventsCrud_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("json");
        QTest::newRow("simple") << QStringLiteral("hello") << QStringLiteral("{\"key1\":\"value1\"}");
        QTest::newRow("unicode") << QStringLiteral("ünï cødé") << QStringLiteral("{\"msg\":\"héllo 🌍\"}");
        QTest::newRow("big") << QStringLiteral("big") << (QStringLiteral("{\"x\":\"") + QString(200000, QLatin1Char('a')) + QStringLiteral("\"}"));
    }
    void testEventsCrud()
    {
        QFETCH(QString, name);
        QFETCH(QString, json);
        QVERIFY(saveTestEvent(conn, TestEvent{QStringLiteral("f"), name, json}));
        auto got = testEvent(conn, QStringLiteral("f"), name);
        QVERIFY(got && got->has_value());
        QCOMPARE((*got)->json, json);
        QVERIFY(saveTestEvent(conn, TestEvent{QStringLiteral("f"), name, QStringLiteral("{}")})); // replace
        QCOMPARE((*testEvent(conn, QStringLiteral("f"), name))->json, QStringLiteral("{}"));
        QVERIFY(saveTestEvent(conn, TestEvent{QStringLiteral("other"), name, json}));
        QCOMPARE(listTestEvents(conn, QStringLiteral("f"))->size(), 1);
        QVERIFY(deleteTestEvent(conn, QStringLiteral("f"), name));
        QVERIFY(!testEvent(conn, QStringLiteral("f"), name)->has_value());
        QCOMPARE(listTestEvents(conn, QStringLiteral("other"))->size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestCatalog)
#include "tst_catalog.moc"
