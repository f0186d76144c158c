// Connection / Statement / Transaction RAII, pragmas, and clear errors for corrupt,
// foreign and locked databases.
#include "store/sqlite.h"
#include "tempdb.h"

#include <QFile>
#include <QTest>

#include <thread>

using namespace funcdesk;
using namespace funcdesk::store;

class TestSqlite : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void opensWithWalAndPragmas()
    {
        test::TempDb db;
        auto conn = Connection::open(db.path());
        QVERIFY2(conn, qPrintable(conn ? QString() : conn.error().toString()));
        QCOMPARE(*conn->queryText("PRAGMA journal_mode"), QStringLiteral("wal"));
        QCOMPARE(*conn->queryInt("PRAGMA synchronous"), qint64(1)); // NORMAL
        QCOMPARE(*conn->queryInt("PRAGMA foreign_keys"), qint64(1));
        QCOMPARE(*conn->queryInt("PRAGMA busy_timeout"), qint64(5000));
    }

    void transactionRollsBackUnlessCommitted()
    {
        test::TempDb db;
        auto conn = Connection::open(db.path(), {.migrate = false});
        QVERIFY(conn);
        QVERIFY(conn->exec("CREATE TABLE t(x INTEGER)"));
        {
            auto tx = Transaction::begin(*conn);
            QVERIFY(tx);
            QVERIFY(conn->exec("INSERT INTO t VALUES (1)"));
        } // no commit
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM t"), qint64(0));
        {
            auto tx = Transaction::begin(*conn);
            QVERIFY(tx);
            QVERIFY(conn->exec("INSERT INTO t VALUES (2)"));
            QVERIFY(tx->commit());
            QVERIFY(!tx->commit()); // already finished
        }
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM t"), qint64(1));
    }

    // BEGIN, COMMIT and ROLLBACK are prepared once per connection and go with it when it
    // moves: transactions keep working, one after another, on the moved-to connection.
    void transactionsWorkRepeatedlyAndAfterTheConnectionMoves()
    {
        test::TempDb db;
        auto opened = Connection::open(db.path(), {.migrate = false});
        QVERIFY(opened);
        Connection conn = std::move(*opened);
        QVERIFY(conn.exec("CREATE TABLE t(x INTEGER)"));
        for (int i = 0; i < 3; ++i) {
            auto tx = Transaction::begin(conn, i % 2 == 0);
            QVERIFY(tx);
            QVERIFY(conn.exec("INSERT INTO t VALUES (1)"));
            if (i != 1)
                QVERIFY(tx->commit());
        }
        QCOMPARE(*conn.queryInt("SELECT count(*) FROM t"), qint64(2));
        Connection moved;
        moved = std::move(conn);
        QVERIFY(!conn.isOpen());
        {
            auto tx = Transaction::begin(moved);
            QVERIFY(tx);
            QVERIFY(moved.exec("INSERT INTO t VALUES (1)"));
            QVERIFY(tx->commit());
        }
        {
            auto tx = Transaction::begin(moved);
            QVERIFY(tx);
            QVERIFY(moved.exec("INSERT INTO t VALUES (1)"));
        } // rolled back
        QCOMPARE(*moved.queryInt("SELECT count(*) FROM t"), qint64(3));
    }

    void statementBindsAndReads()
    {
        test::TempDb db;
        auto conn = Connection::open(db.path(), {.migrate = false});
        QVERIFY(conn);
        QVERIFY(conn->exec("CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB)"));
        auto ins = conn->prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
        QVERIFY(ins);
        ins->bind(1, qint64(1) << 40).bind(2, 2.5).bind(3, QStringLiteral("héllo")).bind(4, QByteArray("\0x", 2));
        QVERIFY(ins->run());
        ins->bind(1, 0).bindNull(2).bind(3, QString()).bind(4, QByteArray());
        QVERIFY(ins->run());
        auto sel = conn->prepare("SELECT i, r, s, b FROM t ORDER BY i DESC");
        QVERIFY(sel);
        QVERIFY(*sel->step());
        QCOMPARE(sel->int64(0), qint64(1) << 40);
        QCOMPARE(sel->real(1), 2.5);
        QCOMPARE(sel->text(2), QStringLiteral("héllo"));
        QCOMPARE(sel->blob(3), QByteArray("\0x", 2));
        QVERIFY(*sel->step());
        QVERIFY(sel->isNull(1));
        QVERIFY(sel->isNull(2));
        QVERIFY(!*sel->step());
    }

    // A borrowed blob is read at step, without a copy at bind; an empty one is an empty
    // blob, not NULL.
    void borrowedBlobIsStoredAsItIsAtStep()
    {
        test::TempDb db;
        auto conn = Connection::open(db.path(), {.migrate = false});
        QVERIFY(conn);
        QVERIFY(conn->exec("CREATE TABLE t(i INTEGER, b BLOB)"));
        auto ins = conn->prepare("INSERT INTO t VALUES (?1, ?2)");
        QVERIFY(ins);
        QByteArray buffer("first");
        ins->bind(1, 1).bindBorrowed(2, buffer);
        buffer[0] = 'F'; // SQLite reads the caller's bytes when it runs
        QVERIFY(ins->run());
        ins->bind(1, 2).bindBorrowed(2, QByteArrayView());
        QVERIFY(ins->run());
        auto sel = conn->prepare("SELECT b, typeof(b) FROM t ORDER BY i");
        QVERIFY(sel);
        QVERIFY(*sel->step());
        QCOMPARE(sel->blob(0), QByteArray("First"));
        QVERIFY(*sel->step());
        QCOMPARE(sel->text(1), QStringLiteral("blob"));
        QCOMPARE(sel->blob(0).size(), 0);
    }

    void errorsCarrySqliteMessage()
    {
        test::TempDb db;
        auto conn = Connection::open(db.path(), {.migrate = false});
        QVERIFY(conn);
        auto bad = conn->prepare("SELECT * FROM no_such_table");
        QVERIFY(!bad);
        QCOMPARE(bad.error().type, errc::StoreError);
        QVERIFY2(bad.error().message.contains(QLatin1String("no such table: no_such_table")),
                 qPrintable(bad.error().message));
        QVERIFY(conn->exec("CREATE TABLE u(x UNIQUE)"));
        QVERIFY(conn->exec("INSERT INTO u VALUES (1)"));
        auto dup = conn->prepare("INSERT INTO u VALUES (1)");
        QVERIFY(dup);
        const Status s = dup->run();
        QVERIFY(!s);
        QVERIFY2(s.error().message.contains(QLatin1String("UNIQUE constraint failed")), qPrintable(s.error().message));
    }

    void foreignFileIsAnErrorAndUntouched_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("text") << QByteArray("this is not a database, just some notes\n").repeated(200);
        QByteArray header("SQLite format 3");
        header.append('\0');
        header.append(QByteArray(8192, '\x5a'));
        QTest::newRow("damaged header") << header;
        QTest::newRow("binary noise") << QByteArray(4096, '\xff');
    }
    void foreignFileIsAnErrorAndUntouched()
    {
        QFETCH(QByteArray, bytes);
        test::TempDb db;
        QVERIFY(db.writeFile(bytes));
        auto conn = Connection::open(db.path());
        QVERIFY(!conn);
        QCOMPARE(conn.error().type, errc::StoreCorrupt);
        QVERIFY2(conn.error().message.contains(db.path()), qPrintable(conn.error().message));
        QFile f(db.path());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), bytes);
        QVERIFY(!QFile::exists(db.path() + QStringLiteral("-wal")));
    }

    void damagedPagesGiveErrorsNotCrashes()
    {
        test::TempDb db;
        {
            auto conn = Connection::open(db.path(), {.migrate = false});
            QVERIFY(conn);
            QVERIFY(conn->exec("CREATE TABLE t(x TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                               "FROM n WHERE i < 2000) INSERT INTO t SELECT printf('row %08d padding', i) FROM n;"));
        } // last connection closed: checkpointed into the main file
        {
            QFile f(db.path());
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.size() > 6 * 4096);
            QVERIFY(f.seek(2 * 4096));
            QVERIFY(f.write(QByteArray(3 * 4096, '\xab')) == 3 * 4096);
        }
        auto conn = Connection::open(db.path(), {.migrate = false});
        QVERIFY(conn); // the header and schema page are intact
        auto n = conn->queryInt("SELECT count(*) FROM t WHERE x LIKE 'row%'");
        QVERIFY(!n);
        QCOMPARE(n.error().type, errc::StoreCorrupt);
        QVERIFY2(n.error().message.contains(QLatin1String("malformed")), qPrintable(n.error().message));
    }

    void lockedDatabaseIsBusyError()
    {
        test::TempDb db;
        auto holder = Connection::open(db.path());
        QVERIFY(holder);
        auto tx = Transaction::begin(*holder); // holds the write lock
        QVERIFY(tx);
        auto other = Connection::open(db.path(), {.busyTimeoutMs = 50});
        QVERIFY(other); // reading works under WAL
        auto tx2 = Transaction::begin(*other);
        QVERIFY(!tx2);
        QCOMPARE(tx2.error().type, errc::StoreBusy);
        QVERIFY2(tx2.error().message.contains(QLatin1String("locked")), qPrintable(tx2.error().message));
    }

    void lockedFreshDatabaseFailsMigrationCleanly()
    {
        test::TempDb db;
        auto holder = Connection::open(db.path(), {.migrate = false});
        QVERIFY(holder);
        QVERIFY(holder->exec("BEGIN EXCLUSIVE; CREATE TABLE x(y);"));
        auto other = Connection::open(db.path(), {.busyTimeoutMs = 50});
        QVERIFY(!other);
        QCOMPARE(other.error().type, errc::StoreBusy);
    }

    void readOnlyConnectionRefusesWrites()
    {
        test::TempDb db;
        QVERIFY(Connection::open(db.path()));
        auto ro = Connection::open(db.path(), {.readOnly = true});
        QVERIFY(ro);
        QVERIFY(!ro->exec("INSERT INTO test_events VALUES ('f','n','{}',1)"));
        auto missing = Connection::open(db.filePath(QStringLiteral("missing.db")), {.readOnly = true});
        QVERIFY(!missing);
    }

    void threadConnectionIsPerThread()
    {
        test::TempDb db;
        auto mine = threadConnection(db.path());
        QVERIFY(mine);
        auto again = threadConnection(db.path());
        QVERIFY(again);
        QCOMPARE(*again, *mine);
        Connection *theirs = nullptr;
        std::thread([&] {
            auto c = threadConnection(db.path());
            theirs = c ? *c : nullptr;
        }).join();
        QVERIFY(theirs != nullptr);
        QVERIFY(theirs != *mine);
    }
};

QTEST_GUILESS_MAIN(TestSqlite)
#include "tst_sqlite.moc"
