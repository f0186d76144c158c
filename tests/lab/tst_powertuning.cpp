// Power Tuning's arithmetic: the 20 % trimmed mean, cost per invocation from the cost
// model, the choice per strategy on a hand-made table, and the memory list's syntax.

#include "lab/powertuning.h"

#include <QTest>

#include <cmath>

using namespace funcdesk;
using namespace funcdesk::lab;

Q_DECLARE_METATYPE(funcdesk::lab::Strategy)

namespace {

constexpr double kX86 = 0.0000166667;
constexpr double kRequest = 0.20 / 1e6;

bool fuzzyEqual(double a, double b)
{
    return std::abs(a - b) <= 1e-15 + 1e-9 * std::abs(b);
}

PowerResult row(int memoryMb, double durationMs, double costUsd)
{
    return PowerResult{memoryMb, durationMs, costUsd, 10};
}

// Cost favours 128 MB, speed 3008 MB; the middle sizes trade one for the other.
//   normalised cost:      1.0/3 .. 3.0/3;  normalised duration: 1000/1000 .. 100/1000
QList<PowerResult> table()
{
    return {
        row(128, 1000, 1.0),
        row(512, 400, 1.4),
        row(1024, 250, 1.8),
        row(3008, 100, 3.0),
    };
}

} // namespace

class TestPowerTuning : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void trimmedMean_data()
    {
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<double>("expected");
        QTest::newRow("empty") << QList<double>{} << 0.0;
        QTest::newRow("4 values: nothing to discard") << QList<double>{1, 2, 3, 100} << 26.5;
        // 5 values: floor(5 * 0.2) = 1 off each end, whatever the order.
        QTest::newRow("5 values lose 1 each side") << QList<double>{1000, 3, 2, 4, 1} << 3.0;
        // 10 values: 2 off each end (1, 2 and 900, 1000): mean of 3..8 is 5.5.
        QTest::newRow("10 values lose 2 each side") << QList<double>{900, 1, 5, 2, 6, 3, 7, 4, 8, 1000} << 5.5;
        // 9 values: floor(1.8) = 1 off each end.
        QTest::newRow("9 values lose 1 each side") << QList<double>{0, 10, 10, 10, 10, 10, 10, 10, 90} << 10.0;
    }
    void trimmedMean()
    {
        QFETCH(QList<double>, values);
        QFETCH(double, expected);
        QCOMPARE(lab::trimmedMean(values), expected);
    }

    void costPerInvocation()
    {
        store::CostModel model;
        // 100 ms at 1024 MB: 0.1 GB-s.
        QVERIFY(fuzzyEqual(invocationCostUsd(100, 1024, model), 0.1 * kX86 + kRequest));
        // 12 ms at 128 MB: 0.0015 GB-s.
        QVERIFY(fuzzyEqual(invocationCostUsd(12, 128, model), 0.0015 * kX86 + kRequest));
        // arm64 at its own price.
        QVERIFY(fuzzyEqual(invocationCostUsd(1000, 2048, model, QStringLiteral("arm64")), 2.0 * 0.0000133334 + kRequest));

        // A row: five samples, the 1 and the 1000 trimmed, 100 ms on average.
        const PowerResult r = powerResult(1024, {100, 1000, 95, 105, 1}, model);
        QCOMPARE(r.memoryMb, 1024);
        QCOMPARE(r.samples, 5);
        QCOMPARE(r.avgDurationMs, 100.0);
        QVERIFY(fuzzyEqual(r.avgCostUsd, 0.1 * kX86 + kRequest));
        QCOMPARE(powerResult(512, {}, model).avgCostUsd, 0.0);
    }

    void choose_data()
    {
        QTest::addColumn<Strategy>("strategy");
        QTest::addColumn<double>("weight");
        QTest::addColumn<int>("memory");
        QTest::newRow("cost") << Strategy::Cost << 0.5 << 128;
        QTest::newRow("speed") << Strategy::Speed << 0.5 << 3008;
        // w = 0.5: 128 -> 0.667, 512 -> 0.433, 1024 -> 0.425, 3008 -> 0.55.
        QTest::newRow("balanced") << Strategy::Balanced << 0.5 << 1024;
        // w = 0.8 (mostly cost): 128 -> 0.467, 512 -> 0.453, 1024 -> 0.53.
        QTest::newRow("balanced, cost-heavy") << Strategy::Balanced << 0.8 << 512;
        QTest::newRow("balanced w=1 is cost") << Strategy::Balanced << 1.0 << 128;
        QTest::newRow("balanced w=0 is speed") << Strategy::Balanced << 0.0 << 3008;
        QTest::newRow("weight clamped above 1") << Strategy::Balanced << 7.0 << 128;
    }
    void choose()
    {
        QFETCH(Strategy, strategy);
        QFETCH(double, weight);
        QFETCH(int, memory);
        QCOMPARE(chooseMemory(table(), strategy, weight), memory);
    }

    void chooseTiesAndGaps()
    {
        // Same cost: the faster wins. Same duration: the cheaper wins.
        QCOMPARE(chooseMemory({row(256, 200, 1.0), row(512, 100, 1.0)}, Strategy::Cost), 512);
        QCOMPARE(chooseMemory({row(256, 100, 2.0), row(512, 100, 1.0)}, Strategy::Speed), 512);
        // All equal: the smaller size, whatever the order given.
        QCOMPARE(chooseMemory({row(1024, 100, 1.0), row(256, 100, 1.0)}, Strategy::Balanced), 256);
        // Sizes without samples take no part; nothing measured answers 0.
        QCOMPARE(chooseMemory({PowerResult{128, 0, 0, 0}, row(512, 100, 1.0)}, Strategy::Cost), 512);
        QCOMPARE(chooseMemory({}, Strategy::Speed), 0);
    }

    void defaults()
    {
        QCOMPARE(defaultMemorySizes(), (QList<int>{128, 256, 512, 1024, 1536, 2048, 3008}));
    }

    void parseMemoryList_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<int>>("expected"); // empty: an error
        QTest::addColumn<QString>("message");
        auto ok = [](const char *text, QList<int> sizes) {
            QTest::newRow(text) << QString::fromLatin1(text) << sizes << QString();
        };
        auto bad = [](const char *text, const char *message) {
            QTest::newRow(text) << QString::fromLatin1(text) << QList<int>{} << QString::fromLatin1(message);
        };
        ok("128,512,1024", {128, 512, 1024});
        ok("1024, 128 ", {1024, 128});
        ok("10240", {10240});
        ok("128", {128});
        bad("", "is not a memory size");
        bad("128,,512", "is not a memory size");
        bad("128,abc", "\"abc\" is not a memory size");
        bad("127", "between 128 and 10240");
        bad("10241", "between 128 and 10240");
        bad("512.5", "is not a memory size");
        bad("-128", "between 128 and 10240");
        bad("512,512", "512 MB is listed twice");
    }
    void parseMemoryList()
    {
        QFETCH(QString, text);
        QFETCH(QList<int>, expected);
        QFETCH(QString, message);
        const Result<QList<int>> sizes = lab::parseMemoryList(text);
        if (expected.isEmpty()) {
            QVERIFY(!sizes.ok());
            QCOMPARE(sizes.error().type, QString(errc::InvalidParameterValue));
            QVERIFY2(sizes.error().message.contains(message), qPrintable(sizes.error().message));
            return;
        }
        QVERIFY2(sizes.ok(), qPrintable(sizes.ok() ? QString() : sizes.error().message));
        QCOMPARE(*sizes, expected);
    }

    void strategies()
    {
        for (Strategy s : {Strategy::Cost, Strategy::Speed, Strategy::Balanced}) {
            const Result<Strategy> back = parseStrategy(strategyName(s));
            QVERIFY(back.ok());
            QCOMPARE(*back, s);
        }
        QCOMPARE(*parseStrategy(QStringLiteral(" Speed ")), Strategy::Speed);
        QVERIFY(!parseStrategy(QStringLiteral("cheap")).ok());
    }
};

QTEST_GUILESS_MAIN(TestPowerTuning)
#include "tst_powertuning.moc"
