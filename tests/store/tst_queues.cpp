// Durable local queues: send, receive (visibility, receive count, receipt handles), delete,
// change visibility, redrive to a dead-letter queue, statistics, peek, moving messages
// back, purge, and event source mapping rows. Times are passed in, so nothing sleeps.
#include "store/queues.h"
#include "store/sqlite.h"
#include "tempdb.h"

#include <QTest>

using namespace funcdesk;
using namespace funcdesk::store;

namespace {

constexpr qint64 T0 = 1'800'000'000'000;

QueueMessage message(const QByteArray &body)
{
    QueueMessage m;
    m.body = body;
    m.md5OfBody = QStringLiteral("md5");
    return m;
}

QStringList bodies(const QList<QueueMessage> &messages)
{
    QStringList out;
    for (const QueueMessage &m : messages)
        out << QString::fromUtf8(m.body);
    return out;
}

} // namespace

class TestQueues : public QObject
{
    Q_OBJECT
private:
    test::TempDb db;
    Connection conn;

    void send(const QString &queue, const QList<QByteArray> &list, qint64 now = T0)
    {
        QList<QueueMessage> ms;
        for (const QByteArray &b : list)
            ms << message(b);
        QVERIFY2(sendMessages(conn, queue, ms, now).ok(), "send");
    }

private Q_SLOTS:
    void init()
    {
        auto c = Connection::open(db.path());
        QVERIFY(c.ok());
        conn = std::move(*c);
        (void)conn.exec("DELETE FROM queue_messages; DELETE FROM queues; DELETE FROM event_source_mappings;");
    }

    void createIsIdempotentOnlyWithTheSameAttributes()
    {
        QueueAttributes a;
        QVERIFY(createQueue(conn, QStringLiteral("q"), a, T0).ok());
        QVERIFY(createQueue(conn, QStringLiteral("q"), a, T0 + 5).ok());
        a.visibilityTimeoutS = 5;
        auto again = createQueue(conn, QStringLiteral("q"), a, T0);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().type, QString(qerr::QueueNameExists));
        QCOMPARE(createQueue(conn, QStringLiteral("bad name"), a, T0).error().type, QString(qerr::InvalidParameterValue));
        QCOMPARE(queueInfo(conn, QStringLiteral("missing")).error().type, QString(qerr::QueueDoesNotExist));
        QCOMPARE(listQueues(conn, QStringLiteral("q"))->size(), 1);
        QCOMPARE(listQueues(conn, QStringLiteral("x"))->size(), 0);
    }

    void receiveHidesForTheVisibilityTimeoutAndCountsReceives()
    {
        QVERIFY(createQueue(conn, QStringLiteral("q"), {}, T0).ok());
        send(QStringLiteral("q"), {"a", "b", "c"});
        auto first = receiveMessages(conn, QStringLiteral("q"), 2, 30, T0 + 10);
        QVERIFY(first.ok());
        QCOMPARE(bodies(*first), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(first->at(0).receiveCount, 1);
        QCOMPARE(first->at(0).firstReceiveMs, T0 + 10);
        // Hidden: only c is left until the 30 s pass.
        QCOMPARE(bodies(*receiveMessages(conn, QStringLiteral("q"), 10, 30, T0 + 20)), QStringList{QStringLiteral("c")});
        QVERIFY(receiveMessages(conn, QStringLiteral("q"), 10, 30, T0 + 29'000)->isEmpty());
        auto stats = queueStats(conn, QStringLiteral("q"), T0 + 29'000);
        QCOMPARE(stats->visible, 0);
        QCOMPARE(stats->inFlight, 3);
        QCOMPARE(stats->oldestSentMs, T0);
        // Back after the timeout, received a second time with a new handle.
        auto again = receiveMessages(conn, QStringLiteral("q"), 10, 30, T0 + 30'010);
        QCOMPARE(bodies(*again), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(again->at(0).receiveCount, 2);
        QCOMPARE(again->at(0).firstReceiveMs, T0 + 10);
        QVERIFY(again->at(0).receiptHandle != first->at(0).receiptHandle);
    }

    void deleteNeedsTheNewestHandle()
    {
        QVERIFY(createQueue(conn, QStringLiteral("q"), {}, T0).ok());
        send(QStringLiteral("q"), {"a"});
        const QString old = receiveMessages(conn, QStringLiteral("q"), 1, 1, T0)->first().receiptHandle;
        const QString newest = receiveMessages(conn, QStringLiteral("q"), 1, 1, T0 + 2000)->first().receiptHandle;
        // An older handle succeeds and deletes nothing (SQS's rule).
        QVERIFY(deleteMessage(conn, QStringLiteral("q"), old).ok());
        QCOMPARE(queueStats(conn, QStringLiteral("q"), T0 + 2000)->inFlight, 1);
        QVERIFY(deleteMessage(conn, QStringLiteral("q"), newest).ok());
        QCOMPARE(queueStats(conn, QStringLiteral("q"), T0 + 2000)->inFlight, 0);
        QCOMPARE(deleteMessage(conn, QStringLiteral("q"), QStringLiteral("garbage")).error().type, QString(qerr::ReceiptHandleIsInvalid));
        QCOMPARE(queueInfo(conn, QStringLiteral("q"))->deletedTotal, 1);
    }

    void changeVisibility()
    {
        QVERIFY(createQueue(conn, QStringLiteral("q"), {}, T0).ok());
        send(QStringLiteral("q"), {"a"});
        const QString h = receiveMessages(conn, QStringLiteral("q"), 1, 30, T0)->first().receiptHandle;
        QVERIFY(changeMessageVisibility(conn, QStringLiteral("q"), h, 0, T0 + 1).ok());
        const QString h2 = receiveMessages(conn, QStringLiteral("q"), 1, 30, T0 + 2)->first().receiptHandle;
        // The first handle is stale now.
        QCOMPARE(changeMessageVisibility(conn, QStringLiteral("q"), h, 0, T0 + 3).error().type, QString(qerr::MessageNotInflight));
        QVERIFY(changeMessageVisibility(conn, QStringLiteral("q"), h2, 100, T0 + 3).ok());
        QVERIFY(receiveMessages(conn, QStringLiteral("q"), 1, 30, T0 + 50'000)->isEmpty());
        QCOMPARE(receiveMessages(conn, QStringLiteral("q"), 1, 30, T0 + 103'004)->size(), 1);
    }

    void delayedMessagesAreNotVisibleYet()
    {
        QVERIFY(createQueue(conn, QStringLiteral("q"), {}, T0).ok());
        QList<QueueMessage> ms{message("later")};
        ms[0].visibleMs = T0 + 5000;
        QVERIFY(sendMessages(conn, QStringLiteral("q"), ms, T0).ok());
        QCOMPARE(queueStats(conn, QStringLiteral("q"), T0)->delayed, 1);
        QVERIFY(receiveMessages(conn, QStringLiteral("q"), 1, 30, T0 + 4999)->isEmpty());
        QCOMPARE(*nextVisibleMs(conn, QStringLiteral("q"), T0), T0 + 5000);
        QCOMPARE(receiveMessages(conn, QStringLiteral("q"), 1, 30, T0 + 5000)->size(), 1);
    }

    void redriveMovesAfterMaxReceiveCount()
    {
        QVERIFY(createQueue(conn, QStringLiteral("dlq"), {}, T0).ok());
        QueueAttributes a;
        a.deadLetterQueue = QStringLiteral("dlq");
        a.maxReceiveCount = 2;
        QVERIFY(createQueue(conn, QStringLiteral("q"), a, T0).ok());
        send(QStringLiteral("q"), {"poison"});
        const QString id = receiveMessages(conn, QStringLiteral("q"), 1, 1, T0)->first().messageId;
        QCOMPARE(receiveMessages(conn, QStringLiteral("q"), 1, 1, T0 + 1000)->first().receiveCount, 2);
        // The third receive finds it moved.
        QVERIFY(receiveMessages(conn, QStringLiteral("q"), 1, 1, T0 + 2000)->isEmpty());
        auto moved = peekMessages(conn, QStringLiteral("dlq"), 10);
        QCOMPARE(moved->size(), 1);
        QCOMPARE(moved->first().messageId, id);
        QCOMPARE(moved->first().sentMs, T0);
        QCOMPARE(*deadLetterSourceQueues(conn, QStringLiteral("dlq")), QStringList{QStringLiteral("q")});
        // And back again, receivable at once with a fresh count.
        QCOMPARE(*moveMessages(conn, QStringLiteral("dlq"), QStringLiteral("q"), -1, T0 + 3000), 1);
        auto back = receiveMessages(conn, QStringLiteral("q"), 1, 1, T0 + 3000);
        QCOMPARE(back->size(), 1);
        QCOMPARE(back->first().receiveCount, 1);
    }

    void purgeAndDelete()
    {
        QVERIFY(createQueue(conn, QStringLiteral("q"), {}, T0).ok());
        send(QStringLiteral("q"), {"a", "b"});
        QCOMPARE(*purgeQueue(conn, QStringLiteral("q")), 2);
        send(QStringLiteral("q"), {"c"});
        QVERIFY(deleteQueue(conn, QStringLiteral("q")).ok());
        QCOMPARE(*conn.queryInt("SELECT count(*) FROM queue_messages"), 0);
        QCOMPARE(deleteQueue(conn, QStringLiteral("q")).error().type, QString(qerr::QueueDoesNotExist));
    }

    void messagesSurviveAReopen()
    {
        QVERIFY(createQueue(conn, QStringLiteral("q"), {}, T0).ok());
        QueueMessage m = message("kept");
        m.attributes = QJsonObject{{QStringLiteral("k"), QJsonObject{{QStringLiteral("DataType"), QStringLiteral("String")},
                                                                      {QStringLiteral("StringValue"), QStringLiteral("v")}}}};
        QList<QueueMessage> ms{m};
        QVERIFY(sendMessages(conn, QStringLiteral("q"), ms, T0).ok());
        conn = Connection();
        auto reopened = Connection::open(db.path());
        QVERIFY(reopened.ok());
        auto got = receiveMessages(*reopened, QStringLiteral("q"), 1, 30, T0);
        QCOMPARE(got->size(), 1);
        QCOMPARE(got->first().body, QByteArray("kept"));
        QCOMPARE(got->first().attributes, m.attributes);
        QCOMPARE(got->first().messageId, ms.first().messageId);
    }

    void mappingRows()
    {
        EventSourceMapping m;
        m.uuid = QStringLiteral("u1");
        m.function = QStringLiteral("f:live");
        m.queue = QStringLiteral("q");
        m.batchSize = 7;
        m.reportBatchItemFailures = true;
        QVERIFY(insertEventSourceMapping(conn, m).ok());
        QCOMPARE(listEventSourceMappings(conn, QStringLiteral("f"))->size(), 1);
        QCOMPARE(listEventSourceMappings(conn, QStringLiteral("g"))->size(), 0);
        QCOMPARE(listEventSourceMappings(conn, {}, QStringLiteral("q"))->size(), 1);
        m.enabled = false;
        QVERIFY(updateEventSourceMapping(conn, m).ok());
        QVERIFY(setMappingResult(conn, m.uuid, QStringLiteral("OK")).ok());
        auto got = eventSourceMapping(conn, QStringLiteral("u1"));
        QCOMPARE(got->batchSize, 7);
        QVERIFY(!got->enabled);
        QVERIFY(got->reportBatchItemFailures);
        QCOMPARE(got->lastProcessingResult, QStringLiteral("OK"));
        QVERIFY(deleteEventSourceMapping(conn, m.uuid).ok());
        QCOMPARE(eventSourceMapping(conn, QStringLiteral("u1")).error().type, QString(errc::ResourceNotFound));
    }
};

QTEST_GUILESS_MAIN(TestQueues)
#include "tst_queues.moc"
