// Chart numbers in human units: nice axis scales, and labels in µs/ms/s, $ or µ$, k/M,
// never in exponent notation.
#include "ui/charts/chartunits.h"

#include <QSet>
#include <QTest>

using namespace funcdesk::ui;

Q_DECLARE_METATYPE(funcdesk::ui::ValueUnit)

class TestChartUnits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scales_data()
    {
        QTest::addColumn<double>("max");
        QTest::addColumn<ValueUnit>("unit");
        QTest::addColumn<double>("top");
        QTest::addColumn<double>("step");
        QTest::newRow("7 invocations") << 7.0 << ValueUnit::Count << 8.0 << 2.0;
        QTest::newRow("10 invocations: no 7.5") << 10.0 << ValueUnit::Count << 10.0 << 5.0;
        QTest::newRow("25 invocations: 2.5 times ten is whole") << 95.0 << ValueUnit::Count << 100.0 << 25.0;
        QTest::newRow("1 invocation") << 1.0 << ValueUnit::Count << 1.0 << 1.0;
        QTest::newRow("counts never step by halves") << 2.0 << ValueUnit::Count << 2.0 << 1.0;
        QTest::newRow("nothing") << 0.0 << ValueUnit::Count << 1.0 << 1.0;
        QTest::newRow("930 ms") << 930.0 << ValueUnit::Milliseconds << 1000.0 << 250.0;
        QTest::newRow("0.42 ms") << 0.42 << ValueUnit::Milliseconds << 0.6 << 0.2;
        QTest::newRow("4e-05 dollars") << 4e-05 << ValueUnit::Usd << 4e-05 << 1e-05;
        QTest::newRow("12,345 invocations") << 12345.0 << ValueUnit::Count << 15000.0 << 5000.0;
    }
    void scales()
    {
        QFETCH(double, max);
        QFETCH(ValueUnit, unit);
        QFETCH(double, top);
        QFETCH(double, step);
        const AxisScale s = niceScale(max, 5, unit);
        QVERIFY2(qFuzzyCompare(s.top, top), qPrintable(QString::number(s.top)));
        QVERIFY2(qFuzzyCompare(s.step, step), qPrintable(QString::number(s.step)));
        QVERIFY(s.top >= max);
        QVERIFY(s.ticks <= 5);
        QCOMPARE(s.values().size(), s.ticks);
    }

    void axisLabels_data()
    {
        QTest::addColumn<ValueUnit>("unit");
        QTest::addColumn<double>("max");
        QTest::addColumn<QStringList>("labels");
        QTest::newRow("costs of a few calls") << ValueUnit::Usd << 4e-05
                                              << QStringList{QStringLiteral("0 µ$"), QStringLiteral("10 µ$"), QStringLiteral("20 µ$"),
                                                             QStringLiteral("30 µ$"), QStringLiteral("40 µ$")};
        QTest::newRow("fractions of a micro-dollar") << ValueUnit::Usd << 2.1e-07
                                                     << QStringList{QStringLiteral("0.0 µ$"), QStringLiteral("0.1 µ$"), QStringLiteral("0.2 µ$"),
                                                                    QStringLiteral("0.3 µ$")};
        QTest::newRow("cents") << ValueUnit::Usd << 0.042
                               << QStringList{QStringLiteral("$0.00"), QStringLiteral("$0.02"), QStringLiteral("$0.04"), QStringLiteral("$0.06")};
        QTest::newRow("dollars") << ValueUnit::Usd << 2.3
                                 << QStringList{QStringLiteral("$0"), QStringLiteral("$1"), QStringLiteral("$2"), QStringLiteral("$3")};
        QTest::newRow("sub-millisecond durations") << ValueUnit::Milliseconds << 0.42
                                                   << QStringList{QStringLiteral("0 µs"), QStringLiteral("200 µs"), QStringLiteral("400 µs"),
                                                                  QStringLiteral("600 µs")};
        QTest::newRow("milliseconds") << ValueUnit::Milliseconds << 930.0
                                      << QStringList{QStringLiteral("0 ms"), QStringLiteral("250 ms"), QStringLiteral("500 ms"),
                                                     QStringLiteral("750 ms"), QStringLiteral("1000 ms")};
        QTest::newRow("seconds") << ValueUnit::Milliseconds << 2600.0
                                 << QStringList{QStringLiteral("0 s"), QStringLiteral("1 s"), QStringLiteral("2 s"), QStringLiteral("3 s")};
        QTest::newRow("thousands") << ValueUnit::Count << 12345.0
                                   << QStringList{QStringLiteral("0 k"), QStringLiteral("5 k"), QStringLiteral("10 k"), QStringLiteral("15 k")};
    }
    void axisLabels()
    {
        QFETCH(ValueUnit, unit);
        QFETCH(double, max);
        QFETCH(QStringList, labels);
        const AxisScale s = niceScale(max, 5, unit);
        QStringList got;
        for (double v : s.values())
            got << formatAxisValue(unit, v, s);
        for (const QString &l : std::as_const(got))
            QVERIFY2(!l.contains(QLatin1String("e-")) && !l.contains(QLatin1String("e+")), qPrintable(l));
        QCOMPARE(QSet<QString>(got.cbegin(), got.cend()).size(), got.size()); // no two ticks read the same
        QCOMPARE(got, labels);
    }

    void values_data()
    {
        QTest::addColumn<ValueUnit>("unit");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("text");
        QTest::newRow("µs") << ValueUnit::Milliseconds << 0.042 << "42 µs";
        QTest::newRow("ms") << ValueUnit::Milliseconds << 12.345 << "12.3 ms";
        QTest::newRow("s") << ValueUnit::Milliseconds << 1250.0 << "1.25 s";
        QTest::newRow("min") << ValueUnit::Milliseconds << 150000.0 << "2.5 min";
        QTest::newRow("µ$") << ValueUnit::Usd << 2.1e-05 << "21 µ$";
        QTest::newRow("tiny µ$") << ValueUnit::Usd << 2.08e-07 << "0.208 µ$";
        QTest::newRow("$") << ValueUnit::Usd << 0.0042 << "$0.0042";
        QTest::newRow("dollars") << ValueUnit::Usd << 12.5 << "$12.5";
        QTest::newRow("count") << ValueUnit::Count << 7.0 << "7";
        QTest::newRow("k") << ValueUnit::Count << 34500.0 << "34.5 k";
        QTest::newRow("M") << ValueUnit::Count << 5600000.0 << "5.6 M";
        QTest::newRow("zero ms") << ValueUnit::Milliseconds << 0.0 << "0 ms";
        QTest::newRow("GB-s") << ValueUnit::GbSeconds << 0.0123 << "0.0123 GB-s";
    }
    void values()
    {
        QFETCH(ValueUnit, unit);
        QFETCH(double, value);
        QFETCH(QString, text);
        QCOMPARE(formatValue(unit, value), text);
    }

    void unitNames()
    {
        QCOMPARE(valueUnitFromName(QStringLiteral("ms")), ValueUnit::Milliseconds);
        QCOMPARE(valueUnitFromName(QStringLiteral("USD")), ValueUnit::Usd);
        QCOMPARE(valueUnitFromName(QStringLiteral("GB-s")), ValueUnit::GbSeconds);
        QCOMPARE(valueUnitFromName(QStringLiteral("count")), ValueUnit::Count);
        QCOMPARE(valueUnitFromName(QStringLiteral("per second")), ValueUnit::Count);
    }
};

QTEST_GUILESS_MAIN(TestChartUnits)
#include "tst_chartunits.moc"
