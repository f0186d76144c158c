// Widgets and models that need no engine: the palette, dialogs' validation, the function
// list model, event templates and JSON checking, the environment timeline, the mode bar
// and its icons, the empty-state pane.
#include "common/resources.h"
#include "engine/engine.h"
#include "settings/settings.h"
#include "ui/dialogs/commandpalette.h"
#include "ui/dialogs/newfunctiondialog.h"
#include "ui/dialogs/settingsdialog.h"
#include "ui/dialogs/welcomedialog.h"
#include "ui/models/environmenttimeline.h"
#include "ui/models/eventtemplates.h"
#include "ui/charts/timeserieschart.h"
#include "ui/models/functionlistmodel.h"
#include "ui/models/functiontotalsmodel.h"
#include "ui/pages/pageheader.h"
#include "ui/pages/totalstable.h"
#include "ui/theme.h"
#include "ui/widgets/codeeditor.h"
#include "ui/widgets/emptystate.h"
#include "ui/widgets/icons.h"
#include "ui/widgets/modebar.h"

#include <Qsci/qscilexerpython.h>

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QApplication>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QChart>
#include <QComboBox>
#include <QSignalSpy>
#include <QTableView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QCheckBox>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QDialogButtonBox>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::ui;

namespace {
// The average colour of an icon's drawn (non-transparent) pixels.
QColor inkOf(const QIcon &icon, QIcon::State state = QIcon::Off)
{
    const QImage image = icon.pixmap(QSize(48, 48), QIcon::Normal, state).toImage();
    double r = 0, g = 0, b = 0, n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (c.alpha() < 200)
                continue;
            r += c.redF();
            g += c.greenF();
            b += c.blueF();
            ++n;
        }
    return n > 0 ? QColor::fromRgbF(r / n, g / n, b / n) : QColor();
}
} // namespace

class TestWidgets : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void modeBarListsModesAndReportsClicks()
    {
        ModeBar bar;
        QCOMPARE(bar.addMode(QStringLiteral("functions"), glyphIcon(Glyph::Functions), QStringLiteral("Functions")), 0);
        QCOMPARE(bar.addMode(QStringLiteral("dashboard"), glyphIcon(Glyph::Dashboard), QStringLiteral("Dashboard"),
                             QStringLiteral("Dashboard (Ctrl+2)")),
                 1);
        QCOMPARE(bar.addMode(QStringLiteral("environments"), glyphIcon(Glyph::Environments), QStringLiteral("Environments")), 2);
        QCOMPARE(bar.count(), 3);
        QCOMPARE(bar.indexOf(QStringLiteral("dashboard")), 1);
        QCOMPARE(bar.indexOf(QStringLiteral("nope")), -1);
        QCOMPARE(bar.button(1)->toolTip(), QStringLiteral("Dashboard (Ctrl+2)"));
        // The longest name fits: the bar is as wide as its widest button.
        QVERIFY(bar.width() >= bar.button(2)->fontMetrics().horizontalAdvance(QStringLiteral("Environments")));
        bar.resize(bar.width(), 400);
        bar.show();
        QVERIFY(QTest::qWaitForWindowExposed(&bar));

        QSignalSpy clicked(&bar, &ModeBar::modeClicked);
        bar.setCurrentIndex(2); // from code: marks it, no signal
        QCOMPARE(bar.currentId(), QStringLiteral("environments"));
        QCOMPARE(clicked.count(), 0);
        QTest::mouseClick(bar.button(1), Qt::LeftButton);
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.first().first().toInt(), 1);
        QCOMPARE(bar.currentIndex(), 1);
        QVERIFY(!bar.button(2)->isChecked()); // one current mode at a time
    }

    void glyphIconsFollowThePalette()
    {
        const QPalette before = QApplication::palette();
        for (Glyph g : {Glyph::Functions, Glyph::Dashboard, Glyph::Environments, Glyph::Logs, Glyph::Cost}) {
            const QIcon icon = glyphIcon(g);
            QVERIFY(!icon.isNull());
            QVERIFY(inkOf(icon).isValid()); // something is drawn
        }
        QPalette light = before;
        light.setColor(QPalette::Window, Qt::white);
        light.setColor(QPalette::WindowText, Qt::black);
        light.setColor(QPalette::Highlight, QColor(0x30, 0x60, 0xd0));
        QApplication::setPalette(light);
        const QIcon icon = glyphIcon(Glyph::Dashboard);
        QVERIFY(inkOf(icon).lightness() < 60);
        QVERIFY(inkOf(icon, QIcon::On).blue() > inkOf(icon, QIcon::On).red() + 80); // checked: the highlight
        QPalette dark = light;
        dark.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
        dark.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
        QApplication::setPalette(dark);
        QVERIFY(isDark(QApplication::palette()));
        QVERIFY(inkOf(icon).lightness() > 200); // the same icon, drawn again in the new palette
        QApplication::setPalette(before);
    }

    void emptyStateShowsItsHintOrItsContent()
    {
        auto *content = new QLabel(QStringLiteral("content"));
        EmptyState pane(content);
        pane.showHint(QStringLiteral("Select two deploys to compare them."));
        QVERIFY(pane.showsHint());
        QCOMPARE(pane.hintText(), QStringLiteral("Select two deploys to compare them."));
        QPushButton *button = pane.addHintButton(QStringLiteral("New function…"));
        pane.show();
        QVERIFY(button->isVisible());
        pane.showContent();
        QVERIFY(!pane.showsHint());
        QVERIFY(content->isVisible());
        QVERIFY(!button->isVisible());
    }

    void pageHeaderOffersRangesAndStatus()
    {
        PageHeader header(QStringLiteral("Cost"));
        QCOMPARE(header.title(), QStringLiteral("Cost"));
        QVERIFY(!header.rangeBox()->isVisibleTo(&header)); // no range until the page asks for one
        header.setRanges(totalsRanges(), 1, QStringLiteral("&Totals over:"));
        QVERIFY(header.rangeBox()->isVisibleTo(&header));
        QCOMPARE(header.rangeBox()->count(), 4);
        QCOMPARE(header.rangeBox()->accessibleName(), QStringLiteral("Totals over"));
        QCOMPARE(header.range().spanMs, totalsRanges().at(1).spanMs);
        QSignalSpy changed(&header, &PageHeader::rangeChanged);
        header.setRangeIndex(3);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(header.range().spanMs, qint64(0));
        header.setUpdatedNow();
        QVERIFY(header.status().startsWith(QStringLiteral("Updated ")));
    }

    void totalsTableShowsRowsOrItsHint()
    {
        TotalsTable table(QStringLiteral("Totals"));
        QAbstractItemModelTester tester(table.view()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        table.setTotals({}, QStringLiteral("No invocations in this range."));
        QVERIFY(table.showsHint());
        store::FunctionTotals hello;
        hello.function = QStringLiteral("hello");
        hello.invocations = 3;
        table.setTotals({hello}, QStringLiteral("unused"));
        QVERIFY(!table.showsHint());
        QCOMPARE(table.model()->rowCount(), 1);
        QSignalSpy activated(&table, &TotalsTable::functionActivated);
        Q_EMIT table.view()->activated(table.view()->model()->index(0, 0));
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.first().first().toString(), QStringLiteral("hello"));
    }

    void chartsSayWhenTheyHaveNoData()
    {
        TimeSeriesChart chart(QStringLiteral("Init duration"), QStringLiteral("ms"));
        QVERIFY(!chart.showsEmptyText()); // not asked yet: loading, not empty
        chart.setSeries({{QStringLiteral("Init"), Qt::red, {}, false}}, 0, 60'000);
        QVERIFY(chart.showsEmptyText());
        chart.setEmptyText(QStringLiteral("No cold starts in this range"));
        chart.setSeries({{QStringLiteral("Init"), Qt::red, {QPointF(1000, 180)}, false}}, 0, 60'000);
        QVERIFY(!chart.showsEmptyText());
        QCOMPARE(chart.pointCount(QStringLiteral("Init")), 1);
        QCOMPARE(chart.axisStartMs(), qint64(0));
    }

    void themesReachChartsAndEditors()
    {
        const QPalette before = QApplication::palette();
        QWidget page; // as in the window: children of a page
        auto &chart = *new TimeSeriesChart(QStringLiteral("Cost"), QStringLiteral("USD"), &page);
        auto &editor = *new CodeEditor(&page);
        editor.setLanguageForFile(QStringLiteral("handler.py"));
        applyTheme(*qApp, Theme::Dark);
        QVERIFY(isDark(QApplication::palette()));
        const QColor darkBase = QApplication::palette().color(QPalette::Base);
        // Both change with the palette, without being told (Qt 6.4 posts the change).
        QTRY_COMPARE(chart.chart()->backgroundBrush().color(), darkBase);
        QTRY_COMPARE(editor.lexer()->paper(0), darkBase);
        // Black identifiers take the palette's text colour on the dark paper.
        QCOMPARE(editor.lexer()->color(QsciLexerPython::Identifier), QApplication::palette().color(QPalette::Text));
        QCOMPARE(chart.chart()->titleBrush().color(), QApplication::palette().color(QPalette::Text));

        applyTheme(*qApp, Theme::Light);
        QVERIFY(!isDark(QApplication::palette()));
        QTRY_COMPARE(chart.chart()->backgroundBrush().color(), QApplication::palette().color(QPalette::Base));
        QTRY_COMPARE(editor.lexer()->color(0), editor.lexer()->defaultColor(0)); // back exactly, not lifted twice

        // "Follow system" sets no role of its own, so the platform's palette (and its
        // changes between light and dark) come through.
        applyTheme(*qApp, Theme::System);
        QCOMPARE(QApplication::palette().resolveMask(), QPalette::ResolveMask(0));
        QApplication::setPalette(before);
    }

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

    void everyRuntimeOffersItsTemplates()
    {
        const QStringList seven{QStringLiteral("hello-world"), QStringLiteral("http-handler"), QStringLiteral("scheduled-job"),
                                QStringLiteral("slow-init"),   QStringLiteral("cpu-bound"),    QStringLiteral("memory-hungry"),
                                QStringLiteral("flaky")};
        for (Runtime r : {Runtime::Python3, Runtime::NodeJs, Runtime::Provided}) {
            const auto templates = functionTemplates(r);
            QStringList ids;
            for (const auto &t : templates)
                ids.append(t.id);
            for (const QString &id : seven) // a runtime may offer more (a dependency, a call to another function)
                QVERIFY2(ids.contains(id), qPrintable(id));
            if (r != Runtime::Provided) // and for python3 and nodejs one with a dependency (requests, dayjs)
                QVERIFY(ids.contains(QStringLiteral("with-dependency")));
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

    // Allowed web origins are origins, not URLs; what is saved is what the API server gets.
    void settingsDialogTakesOriginsAndCpuScaling()
    {
        QTemporaryDir dir;
        Settings settings(dir.filePath(QStringLiteral("s.ini")));
        SettingsDialog dialog(&settings);
        auto *origins = dialog.findChild<QLineEdit *>(QStringLiteral("allowedOrigins"));
        QVERIFY(origins);
        origins->setText(QStringLiteral("http://localhost:3000/app"));
        QVERIFY(dialog.validationMessage().contains(QStringLiteral("not an origin")));
        QVERIFY(!dialog.apply());
        origins->setText(QStringLiteral("http://localhost:3000  https://studio.example"));
        QVERIFY(dialog.validationMessage().isEmpty());
        QVERIFY(dialog.apply());
        QCOMPARE(settings.allowedOrigins(), QStringList({QStringLiteral("http://localhost:3000"), QStringLiteral("https://studio.example")}));
        QVERIFY(!settings.scaleCpuWithMemory()); // untouched: off by default
    }

    // The switches added with replay, the sandbox and required signatures reach Settings.
    void settingsDialogTakesCaptureSandboxAndSignatures()
    {
        QTemporaryDir dir;
        Settings settings(dir.filePath(QStringLiteral("s.ini")));
        QVERIFY(settings.capturePayloads() && settings.sandbox() && !settings.requireSignature()); // the defaults
        SettingsDialog dialog(&settings);
        auto *capture = dialog.findChild<QCheckBox *>(QStringLiteral("capturePayloads"));
        auto *require = dialog.findChild<QCheckBox *>(QStringLiteral("requireSignature"));
        auto *sandbox = dialog.findChild<QCheckBox *>(QStringLiteral("sandbox"));
        QVERIFY(capture && require && sandbox);
        QCOMPARE(sandbox->isEnabled(), engine::Engine::sandboxUnavailableReason().isEmpty());
        capture->setChecked(false);
        require->setChecked(true);
        if (sandbox->isEnabled())
            sandbox->setChecked(false);
        QVERIFY(dialog.apply());
        QVERIFY(!settings.capturePayloads());
        QVERIFY(settings.requireSignature());
        QCOMPARE(settings.sandbox(), !sandbox->isEnabled()); // turned off where it could be
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
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("a-func *"));                          // unsaved marker
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

    // The first start's welcome: its default button asks for the first lesson.
    void welcomeOffersTheFirstLesson()
    {
        WelcomeDialog welcome;
        welcome.show();
        QVERIFY(QTest::qWaitForWindowExposed(&welcome));
        if (const QByteArray dir = qgetenv("FUNCDESK_SCREENSHOT_DIR"); !dir.isEmpty())
            welcome.grab().save(QString::fromLocal8Bit(dir) + QStringLiteral("/welcome.png"));
        QSignalSpy lesson(&welcome, &WelcomeDialog::firstLessonRequested);
        auto *buttons = welcome.findChild<QDialogButtonBox *>();
        QVERIFY(buttons);
        QPushButton *start = nullptr;
        for (QAbstractButton *b : buttons->buttons())
            if (buttons->buttonRole(b) == QDialogButtonBox::AcceptRole)
                start = qobject_cast<QPushButton *>(b);
        QVERIFY(start && start->isDefault());
        start->click();
        QCOMPARE(lesson.count(), 1);
        QVERIFY(!welcome.isVisible());
    }

    // A saturated environment flips Busy/Idle every few microseconds: the lane keeps a
    // segment per kMinSegmentMs at most, busy if it was busy at any moment, and the state
    // the flips ended in starts the next segment once that much time has passed.
    void timelineFoldsRapidFlips()
    {
        using engine::EnvironmentState;
        EnvironmentTimeline timeline(600'000);
        engine::EnvironmentInfo i;
        i.id = QStringLiteral("hot");
        i.function = QStringLiteral("f");
        i.state = EnvironmentState::Idle;
        i.stateSinceMs = 10'000;
        timeline.apply(i, 10'000);
        // 10,000 flips over one second, ending Idle.
        for (int n = 1; n <= 10'000; ++n) {
            i.state = n % 2 ? EnvironmentState::Busy : EnvironmentState::Idle;
            i.stateSinceMs = 10'000 + n / 10;
            timeline.apply(i, i.stateSinceMs);
        }
        timeline.prune(11'000 + kMinSegmentMs);
        QList<LaneSegment> segments = timeline.lanes().first().segments;
        QVERIFY2(segments.size() <= 1000 / kMinSegmentMs + 2, qPrintable(QString::number(segments.size())));
        for (int s = 0; s + 1 < segments.size(); ++s)
            QCOMPARE(segments.at(s).state, EnvironmentState::Busy); // busy at some moment in each
        QCOMPARE(segments.last().state, EnvironmentState::Idle);    // what the flips ended in
        QVERIFY(segments.last().startMs <= 11'000 + kMinSegmentMs);
        // A real state change after a quiet spell is a segment of its own, at its time.
        i.state = EnvironmentState::Busy;
        i.stateSinceMs = 20'000;
        timeline.apply(i, 20'000);
        segments = timeline.lanes().first().segments;
        QCOMPARE(segments.last().state, EnvironmentState::Busy);
        QCOMPARE(segments.last().startMs, qint64(20'000));
    }
};

QTEST_MAIN(TestWidgets)
#include "tst_widgets.moc"
