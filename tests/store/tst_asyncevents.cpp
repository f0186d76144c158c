// The async event queue DAO: insert, claim due (once), done, retry with backoff, dead
// letter, crash requeue.
#include "store/asyncevents.h"
#include "store/sqlite.h"
#include "tempdb.h"

#include <QSet>
#include <QTest>

#include <thread>

using namespace funcdesk;
using namespace funcdesk::store;

namespace {

AsyncEvent makeEvent(const QString &requestId, qint64 receivedMs)
{
    AsyncEvent e;
    e.requestId = requestId;
    e.function = QStringLiteral("f");
    e.qualifier = QStringLiteral("live");
    e.payload = QByteArray("{\"n\":1}");
    e.firstReceivedMs = receivedMs;
    return e;
}

} // namespace

class TestAsyncEvents : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lifecycle()
    {
        test::TempDb db;
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        auto id1 = insertAsyncEvent(*conn, makeEvent(QStringLiteral("r1"), 1000));
        AsyncEvent scheduled = makeEvent(QStringLiteral("r2"), 2000);
        scheduled.trigger = TriggerKind::Schedule;
        auto id2 = insertAsyncEvent(*conn, scheduled);
        QVERIFY(id1 && id2);
        QCOMPARE(*nextAsyncEventDueMs(*conn), qint64(1000));

        auto none = claimDueAsyncEvents(*conn, 999, 10);
        QVERIFY(none);
        QVERIFY(none->isEmpty());
        auto first = claimDueAsyncEvents(*conn, 1500, 10);
        QVERIFY(first);
        QCOMPARE(first->size(), 1);
        const AsyncEvent &e = first->first();
        QCOMPARE(e.id, *id1);
        QCOMPARE(e.requestId, QStringLiteral("r1"));
        QCOMPARE(e.qualifier, QStringLiteral("live"));
        QCOMPARE(e.payload, QByteArray("{\"n\":1}"));
        QCOMPARE(e.attempts, 1);
        QCOMPARE(e.status, AsyncEventStatus::Running);
        QCOMPARE(e.trigger, TriggerKind::Async);
        QVERIFY(claimDueAsyncEvents(*conn, 1500, 10)->isEmpty()); // not claimed twice
        auto pending = listPendingAsyncEvents(*conn);
        QVERIFY(pending);
        QCOMPARE(pending->size(), 2);
        QCOMPARE(pending->at(1).trigger, TriggerKind::Schedule); // kept for a resume after a restart

        // Failure: retry after a minute, then out of retries.
        QVERIFY(retryAsyncEvent(*conn, e.id, QStringLiteral("Runtime.Error"), 61'000));
        QVERIFY(claimDueAsyncEvents(*conn, 60'000, 10)->size() == 1); // r2 only
        auto again = claimDueAsyncEvents(*conn, 61'000, 10);
        QCOMPARE(again->size(), 1);
        QCOMPARE(again->first().attempts, 2);
        QCOMPARE(again->first().lastError, QStringLiteral("Runtime.Error"));
        QVERIFY(deadLetterAsyncEvent(*conn, e.id, QStringLiteral("Task timed out after 3.00 seconds")));
        QVERIFY(markAsyncEventDone(*conn, *id2));

        auto dead = listDeadLetterAsyncEvents(*conn);
        QVERIFY(dead);
        QCOMPARE(dead->size(), 1);
        QCOMPARE(dead->first().requestId, QStringLiteral("r1"));
        QCOMPARE(dead->first().status, AsyncEventStatus::Dead);
        QCOMPARE(dead->first().firstReceivedMs, qint64(1000));
        QCOMPARE(listDeadLetterAsyncEvents(*conn, QStringLiteral("other"))->size(), 0);
        QVERIFY(listPendingAsyncEvents(*conn)->isEmpty());
        QCOMPARE(*nextAsyncEventDueMs(*conn), qint64(0));
        QVERIFY(!markAsyncEventDone(*conn, 4242)); // unknown id is an error
    }

    void crashedRunningEventsAreRequeued()
    {
        test::TempDb db;
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        QVERIFY(insertAsyncEvent(*conn, makeEvent(QStringLiteral("r"), 1)));
        QCOMPARE(claimDueAsyncEvents(*conn, 10, 10)->size(), 1);
        QCOMPARE(listPendingAsyncEvents(*conn)->size(), 1); // running counts as pending work
        QCOMPARE(*requeueRunningAsyncEvents(*conn), 1);
        auto back = listPendingAsyncEvents(*conn);
        QCOMPARE(back->first().status, AsyncEventStatus::Pending);
        QCOMPARE(back->first().attempts, 1);
    }

    void twoDispatchersNeverClaimTheSameEvent()
    {
        test::TempDb db;
        {
            auto conn = Connection::open(db.path());
            QVERIFY(conn);
            for (int i = 0; i < 200; ++i)
                QVERIFY(insertAsyncEvent(*conn, makeEvent(QString::number(i), 1)));
        }
        QList<qint64> claimed[2];
        std::thread workers[2];
        for (int w = 0; w < 2; ++w) {
            workers[w] = std::thread([&, w] {
                auto conn = threadConnection(db.path());
                if (!conn)
                    return;
                for (;;) {
                    auto batch = claimDueAsyncEvents(**conn, 100, 7);
                    if (!batch || batch->isEmpty())
                        return;
                    for (const AsyncEvent &e : *batch)
                        claimed[w].append(e.id);
                }
            });
        }
        for (auto &t : workers)
            t.join();
        QSet<qint64> all;
        for (const auto &list : claimed)
            for (qint64 id : list)
                all.insert(id);
        QCOMPARE(claimed[0].size() + claimed[1].size(), 200);
        QCOMPARE(all.size(), 200);
    }
};

QTEST_GUILESS_MAIN(TestAsyncEvents)
#include "tst_asyncevents.moc"
