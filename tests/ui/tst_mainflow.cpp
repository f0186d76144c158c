// The main flow end to end, offscreen, on real parts (a data dir, git repositories,
// SQLite, python3 processes): create from a template -> edit -> deploy -> invoke ->
// result and logs -> publish -> alias with a weight -> diff.
#include "settings/settings.h"
#include "ui/dialogs/commandpalette.h"
#include "ui/dialogs/loaddialog.h"
#include "ui/dialogs/powertuningdialog.h"
#include "ui/dialogs/welcomedialog.h"
#include "ui/mainwindow.h"
#include "ui/pages/learnpage.h"
#include "ui/models/functionlistmodel.h"
#include "ui/pages/codepage.h"
#include "ui/pages/configurationpage.h"
#include "common/runtimes.h"
#include "engine/interpreters.h"
#include "ui/pages/testpage.h"
#include "ui/pages/versionspage.h"
#include "ui/studio.h"
#include "ui/widgets/codeeditor.h"
#include "ui/widgets/emptystate.h"
#include "ui/widgets/icons.h"
#include "ui/widgets/modebar.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QScrollBar>
#include <QTreeView>

#include <QDateTime>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QDialogButtonBox>
#include <QPushButton>
#include <QTest>

#include <optional>

using namespace funcdesk;
using namespace funcdesk::ui;

class TestMainFlow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_settings = std::make_unique<Settings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_settings->setApiPort(0); // any free port
        auto studio = Studio::open(DataDir{m_dir.filePath(QStringLiteral("data"))}, m_settings.get());
        QVERIFY2(studio.ok(), qPrintable(studio.ok() ? QString() : studio.error().toString()));
        m_studio = std::move(*studio);
        m_window = std::make_unique<MainWindow>(m_studio.get());
        m_window->resize(1280, 800);
        m_window->show();
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_studio.reset();
    }

    void modeBarNavigatesAndGrows()
    {
        MainWindow *window = m_window.get();
        ModeBar *bar = window->modeBar();
        QStringList ids;
        for (int i = 0; i < bar->count(); ++i)
            ids << bar->idAt(i);
        QCOMPARE(ids, QStringList({QStringLiteral("functions"), QStringLiteral("dashboard"), QStringLiteral("environments"), QStringLiteral("logs"), QStringLiteral("cost"), QStringLiteral("traces"), QStringLiteral("learn"), QStringLiteral("queues"), QStringLiteral("alarms"), QStringLiteral("layers")}));
        QCOMPARE(window->currentPage(), MainWindow::Page::Dashboard); // where the window opens
        QCOMPARE(bar->currentId(), QStringLiteral("dashboard"));

        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window));
        const std::pair<Qt::Key, MainWindow::Page> keys[] = {{Qt::Key_3, MainWindow::Page::Environments},
                                                             {Qt::Key_4, MainWindow::Page::Logs},
                                                             {Qt::Key_5, MainWindow::Page::Cost},
                                                             {Qt::Key_1, MainWindow::Page::Function},
                                                             {Qt::Key_2, MainWindow::Page::Dashboard}};
        for (const auto &[key, page] : keys) {
            QTest::keyClick(window, key, Qt::ControlModifier);
            QCOMPARE(window->currentPage(), page);
            QCOMPARE(bar->currentIndex(), bar->indexOf(window->currentMode()));
        }
        // The shortcuts from before the mode bar still open the global pages.
        QTest::keyClick(window, Qt::Key_3, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(window->currentPage(), MainWindow::Page::Logs);

        QTest::mouseClick(bar->button(bar->indexOf(QStringLiteral("cost"))), Qt::LeftButton);
        QCOMPARE(window->currentPage(), MainWindow::Page::Cost);
        // With no function selected, the Functions mode says what to do; function tabs wait.
        QTest::mouseClick(bar->button(0), Qt::LeftButton);
        QCOMPARE(window->currentPage(), MainWindow::Page::Function);
        auto *functionArea = window->findChild<EmptyState *>(QStringLiteral("functionArea"));
        QVERIFY(functionArea);
        QVERIFY(functionArea->isVisible());
        QVERIFY(functionArea->showsHint());
        window->showFunctionTab(MainWindow::FunctionTab::Test);
        QCOMPARE(window->currentPage(), MainWindow::Page::Function);

        // A new global page is one call, with its shortcut (while there are digits left) and
        // palette entry.
        auto *probe = new QLabel(QStringLiteral("Probe page"));
        const int count = bar->count();
        QCOMPARE(window->addMode(QStringLiteral("probe"), glyphIcon(Glyph::Logs), QStringLiteral("Probe"), probe), count);
        QVERIFY(!probe->isVisible());
        if (count < 9)
            QTest::keyClick(window, Qt::Key(Qt::Key_1 + count), Qt::ControlModifier);
        else
            QVERIFY(window->showMode(QStringLiteral("probe")));
        QCOMPARE(window->currentMode(), QStringLiteral("probe"));
        QCOMPARE(window->currentPage(), MainWindow::Page::Other);
        QVERIFY(probe->isVisible());
        window->openCommandPalette();
        window->commandPalette()->setFilterText(QStringLiteral("go to probe"));
        QCOMPARE(window->commandPalette()->visibleCount(), 1);
        window->commandPalette()->hide();
        QVERIFY(window->showMode(QStringLiteral("dashboard")));
        QVERIFY(!window->showMode(QStringLiteral("no-such-mode")));
        QCOMPARE(window->currentPage(), MainWindow::Page::Dashboard);
    }

    void createFromTemplate()
    {
        bool created = false;
        QString error;
        m_studio->createFunction(QStringLiteral("hello"), Runtime::Python3, QStringLiteral("hello-world"), this,
                                 [&](Result<QString> r) {
                                     created = r.ok();
                                     error = r.ok() ? QString() : r.error().toString();
                                 });
        QTRY_VERIFY2_WITH_TIMEOUT(created, qPrintable(error), 20000);
        m_window->refreshFunctions();
        QTRY_COMPARE_WITH_TIMEOUT(m_window->functionModel()->rowCount(), 1, 10000);
        m_window->selectFunction(QStringLiteral("hello"));
        QCOMPARE(m_window->currentPage(), MainWindow::Page::Function);
        QCOMPARE(m_window->modeBar()->currentId(), QStringLiteral("functions"));
        QVERIFY(!m_window->findChild<EmptyState *>(QStringLiteral("functionArea"))->showsHint());
        QCOMPARE(m_window->windowTitle(), QStringLiteral("hello — Funcdesk"));
        QTRY_COMPARE(m_window->codePage()->currentFile(), QStringLiteral("lambda_function.py"));

        // Two short files: a narrow tree, and the eight lines need no horizontal scroll bar.
        m_window->showFunctionTab(MainWindow::FunctionTab::Code);
        auto *tree = m_window->codePage()->findChild<QTreeView *>();
        QVERIFY(tree);
        QTRY_VERIFY2(tree->width() <= 200, qPrintable(QString::number(tree->width())));
        QTRY_VERIFY(!m_window->codePage()->editor()->horizontalScrollBar()->isVisible());
        QVERIFY(m_window->versionsPage()->showsDiffHint()); // nothing to compare picked yet
    }

    void editAndDeploy()
    {
        CodePage *code = m_window->codePage();
        QString source = code->editor()->text();
        QVERIFY(source.contains(QStringLiteral("Hello, {name}!")));
        source.replace(QStringLiteral("Hello, {name}!"), QStringLiteral("Howdy, {name}!"));
        code->editor()->setText(source);
        QVERIFY(code->hasUnsavedChanges());
        QSignalSpy deployed(code, &CodePage::deployed);
        code->deploy(QStringLiteral("Say howdy"));
        QVERIFY(!code->hasUnsavedChanges()); // saved before deploying
        QVERIFY(deployed.wait(20000));
    }

    void invokeShowsResponseAndLogs()
    {
        m_window->showFunctionTab(MainWindow::FunctionTab::Test);
        TestPage *test = m_window->testPage();
        test->setEventText(QStringLiteral("{\"name\": \"Ada\"}"));
        QSignalSpy invoked(test, &TestPage::invoked);
        test->invoke();
        QVERIFY(invoked.wait(30000));
        QVERIFY2(test->responseText().contains(QStringLiteral("Howdy, Ada!")), qPrintable(test->responseText()));
        QCOMPARE(test->lastResult().record.status, InvocationStatus::Success);
        QVERIFY(test->lastResult().record.cold); // first run of the deployed code
        QVERIFY(test->summaryText().contains(QStringLiteral("Init Duration")));
        QVERIFY(test->logText().contains(QStringLiteral("START RequestId: ") + test->lastResult().record.requestId));
        QVERIFY(test->logText().contains(QStringLiteral("greeting Ada")));
        QVERIFY(test->logText().contains(QStringLiteral("REPORT RequestId: ")));

        // Warm second call, from the history's payload.
        test->invoke();
        QVERIFY(invoked.wait(30000));
        QVERIFY(!test->lastResult().record.cold);
        QCOMPARE(test->historyCount(), 2);
    }

    // The Configuration page names the runtime identifier (the language's newest for a
    // template that names only python3), says when this machine's python3 is another
    // version, and imports variables from a .env file and a SAM env.json.
    void configurationRuntimeAndEnvironmentImport()
    {
        m_window->showFunctionTab(MainWindow::FunctionTab::Configuration);
        auto *config = m_window->findChild<ConfigurationPage *>();
        QVERIFY(config);
        QCOMPARE(config->runtimeBox()->currentText(), QStringLiteral("python3.14"));
        const auto local = engine::resolveInterpreter(Runtime::Python3, {});
        QVERIFY(local.ok());
        const QString mismatch = interpreterMismatch(QStringLiteral("python3.14"), local->version);
        if (!mismatch.isEmpty())
            QTRY_VERIFY2(config->runtimeNote().contains(mismatch), qPrintable(config->runtimeNote()));
        config->runtimeBox()->setCurrentText(QStringLiteral("python3.9"));
        QVERIFY(config->runtimeNote().contains(QStringLiteral("python3.9 is deprecated on Lambda since 2025-12-15")));
        QCOMPARE(config->editedConfig().runtimeId, QStringLiteral("python3.9"));
        config->runtimeBox()->setCurrentText(QStringLiteral("python3.14"));

        QTemporaryDir dir;
        QFile dotEnv(dir.filePath(QStringLiteral(".env")));
        QVERIFY(dotEnv.open(QIODevice::WriteOnly));
        dotEnv.write("# local settings\nexport STAGE=dev\nGREETING=\"Hi there\"\n");
        dotEnv.close();
        const Result<int> a = config->importEnvironmentFile(dotEnv.fileName());
        QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error().message));
        QCOMPARE(*a, 2);
        QFile samEnv(dir.filePath(QStringLiteral("env.json")));
        QVERIFY(samEnv.open(QIODevice::WriteOnly));
        samEnv.write(R"({"Parameters": {"REGION_NAME": "eu"}, "HelloFunction": {"STAGE": "test"}})");
        samEnv.close();
        QCOMPARE(*config->importEnvironmentFile(samEnv.fileName()), 2);
        const QMap<QString, QString> env = config->editedConfig().environment;
        QCOMPARE(env.value(QStringLiteral("STAGE")), QStringLiteral("test")); // the function's section wins
        QCOMPARE(env.value(QStringLiteral("GREETING")), QStringLiteral("Hi there"));
        QCOMPARE(env.value(QStringLiteral("REGION_NAME")), QStringLiteral("eu"));
        QVERIFY(config->problems().isEmpty());
        QVERIFY(!config->importEnvironmentFile(dir.filePath(QStringLiteral("missing.env"))).ok());

        // The function URL's invoke mode: RESPONSE_STREAM when streaming is ticked.
        const auto urlTrigger = [config]() -> std::optional<Trigger> {
            for (const Trigger &t : config->editedConfig().triggers) {
                if (t.kind == Trigger::Kind::FunctionUrl)
                    return t;
            }
            return std::nullopt;
        };
        auto *urlOn = config->findChild<QCheckBox *>(QStringLiteral("functionUrl"));
        QVERIFY(urlOn && !urlOn->isChecked() && !config->urlStreamBox()->isEnabled());
        urlOn->setChecked(true);
        QVERIFY(config->urlStreamBox()->isEnabled());
        QVERIFY(urlTrigger() && !urlTrigger()->streaming);
        config->urlStreamBox()->setChecked(true);
        QVERIFY(urlTrigger() && urlTrigger()->streaming);
        urlOn->setChecked(false);
        config->urlStreamBox()->setChecked(false);
        m_window->showFunctionTab(MainWindow::FunctionTab::Test);
    }

    void invalidJsonIsRefusedWithItsPosition()
    {
        TestPage *test = m_window->testPage();
        test->setEventText(QStringLiteral("{\n  \"name\": \"Ada\",\n}"));
        QVERIFY(!test->eventCheck().ok);
        QCOMPARE(test->eventCheck().line, 3);
        QSignalSpy invoked(test, &TestPage::invoked);
        QSignalSpy refused(test, &TestPage::statusMessage);
        test->invoke();
        // Refused at once, before anything is sent to the engine: nothing to wait for.
        QCOMPARE(refused.count(), 1);
        QVERIFY(refused.first().first().toString().contains(QStringLiteral("not valid JSON")));
        QCOMPARE(invoked.count(), 0);
        test->setEventText(QStringLiteral("{\"name\": \"Ada\"}"));
    }

    void publishAliasAndDiff()
    {
        VersionsPage *versions = m_window->versionsPage();
        QSignalSpy published(versions, &VersionsPage::published);
        QSignalSpy said(versions, &VersionsPage::statusMessage); // why, when a publish fails
        const auto lastSaid = [&said] { return said.isEmpty() ? QString() : said.last().first().toString(); };
        versions->publish(QStringLiteral("first"));
        QVERIFY2(published.wait(20000), qPrintable(lastSaid()));
        QCOMPARE(published.takeFirst().at(1).toInt(), 1);

        // A second change, deployed and published as version 2.
        CodePage *code = m_window->codePage();
        QString source = code->editor()->text();
        source.replace(QStringLiteral("Howdy, {name}!"), QStringLiteral("Greetings, {name}!"));
        code->editor()->setText(source);
        QSignalSpy deployed(code, &CodePage::deployed);
        code->deploy(QStringLiteral("More formal"));
        QVERIFY(deployed.wait(20000));
        versions->publish(QStringLiteral("second"));
        QVERIFY2(published.wait(20000), qPrintable(lastSaid()));
        QCOMPARE(published.takeFirst().at(1).toInt(), 2);

        versions->saveAlias(QStringLiteral("prod"), QStringLiteral("1"), QStringLiteral("2"), 0.25);
        QTRY_COMPARE_WITH_TIMEOUT(versions->aliasList().size(), 1, 10000);
        QCOMPARE(versions->aliasList().first().additionalVersion, QStringLiteral("2"));
        QCOMPARE(versions->aliasList().first().additionalWeight, 0.25);
        QTRY_COMPARE_WITH_TIMEOUT(versions->historyCount(), 3, 10000);

        versions->showDiff(QStringLiteral("1"), QStringLiteral("2"));
        QVERIFY(!versions->showsDiffHint());
        QTRY_VERIFY_WITH_TIMEOUT(versions->diffText().contains(QStringLiteral("+    return {\"message\": f\"Greetings")), 10000);
        QVERIFY(versions->diffText().contains(QStringLiteral("-    return {\"message\": f\"Howdy")));
    }

    void aliasInvocationsRunOneOfItsVersions()
    {
        TestPage *test = m_window->testPage();
        QSignalSpy invoked(test, &TestPage::invoked);
        test->setQualifier(QStringLiteral("prod"));
        test->invoke();
        QVERIFY(invoked.wait(30000));
        const InvocationRecord &r = test->lastResult().record;
        QCOMPARE(r.status, InvocationStatus::Success);
        QVERIFY2(r.version == QLatin1String("1") || r.version == QLatin1String("2"), qPrintable(r.version));
        QCOMPARE(r.alias, QStringLiteral("prod"));
        QVERIFY(test->responseText().contains(r.version == QLatin1String("1") ? QStringLiteral("Howdy")
                                                                              : QStringLiteral("Greetings")));
    }

    void paletteFindsFunctionsAndActions()
    {
        m_window->openCommandPalette();
        auto *palette = m_window->commandPalette();
        QVERIFY(palette->isVisible());
        palette->setFilterText(QStringLiteral("open hello"));
        QCOMPARE(palette->visibleCount(), 1);
        palette->setFilterText(QStringLiteral("deploy"));
        QVERIFY(palette->visibleCount() >= 1);
        palette->hide();
    }

    void statusBarShowsTheApiAndEnvironments()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_window->statusText().contains(QStringLiteral("API: http://127.0.0.1:")), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->statusText().contains(QStringLiteral("environment")), 5000);
    }

    // The Learn page runs a scenario on the window's own engine, shows the self-check's
    // outcome with the measured numbers, and marks the scenario in its list.
    void learnPageRunsAScenario()
    {
        QVERIFY(m_window->showMode(QStringLiteral("learn")));
        auto *learn = m_window->findChild<LearnPage *>();
        QVERIFY(learn);
        QVERIFY(learn->isVisible());
        learn->selectScenario(QStringLiteral("throttling"));
        QCOMPARE(learn->selectedScenario(), QStringLiteral("throttling"));
        QVERIFY(learn->resultText().contains(QStringLiteral("Not run yet")));
        QSignalSpy finished(learn, &LearnPage::scenarioFinished);
        learn->runSelected();
        QVERIFY(learn->isRunning());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(1).toBool(), true);
        QVERIFY(!learn->isRunning());
        const QString text = learn->resultText();
        QVERIFY2(text.contains(QStringLiteral("Passed")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Measured: 2 succeeded, 3 throttled")), qPrintable(text));
        // The scenario's function is a real one, listed with the others.
        QTRY_VERIFY_WITH_TIMEOUT(m_window->functionModel()->rowOf(QStringLiteral("learn-throttling")) >= 0, 10000);
        // ...and the list's reload did not pull the window away from the Learn page.
        m_window->refreshFunctions();
        QTRY_VERIFY(m_window->functionModel()->rowCount() > 0);
        QCOMPARE(m_window->currentMode(), QStringLiteral("learn"));
    }

    // Open loop: 100 requests/s for 2 s are all sent on schedule and answered, latency is
    // measured from the intended times, and the live charts saw the traffic.
    void loadTestRunsEveryInvocation()
    {
        LoadDialog dialog(m_studio.get(), QStringLiteral("hello"));
        dialog.setOpenLoop(100, 2);
        dialog.setPayload(QStringLiteral("{\"name\": \"load\"}"));
        QSignalSpy finished(&dialog, &LoadDialog::finished);
        dialog.start();
        QVERIFY(dialog.isRunning());
        QVERIFY(finished.wait(60000));
        const lab::LoadSummary s = dialog.summary();
        QCOMPARE(s.sent, 200);
        QCOMPARE(s.ok, 200);
        QCOMPARE(s.errors, 0);
        QVERIFY(s.p50Ms > 0);
        QVERIFY(s.p99Ms >= s.p50Ms);
        QVERIFY(s.achievedRate > 80 && s.achievedRate < 120);

        const auto series = m_studio->liveMetrics()->snapshot(QStringLiteral("hello"), 120,
                                                              QDateTime::currentSecsSinceEpoch());
        qint64 seen = 0;
        for (const auto &p : series.points)
            seen += p.invocations;
        QVERIFY2(seen >= 200, qPrintable(QString::number(seen)));
    }

    // Closed loop, cancelled: sending stops at once and what was measured is reported.
    void loadTestCancelStopsSending()
    {
        LoadDialog dialog(m_studio.get(), QStringLiteral("hello"));
        dialog.setClosedLoop(2, 600);
        QSignalSpy finished(&dialog, &LoadDialog::finished);
        dialog.start();
        QTRY_VERIFY(dialog.sent() >= 10);
        dialog.cancel();
        QVERIFY(finished.wait(20000));
        QVERIFY(!dialog.isRunning());
        QVERIFY(dialog.summary().sent >= 10);
        QVERIFY(dialog.summary().ok >= 1);
    }

    // Power tuning from the window: two sizes measured, a choice named, and Apply deploys
    // the function with that size.
    void powerTuningAppliesTheChoice()
    {
        PowerTuningDialog dialog(m_studio.get(), QStringLiteral("hello"));
        dialog.setMemorySizes(QStringLiteral("256,1024"));
        dialog.setInvocations(3);
        QSignalSpy finished(&dialog, &PowerTuningDialog::finished);
        dialog.start();
        QVERIFY(dialog.isRunning());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().first().toBool(), true);
        const lab::TuningResult &r = dialog.result();
        QCOMPARE(r.results.size(), 2);
        QCOMPARE(r.results.at(0).samples, 3);
        QVERIFY(r.chosenMemoryMb == 256 || r.chosenMemoryMb == 1024);
        QSignalSpy applied(&dialog, &PowerTuningDialog::applied);
        dialog.applyChoice();
        QVERIFY(applied.wait(30000));
        const int chosen = r.chosenMemoryMb;
        // Answers may still come after this test returns: they write to shared state, not
        // to this frame.
        auto memory = std::make_shared<int>(0);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                m_studio->listFunctions(this, [memory](Result<QList<FunctionSummary>> all) {
                    if (all)
                        for (const FunctionSummary &f : std::as_const(*all))
                            if (f.name == QLatin1String("hello"))
                                *memory = f.config.memoryMb;
                });
                return *memory == chosen;
            }(),
            20000);
    }

    // The tour's first lesson: the Learn page with the scenario selected.
    void tourOpensTheFirstLesson()
    {
        m_window->offerTour();
        auto *welcome = m_window->findChild<WelcomeDialog *>();
        QVERIFY(welcome);
        QTRY_VERIFY(welcome->isVisible());
        auto *buttons = welcome->findChild<QDialogButtonBox *>();
        QVERIFY(buttons);
        // "Explore on my own" closes it and changes nothing.
        const QString before = m_window->currentMode();
        buttons->buttons().at(1)->click();
        QTRY_VERIFY(!m_window->findChild<WelcomeDialog *>());
        QCOMPARE(m_window->currentMode(), before);
        m_window->openLesson(QStringLiteral("timeout"), false);
        QCOMPARE(m_window->currentMode(), QStringLiteral("learn"));
        QCOMPARE(m_window->findChild<LearnPage *>()->selectedScenario(), QStringLiteral("timeout"));
    }

    void loadTestRefusesABadShape()
    {
        LoadDialog dialog(m_studio.get(), QStringLiteral("hello"));
        dialog.setOpenLoop(10, 1, QStringLiteral("ramp:nope"));
        dialog.start();
        QVERIFY(!dialog.isRunning());
        QVERIFY(!dialog.errorText().isEmpty());
    }

    void importFromZipThenRename()
    {
        const QString zip = m_dir.filePath(QStringLiteral("package.zip"));
        QProcess python;
        python.start(QStringLiteral("python3"),
                     {QStringLiteral("-c"),
                      QStringLiteral("import sys, zipfile\n"
                                     "z = zipfile.ZipFile(sys.argv[1], 'w')\n"
                                     "z.writestr('index.js', 'exports.handler = async () => ({zipped: true});')\n"
                                     "z.writestr('function.json', '{\"runtime\": \"nodejs20.x\", \"handler\": \"index.handler\"}')\n"
                                     "z.close()\n"),
                      zip});
        QVERIFY(python.waitForFinished(20000));
        QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
        QVERIFY(QFileInfo::exists(zip));
        m_window->importZip(zip, QStringLiteral("zipped"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->functionModel()->rowOf(QStringLiteral("zipped")) >= 0, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->currentFunction(), QStringLiteral("zipped"), 10000);

        m_window->renameFunction(QStringLiteral("zipped"), QStringLiteral("unzipped"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->functionModel()->rowOf(QStringLiteral("unzipped")) >= 0, 20000);
        QCOMPARE(m_window->functionModel()->rowOf(QStringLiteral("zipped")), -1);
        TestPage *test = m_window->testPage();
        QTRY_COMPARE_WITH_TIMEOUT(m_window->currentFunction(), QStringLiteral("unzipped"), 10000);
        QSignalSpy invoked(test, &TestPage::invoked);
        test->setQualifier(QStringLiteral("$LATEST"));
        test->invoke();
        QVERIFY(invoked.wait(30000));
        QVERIFY2(test->responseText().contains(QStringLiteral("zipped")), qPrintable(test->responseText()));
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Settings> m_settings;
    std::unique_ptr<Studio> m_studio;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestMainFlow)
#include "tst_mainflow.moc"
