// Alarm evaluation against known series: every state transition, M out of N, and
// missing data under each TreatMissingData, with CloudWatch's reason wording.

#include "metrics/alarms.h"

#include <QJsonArray>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::metrics;

Q_DECLARE_METATYPE(funcdesk::metrics::AlarmState)
Q_DECLARE_METATYPE(funcdesk::metrics::TreatMissingData)
Q_DECLARE_METATYPE(funcdesk::metrics::Comparison)

namespace {

// 2026-12-07 01:30:00 UTC; periods of 60 s from there.
constexpr qint64 kT0 = 1796607000000;

// "5 - X": one character or number per period, oldest first: '-' missing, numbers as values.
QList<Datapoint> series(const QString &spec, int periodSeconds = 60)
{
    QList<Datapoint> out;
    const QStringList parts = spec.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (int i = 0; i < parts.size(); ++i) {
        Datapoint d;
        d.timestampMs = kT0 + qint64(i) * periodSeconds * 1000;
        if (parts[i] != QLatin1String("-"))
            d.value = parts[i].toDouble();
        out << d;
    }
    return out;
}

AlarmRule rule(int n, int m, TreatMissingData treat = TreatMissingData::Missing, double threshold = 5,
               Comparison cmp = Comparison::GreaterThan)
{
    AlarmRule r;
    r.name = QStringLiteral("errors-high");
    r.metric = QStringLiteral("Errors");
    r.function = QStringLiteral("checkout");
    r.threshold = threshold;
    r.comparison = cmp;
    r.periodSeconds = 60;
    r.evaluationPeriods = n;
    r.datapointsToAlarm = m;
    r.treatMissingData = treat;
    return r;
}

} // namespace

class TestAlarms : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void comparisons_data()
    {
        QTest::addColumn<Comparison>("cmp");
        QTest::addColumn<double>("value");
        QTest::addColumn<bool>("breach");
        QTest::newRow("gt above") << Comparison::GreaterThan << 6.0 << true;
        QTest::newRow("gt equal") << Comparison::GreaterThan << 5.0 << false;
        QTest::newRow("ge equal") << Comparison::GreaterThanOrEqual << 5.0 << true;
        QTest::newRow("ge below") << Comparison::GreaterThanOrEqual << 4.9 << false;
        QTest::newRow("lt below") << Comparison::LessThan << 4.0 << true;
        QTest::newRow("lt equal") << Comparison::LessThan << 5.0 << false;
        QTest::newRow("le equal") << Comparison::LessThanOrEqual << 5.0 << true;
        QTest::newRow("le above") << Comparison::LessThanOrEqual << 5.1 << false;
    }
    void comparisons()
    {
        QFETCH(Comparison, cmp);
        QFETCH(double, value);
        QFETCH(bool, breach);
        QCOMPARE(breaches(cmp, value, 5.0), breach);
        QCOMPARE(comparisonFromName(comparisonName(cmp)), std::optional<Comparison>(cmp));
    }

    // The state a series leads to, for each treatment of missing data, from each state.
    void evaluate_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("m");
        QTest::addColumn<TreatMissingData>("treat");
        QTest::addColumn<QString>("points");
        QTest::addColumn<AlarmState>("from");
        QTest::addColumn<AlarmState>("to");
        using S = AlarmState;
        using T = TreatMissingData;
        // Transitions among the three states, all data present.
        QTest::newRow("insufficient -> alarm") << 3 << 3 << T::Missing << "6 7 8" << S::InsufficientData << S::Alarm;
        QTest::newRow("insufficient -> ok") << 3 << 3 << T::Missing << "1 2 3" << S::InsufficientData << S::Ok;
        QTest::newRow("ok -> alarm") << 3 << 3 << T::Missing << "6 7 8" << S::Ok << S::Alarm;
        QTest::newRow("alarm -> ok") << 3 << 3 << T::Missing << "6 7 1" << S::Alarm << S::Ok;
        QTest::newRow("alarm stays") << 1 << 1 << T::Missing << "9" << S::Alarm << S::Alarm;
        QTest::newRow("ok -> insufficient") << 3 << 3 << T::Missing << "- - -" << S::Ok << S::InsufficientData;
        QTest::newRow("alarm -> insufficient") << 2 << 1 << T::Missing << "- -" << S::Alarm << S::InsufficientData;
        // M out of N.
        QTest::newRow("2 of 3 breach: alarm") << 3 << 2 << T::Missing << "6 1 7" << S::Ok << S::Alarm;
        QTest::newRow("1 of 3 breach, M=2: ok") << 3 << 2 << T::Missing << "6 1 2" << S::Alarm << S::Ok;
        QTest::newRow("threshold itself does not breach gt") << 1 << 1 << T::Missing << "5" << S::Ok << S::Ok;
        QTest::newRow("older periods than N are not looked at") << 2 << 2 << T::Missing << "9 9 1 1" << S::Alarm << S::Ok;
        // All missing, each treatment.
        QTest::newRow("all missing, missing") << 3 << 3 << T::Missing << "- - -" << S::Alarm << S::InsufficientData;
        QTest::newRow("all missing, ignore keeps alarm") << 3 << 3 << T::Ignore << "- - -" << S::Alarm << S::Alarm;
        QTest::newRow("all missing, ignore keeps ok") << 3 << 3 << T::Ignore << "- - -" << S::Ok << S::Ok;
        QTest::newRow("all missing, breaching") << 3 << 3 << T::Breaching << "- - -" << S::Ok << S::Alarm;
        QTest::newRow("all missing, notBreaching") << 3 << 3 << T::NotBreaching << "- - -" << S::Alarm << S::Ok;
        QTest::newRow("no datapoints given at all, missing") << 2 << 2 << T::Missing << "" << S::Ok << S::InsufficientData;
        // Some missing.
        QTest::newRow("- - X, missing: alarm") << 3 << 3 << T::Missing << "- - 9" << S::Ok << S::Alarm;
        QTest::newRow("- - X, ignore: alarm") << 3 << 3 << T::Ignore << "- - 9" << S::Ok << S::Alarm;
        QTest::newRow("- - X, breaching: alarm") << 3 << 3 << T::Breaching << "- - 9" << S::Ok << S::Alarm;
        QTest::newRow("- - X, notBreaching: ok") << 3 << 3 << T::NotBreaching << "- - 9" << S::Ok << S::Ok;
        QTest::newRow("0 - X, missing: ok") << 3 << 3 << T::Missing << "1 - 9" << S::Alarm << S::Ok;
        QTest::newRow("0 - -, breaching M=2: alarm") << 3 << 2 << T::Breaching << "1 - -" << S::Ok << S::Alarm;
        QTest::newRow("0 - -, breaching M=3: ok") << 3 << 3 << T::Breaching << "1 - -" << S::Alarm << S::Ok;
        QTest::newRow("X - 0, notBreaching M=1: alarm") << 3 << 1 << T::NotBreaching << "9 - 1" << S::Ok << S::Alarm;
        QTest::newRow("- 0 -, missing: ok") << 3 << 1 << T::Missing << "- 1 -" << S::Alarm << S::Ok;
    }
    void evaluate()
    {
        QFETCH(int, n);
        QFETCH(int, m);
        QFETCH(TreatMissingData, treat);
        QFETCH(QString, points);
        QFETCH(AlarmState, from);
        QFETCH(AlarmState, to);
        const AlarmEvaluation e = evaluateAlarm(rule(n, m, treat), series(points), from);
        QCOMPARE(alarmStateName(e.state), alarmStateName(to));
        QCOMPARE(e.changed, from != to);
        QVERIFY(!e.reason.isEmpty());
    }

    void reasonsAreWordedAsCloudWatchWordsThem()
    {
        const AlarmEvaluation alarm = evaluateAlarm(rule(3, 3), series(QStringLiteral("6 7 8")), AlarmState::Ok);
        QCOMPARE(alarm.reason,
                 QStringLiteral("Threshold Crossed: 3 out of the last 3 datapoints [8.0 (07/12/26 01:32:00), "
                                "7.0 (07/12/26 01:31:00), 6.0 (07/12/26 01:30:00)] were greater than the threshold (5.0) "
                                "(minimum 3 datapoints for OK -> ALARM transition)."));
        QCOMPARE(alarm.reasonData.value(QStringLiteral("recentDatapoints")).toArray(), (QJsonArray{8.0, 7.0, 6.0}));
        QCOMPARE(alarm.reasonData.value(QStringLiteral("threshold")).toDouble(), 5.0);

        const AlarmEvaluation one = evaluateAlarm(rule(1, 1, TreatMissingData::Missing, 1, Comparison::GreaterThanOrEqual),
                                                  series(QStringLiteral("3")), AlarmState::InsufficientData);
        QCOMPARE(one.reason,
                 QStringLiteral("Threshold Crossed: 1 out of the last 1 datapoints [3.0 (07/12/26 01:30:00)] was greater "
                                "than or equal to the threshold (1.0) (minimum 1 datapoint for INSUFFICIENT_DATA -> ALARM "
                                "transition)."));

        const AlarmEvaluation ok = evaluateAlarm(rule(3, 2), series(QStringLiteral("6 0.5 2")), AlarmState::Alarm);
        QCOMPARE(ok.reason,
                 QStringLiteral("Threshold Crossed: 2 out of the last 3 datapoints [2.0 (07/12/26 01:32:00), "
                                "0.5 (07/12/26 01:31:00)] were not greater than the threshold (5.0) (minimum 2 datapoints "
                                "for ALARM -> OK transition)."));

        const AlarmEvaluation none = evaluateAlarm(rule(3, 3), series(QStringLiteral("- - -")), AlarmState::Ok);
        QCOMPARE(none.reason, QStringLiteral("Insufficient Data: 3 datapoints were unknown."));

        const AlarmEvaluation breaching =
            evaluateAlarm(rule(2, 2, TreatMissingData::Breaching), series(QStringLiteral("- -")), AlarmState::Ok);
        QCOMPARE(breaching.reason, QStringLiteral("Threshold Crossed: no datapoints were received for 2 periods and 2 "
                                                  "missing datapoints were treated as [Breaching]."));
        const AlarmEvaluation partly =
            evaluateAlarm(rule(3, 3, TreatMissingData::NotBreaching), series(QStringLiteral("9 - 1")), AlarmState::Alarm);
        QVERIFY2(partly.reason.endsWith(QStringLiteral(" 1 missing datapoint was treated as [NonBreaching].")),
                 qPrintable(partly.reason));
        QVERIFY2(partly.reason.contains(QStringLiteral("2 out of the last 3 datapoints [1.0 (07/12/26 01:32:00)]")),
                 qPrintable(partly.reason));
    }

    void numbersInReasons_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("text");
        QTest::newRow("integer") << 5.0 << "5.0";
        QTest::newRow("zero") << 0.0 << "0.0";
        QTest::newRow("fraction") << 0.25 << "0.25";
        QTest::newRow("third") << 1.0 / 3 << "0.3333333333333333";
        QTest::newRow("negative") << -2.5 << "-2.5";
    }
    void numbersInReasons()
    {
        QFETCH(double, value);
        QFETCH(QString, text);
        QCOMPARE(reasonNumber(value), text);
    }

    void validation_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("period 45") << "Period" << "45" << "Period must be 10, 30 or a multiple of 60 seconds (got 45)";
        QTest::newRow("period 0") << "Period" << "0" << "Period must be 10, 30 or a multiple of 60 seconds (got 0)";
        QTest::newRow("M > N") << "DatapointsToAlarm" << "4" << "DatapointsToAlarm must be between 1 and EvaluationPeriods (3)";
        QTest::newRow("unknown metric") << "MetricName" << "Latency" << "MetricName 'Latency' is not one of";
        QTest::newRow("statistic") << "Statistic" << "p99" << "Statistic 'p99' is not available for Errors (available: Sum)";
        QTest::newRow("comparison") << "ComparisonOperator" << "Above" << "ComparisonOperator 'Above' is not one of";
        QTest::newRow("treat") << "TreatMissingData" << "zero" << "TreatMissingData 'zero' is not one of";
        QTest::newRow("queue metric without a queue") << "MetricName" << "ApproximateAgeOfOldestMessage"
                                                      << "ApproximateAgeOfOldestMessage is a queue metric: name the queue";
        QTest::newRow("too long") << "EvaluationPeriods" << "1441" << "must not exceed 86400 seconds";
        QTest::newRow("empty name") << "AlarmName" << "" << "AlarmName must be 1 to 255 characters";
    }
    void validation()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, message);
        QJsonObject o = alarmRuleToJson(rule(3, 3));
        bool isNumber = false;
        const double number = value.toDouble(&isNumber);
        o.insert(field, isNumber ? QJsonValue(number) : QJsonValue(value));
        const Result<AlarmRule> r = alarmRuleFromJson(o);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().type, QString(errc::Validation));
        QVERIFY2(r.error().message.contains(message), qPrintable(r.error().message));
    }

    void jsonRoundTrip()
    {
        AlarmRule r = rule(5, 3, TreatMissingData::Breaching, 250, Comparison::GreaterThanOrEqual);
        r.metric = QStringLiteral("Duration");
        r.statistic = QStringLiteral("p99");
        r.description = QStringLiteral("slow checkout");
        const Result<AlarmRule> back = alarmRuleFromJson(alarmRuleToJson(r));
        QVERIFY(back.ok());
        QCOMPARE(back->metric, r.metric);
        QCOMPARE(back->statistic, QStringLiteral("p99"));
        QCOMPARE(back->threshold, 250.0);
        QCOMPARE(back->comparison, Comparison::GreaterThanOrEqual);
        QCOMPARE(back->evaluationPeriods, 5);
        QCOMPARE(back->datapointsToAlarm, 3);
        QCOMPARE(back->treatMissingData, TreatMissingData::Breaching);
        QCOMPARE(back->function, QStringLiteral("checkout"));
        QCOMPARE(back->subject(), QStringLiteral("Duration p99 of checkout"));
        AlarmRule all = rule(1, 1);
        all.function.clear();
        QCOMPARE(all.subject(), QStringLiteral("Errors of all functions"));
    }
};

QTEST_GUILESS_MAIN(TestAlarms)
#include "tst_alarms.moc"
