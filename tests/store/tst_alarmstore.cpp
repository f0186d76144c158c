// Alarm rules and history in the store: a new alarm starts INSUFFICIENT_DATA with
// CloudWatch's "Unchecked" reason, an update keeps its state, a state change writes the
// row and a history row together (and only from the state the writer saw), history
// outlives a deleted alarm and reads newest first by alarm, kind and time.
#include "store/alarms.h"
#include "store/sqlite.h"
#include "tempdb.h"

#include <QTest>

using namespace funcdesk;
using namespace funcdesk::store;

namespace {
AlarmRow row(const QString &name, const QString &function = QStringLiteral("checkout"))
{
    AlarmRow a;
    a.name = name;
    a.function = function;
    a.metric = QStringLiteral("Errors");
    a.rule = QJsonObject{{QStringLiteral("AlarmName"), name}, {QStringLiteral("Threshold"), 5}};
    return a;
}
} // namespace

class TestAlarmStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void createUpdateChangeDelete()
    {
        test::TempDb db;
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        QVERIFY(putAlarm(*conn, row(QStringLiteral("errors-high")), 1000));
        auto a = alarm(*conn, QStringLiteral("errors-high"));
        QVERIFY(a && *a);
        QCOMPARE((*a)->state, QStringLiteral("INSUFFICIENT_DATA"));
        QCOMPARE((*a)->reason, QStringLiteral("Unchecked: Initial alarm creation"));
        QCOMPARE((*a)->createdMs, qint64(1000));
        QCOMPARE((*a)->rule.value(QStringLiteral("Threshold")).toInt(), 5);

        auto changed = changeAlarmState(*conn, QStringLiteral("errors-high"), QStringLiteral("INSUFFICIENT_DATA"),
                                        QStringLiteral("ALARM"), QStringLiteral("Threshold Crossed: ..."),
                                        QJsonObject{{QStringLiteral("threshold"), 5}}, 2000);
        QVERIFY(changed && *changed);
        // a writer that saw an older state does not overwrite the newer one
        auto stale = changeAlarmState(*conn, QStringLiteral("errors-high"), QStringLiteral("INSUFFICIENT_DATA"),
                                      QStringLiteral("OK"), QStringLiteral("late"), {}, 2500);
        QVERIFY(stale && !*stale);

        AlarmRow updated = row(QStringLiteral("errors-high"));
        updated.rule.insert(QStringLiteral("Threshold"), 9);
        QVERIFY(putAlarm(*conn, updated, 3000));
        a = alarm(*conn, QStringLiteral("errors-high"));
        QCOMPARE((*a)->state, QStringLiteral("ALARM")); // PutMetricAlarm keeps the state
        QCOMPARE((*a)->stateUpdatedMs, qint64(2000));
        QCOMPARE((*a)->rule.value(QStringLiteral("Threshold")).toInt(), 9);

        QVERIFY(deleteAlarm(*conn, QStringLiteral("errors-high"), 4000));
        a = alarm(*conn, QStringLiteral("errors-high"));
        QVERIFY(a && !*a);
        const Status again = deleteAlarm(*conn, QStringLiteral("errors-high"), 5000);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().type, QString(errc::ResourceNotFound));

        auto history = alarmHistory(*conn, AlarmHistoryQuery{QStringLiteral("errors-high")});
        QVERIFY(history);
        QCOMPARE(history->size(), 4);
        QCOMPARE(history->at(0).summary, QStringLiteral("Alarm \"errors-high\" deleted"));
        QCOMPARE(history->at(1).summary, QStringLiteral("Alarm \"errors-high\" updated"));
        QCOMPARE(history->at(2).type, QStringLiteral("StateUpdate"));
        QCOMPARE(history->at(2).summary, QStringLiteral("Alarm updated from INSUFFICIENT_DATA to ALARM"));
        QCOMPARE(history->at(2).oldState, QStringLiteral("INSUFFICIENT_DATA"));
        QCOMPARE(history->at(2).newState, QStringLiteral("ALARM"));
        QCOMPARE(history->at(2).reason, QStringLiteral("Threshold Crossed: ..."));
        QCOMPARE(history->at(3).summary, QStringLiteral("Alarm \"errors-high\" created"));

        auto states = alarmHistory(*conn, AlarmHistoryQuery{{}, QStringLiteral("StateUpdate")});
        QCOMPARE(states->size(), 1);
        auto window = alarmHistory(*conn, AlarmHistoryQuery{{}, {}, 1500, 3500});
        QCOMPARE(window->size(), 2);
        auto limited = alarmHistory(*conn, AlarmHistoryQuery{{}, {}, 0, 0, 1});
        QCOMPARE(limited->size(), 1);
        QCOMPARE(limited->first().timestampMs, qint64(4000));
    }

    void listsByName()
    {
        test::TempDb db;
        auto conn = Connection::open(db.path());
        QVERIFY(putAlarm(*conn, row(QStringLiteral("b"), QString()), 1));
        QVERIFY(putAlarm(*conn, row(QStringLiteral("a")), 2));
        auto all = listAlarms(*conn);
        QVERIFY(all);
        QCOMPARE(all->size(), 2);
        QCOMPARE(all->at(0).name, QStringLiteral("a"));
        QCOMPARE(all->at(1).function, QString());
        const Status noName = putAlarm(*conn, row(QString()), 3);
        QVERIFY(!noName.ok());
    }
};

QTEST_GUILESS_MAIN(TestAlarmStore)
#include "tst_alarmstore.moc"
