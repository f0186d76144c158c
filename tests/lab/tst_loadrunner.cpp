// LoadRunner against the real engine, with the fake runtime (tests/fakeruntime) standing in
// for python3: the open loop keeps its schedule while every answer takes 200 ms, latency
// counts from the intended send time, a closed loop never has more than N in flight, and
// cancel / destruction mid-run are clean. Timing bounds are generous (a loaded 2-core CI
// machine), yet each is far from what a broken runner would show: a loop that waited for
// answers would need 10 s for what must take 1.

#include "engine/engine.h"
#include "lab/loadrunner.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace funcdesk;
using namespace funcdesk::engine;
using namespace funcdesk::lab;

namespace {

// The most requests in flight at once, from the samples' [sent, done] intervals.
int maxOverlap(const QList<LoadSample> &samples)
{
    QList<std::pair<qint64, int>> events;
    for (const LoadSample &s : samples) {
        events.append({s.sentUs, +1});
        if (s.doneUs >= 0)
            events.append({s.doneUs, -1});
    }
    std::sort(events.begin(), events.end()); // at equal times the end (-1) sorts first
    int now = 0, most = 0;
    for (const auto &e : std::as_const(events)) {
        now += e.second;
        most = std::max(most, now);
    }
    return most;
}

} // namespace

class TestLoadRunner : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    EngineOptions options()
    {
        EngineOptions o;
        o.python3Path = QStringLiteral(FUNCDESK_FAKERUNTIME);
        o.runDir = m_dir.path() + QStringLiteral("/run");
        return o;
    }

    // A function whose every answer takes `slowMs` (the fake runtime's "slow" mode).
    FunctionConfig slow(const QString &name, int slowMs, std::optional<int> reserved = std::nullopt)
    {
        FunctionConfig c;
        c.name = name;
        c.runtime = Runtime::Python3;
        c.handler = QStringLiteral("slow");
        c.codeDir = m_dir.path() + QStringLiteral("/code");
        QDir().mkpath(c.codeDir);
        c.timeoutSeconds = 5;
        c.environment.insert(QStringLiteral("FAKE_SLOW_MS"), QString::number(slowMs));
        c.reservedConcurrency = reserved;
        return c;
    }

    static LoadRunOptions run(const QString &function, double rate, double seconds)
    {
        LoadRunOptions o;
        o.function = function;
        o.shape.kind = LoadShape::Constant;
        o.shape.rate = rate;
        o.durationSeconds = seconds;
        return o;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void openLoopKeepsTheScheduleWhenAnswersAreSlow()
    {
        Engine engine(options());
        QVERIFY(engine.registerFunction(slow(QStringLiteral("f"), 200)).ok());
        LoadRunner runner(&engine);
        QSignalSpy finished(&runner, &LoadRunner::finished);
        QSignalSpy progress(&runner, &LoadRunner::progress);
        QVERIFY(runner.start(run(QStringLiteral("f"), 50, 1.0)).ok());
        QVERIFY(runner.isRunning());
        QVERIFY(finished.wait(15000));
        QVERIFY(!runner.isRunning());

        const LoadSummary summary = finished.at(0).at(0).value<LoadSummary>();
        const QList<LoadSample> samples = runner.samples();
        QCOMPARE(samples.size(), 50);
        QCOMPARE(summary.sent, 50);
        QCOMPARE(summary.completed, 50);
        QCOMPARE(summary.ok, 50);
        QCOMPARE(summary.throttled, 0);
        QCOMPARE(summary.targetRate, 50.0);
        QCOMPARE(summary.achievedRate, 50.0);

        // Every send on its schedule (every 20 ms), although each answer took 200 ms.
        for (qsizetype i = 0; i < samples.size(); ++i) {
            const LoadSample &s = samples.at(i);
            QCOMPARE(s.intendedUs, qint64(i) * 20000);
            QVERIFY2(s.sentUs >= s.intendedUs && s.sentUs - s.intendedUs < 100000,
                     qPrintable(QStringLiteral("request %1 sent %2 us late").arg(i).arg(s.sentUs - s.intendedUs)));
            QVERIFY2(s.doneUs - s.sentUs >= 200000, qPrintable(QString::number(s.doneUs - s.sentUs)));
        }
        QVERIFY2(samples.last().sentUs <= 1100000, qPrintable(QString::number(samples.last().sentUs)));
        QVERIFY2(summary.scheduleLagP99Ms < 50, qPrintable(QString::number(summary.scheduleLagP99Ms)));
        QVERIFY2(maxOverlap(samples) >= 5, qPrintable(QString::number(maxOverlap(samples)))); // ~10 in flight

        // Latency counts from the intended time: the summary's p50 is that of done - intended.
        QList<double> fromIntended;
        for (const LoadSample &s : samples)
            fromIntended << double(s.doneUs - s.intendedUs) / 1000.0;
        QCOMPARE(summary.p50Ms, percentile(fromIntended, 50));
        QCOMPARE(summary.maxMs, percentile(fromIntended, 100));
        QVERIFY(summary.p50Ms >= 200);

        // Progress: at most about ten a second, the last one complete.
        QVERIFY(progress.size() >= 2);
        QVERIFY2(progress.size() <= 25, qPrintable(QString::number(progress.size())));
        QCOMPARE(progress.last().at(0).toInt(), 50);
        QCOMPARE(progress.last().at(1).toInt(), 50);
        QCOMPARE(progress.last().at(2).toInt(), 50);
    }

    void closedLoopNeverExceedsItsConcurrency()
    {
        // Reserved concurrency 2: a third request in flight would come back throttled.
        Engine engine(options());
        QVERIFY(engine.registerFunction(slow(QStringLiteral("c"), 200, 2)).ok());
        LoadRunner runner(&engine);
        QSignalSpy finished(&runner, &LoadRunner::finished);
        QSignalSpy progress(&runner, &LoadRunner::progress);
        LoadRunOptions o = run(QStringLiteral("c"), 0, 1.0);
        o.concurrency = 2;
        QVERIFY(runner.start(o).ok());
        QVERIFY(finished.wait(15000));

        const LoadSummary summary = finished.at(0).at(0).value<LoadSummary>();
        const QList<LoadSample> samples = runner.samples();
        QCOMPARE(summary.throttled, 0);
        QCOMPARE(maxOverlap(samples), 2);
        // Two lanes of 200 ms answers for 1 s: about 5 rounds, never the flood of an open loop.
        QVERIFY2(summary.sent >= 6 && summary.sent <= 12, qPrintable(QString::number(summary.sent)));
        QCOMPARE(summary.completed, summary.sent);
        QCOMPARE(summary.targetRate, 0.0);
        for (const LoadSample &s : samples) {
            QCOMPARE(s.intendedUs, s.sentUs); // no schedule to fall behind
            QVERIFY(s.sentUs < 1000000);
        }
        QCOMPARE(progress.last().at(2).toInt(), 0); // total unknown in a closed loop
    }

    void cancelStopsSendingAtOnce()
    {
        Engine engine(options());
        QVERIFY(engine.registerFunction(slow(QStringLiteral("f"), 50)).ok());
        LoadRunner runner(&engine);
        QSignalSpy finished(&runner, &LoadRunner::finished);
        QVERIFY(runner.start(run(QStringLiteral("f"), 100, 10.0)).ok());
        QTest::qWait(300);
        runner.cancel();
        QVERIFY(finished.wait(2000));
        const LoadSummary summary = finished.at(0).at(0).value<LoadSummary>();
        QVERIFY2(summary.sent > 5 && summary.sent < 200, qPrintable(QString::number(summary.sent)));
        QVERIFY(summary.durationSeconds < 2);
        QCOMPARE(summary.targetRate, 100.0);
        QVERIFY(!runner.isRunning());
        QTest::qWait(200); // stragglers answer into nothing
        QCOMPARE(finished.size(), 1);
    }

    void startChecksItsOptions()
    {
        Engine engine(options());
        QVERIFY(engine.registerFunction(slow(QStringLiteral("f"), 50)).ok());
        LoadRunner runner(&engine);
        auto rejected = [&](const LoadRunOptions &o, QLatin1String type) {
            const Status s = runner.start(o);
            return !s.ok() && s.error().type == type && !runner.isRunning();
        };
        QVERIFY(rejected(run(QString(), 10, 1), errc::InvalidParameterValue));
        QVERIFY(rejected(run(QStringLiteral("f"), 10, 0), errc::InvalidParameterValue));
        QVERIFY(rejected(run(QStringLiteral("f"), 0, 1), errc::InvalidParameterValue)); // sends nothing
        LoadRunOptions negative = run(QStringLiteral("f"), 10, 1);
        negative.concurrency = -1;
        QVERIFY(rejected(negative, errc::InvalidParameterValue));
        LoadRunOptions lateSpike = run(QStringLiteral("f"), 10, 1);
        lateSpike.shape = *parseLoadShape(QStringLiteral("spike:1..10@5s+1s"), 1);
        QVERIFY(rejected(lateSpike, errc::InvalidParameterValue));

        QSignalSpy finished(&runner, &LoadRunner::finished);
        QVERIFY(runner.start(run(QStringLiteral("f"), 10, 0.3)).ok());
        const Status again = runner.start(run(QStringLiteral("f"), 10, 0.3));
        QVERIFY(!again.ok());
        QCOMPARE(again.error().type, QString(errc::ResourceConflict));
        QVERIFY(finished.wait(5000));
        // A finished runner runs again.
        QVERIFY(runner.start(run(QStringLiteral("f"), 10, 0.3)).ok());
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.size(), 2);
        QCOMPARE(runner.samples().size(), 3);
    }

    void destroyedMidRunIsClean()
    {
        Engine engine(options());
        QVERIFY(engine.registerFunction(slow(QStringLiteral("f"), 200)).ok());
        {
            LoadRunner runner(&engine);
            QVERIFY(runner.start(run(QStringLiteral("f"), 50, 5.0)).ok());
            QTest::qWait(150);
        } // requests still in flight answer after the runner and its pacer are gone
        QTest::qWait(400);
        QVERIFY(engine.environments().size() >= 1); // the engine carried on
    }
};

QTEST_GUILESS_MAIN(TestLoadRunner)
#include "tst_loadrunner.moc"
