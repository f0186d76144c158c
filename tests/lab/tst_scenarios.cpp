// Every Learn scenario, run headless on a real Service (real python3 environments, a real
// data dir) through the ServiceLabHost the GUI and `funcdesk learn` use; each must pass
// its own self-check, and be recorded as an experiment. Power tuning's own run: temporary
// versions leave nothing behind in the engine, and results name how CPU was scaled.
#include "labtestkit.h"

#include "api/service.h"
#include "engine/engine.h"
#include "lab/scenario.h"
#include "lab/servicelabhost.h"
#include "lab/tuningrun.h"
#include "store/experiments.h"
#include "store/sqlite.h"
#include "versioning/versionstore.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <optional>

using namespace funcdesk;

class TestScenarios : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<api::Service> m_service;

    template<typename T>
    T onWorker(const std::function<T()> &work)
    {
        return labtest::onWorker<T>(work, 180000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        api::ServiceOptions options;
        options.api.port = 0; // functions call each other through it (the sync-chain lesson)
        options.engine.sandbox = true; // as the app runs them, where bubblewrap works
        options.runSchedules = false;
        auto service = api::Service::start(DataDir{m_dir.path()}, options);
        QVERIFY2(service.ok(), qPrintable(service.ok() ? QString() : service.error().toString()));
        m_service = std::move(*service);
        QSignalSpy ready(m_service.get(), &api::Service::ready);
        QVERIFY(ready.wait(30000));
    }

    void scenarioPassesItsSelfCheck_data()
    {
        QTest::addColumn<QString>("id");
        for (const lab::ScenarioInfo &s : lab::scenarios())
            QTest::newRow(qPrintable(s.id)) << s.id;
    }
    void scenarioPassesItsSelfCheck()
    {
        QFETCH(QString, id);
        const lab::ScenarioInfo *info = lab::findScenario(id);
        QVERIFY(info);
        if (info->needsCpuScaling && engine::Engine::cpuScalingMethod().isEmpty())
            QSKIP("this scenario needs CPU scaled with memory, which this machine cannot do");
        lab::ServiceLabHost host(m_service.get());
        const lab::ScenarioResult result = onWorker<lab::ScenarioResult>([&] { return lab::runScenario(id, host); });
        QVERIFY2(result.passed, qPrintable(lab::describe(result)));
        QVERIFY(!result.checks.isEmpty());
        QVERIFY(!result.figures.isEmpty());

        // Recorded as an experiment, with the same outcome, readable back.
        auto conn = store::Connection::open(DataDir{m_dir.path()}.database());
        QVERIFY(conn);
        auto recorded = store::experiment(*conn, result.experimentId);
        QVERIFY(recorded);
        QCOMPARE(recorded->kind, QStringLiteral("scenario"));
        QCOMPARE(recorded->function, lab::kScenarioPrefix + id);
        QVERIFY(recorded->endedMs >= recorded->startedMs);
        const lab::ScenarioResult back = lab::scenarioResultFromJson(recorded->summary);
        QCOMPARE(back.passed, true);
        QCOMPARE(back.checks.size(), result.checks.size());
    }

    void powerTuningLeavesNoVersionBehind()
    {
        lab::ServiceLabHost host(m_service.get());
        lab::FunctionSpec spec;
        spec.name = QStringLiteral("tuned");
        spec.templateId = QStringLiteral("hello-world");
        QVERIFY(onWorker<bool>([&] { return host.deployFunction(spec).ok(); }));
        lab::TuningOptions options;
        options.function = spec.name;
        options.memorySizes = {128, 1024};
        options.invocationsPerSize = 3;
        const Result<lab::TuningResult> tuned =
            onWorker<Result<lab::TuningResult>>([&]() -> Result<lab::TuningResult> { return lab::runPowerTuning(host, options); });
        QVERIFY2(tuned.ok(), qPrintable(tuned.ok() ? QString() : tuned.error().toString()));
        QCOMPARE(tuned->results.size(), 2);
        QCOMPARE(tuned->results.at(0).samples, 3);
        QCOMPARE(tuned->errors, 0);
        QVERIFY(tuned->chosenMemoryMb == 128 || tuned->chosenMemoryMb == 1024);
        QCOMPARE(tuned->cpuScaled, !engine::Engine::cpuScalingMethod().isEmpty());
        if (!tuned->cpuScaled)
            QCOMPARE(tuned->cpuScaling, QStringLiteral("CPU not scaled on this machine"));
        for (const FunctionConfig &c : m_service->engine()->functions())
            QVERIFY2(!c.version.startsWith(QStringLiteral("tune-")), qPrintable(c.versionKey()));
        // The function's own history is untouched: one deploy, no new version.
        auto history = VersionStore(DataDir{m_dir.path()}).history(spec.name);
        QVERIFY(history);
        QCOMPARE(history->size(), 1);
    }

    void resetRemovesOnlyScenarioFunctions()
    {
        lab::ServiceLabHost host(m_service.get());
        QVERIFY(onWorker<bool>([&] { return lab::resetScenarios(host).ok(); }));
        const QStringList left = VersionStore(DataDir{m_dir.path()}).functionNames();
        QCOMPARE(left, QStringList{QStringLiteral("tuned")});
    }

    void cleanupTestCase() { m_service.reset(); }
};

QTEST_GUILESS_MAIN(TestScenarios)
#include "tst_scenarios.moc"
