// Alarms in the window, offscreen on real parts (a data dir, SQLite, the Service's
// monitor): a rule added through Studio goes to ALARM at once (missing data treated as
// breaching), and the Alarms page lists it with its history, the status bar counts it and
// the explorer marks the function; the Monitor's charts carry its marker. Then the chart
// itself: markers and their tooltips, the values under the cursor, zoom by drag and reset
// by double-click (kept across refreshes), cold stacked on warm, CSV and PNG export, and
// value labels in human units.
#include "settings/settings.h"
#include "ui/charts/timeserieschart.h"
#include "ui/mainwindow.h"
#include "ui/models/alarmmodel.h"
#include "ui/models/functionlistmodel.h"
#include "ui/pages/alarmspage.h"
#include "ui/pages/monitorpage.h"
#include "ui/pages/pageheader.h"
#include "ui/studio.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::ui;

class TestAlarmsGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_settings = std::make_unique<Settings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_settings->setApiPort(0);
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

    void anAlarmGoingOffShowsEverywhere()
    {
        bool created = false;
        m_studio->createFunction(QStringLiteral("checkout"), Runtime::Python3, QStringLiteral("hello-world"), this,
                                 [&created](Result<QString> r) { created = r.ok(); });
        QTRY_VERIFY_WITH_TIMEOUT(created, 20000);
        m_window->refreshFunctions();
        QTRY_VERIFY(m_window->functionModel()->rowOf(QStringLiteral("checkout")) >= 0);

        AlarmsPage *page = m_window->alarmsPage();
        QVERIFY(page);
        QAbstractItemModelTester rulesTester(page->model());
        QAbstractItemModelTester historyTester(page->historyModel());
        QVERIFY(m_window->showMode(QStringLiteral("alarms")));

        QSignalSpy changed(m_studio.get(), &Studio::alarmStateChanged);
        metrics::AlarmRule rule;
        rule.name = QStringLiteral("checkout-idle");
        rule.metric = QStringLiteral("Invocations");
        rule.function = QStringLiteral("checkout");
        rule.comparison = metrics::Comparison::LessThan;
        rule.threshold = 1;
        rule.periodSeconds = 10;
        rule.treatMissingData = metrics::TreatMissingData::Breaching;
        bool put = false;
        m_studio->putAlarm(rule, this, [&put](Result<bool> r) { put = r.ok(); });
        QTRY_VERIFY_WITH_TIMEOUT(put, 10000);
        QVERIFY(changed.wait(10000));
        QCOMPARE(changed.first().first().value<api::AlarmStateChange>().to, QStringLiteral("ALARM"));

        // The page: the rule in ALARM, its history with the state change.
        QTRY_COMPARE(page->model()->rowCount(), 1);
        QTRY_COMPARE(page->model()->index(0, AlarmModel::StateCol).data().toString(), QStringLiteral("ALARM"));
        QCOMPARE(page->model()->index(0, AlarmModel::MetricCol).data().toString(), QStringLiteral("Invocations of checkout"));
        QCOMPARE(page->model()->index(0, AlarmModel::ConditionCol).data().toString(),
                 QStringLiteral("Sum < 1.0 for 1 of 1 periods of 10 s"));
        page->selectAlarm(QStringLiteral("checkout-idle"));
        QTRY_VERIFY(page->historyModel()->rowCount() >= 2);
        QCOMPARE(page->historyModel()->index(0, AlarmHistoryModel::SummaryCol).data().toString(),
                 QStringLiteral("Alarm updated from INSUFFICIENT_DATA to ALARM"));
        QVERIFY(page->historyModel()->index(0, AlarmHistoryModel::ReasonCol).data().toString().contains(QStringLiteral("[Breaching]")));

        // The status bar and the explorer.
        QTRY_COMPARE(m_window->alarmStatusText(), QStringLiteral("● 1 alarm in ALARM"));
        const int row = m_window->functionModel()->rowOf(QStringLiteral("checkout"));
        QTRY_COMPARE(m_window->functionModel()->index(row).data(FunctionListModel::AlarmRole).toString(), QStringLiteral("checkout-idle"));

        // The function's charts mark the moment it went off.
        QList<ChangeEvent> events;
        bool got = false;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        m_studio->changeEvents(QStringLiteral("checkout"), now - 3600000, now + 1000, this, [&](Result<QList<ChangeEvent>> r) {
            got = r.ok();
            if (r)
                events = *r;
        });
        QTRY_VERIFY(got);
        const auto alarmEvent = std::find_if(events.cbegin(), events.cend(), [](const ChangeEvent &e) { return e.kind == ChangeEvent::Kind::AlarmState; });
        QVERIFY(alarmEvent != events.cend());
        QCOMPARE(alarmEvent->state, QStringLiteral("ALARM"));
        QVERIFY(std::any_of(events.cbegin(), events.cend(), [](const ChangeEvent &e) { return e.kind == ChangeEvent::Kind::Deploy; }));
    }

    // Two versions overlaid on the Monitor: v1 and $LATEST, each with traffic of its own.
    void monitorOverlaysTwoVersions()
    {
        bool published = false;
        m_studio->publish(QStringLiteral("checkout"), QStringLiteral("first"), this,
                          [&published](Result<VersionInfo> r) { published = r.ok(); });
        QTRY_VERIFY_WITH_TIMEOUT(published, 20000);
        int pending = 0;
        for (const QString &q : {QStringLiteral("1"), QStringLiteral("$LATEST"), QStringLiteral("1"), QStringLiteral("$LATEST")}) {
            ++pending;
            m_studio->invoke(QStringLiteral("checkout"), q, QByteArrayLiteral("{}"), TriggerKind::Manual, this,
                             [&pending](engine::InvokeResult) { --pending; });
            QTRY_COMPARE_WITH_TIMEOUT(pending, 0, 20000);
        }
        m_window->selectFunction(QStringLiteral("checkout"));
        m_window->showFunctionTab(MainWindow::FunctionTab::Monitor);
        auto *monitor = m_window->findChild<MonitorPage *>();
        QVERIFY(monitor);
        QVERIFY(!monitor->compareChart()->isVisible());
        monitor->compareVersions(QStringLiteral("1"), QStringLiteral("$LATEST"));
        QTRY_VERIFY_WITH_TIMEOUT(monitor->compareChart()->pointCount(QStringLiteral("p99 v1")) > 0
                                     && monitor->compareChart()->pointCount(QStringLiteral("p99 $LATEST")) > 0,
                                 15000);
        QVERIFY(monitor->compareChart()->isVisible());
        // Each version's own traffic (the page refreshes every 5 s while the writer flushes).
        QTRY_VERIFY2_WITH_TIMEOUT(monitor->compareChart()->chart()->title().contains(
                                      QStringLiteral("v1: 2 invocations, 0 % errors; $LATEST: 2 invocations, 0 % errors")),
                                  qPrintable(monitor->compareChart()->chart()->title()), 15000);
        monitor->compareVersions(QString(), QString()); // no comparison
        QTRY_VERIFY(!monitor->compareChart()->isVisible());

        // A custom range: the charts span exactly it, and it is an entry of the selector.
        const qint64 to = QDateTime::currentMSecsSinceEpoch() + 2000;
        const qint64 from = to - 10 * 60'000;
        monitor->header()->setCustomRange(from, to);
        QCOMPARE(monitor->header()->range().fixedToMs, to);
        QCOMPARE(monitor->header()->rangeBox()->count(), 6); // live, 1 h, 24 h, 7 d, the custom one, "Custom…"
        TimeSeriesChart *counts = nullptr;
        for (TimeSeriesChart *c : monitor->findChildren<TimeSeriesChart *>())
            if (c->chart()->title() == QStringLiteral("Invocations, errors, throttles"))
                counts = c;
        QVERIFY(counts);
        QTRY_VERIFY2(std::abs(counts->axisStartMs() - from) < 1000 && std::abs(counts->axisEndMs() - to) < 1000,
                     qPrintable(QStringLiteral("%1 %2").arg(counts->axisStartMs() - from).arg(counts->axisEndMs() - to)));
        monitor->header()->setCustomRange(from - 60'000, to); // replaces it
        QCOMPARE(monitor->header()->rangeBox()->count(), 6);
    }

    void chartMarkersHoverZoomAndExport()
    {
        TimeSeriesChart chart(QStringLiteral("Invocations"), QStringLiteral("count"));
        chart.resize(800, 300);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        const qint64 t0 = 1796607000000;
        ChartSeries warm{QStringLiteral("Warm"), Qt::blue, {}, true, {}};
        ChartSeries cold{QStringLiteral("Cold"), Qt::cyan, {}, true, QStringLiteral("Warm")};
        for (int i = 0; i < 60; ++i) {
            warm.points << QPointF(double(t0 + i * 1000), 4);
            cold.points << QPointF(double(t0 + i * 1000), i == 30 ? 3 : 0);
        }
        chart.setSeries({warm, cold}, t0, t0 + 60000);
        QCOMPARE(chart.maxValue(), 7.0); // cold stacked on warm
        QCOMPARE(chart.valueLabels(), (QStringList{QStringLiteral("0"), QStringLiteral("2"), QStringLiteral("4"),
                                                   QStringLiteral("6"), QStringLiteral("8")}));
        QCOMPARE(chart.valuesAt(t0 + 30000).mid(1), (QStringList{QStringLiteral("Warm: 4"), QStringLiteral("Cold: 3")}));

        chart.setMarkers({ChartMarker{t0 + 20000, QStringLiteral("deploy 1a2b3c4"), QStringLiteral("Deployed 1a2b3c4d5e6f: faster"), Qt::blue},
                          ChartMarker{t0 + 40000, QStringLiteral("\u26A0 errors"), QStringLiteral("Threshold Crossed: ..."), Qt::red}});
        QCOMPARE(chart.markerCount(), 2);
        // Hover at the deploy's x names the commit.
        const QRectF plot = chart.chart()->mapRectToScene(chart.chart()->plotArea());
        const auto viewX = [&](qint64 ms) {
            const double x = plot.left() + double(ms - chart.axisStartMs()) / double(chart.axisEndMs() - chart.axisStartMs()) * plot.width();
            return chart.mapFromScene(QPointF(x, plot.center().y()));
        };
        QVERIFY2(chart.markerTipAt(viewX(t0 + 20000)).contains(QStringLiteral("Deployed 1a2b3c4d5e6f: faster")),
                 qPrintable(chart.markerTipAt(viewX(t0 + 20000))));
        QVERIFY(chart.markerTipAt(viewX(t0 + 30000)).isEmpty());

        // Drag from 10 s to 30 s: zoomed there, and a refresh keeps the zoom.
        QTest::mousePress(chart.viewport(), Qt::LeftButton, {}, viewX(t0 + 10000));
        QTest::mouseMove(chart.viewport(), viewX(t0 + 20000));
        QTest::mouseRelease(chart.viewport(), Qt::LeftButton, {}, viewX(t0 + 30000));
        QVERIFY(chart.isZoomed());
        QVERIFY(std::abs(chart.axisStartMs() - (t0 + 10000)) < 500);
        QVERIFY(std::abs(chart.axisEndMs() - (t0 + 30000)) < 500);
        chart.setSeries({warm, cold}, t0, t0 + 60000);
        QVERIFY(std::abs(chart.axisStartMs() - (t0 + 10000)) < 500);
        QTest::mouseDClick(chart.viewport(), Qt::LeftButton, {}, viewX(t0 + 20000));
        QVERIFY(!chart.isZoomed());
        QCOMPARE(chart.axisStartMs(), t0);

        // CSV: one row per second, both series.
        const QStringList lines = chart.csv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 61);
        QCOMPARE(lines.first(), QStringLiteral("time,Warm,Cold"));
        QCOMPARE(lines.at(31), QStringLiteral("2026-12-07T01:30:30.000Z,4,3"));
        QTemporaryDir out;
        QVERIFY(chart.saveCsv(out.filePath(QStringLiteral("c.csv"))));
        QVERIFY(chart.savePng(out.filePath(QStringLiteral("c.png"))));
        const QImage png(out.filePath(QStringLiteral("c.png")));
        QCOMPARE(png.width(), chart.width() * int(chart.devicePixelRatio()));

        // A series no longer given leaves the chart (an overlay turned off).
        QCOMPARE(chart.seriesCount(), 2);
        chart.setSeries({warm}, t0, t0 + 60000);
        QCOMPARE(chart.seriesCount(), 1);
        QCOMPARE(chart.pointCount(QStringLiteral("Cold")), -1);
    }

    void moneyAndDurationAxesReadAsHumans()
    {
        TimeSeriesChart cost(QStringLiteral("Cost"), QStringLiteral("USD"));
        cost.setSeries({ChartSeries{QStringLiteral("Cost"), Qt::red, {QPointF(0, 4e-05), QPointF(1000, 1e-05)}}}, 0, 2000);
        QCOMPARE(cost.valueLabels().last(), QStringLiteral("40 µ$"));
        TimeSeriesChart duration(QStringLiteral("Duration"), QStringLiteral("ms"));
        duration.setSeries({ChartSeries{QStringLiteral("p99"), Qt::red, {QPointF(0, 0.42)}}}, 0, 2000);
        QCOMPARE(duration.valueLabels().last(), QStringLiteral("600 µs"));
        QCOMPARE(duration.valuesAt(0).last(), QStringLiteral("p99: 420 µs"));
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Settings> m_settings;
    std::unique_ptr<Studio> m_studio;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestAlarmsGui)
#include "tst_alarmsgui.moc"
