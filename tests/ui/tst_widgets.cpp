// Widgets and models that need no engine: the palette, dialogs' validation, the function
// list model, event templates and JSON checking, the environment timeline.
#include "common/resources.h"
#include "settings/settings.h"
#include "ui/dialogs/commandpalette.h"
#include "ui/dialogs/newfunctiondialog.h"
#include "ui/dialogs/settingsdialog.h"
#include "ui/models/environmenttimeline.h"
#include "ui/models/eventtemplates.h"
#include "ui/models/functionlistmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::ui;

class TestWidgets : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void paletteFiltersByEveryWordAndRunsTheChoice()
    {
        CommandPalette palette;
        int ran = -1;
        palette.setEntries({{QStringLiteral("Deploy"), QStringLiteral("Ctrl+D"), [&] { ran = 0; }},
                            {QStringLiteral("Open function: hello"), QStringLiteral("python3"), [&] { ran = 1; }},
                            {QStringLiteral("Open function: orders-api"), QStringLiteral("nodejs"), [&] { ran = 2; }}});
        QCOMPARE(palette.visibleCount(), 3);
        palette.setFilterText(QStringLiteral("open api"));
        QCOMPARE(palette.visibleCount(), 1);
        QVERIFY(palette.activateCurrent());
        QCOMPARE(ran, 2);
        palette.setFilterText(QStringLiteral("nothing matches this"));
        QCOMPARE(palette.visibleCount(), 0);
        QVERIFY(!palette.activateCurrent());
    }

    void newFunctionNamesAreCheckedAsLambdaDoes_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("ok");
        QTest::newRow("fine") << QStringLiteral("orders-api") << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("space") << QStringLiteral("my func") << false;
        QTest::newRow("existing") << QStringLiteral("hello") << false;
        QTest::newRow("65 chars") << QString(65, QLatin1Char('x')) << false;
    }
    void newFunctionNamesAreCheckedAsLambdaDoes()
    {
        QFETCH(QString, name);
        QFETCH(bool, ok);
        NewFunctionDialog dialog({QStringLiteral("hello")});
        dialog.setFunctionName(name);
        QCOMPARE(dialog.nameProblem().isEmpty(), ok);
    }

    void everyRuntimeOffersTheSevenTemplates()
    {
        for (Runtime r : {Runtime::Python3, Runtime::NodeJs, Runtime::Provided}) {
            const auto templates = functionTemplates(r);
            QCOMPARE(templates.size(), 7);
            QCOMPARE(templates.first().id, QStringLiteral("hello-world"));
            for (const auto &t : templates)
                QVERIFY2(!t.description.isEmpty(), qPrintable(t.id));
        }
    }

    void settingsDialogRefusesAnOpenBindWithoutAToken()
    {
        QTemporaryDir dir;
        Settings settings(dir.filePath(QStringLiteral("s.ini")));
        settings.setBindAddress(QStringLiteral("0.0.0.0"));
        SettingsDialog dialog(&settings);
        QVERIFY(dialog.validationMessage().contains(QStringLiteral("token")));
        QVERIFY(!dialog.apply());
        settings.setBindAddress(QStringLiteral("127.0.0.1"));
        SettingsDialog fine(&settings);
        QVERIFY(fine.validationMessage().isEmpty());
        QVERIFY(fine.apply());
    }

    void functionListModelIsAWellBehavedModel()
    {
        FunctionListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        FunctionSummary a;
        a.name = QStringLiteral("b-func");
        a.warmEnvironments = 2;
        FunctionSummary b;
        b.name = QStringLiteral("a-func");
        b.config.runtime = Runtime::NodeJs;
        b.draftChanged = true;
        model.setFunctions({a, b});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0).data(FunctionListModel::NameRole).toString(), QStringLiteral("a-func")); // sorted
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("a-func *"));                      // unsaved marker
        QCOMPARE(model.index(1).data(FunctionListModel::WarmRole).toInt(), 2);
        QCOMPARE(model.rowOf(QStringLiteral("b-func")), 1);
        a.warmEnvironments = 0;
        model.setFunctions({a, b}); // same names: updated in place
        QCOMPARE(model.index(1).data(FunctionListModel::WarmRole).toInt(), 0);
        model.setFunctions({});
        QCOMPARE(model.rowCount(), 0);
    }

    void eventTemplatesFillAndStayValidJson()
    {
        const auto templates = loadEventTemplates(resourcePath(QStringLiteral("templates/events")));
        QCOMPARE(templates.size(), 7);
        for (const EventTemplate &t : templates) {
            const QString filled = fillEventTemplate(t, {});
            QVERIFY2(checkJson(filled).ok, qPrintable(t.id + QStringLiteral(": ") + checkJson(filled).message));
        }
        const auto s3 = std::find_if(templates.cbegin(), templates.cend(), [](const EventTemplate &t) {
            return t.id == QLatin1String("s3-put");
        });
        QVERIFY(s3 != templates.cend());
        QCOMPARE(s3->fields.first().name, QStringLiteral("bucket"));
        // A value with quotes stays inside its JSON string.
        const QString filled = fillEventTemplate(*s3, {{QStringLiteral("key"), QStringLiteral("a \"quoted\" key")}});
        const QJsonObject record = QJsonDocument::fromJson(filled.toUtf8()).object()[QStringLiteral("Records")][0].toObject();
        QCOMPARE(record[QStringLiteral("s3")][QStringLiteral("object")][QStringLiteral("key")].toString(),
                 QStringLiteral("a \"quoted\" key"));
        QCOMPARE(record[QStringLiteral("s3")][QStringLiteral("bucket")][QStringLiteral("name")].toString(),
                 QStringLiteral("my-bucket"));
    }

    void jsonErrorsNameLineAndColumn_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("line");
        QTest::newRow("valid") << QStringLiteral("{\"a\": 1}") << true << 0;
        QTest::newRow("missing comma line 3") << QStringLiteral("{\n  \"a\": 1\n  \"b\": 2\n}") << false << 3;
        QTest::newRow("unterminated") << QStringLiteral("{\"a\": \"x}") << false << 1;
        QTest::newRow("scalar ok") << QStringLiteral("42") << true << 0;
        QTest::newRow("string ok") << QStringLiteral("\"hi\"") << true << 0;
        QTest::newRow("two values") << QStringLiteral("1, 2") << false << 1;
        QTest::newRow("empty") << QString() << false << 1;
    }
    void jsonErrorsNameLineAndColumn()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(int, line);
        const JsonCheck check = checkJson(text);
        QCOMPARE(check.ok, ok);
        if (!ok) {
            QCOMPARE(check.line, line);
            QVERIFY(check.column > 0);
            QVERIFY(check.message.startsWith(QStringLiteral("line %1, column").arg(line)));
        }
    }

    void timelineFollowsEnvironmentStates()
    {
        using engine::EnvironmentState;
        EnvironmentTimeline timeline(60'000);
        auto info = [](EnvironmentState s, qint64 at) {
            engine::EnvironmentInfo i;
            i.id = QStringLiteral("env1");
            i.function = QStringLiteral("f");
            i.version = QStringLiteral("$LATEST");
            i.state = s;
            i.stateSinceMs = at;
            if (s == EnvironmentState::Retired)
                i.retireReason = QStringLiteral("idle timeout");
            return i;
        };
        timeline.apply(info(EnvironmentState::Initializing, 1000), 1000);
        timeline.apply(info(EnvironmentState::Busy, 1200), 1200);
        timeline.apply(info(EnvironmentState::Busy, 1300), 1300); // same state: no new segment
        timeline.apply(info(EnvironmentState::Idle, 1500), 1500);
        QCOMPARE(timeline.activeCount(), 1);
        auto lanes = timeline.lanes();
        QCOMPARE(lanes.size(), 1);
        QCOMPARE(lanes.first().segments.size(), 3);
        QCOMPARE(lanes.first().segments.at(1).endMs, qint64(1500));
        timeline.apply(info(EnvironmentState::Retired, 2000), 2000);
        QCOMPARE(timeline.activeCount(), 0);
        QCOMPARE(timeline.lanes().first().retireReason, QStringLiteral("idle timeout"));
        timeline.prune(2000 + 60'001); // retired longer ago than the window
        QCOMPARE(timeline.lanes().size(), 0);
    }
};

QTEST_MAIN(TestWidgets)
#include "tst_widgets.moc"
