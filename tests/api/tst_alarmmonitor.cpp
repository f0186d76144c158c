// Alarms evaluated by the Service over the store's rollups: a real python3 function that
// raises, invoked N times, puts an Errors alarm in ALARM with a history row worded as
// CloudWatch words it; an empty period then brings it back to OK when missing data is
// notBreaching; the timer evaluates on its own; and a metric from another source (a
// queue's depth) is one reader added to the monitor.
#include "api/alarmmonitor.h"
#include "api/service.h"
#include "store/alarms.h"
#include "store/queues.h"
#include "store/sqlite.h"
#include "store/writer.h"
#include "versioning/versionstore.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::api;
using metrics::AlarmRule;

namespace {

const QByteArray kFailingPy = QByteArrayLiteral("def handler(event, context):\n"
                                                "    if event.get('fail'):\n"
                                                "        raise ValueError('card declined')\n"
                                                "    return {'ok': True}\n");

AlarmRule errorsRule(const QString &function, metrics::TreatMissingData treat)
{
    AlarmRule r;
    r.name = QStringLiteral("checkout-errors");
    r.metric = QStringLiteral("Errors");
    r.function = function;
    r.threshold = 2;
    r.comparison = metrics::Comparison::GreaterThan;
    r.periodSeconds = 10;
    r.evaluationPeriods = 1;
    r.treatMissingData = treat;
    return r;
}

Status putRule(const QString &dbPath, const AlarmRule &rule)
{
    auto conn = store::Connection::open(dbPath);
    if (!conn)
        return conn.error();
    store::AlarmRow row;
    row.name = rule.name;
    row.function = rule.function;
    row.metric = rule.metric;
    row.rule = metrics::alarmRuleToJson(rule);
    return store::putAlarm(*conn, row, 1);
}

} // namespace

class TestAlarmMonitor : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir dir;
    DataDir dataDir() const { return DataDir{dir.path()}; }

private Q_SLOTS:
    void aQueueDepthAlarmGoesOff()
    {
        QTemporaryDir own;
        ServiceOptions o;
        o.startApi = false;
        o.alarmIntervalMs = 0; // evaluated by hand
        auto service = Service::start(DataDir{own.path()}, o);
        QVERIFY(service.ok());
        {
            auto conn = store::Connection::open(DataDir{own.path()}.database());
            QVERIFY(conn);
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            QVERIFY(store::createQueue(*conn, QStringLiteral("orders"), store::QueueAttributes{}, now).ok());
            QList<store::QueueMessage> batch;
            for (int i = 0; i < 5; ++i) {
                store::QueueMessage m;
                m.body = QByteArray::number(i);
                batch.append(m);
            }
            QVERIFY(store::sendMessages(*conn, QStringLiteral("orders"), batch, now).ok());
        }
        AlarmRule r;
        r.name = QStringLiteral("orders-backlog");
        r.metric = QStringLiteral("ApproximateNumberOfMessagesVisible");
        r.queue = QStringLiteral("orders");
        r.threshold = 3;
        r.comparison = metrics::Comparison::GreaterThan;
        r.periodSeconds = 10;
        r.evaluationPeriods = 1;
        QVERIFY(putRule(DataDir{own.path()}.database(), r));

        // The depth has no history: an evaluation samples it now (5 visible); the period
        // it fell in, once complete, holds that sample.
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch();
        std::optional<Result<int>> evaluated;
        (*service)->evaluateAlarms(t0, [&evaluated](Result<int> x) { evaluated = x; });
        QTRY_VERIFY_WITH_TIMEOUT(evaluated.has_value(), 10000);
        QSignalSpy alarms(service->get(), &Service::alarmStateChanged);
        evaluated.reset();
        const qint64 periodEnd = (t0 / 10000 + 1) * 10000;
        (*service)->evaluateAlarms(periodEnd + AlarmMonitor::kSettleMs, [&evaluated](Result<int> x) { evaluated = x; });
        QTRY_VERIFY_WITH_TIMEOUT(evaluated.has_value(), 10000);
        QVERIFY(evaluated->ok());
        QTRY_VERIFY(!alarms.isEmpty());
        const auto change = alarms.last().first().value<AlarmStateChange>();
        QCOMPARE(change.alarm, QStringLiteral("orders-backlog"));
        QCOMPARE(change.to, QStringLiteral("ALARM"));
        QVERIFY2(change.reason.contains(QStringLiteral("5.0")), qPrintable(change.reason));
    }

    void realErrorsPutTheAlarmInAlarmThenAnEmptyPeriodInOk()
    {
        ServiceOptions o;
        o.startApi = false;
        o.alarmIntervalMs = 0; // evaluated by hand, at chosen times
        auto service = Service::start(dataDir(), o);
        QVERIFY2(service.ok(), qPrintable(service.ok() ? QString() : service.error().toString()));
        SourceFiles files;
        files.insert(QStringLiteral("app.py"), SourceFile(kFailingPy));
        files.insert(QStringLiteral("function.json"),
                     SourceFile(QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\"}")));
        QVERIFY(VersionStore(dataDir()).create(QStringLiteral("checkout"), Runtime::Python3, files).ok());
        QSignalSpy changed(service->get(), &Service::functionChanged);
        (*service)->refreshFunction(QStringLiteral("checkout"));
        QVERIFY(changed.wait(10000));
        QVERIFY(putRule(dataDir().database(), errorsRule(QStringLiteral("checkout"), metrics::TreatMissingData::NotBreaching)));

        QSignalSpy alarms(service->get(), &Service::alarmStateChanged);
        // All six in one 10 s period: start early in one (they take well under a second).
        if (QDateTime::currentMSecsSinceEpoch() % 10000 > 5000)
            QTest::qWait(int(10000 - QDateTime::currentMSecsSinceEpoch() % 10000) + 50);
        // Five failures and one success, one after another.
        qint64 lastStartMs = 0;
        for (int i = 0; i < 6; ++i) {
            engine::InvokeRequest req;
            req.function = QStringLiteral("checkout");
            req.payload = i < 5 ? QByteArrayLiteral("{\"fail\":true}") : QByteArrayLiteral("{}");
            std::optional<engine::InvokeResult> result;
            (*service)->invoke(req, QString(), [&result](engine::InvokeResult r) {
                QMetaObject::invokeMethod(qApp, [&result, r] { result = r; }, Qt::QueuedConnection);
            });
            QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 20000);
            QCOMPARE(result->functionError, i < 5);
            lastStartMs = std::max(lastStartMs, result->record.startMs);
        }
        QVERIFY((*service)->writer()->flush().ok());

        // As of the end of the period the invocations fell in.
        auto conn = store::Connection::open(dataDir().database(), {.readOnly = true});
        QVERIFY(conn);
        const qint64 periodEnd = (lastStartMs / 10000 + 1) * 10000;
        std::optional<Result<int>> evaluated;
        (*service)->evaluateAlarms(periodEnd + AlarmMonitor::kSettleMs, [&evaluated](Result<int> r) { evaluated = r; });
        QTRY_VERIFY_WITH_TIMEOUT(evaluated.has_value(), 10000);
        QVERIFY(evaluated->ok());
        const qint64 errorsInPeriod = *conn->queryInt(
            QByteArray("SELECT coalesce(sum(errors + timeouts + ooms + crashes), 0) FROM rollups_1s WHERE function = 'checkout' AND ts >= "
                       + QByteArray::number(periodEnd / 1000 - 10) + " AND ts < " + QByteArray::number(periodEnd / 1000))
                .constData());
        QCOMPARE(errorsInPeriod, qint64(5));
        QCOMPARE(**evaluated, 1);
        QTRY_COMPARE(alarms.size(), 1);
        const auto change = alarms.first().first().value<AlarmStateChange>();
        QCOMPARE(change.alarm, QStringLiteral("checkout-errors"));
        QCOMPARE(change.function, QStringLiteral("checkout"));
        QCOMPARE(change.from, QStringLiteral("INSUFFICIENT_DATA"));
        QCOMPARE(change.to, QStringLiteral("ALARM"));
        QVERIFY2(change.reason.startsWith(QStringLiteral("Threshold Crossed: 1 out of the last 1 datapoints [")
                                          + QString::number(errorsInPeriod) + QStringLiteral(".0 (")),
                 qPrintable(change.reason));
        QVERIFY2(change.reason.contains(QStringLiteral("was greater than the threshold (2.0)")), qPrintable(change.reason));

        auto row = store::alarm(*conn, QStringLiteral("checkout-errors"));
        QCOMPARE((*row)->state, QStringLiteral("ALARM"));
        auto history = store::alarmHistory(*conn, store::AlarmHistoryQuery{QStringLiteral("checkout-errors"),
                                                                            QStringLiteral("StateUpdate")});
        QVERIFY(history);
        QCOMPARE(history->size(), 1);
        QCOMPARE(history->first().newState, QStringLiteral("ALARM"));
        QCOMPARE(history->first().reason, change.reason);

        // Evaluating again changes nothing: no second history row.
        evaluated.reset();
        (*service)->evaluateAlarms(periodEnd + AlarmMonitor::kSettleMs + 500, [&evaluated](Result<int> r) { evaluated = r; });
        QTRY_VERIFY_WITH_TIMEOUT(evaluated.has_value(), 10000);
        QCOMPARE(**evaluated, 0);

        // A later period with no invocations: missing, treated as not breaching -> OK.
        evaluated.reset();
        (*service)->evaluateAlarms(periodEnd + 60000 + AlarmMonitor::kSettleMs, [&evaluated](Result<int> r) { evaluated = r; });
        QTRY_VERIFY_WITH_TIMEOUT(evaluated.has_value(), 10000);
        QCOMPARE(**evaluated, 1);
        QTRY_COMPARE(alarms.size(), 2);
        const auto ok = alarms.at(1).first().value<AlarmStateChange>();
        QCOMPARE(ok.to, QStringLiteral("OK"));
        QCOMPARE(ok.reason, QStringLiteral("Threshold Crossed: no datapoints were received for 1 period and 1 missing "
                                           "datapoint was treated as [NonBreaching]."));
        history = store::alarmHistory(*conn, store::AlarmHistoryQuery{QStringLiteral("checkout-errors"),
                                                                       QStringLiteral("StateUpdate")});
        QCOMPARE(history->size(), 2);
        QCOMPARE(history->first().oldState, QStringLiteral("ALARM"));
        QCOMPARE(history->first().newState, QStringLiteral("OK"));
    }

    void theTimerEvaluatesOnItsOwn()
    {
        QTemporaryDir own;
        // Missing data treated as breaching: with no function ever invoked, the first tick
        // already has something to say.
        AlarmRule rule = errorsRule(QString(), metrics::TreatMissingData::Breaching);
        rule.name = QStringLiteral("nothing-ran");
        {
            auto conn = store::Connection::open(DataDir{own.path()}.database());
            QVERIFY(conn);
        }
        QVERIFY(putRule(DataDir{own.path()}.database(), rule));
        ServiceOptions o;
        o.startApi = false;
        o.alarmIntervalMs = 100;
        auto service = Service::start(DataDir{own.path()}, o);
        QVERIFY(service.ok());
        QSignalSpy alarms(service->get(), &Service::alarmStateChanged);
        QVERIFY(alarms.wait(10000));
        const auto change = alarms.first().first().value<AlarmStateChange>();
        QCOMPARE(change.alarm, QStringLiteral("nothing-ran"));
        QCOMPARE(change.to, QStringLiteral("ALARM"));
        QVERIFY2(change.reason.contains(QStringLiteral("treated as [Breaching]")), qPrintable(change.reason));
    }

    void aQueueMetricIsOneReader()
    {
        QTemporaryDir own;
        const QString db = DataDir{own.path()}.database();
        AlarmRule rule;
        rule.name = QStringLiteral("orders-backlog");
        rule.metric = QStringLiteral("ApproximateNumberOfMessagesVisible");
        rule.queue = QStringLiteral("orders");
        rule.threshold = 100;
        rule.comparison = metrics::Comparison::GreaterThanOrEqual;
        rule.periodSeconds = 60;
        rule.evaluationPeriods = 3;
        rule.datapointsToAlarm = 2;
        QVERIFY(putRule(db, rule));
        AlarmMonitor monitor(db, 0);
        const qint64 now = 1796607000000 + 3 * 60000 + AlarmMonitor::kSettleMs;
        // Without a reader the metric reads as missing: the alarm stays INSUFFICIENT_DATA.
        QVERIFY(!monitor.source().has(rule.metric));
        QCOMPARE(*monitor.evaluate(now), 0);
        QList<std::pair<qint64, qint64>> asked;
        monitor.source().add(rule.metric, [&asked](store::Connection &, const AlarmRule &r, qint64 from, qint64 to) {
            asked.append({from, to});
            QList<metrics::Datapoint> out;
            const double depth[] = {20, 150, 300};
            for (int i = 0; i < 3; ++i)
                out << metrics::Datapoint{from + i * r.periodSeconds * 1000LL, r.queue == QLatin1String("orders") ? std::optional<double>(depth[i]) : std::nullopt};
            return Result<QList<metrics::Datapoint>>(out);
        });
        QSignalSpy changes(&monitor, &AlarmMonitor::stateChanged);
        QCOMPARE(*monitor.evaluate(now), 1);
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked.first().first, qint64(1796607000000));
        QCOMPARE(asked.first().second, qint64(1796607000000 + 180000));
        QCOMPARE(changes.size(), 1);
        const auto change = changes.first().first().value<AlarmStateChange>();
        QCOMPARE(change.to, QStringLiteral("ALARM"));
        QCOMPARE(change.reason, QStringLiteral("Threshold Crossed: 2 out of the last 3 datapoints [300.0 (07/12/26 01:32:00), "
                                               "150.0 (07/12/26 01:31:00)] were greater than or equal to the threshold "
                                               "(100.0) (minimum 2 datapoints for INSUFFICIENT_DATA -> ALARM transition)."));
    }
};

QTEST_GUILESS_MAIN(TestAlarmMonitor)
#include "tst_alarmmonitor.moc"
