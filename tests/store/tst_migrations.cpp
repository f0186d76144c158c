// Numbered migrations: from an empty file, from every earlier schema, and refusing a
// schema newer than this build.
#include "store/migrations.h"
#include "store/queries.h"
#include "store/sqlite.h"
#include "tempdb.h"

#include <QTest>

using namespace funcdesk;
using namespace funcdesk::store;

namespace {

QStringList tableNames(Connection &conn)
{
    QStringList names;
    auto stmt = conn.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table','index') ORDER BY name");
    while (stmt && *stmt->step())
        names << stmt->text(0);
    return names;
}

} // namespace

class TestMigrations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fromEmptyCreatesEverything()
    {
        test::TempDb db;
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        QCOMPARE(*schemaVersion(*conn), kSchemaVersion);
        const QStringList names = tableNames(*conn);
        for (const char *t : {"functions", "versions", "aliases", "invocations", "log_lines", "async_events",
                              "rollups_1s", "rollups_1m", "test_events", "invocations_function_duration",
                              "invocations_function_cost", "invocations_request"})
            QVERIFY2(names.contains(QLatin1String(t)), t);
        QCOMPARE(hasLogFts(*conn), hasFts5());
    }

    void stepsUpToEachVersion_data()
    {
        QTest::addColumn<int>("target");
        for (int v = 0; v <= kSchemaVersion; ++v)
            QTest::addRow("to %d", v) << v;
    }
    void stepsUpToEachVersion()
    {
        QFETCH(int, target);
        test::TempDb db;
        auto conn = Connection::open(db.path(), {.migrate = false});
        QVERIFY(conn);
        QVERIFY(migrate(*conn, target));
        QCOMPARE(*schemaVersion(*conn), target);
        // and from there to the latest, as opening does
        QVERIFY(migrate(*conn));
        QCOMPARE(*schemaVersion(*conn), kSchemaVersion);
        QVERIFY(migrate(*conn)); // idempotent
        QCOMPARE(*conn->queryText("PRAGMA integrity_check"), QStringLiteral("ok"));
    }

    void upgradeFrom1To2KeepsDataAndIndexesLogs()
    {
        test::TempDb db;
        {
            auto conn = Connection::open(db.path(), {.migrate = false});
            QVERIFY(conn);
            QVERIFY(migrate(*conn, 1));
            QVERIFY(conn->exec(
                "INSERT INTO log_lines(ts_ms, request_id, function, environment_id, text) "
                "VALUES (1000, 'r1', 'f', 'e', 'connection refused by upstream'),"
                "       (2000, 'r2', 'f', 'e', 'all good');"
                "INSERT INTO test_events VALUES ('f', 'hello', '{\"a\":1}', 5);"));
            QVERIFY(!hasLogFts(*conn));
        }
        auto conn = Connection::open(db.path()); // migrates to latest
        QVERIFY(conn);
        QCOMPARE(*schemaVersion(*conn), 2);
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM log_lines"), qint64(2));
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM test_events"), qint64(1));
        auto found = searchLogs(*conn, LogSearch{QStringLiteral("refused"), {}, {}, 0, 0, 10});
        QVERIFY(found);
        QCOMPARE(found->size(), 1);
        QCOMPARE(found->first().requestId, QStringLiteral("r1"));
        if (hasFts5()) {
            QVERIFY(hasLogFts(*conn));
            QCOMPARE(*conn->queryInt("SELECT count(*) FROM log_fts WHERE log_fts MATCH 'upstream'"), qint64(1));
        }
    }

    void newerSchemaIsRefusedAndLeftAlone()
    {
        test::TempDb db;
        {
            auto conn = Connection::open(db.path());
            QVERIFY(conn);
            QVERIFY(conn->exec("PRAGMA user_version=99"));
        }
        auto conn = Connection::open(db.path());
        QVERIFY(!conn);
        QVERIFY2(conn.error().message.contains(QLatin1String("newer")), qPrintable(conn.error().message));
        auto raw = Connection::open(db.path(), {.migrate = false});
        QVERIFY(raw);
        QCOMPARE(*schemaVersion(*raw), 99);
    }
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
