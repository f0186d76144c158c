// Load plans: the shape syntax and its errors, durations, and the send times each shape
// gives (counts, spacing, where the requests fall), worked out by hand from the integral
// of the rate.

#include "lab/loadplan.h"

#include <QTest>

#include <cmath>

using namespace funcdesk;
using namespace funcdesk::lab;

namespace {

// Requests whose send time falls in [fromS, toS).
int countIn(const QList<qint64> &times, double fromS, double toS)
{
    int n = 0;
    for (qint64 t : times)
        n += t >= qint64(fromS * 1e6) && t < qint64(toS * 1e6);
    return n;
}

bool nonDecreasingAndWithin(const QList<qint64> &times, double durationS)
{
    for (qsizetype i = 0; i < times.size(); ++i) {
        if (times.at(i) < 0 || times.at(i) >= qint64(durationS * 1e6) || (i > 0 && times.at(i) < times.at(i - 1)))
            return false;
    }
    return true;
}

// The shape's numbers in one list, per kind, for table comparisons.
QList<double> params(const LoadShape &s)
{
    switch (s.kind) {
    case LoadShape::Constant:
    case LoadShape::Poisson:
        return {s.rate};
    case LoadShape::Ramp:
        return {s.fromRate, s.toRate};
    case LoadShape::Steps:
        return s.stepRates;
    case LoadShape::Spike:
        return {s.baseRate, s.spikeRate, s.spikeStartSeconds, s.spikeLengthSeconds};
    }
    return {};
}

} // namespace

class TestLoadPlan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parseShape_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<double>("rate");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QList<double>>("expected");
        auto row = [](const char *spec, double rate, LoadShape::Kind kind, QList<double> expected) {
            QTest::newRow(*spec ? spec : "(empty)") << QString::fromLatin1(spec) << rate << int(kind) << expected;
        };
        row("", 50, LoadShape::Constant, {50});
        row("constant", 100, LoadShape::Constant, {100});
        row("constant:200", 5, LoadShape::Constant, {200});
        row("  Constant:0.5 ", 5, LoadShape::Constant, {0.5});
        row("ramp:0..500", 1, LoadShape::Ramp, {0, 500});
        row("ramp:500..0", 1, LoadShape::Ramp, {500, 0});
        row("ramp:0.5..2.5", 1, LoadShape::Ramp, {0.5, 2.5});
        row("steps:100,200,400", 1, LoadShape::Steps, {100, 200, 400});
        row("steps: 100, 0 ,400", 1, LoadShape::Steps, {100, 0, 400});
        row("steps:7", 1, LoadShape::Steps, {7});
        row("spike:50..500@10s+5s", 1, LoadShape::Spike, {50, 500, 10, 5});
        row("spike:500@1500ms+2m", 20, LoadShape::Spike, {20, 500, 1.5, 120});
        row("spike:0..500@0+1s", 1, LoadShape::Spike, {0, 500, 0, 1});
        row("poisson", 30, LoadShape::Poisson, {30});
        row("poisson:200", 30, LoadShape::Poisson, {200});
    }
    void parseShape()
    {
        QFETCH(QString, spec);
        QFETCH(double, rate);
        QFETCH(int, kind);
        QFETCH(QList<double>, expected);
        const Result<LoadShape> shape = parseLoadShape(spec, rate);
        QVERIFY2(shape.ok(), qPrintable(shape.ok() ? QString() : shape.error().message));
        QCOMPARE(int(shape->kind), kind);
        QCOMPARE(params(*shape), expected);
    }

    void parseShapeErrors_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<double>("rate");
        QTest::addColumn<QString>("message"); // a part of the error message
        auto row = [](const char *name, const char *spec, double rate, const char *message) {
            QTest::newRow(name) << QString::fromLatin1(spec) << rate << QString::fromLatin1(message);
        };
        row("constant without a rate", "constant", 0, "above zero");
        row("default shape without a rate", "", 0, "above zero");
        row("poisson with a negative rate", "poisson", -1, "zero or more");
        row("rate not a number", "constant:abc", 1, "not \"abc\"");
        row("rate infinite", "constant:inf", 1, "The rate must be a number of requests per second");
        row("rate over the limit", "constant:100001", 1, "at most 100000");
        row("no shape name", ":5", 1, "names no shape");
        row("ramp without ends", "ramp", 1, "ramp:FROM..TO");
        row("ramp with one end", "ramp:10", 1, "ramp:FROM..TO");
        row("ramp of nothing", "ramp:0..0", 1, "sends nothing");
        row("ramp negative", "ramp:-5..10", 1, "zero or more");
        row("ramp over the limit", "ramp:0..200000", 1, "at most 100000");
        row("steps empty", "steps:", 1, "steps:R1,R2");
        row("steps with a hole", "steps:100,,200", 1, "not \"\"");
        row("steps all zero", "steps:0,0", 1, "Every step is 0");
        row("spike without times", "spike:50..500", 1, "spike:BASE..PEAK@START+LENGTH");
        row("spike without length", "spike:50..500@10s", 1, "spike:BASE..PEAK@START+LENGTH");
        row("spike of three rates", "spike:1..2..3@1s+1s", 1, "spike:BASE..PEAK@START+LENGTH");
        row("spike of zero length", "spike:50..500@10s+0s", 1, "longer than zero");
        row("spike start not a time", "spike:50..500@ten+5s", 1, "is not a duration");
        row("spike of nothing", "spike:0..0@1s+1s", 1, "sends nothing");
        row("unknown shape", "sawtooth", 1, "Unknown load shape \"sawtooth\"");
    }
    void parseShapeErrors()
    {
        QFETCH(QString, spec);
        QFETCH(double, rate);
        QFETCH(QString, message);
        const Result<LoadShape> shape = parseLoadShape(spec, rate);
        QVERIFY(!shape.ok());
        QCOMPARE(shape.error().type, QString(errc::InvalidParameterValue));
        QVERIFY2(shape.error().message.contains(message), qPrintable(shape.error().message));
    }

    void parseDuration_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("seconds"); // < 0: an error
        auto row = [](const char *text, double seconds) {
            QTest::newRow(*text ? text : "(empty)") << QString::fromLatin1(text) << seconds;
        };
        for (const auto &[text, seconds] : std::initializer_list<std::pair<const char *, double>>{
                 {"30s", 30}, {"2m", 120}, {"500ms", 0.5}, {"90", 90}, {"1.5s", 1.5}, {"1h", 3600}, {" 10s ", 10}, {"24h", 86400}, {"", -1}, {"0", -1}, {"0s", -1}, {"-1s", -1}, {"10x", -1}, {"s", -1}, {"1e3s", -1}, {"1.2.3s", -1}, {"1.s", -1}, {".5s", -1}, {"25h", -1}, {"ten", -1}})
            row(text, seconds);
    }
    void parseDuration()
    {
        QFETCH(QString, text);
        QFETCH(double, seconds);
        const Result<double> d = lab::parseDuration(text);
        if (seconds < 0) {
            QVERIFY(!d.ok());
            QCOMPARE(d.error().type, QString(errc::InvalidParameterValue));
            return;
        }
        QVERIFY2(d.ok(), qPrintable(d.ok() ? QString() : d.error().message));
        QCOMPARE(*d, seconds);
    }

    void constantIsEvenlySpaced_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<double>("duration");
        QTest::addColumn<int>("count"); // ceil(rate * duration)
        QTest::newRow("100/s for 2 s") << 100.0 << 2.0 << 200;
        QTest::newRow("3/s for 1 s") << 3.0 << 1.0 << 3;
        QTest::newRow("7/s for 1.5 s") << 7.0 << 1.5 << 11;
        QTest::newRow("0.5/s for 10 s") << 0.5 << 10.0 << 5;
        QTest::newRow("1000/s for 1 ms") << 1000.0 << 0.001 << 1;
    }
    void constantIsEvenlySpaced()
    {
        QFETCH(double, rate);
        QFETCH(double, duration);
        QFETCH(int, count);
        LoadShape s;
        s.rate = rate;
        const QList<qint64> t = intendedSendTimesUs(s, duration, 1);
        QCOMPARE(t.size(), count);
        QVERIFY(nonDecreasingAndWithin(t, duration));
        for (qsizetype i = 0; i < t.size(); ++i)
            QVERIFY2(std::abs(double(t.at(i)) - double(i) * 1e6 / rate) <= 1.0, qPrintable(QString::number(i)));
        QCOMPARE(expectedRequests(s, duration), rate * duration);
    }

    void rampIsDenserWhereTheRateIsHigher()
    {
        // 0 -> 100/s over 2 s: integral 25 t^2, so request n goes at sqrt(n / 25) s; 100 in
        // all, 25 in the first second and 75 in the second.
        const LoadShape up = *parseLoadShape(QStringLiteral("ramp:0..100"), 0);
        const QList<qint64> t = intendedSendTimesUs(up, 2.0, 1);
        QCOMPARE(t.size(), 100);
        QVERIFY(nonDecreasingAndWithin(t, 2.0));
        for (qsizetype n = 0; n < t.size(); ++n)
            QVERIFY2(std::abs(double(t.at(n)) - std::sqrt(double(n) / 25.0) * 1e6) <= 1.0, qPrintable(QString::number(n)));
        QCOMPARE(countIn(t, 0, 1), 25);
        QCOMPARE(countIn(t, 1, 2), 75);
        QVERIFY(t.at(2) - t.at(1) > t.at(99) - t.at(98));
        QCOMPARE(rateAt(up, 1.0, 2.0), 50.0);
        QCOMPARE(expectedRequests(up, 2.0), 100.0);

        // And down: 75 in the first second, 25 in the second.
        const LoadShape down = *parseLoadShape(QStringLiteral("ramp:100..0"), 0);
        const QList<qint64> d = intendedSendTimesUs(down, 2.0, 1);
        QCOMPARE(d.size(), 100);
        QVERIFY(nonDecreasingAndWithin(d, 2.0));
        QCOMPARE(countIn(d, 0, 1), 75);
        QCOMPARE(countIn(d, 1, 2), 25);
        QCOMPARE(d.at(75), qint64(1000000));
    }

    void stepsHaveEqualLengths()
    {
        const QList<qint64> t = intendedSendTimesUs(*parseLoadShape(QStringLiteral("steps:100,200,400"), 0), 3.0, 1);
        QCOMPARE(t.size(), 700);
        QVERIFY(nonDecreasingAndWithin(t, 3.0));
        QCOMPARE(countIn(t, 0, 1), 100);
        QCOMPARE(countIn(t, 1, 2), 200);
        QCOMPARE(countIn(t, 2, 3), 400);
        QCOMPARE(t.at(100), qint64(1000000));          // the second step starts on time ...
        QCOMPARE(t.at(101) - t.at(100), qint64(5000)); // ... at 200/s
        QCOMPARE(t.at(301) - t.at(300), qint64(2500));

        const QList<qint64> pause = intendedSendTimesUs(*parseLoadShape(QStringLiteral("steps:100,0,100"), 0), 3.0, 1);
        QCOMPARE(pause.size(), 200);
        QCOMPARE(countIn(pause, 1, 2), 0);
        QCOMPARE(pause.at(100), qint64(2000000));
    }

    void spikeRisesAndFalls()
    {
        // 50/s, 500/s from 1 s to 1.5 s, 50/s again until 3 s: 50 + 250 + 75.
        const LoadShape s = *parseLoadShape(QStringLiteral("spike:50..500@1s+500ms"), 0);
        const QList<qint64> t = intendedSendTimesUs(s, 3.0, 1);
        QCOMPARE(t.size(), 375);
        QVERIFY(nonDecreasingAndWithin(t, 3.0));
        QCOMPARE(countIn(t, 0, 1), 50);
        QCOMPARE(countIn(t, 1, 1.5), 250);
        QCOMPARE(countIn(t, 1.5, 3), 75);
        QCOMPARE(t.at(50), qint64(1000000));
        QCOMPARE(rateAt(s, 1.2, 3.0), 500.0);
        QCOMPARE(rateAt(s, 2.0, 3.0), 50.0);

        // A spike running past the end is cut there: 10 + 100.
        const LoadShape late = *parseLoadShape(QStringLiteral("spike:10..100@1s+5s"), 0);
        QCOMPARE(intendedSendTimesUs(late, 2.0, 1).size(), 110);
        QVERIFY(validateShape(late, 2.0).ok());
        // One that starts after the end is a mistake the duration reveals.
        const Status after = validateShape(late, 1.0);
        QVERIFY(!after.ok());
        QVERIFY(after.error().message.contains(QStringLiteral("after the run's end")));
    }

    void poissonHasTheMeanRateAndIsReproducible()
    {
        const LoadShape s = *parseLoadShape(QStringLiteral("poisson"), 200);
        const QList<qint64> a = intendedSendTimesUs(s, 10.0, 42);
        QVERIFY(nonDecreasingAndWithin(a, 10.0));
        QVERIFY2(std::abs(a.size() - 2000) < 150, qPrintable(QString::number(a.size()))); // sd is ~45
        QCOMPARE(intendedSendTimesUs(s, 10.0, 42), a);                                    // same seed, same times
        QVERIFY(intendedSendTimesUs(s, 10.0, 43) != a);                                   // another seed, others
        // Exponential gaps: their standard deviation equals their mean (for even spacing, 0).
        double sum = 0, sumSq = 0;
        for (qsizetype i = 1; i < a.size(); ++i) {
            const double gap = double(a.at(i) - a.at(i - 1));
            sum += gap;
            sumSq += gap * gap;
        }
        const double n = double(a.size() - 1);
        const double mean = sum / n;
        const double cv = std::sqrt(sumSq / n - mean * mean) / mean;
        QVERIFY2(std::abs(mean - 5000) < 500, qPrintable(QString::number(mean)));
        QVERIFY2(cv > 0.85 && cv < 1.15, qPrintable(QString::number(cv)));
    }

    void validateBoundsThePlan()
    {
        LoadShape s;
        s.rate = 100000;
        QVERIFY(validateShape(s, 60).ok());
        const Status tooMany = validateShape(s, 200); // 20 M requests
        QVERIFY(!tooMany.ok());
        QCOMPARE(tooMany.error().type, QString(errc::InvalidParameterValue));
        QVERIFY(!validateShape(s, 0).ok());
        QVERIFY(intendedSendTimesUs(s, 0, 1).isEmpty());
        const Status nothing = validateShape(LoadShape{}, 10); // rate 0
        QVERIFY(!nothing.ok());
        QVERIFY(nothing.error().message.contains(QStringLiteral("sends nothing")));
    }
};

QTEST_GUILESS_MAIN(TestLoadPlan)
#include "tst_loadplan.moc"
