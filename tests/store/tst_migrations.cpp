// Numbered migrations: from an empty file, from every earlier schema, and refusing a
// schema newer than this build.
#include "store/blocks.h"
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
        for (const char *t : {"functions", "versions", "aliases", "invocation_blocks", "log_lines", "async_events",
                              "rollups_1s", "rollups_1m", "test_events", "invocation_tops", "invocation_tops_value",
                              "invocation_request_ids", "invocation_count", "invocation_blocks_function",
                              "invocation_blocks_last"})
            QVERIFY2(names.contains(QLatin1String(t)), t);
        // replaced by tops (3), then by blocks (4)
        for (const char *gone : {"invocations_function_duration", "invocations_function_cost", "invocations"})
            QVERIFY2(!names.contains(QLatin1String(gone)), gone);
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
        QCOMPARE(*schemaVersion(*conn), kSchemaVersion);
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

    // Through 3 (tops, stored framing dropped) and 4 (rows into blocks).
    void upgradeFrom2BuildsTopsDropsStoredFramingAndPacksRows()
    {
        test::TempDb db;
        {
            auto conn = Connection::open(db.path(), {.migrate = false});
            QVERIFY(conn);
            QVERIFY(migrate(*conn, 2));
            // 30 invocations in each of two minutes, durations 1..30, plus their stored framing
            QByteArray sql;
            for (int m = 0; m < 2; ++m) {
                for (int i = 1; i <= 30; ++i) {
                    const QByteArray id = "r" + QByteArray::number(m * 100 + i);
                    const QByteArray start = QByteArray::number(600000 + m * 60000 + i * 100);
                    sql += "INSERT INTO invocations(request_id, function, version, environment_id, trigger, start_ms, duration_ms, "
                           "billed_ms, init_ms, cold, memory_mb, max_memory_mb, status, request_bytes, response_bytes, "
                           "cost_usd, architecture, log_truncated) VALUES ('"
                        + id + "', 'f', '$LATEST', 'e', 'api', "
                        + start + ", " + QByteArray::number(i) + ", " + QByteArray::number(i) + ", 0, 0, 128, 40, "
                                                                                                "'success', 2, 2, "
                        + QByteArray::number(i * 1e-6) + ", 'x86_64', 0);"
                                                         "INSERT INTO log_lines(ts_ms, request_id, function, environment_id, text) VALUES ("
                        + start + ", '" + id + "', 'f', 'e', 'START RequestId: " + id + " Version: $LATEST'), ("
                        + start + ", '" + id + "', 'f', 'e', 'handler says hi'), ("
                        + start + ", '" + id + "', 'f', 'e', 'END RequestId: " + id + "'), ("
                        + start + ", '" + id + "', 'f', 'e', 'REPORT RequestId: " + id + "\tDuration: 1.00 ms');";
                }
            }
            QVERIFY(conn->exec(sql.constData()));
        }
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        QCOMPARE(*schemaVersion(*conn), kSchemaVersion);
        // what the handler wrote stays; the framing is rebuilt from the rows from now on
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM log_lines"), qint64(60));
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM log_lines WHERE text = 'handler says hi'"), qint64(60));
        // each minute keeps its kTopsPerMinute slowest and most expensive
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM invocation_tops"), qint64(2 * 2 * kTopsPerMinute));
        QCOMPARE(*conn->queryInt("SELECT min(value) FROM invocation_tops WHERE rank_by = 0"),
                 qint64(30 - kTopsPerMinute + 1));
        auto top = topInvocations(*conn, QStringLiteral("f"), 600000, 720000, RankBy::Duration, 3);
        QVERIFY(top);
        QCOMPARE(top->size(), 3);
        QCOMPARE(top->at(0).durationMs, 30.0); // r30 and r130
        QCOMPARE(top->at(1).durationMs, 30.0);
        QCOMPARE(top->at(2).durationMs, 29.0);
        auto lines = logLinesOf(*conn, QStringLiteral("r7"));
        QVERIFY(lines);
        QCOMPARE(lines->size(), 4);
        QCOMPARE(lines->at(0).text, QStringLiteral("START RequestId: r7 Version: $LATEST"));
        QCOMPARE(lines->at(1).text, QStringLiteral("handler says hi"));
        QVERIFY(lines->at(3).text.startsWith(QLatin1String("REPORT RequestId: r7\tDuration: 7.00 ms")));
        // every row is in a block, every field as it was
        auto all = allInvocations(*conn);
        QVERIFY(all);
        QCOMPARE(all->size(), 60);
        QCOMPARE(*conn->queryInt("SELECT n FROM invocation_count"), qint64(60));
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM invocation_request_ids"), qint64(60)); // not UUIDv7
        auto r7 = invocationByRequestId(*conn, QStringLiteral("r7"));
        QVERIFY(r7 && r7->has_value());
        const InvocationRecord &r = **r7;
        QCOMPARE(r.function, QStringLiteral("f"));
        QCOMPARE(r.version, QStringLiteral("$LATEST"));
        QVERIFY(r.alias.isEmpty());
        QCOMPARE(r.environmentId, QStringLiteral("e"));
        QCOMPARE(r.trigger, TriggerKind::Api);
        QCOMPARE(r.startMs, qint64(600700));
        QCOMPARE(r.durationMs, 7.0);
        QCOMPARE(r.billedDurationMs, qint64(7));
        QCOMPARE(r.memorySizeMb, 128);
        QCOMPARE(r.maxMemoryUsedMb, 40);
        QCOMPARE(r.status, InvocationStatus::Success);
        QCOMPARE(r.requestBytes, qint64(2));
        QCOMPARE(r.costUsd, 7e-6);
        QCOMPARE(r.architecture, QStringLiteral("x86_64"));
        QCOMPARE(*conn->queryText("PRAGMA integrity_check"), QStringLiteral("ok"));
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
