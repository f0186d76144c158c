// The Queues page on a real Studio (engine, store, API) offscreen: the table lists every
// queue with its counts and marks dead-letter queues; send a test message, peek without
// receiving, move dead letters back to their source; the model passes
// QAbstractItemModelTester.
#include "settings/settings.h"
#include "store/queues.h"
#include "store/sqlite.h"
#include "ui/models/queuelistmodel.h"
#include "ui/pages/queuespage.h"
#include "ui/studio.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::ui;

class TestQueuesPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void modelRows()
    {
        QueueListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QueueRow a;
        a.info.name = QStringLiteral("jobs");
        a.info.attributes.deadLetterQueue = QStringLiteral("jobs-dlq");
        a.info.attributes.maxReceiveCount = 3;
        a.stats.visible = 4;
        a.stats.inFlight = 2;
        a.stats.oldestSentMs = 1000;
        a.sampledMs = 1000 + 150'000;
        QueueRow d;
        d.info.name = QStringLiteral("jobs-dlq");
        d.deadLetterSources = {QStringLiteral("jobs")};
        model.setRows({a, d});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, QueueListModel::Visible).data().toString(), QStringLiteral("4"));
        QCOMPARE(model.index(0, QueueListModel::InFlight).data().toString(), QStringLiteral("2"));
        QCOMPARE(model.index(0, QueueListModel::OldestAge).data().toString(), QStringLiteral("2 min"));
        QCOMPARE(model.index(0, QueueListModel::DeadLetter).data().toString(), QStringLiteral("jobs-dlq after 3 receives"));
        QCOMPARE(model.index(1, QueueListModel::Name).data().toString(), QStringLiteral("jobs-dlq (dead letters)"));
        QCOMPARE(model.index(1, QueueListModel::OldestAge).data().toString(), QStringLiteral("–"));
        a.stats.visible = 9; // same queues: values change in place
        model.setRows({a, d});
        QCOMPARE(model.index(0, QueueListModel::Visible).data(QueueListModel::SortRole).toLongLong(), 9);
        model.setRows({d});
        QCOMPARE(model.rowOf(QStringLiteral("jobs")), -1);
    }

    void sendPeekAndMoveBack()
    {
        QTemporaryDir dir;
        Settings settings(dir.filePath(QStringLiteral("settings.ini")));
        settings.setApiPort(0);
        auto studio = Studio::open(DataDir{dir.filePath(QStringLiteral("data"))}, &settings);
        QVERIFY(studio.ok());
        {
            auto conn = store::Connection::open((*studio)->dataDir().database());
            QVERIFY(conn.ok());
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            QVERIFY(store::createQueue(*conn, QStringLiteral("work-dlq"), {}, now).ok());
            store::QueueAttributes a;
            a.deadLetterQueue = QStringLiteral("work-dlq");
            a.maxReceiveCount = 1;
            QVERIFY(store::createQueue(*conn, QStringLiteral("work"), a, now).ok());
            QList<store::QueueMessage> dead(2);
            dead[0].body = "failed one";
            dead[1].body = "failed two";
            QVERIFY(store::sendMessages(*conn, QStringLiteral("work-dlq"), dead, now).ok());
        }
        QueuesPage page(studio->get());
        page.resize(1200, 800);
        QSignalSpy refreshed(&page, &QueuesPage::refreshed);
        page.show();
        QVERIFY(refreshed.wait(10000));
        QCOMPARE(page.model()->rowCount(), 2);
        const int dlqRow = page.model()->rowOf(QStringLiteral("work-dlq"));
        QCOMPARE(page.model()->index(dlqRow, QueueListModel::Visible).data().toString(), QStringLiteral("2"));

        page.selectQueue(QStringLiteral("work"));
        page.sendTestMessage(QStringLiteral("{\"test\": true}"));
        QTRY_COMPARE_WITH_TIMEOUT(page.model()->index(page.model()->rowOf(QStringLiteral("work")), QueueListModel::Visible).data().toString(),
                                  QStringLiteral("1"), 10000);
        page.peek();
        QTRY_COMPARE_WITH_TIMEOUT(page.peekedCount(), 1, 10000);
        // Peeking received nothing: still visible, not in flight.
        page.refresh();
        QVERIFY(refreshed.wait(10000));
        QCOMPARE(page.model()->index(page.model()->rowOf(QStringLiteral("work")), QueueListModel::InFlight).data().toString(), QStringLiteral("0"));

        page.selectQueue(QStringLiteral("work-dlq"));
        page.moveBack();
        QTRY_COMPARE_WITH_TIMEOUT(page.model()->index(page.model()->rowOf(QStringLiteral("work")), QueueListModel::Visible).data().toString(),
                                  QStringLiteral("3"), 10000);
        QCOMPARE(page.model()->index(page.model()->rowOf(QStringLiteral("work-dlq")), QueueListModel::Visible).data().toString(), QStringLiteral("0"));
    }
};

QTEST_MAIN(TestQueuesPage)
#include "tst_queuespage.moc"
