// The main flow end to end, offscreen, on real parts (a data dir, git repositories,
// SQLite, python3 processes): create from a template -> edit -> deploy -> invoke ->
// result and logs -> publish -> alias with a weight -> diff.
#include "settings/settings.h"
#include "ui/dialogs/commandpalette.h"
#include "ui/dialogs/loaddialog.h"
#include "ui/mainwindow.h"
#include "ui/models/functionlistmodel.h"
#include "ui/pages/codepage.h"
#include "ui/pages/testpage.h"
#include "ui/pages/versionspage.h"
#include "ui/studio.h"
#include "ui/widgets/codeeditor.h"

#include <QDateTime>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

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
        QTRY_COMPARE(m_window->codePage()->currentFile(), QStringLiteral("lambda_function.py"));
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

    void invalidJsonIsRefusedWithItsPosition()
    {
        TestPage *test = m_window->testPage();
        test->setEventText(QStringLiteral("{\n  \"name\": \"Ada\",\n}"));
        QVERIFY(!test->eventCheck().ok);
        QCOMPARE(test->eventCheck().line, 3);
        QSignalSpy invoked(test, &TestPage::invoked);
        test->invoke();
        QTest::qWait(50);
        QCOMPARE(invoked.count(), 0);
        test->setEventText(QStringLiteral("{\"name\": \"Ada\"}"));
    }

    void publishAliasAndDiff()
    {
        VersionsPage *versions = m_window->versionsPage();
        QSignalSpy published(versions, &VersionsPage::published);
        versions->publish(QStringLiteral("first"));
        QVERIFY(published.wait(20000));
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
        QVERIFY(published.wait(20000));
        QCOMPARE(published.takeFirst().at(1).toInt(), 2);

        versions->saveAlias(QStringLiteral("prod"), QStringLiteral("1"), QStringLiteral("2"), 0.25);
        QTRY_COMPARE_WITH_TIMEOUT(versions->aliasList().size(), 1, 10000);
        QCOMPARE(versions->aliasList().first().additionalVersion, QStringLiteral("2"));
        QCOMPARE(versions->aliasList().first().additionalWeight, 0.25);
        QTRY_COMPARE_WITH_TIMEOUT(versions->historyCount(), 3, 10000);

        versions->showDiff(QStringLiteral("1"), QStringLiteral("2"));
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

    void loadTestRunsEveryInvocation()
    {
        LoadDialog dialog(m_studio.get(), QStringLiteral("hello"));
        dialog.setPlan(200, 4);
        dialog.setPayload(QStringLiteral("{\"name\": \"load\"}"));
        QSignalSpy finished(&dialog, &LoadDialog::finished);
        dialog.start();
        QVERIFY(dialog.isRunning());
        QVERIFY(finished.wait(60000));
        const LoadFigures f = dialog.figures();
        QCOMPARE(f.started, 200);
        QCOMPARE(f.completed, 200);
        QCOMPARE(f.errors, 0);
        QVERIFY(f.p50Ms > 0);
        QVERIFY(f.p99Ms >= f.p50Ms);
        QVERIFY(f.coldStarts <= 4); // at most one per environment in flight

        // The live charts saw the concurrency: busy environments sampled per second.
        const auto series = m_studio->liveMetrics()->snapshot(QStringLiteral("hello"), 120,
                                                              QDateTime::currentSecsSinceEpoch());
        int peak = 0;
        for (const auto &p : series.points)
            peak = std::max(peak, p.peakConcurrency);
        QVERIFY2(peak >= 1 && peak <= 4, qPrintable(QString::number(peak)));
    }

    void loadTestCancelStopsLaunching()
    {
        LoadDialog dialog(m_studio.get(), QStringLiteral("hello"));
        dialog.setPlan(100000, 2);
        QSignalSpy finished(&dialog, &LoadDialog::finished);
        dialog.start();
        QTRY_VERIFY(dialog.figures().completed >= 10);
        dialog.cancel();
        QVERIFY(finished.wait(20000));
        QVERIFY(dialog.figures().started < 100000);
        QCOMPARE(dialog.figures().completed, dialog.figures().started);
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
