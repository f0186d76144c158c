// The telemetry pages over a real Studio in a temporary data dir: the store is seeded
// with an hour of synthetic invocations and log lines before the Studio opens, live
// metrics are fed directly, and one real python3 function produces environments and
// log lines for the live tail. Each test checks what a user would read on the page.
// With FUNCDESK_SCREENSHOT_DIR set, every page is also grabbed to a PNG there.
#include "settings/settings.h"
#include "common/reportline.h"
#include "store/writer.h"
#include "ui/charts/swimlanewidget.h"
#include "ui/charts/timeserieschart.h"
#include "ui/models/environmentmodel.h"
#include "ui/models/functiontotalsmodel.h"
#include "ui/models/logmodel.h"
#include "ui/charts/labcharts.h"
#include "ui/pages/costpage.h"
#include "ui/pages/crossoverpanel.h"
#include "ui/pages/dashboardpage.h"
#include "ui/pages/environmentspage.h"
#include "ui/pages/logspage.h"
#include "ui/pages/monitorpage.h"
#include "ui/pages/summarystrip.h"
#include "ui/studio.h"

#include <QChart>
#include <QDateTime>
#include <QDir>
#include <QJsonObject>
#include <QFutureWatcher>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QDoubleSpinBox>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace funcdesk;
using namespace funcdesk::ui;

namespace {
constexpr int kHelloRecords = 360; // one every 10 s over the last hour
constexpr int kHelloErrors = 15;   // every 25th
constexpr int kApiRecords = 120;

void screenshot(QWidget *page, const QString &name)
{
    const QString dir = qEnvironmentVariable("FUNCDESK_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QCoreApplication::sendPostedEvents(); // the layout requests of the last text changes
    QVERIFY(page->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png")));
}

// Every query `page` sent through Studio has been answered and its answer handled (the
// answers come back through QFutureWatchers owned by the page).
bool allAnswered(const QObject *page)
{
    const auto watchers = page->findChildren<QFutureWatcherBase *>();
    return std::all_of(watchers.cbegin(), watchers.cend(), [](const QFutureWatcherBase *w) { return w->isFinished(); });
}

InvocationRecord record(const QString &function, qint64 startMs, int i)
{
    InvocationRecord r;
    r.requestId = QStringLiteral("%1-req-%2").arg(function).arg(i);
    r.function = function;
    r.version = QStringLiteral("$LATEST");
    r.environmentId = QStringLiteral("env-%1").arg(i / 60);
    r.startMs = startMs;
    r.durationMs = 5 + (i % 10) * 3.5;
    r.billedDurationMs = qint64(std::ceil(r.durationMs));
    r.cold = i % 60 == 0;
    r.initDurationMs = r.cold ? 180 : 0;
    r.memorySizeMb = 128;
    r.maxMemoryUsedMb = 40 + i % 7;
    r.status = i % 25 == 0 ? InvocationStatus::Error : InvocationStatus::Success;
    if (r.status == InvocationStatus::Error) {
        r.errorType = QStringLiteral("ValueError");
        r.errorMessage = QStringLiteral("bad input");
    }
    return r;
}
} // namespace

class TestTelemetryPages : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void monitorStoredRange();
    void monitorEmptyAndLive();
    void dashboard();
    void environments();
    void logs();
    void cost();

private:
    void createAndInvokePython();

    QTemporaryDir m_dir;
    std::unique_ptr<Settings> m_settings;
    std::unique_ptr<Studio> m_studio;
    qint64 m_seededAt = 0;
    bool m_pythonCreated = false; // "py", by the first test that needs a real function
};

void TestTelemetryPages::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const DataDir dataDir{m_dir.path()};
    m_seededAt = QDateTime::currentMSecsSinceEpoch();
    {
        store::WriterOptions wo;
        wo.databasePath = dataDir.database();
        auto writer = store::Writer::start(wo);
        QVERIFY2(writer.ok(), qPrintable(writer.ok() ? QString() : writer.error().toString()));
        for (int i = 0; i < kHelloRecords; ++i) {
            const InvocationRecord r = record(QStringLiteral("hello"), m_seededAt - 3590'000 + i * 10'000LL, i);
            (*writer)->enqueue(r);
            const QString id = r.requestId;
            (*writer)->enqueue(framingLines(r)); // as the engine sends them: rebuilt from the record on read
            (*writer)->enqueue(LogLine{r.startMs + 1, id, r.function, r.environmentId,
                                       QStringLiteral("handling order %1").arg(i)});
        }
        for (int i = 0; i < kApiRecords; ++i)
            (*writer)->enqueue(record(QStringLiteral("api"), m_seededAt - 1790'000 + i * 15'000LL, i));
        QVERIFY((*writer)->flush().ok());
    }
    m_settings = std::make_unique<Settings>(m_dir.filePath(QStringLiteral("settings.ini")));
    auto studio = Studio::open(dataDir, m_settings.get());
    QVERIFY2(studio.ok(), qPrintable(studio.ok() ? QString() : studio.error().toString()));
    m_studio = std::move(*studio);
}

void TestTelemetryPages::cleanupTestCase()
{
    m_studio.reset();
    m_settings.reset();
}

void TestTelemetryPages::monitorStoredRange()
{
    MonitorPage page(m_studio.get());
    page.resize(1200, 900);
    page.setRangeIndex(1); // last hour
    page.setFunction(QStringLiteral("hello"));
    page.show();
    SummaryStrip *strip = page.summaryStrip();
    QTRY_COMPARE(strip->value(QStringLiteral("invocations")), QString::number(kHelloRecords));
    QCOMPARE(strip->value(QStringLiteral("errorRate")), QStringLiteral("4.2 %")); // 15 / 360
    QCOMPARE(strip->value(QStringLiteral("cold")), QStringLiteral("6 (1.7 %)"));
    QVERIFY(!page.showsEmptyState());
    QTRY_VERIFY(strip->value(QStringLiteral("p99")).endsWith(QLatin1String(" ms")));
    QVERIFY(strip->value(QStringLiteral("cost")).startsWith(QLatin1Char('$')));
    QVERIFY(strip->value(QStringLiteral("cost")) != QStringLiteral("$0"));
    QTRY_VERIFY(page.slowestCount() > 0); // the slowest invocations, for the screenshot

    // An experiment on the function shows on every chart as a shaded, labelled interval
    // that a click (intervalAt) finds.
    store::Experiment load;
    load.kind = QStringLiteral("load");
    load.function = QStringLiteral("hello");
    load.label = QStringLiteral("Load: ramp:0..50");
    load.startedMs = QDateTime::currentMSecsSinceEpoch() - 30 * 60'000;
    qint64 experimentId = 0;
    m_studio->beginExperiment(load, this, [&experimentId](Result<qint64> id) { experimentId = id ? *id : -1; });
    QTRY_VERIFY(experimentId != 0);
    QVERIFY(experimentId > 0);
    m_studio->finishExperiment(experimentId, QJsonObject{{QStringLiteral("sent"), 10}});
    QList<TimeSeriesChart *> charts = page.findChildren<TimeSeriesChart *>();
    charts.removeAll(page.compareChart()); // shown only while comparing versions
    QCOMPARE(charts.size(), 6);
    for (TimeSeriesChart *chart : charts)
        QTRY_COMPARE_WITH_TIMEOUT(chart->intervalCount(), 1, 10000);
    TimeSeriesChart *counts = charts.first();
    const QRectF plot = counts->chart()->plotArea();
    // Started 30 minutes into a one-hour axis: three quarters along is inside, a quarter is not.
    const QPoint inside = counts->mapFromScene(QPointF(plot.left() + plot.width() * 0.75, plot.center().y()));
    QCOMPARE(counts->intervalAt(inside), experimentId);
    QCOMPARE(counts->intervalAt(counts->mapFromScene(QPointF(plot.left() + plot.width() * 0.25, plot.center().y()))), qint64(0));
    screenshot(&page, QStringLiteral("monitor-1h"));

    page.setRangeIndex(3); // 7 days: same invocations, coarser buckets
    QTRY_COMPARE(strip->value(QStringLiteral("invocations")), QString::number(kHelloRecords));

    // Live: counts from the ring buffer, percentiles from the store's last 5 minutes.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < 10; ++i)
        m_studio->liveMetrics()->record(record(QStringLiteral("hello"), now - 20'000 + i * 1000, i + 1));
    page.setRangeIndex(0);
    QTRY_COMPARE(strip->value(QStringLiteral("invocations")), QStringLiteral("10"));
    TimeSeriesChart *duration = nullptr;
    for (TimeSeriesChart *chart : page.findChildren<TimeSeriesChart *>())
        if (chart->pointCount(QStringLiteral("Average")) >= 0)
            duration = chart;
    QVERIFY(duration);
    QTRY_VERIFY(duration->pointCount(QStringLiteral("p99")) > 0); // the seeded last 5 min: one every 10 s
    QVERIFY(duration->pointCount(QStringLiteral("Average")) > 0);
    page.setRangeIndex(1);

    // Switching function while a query is out: the first function's answer is dropped.
    page.setFunction(QStringLiteral("never-invoked"));
    page.setFunction(QStringLiteral("api"));
    QTRY_COMPARE(strip->value(QStringLiteral("invocations")), QString::number(kApiRecords));
    QTRY_VERIFY(allAnswered(&page)); // the answer for "never-invoked" too: it was dropped
    QCOMPARE(strip->value(QStringLiteral("invocations")), QString::number(kApiRecords));
    QVERIFY(!page.showsEmptyState());
}

void TestTelemetryPages::monitorEmptyAndLive()
{
    MonitorPage page(m_studio.get());
    page.resize(1200, 900);
    QVERIFY(page.showsEmptyState()); // no function selected
    page.setRangeIndex(1);
    page.setFunction(QStringLiteral("never-invoked"));
    page.show();
    QTRY_COMPARE(page.summaryStrip()->value(QStringLiteral("invocations")), QStringLiteral("0"));
    QVERIFY(page.showsEmptyState());
    screenshot(&page, QStringLiteral("monitor-empty"));

    // Live: the ring buffer, not the store.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < 1500; ++i) {
        InvocationRecord r = record(QStringLiteral("live-fn"), now - 200'000 + i * 130, i);
        r.costUsd = 0.0000021;
        m_studio->liveMetrics()->record(r);
    }
    page.setRangeIndex(0);
    page.setFunction(QStringLiteral("live-fn"));
    QTRY_COMPARE(page.summaryStrip()->value(QStringLiteral("invocations")), QStringLiteral("1.5 k"));
    QVERIFY(!page.showsEmptyState());
    // The time axis starts at the first invocation, 200 s ago, not 5 minutes back.
    auto *counts = page.findChild<TimeSeriesChart *>();
    QVERIFY(counts);
    QVERIFY2(std::abs(counts->axisStartMs() - (now - 200'000)) < 2'000,
             qPrintable(QString::number(now - counts->axisStartMs())));
    QCOMPARE(page.summaryStrip()->value(QStringLiteral("errorRate")), QStringLiteral("4 %")); // 60 / 1500
    screenshot(&page, QStringLiteral("monitor-live"));
}

void TestTelemetryPages::dashboard()
{
    DashboardPage page(m_studio.get());
    page.resize(1200, 800);
    page.show();
    FunctionTotalsModel *model = page.totalsModel();
    QTRY_VERIFY(model->rowCount() >= 2);
    QCOMPARE(model->totalInvocations() >= kHelloRecords + kApiRecords, true);
    auto *view = page.findChild<QTableView *>();
    QVERIFY(view);
    QModelIndex hello;
    for (int row = 0; row < view->model()->rowCount(); ++row)
        if (view->model()->index(row, 0).data().toString() == QStringLiteral("hello"))
            hello = view->model()->index(row, 0);
    QVERIFY(hello.isValid());
    QSignalSpy activated(&page, &DashboardPage::functionActivated);
    const QPoint at = view->visualRect(hello).center();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.first().first().toString(), QStringLiteral("hello"));
    screenshot(&page, QStringLiteral("dashboard"));
}

void TestTelemetryPages::createAndInvokePython()
{
    bool created = false;
    QString error;
    m_studio->createFunction(QStringLiteral("py"), Runtime::Python3, QStringLiteral("hello-world"), this,
                             [&](Result<QString> r) {
                                 created = true;
                                 if (!r)
                                     error = r.error().toString();
                             });
    QTRY_VERIFY_WITH_TIMEOUT(created, 20000);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_pythonCreated = true;
    bool invoked = false;
    m_studio->invoke(QStringLiteral("py"), QStringLiteral("$LATEST"), QByteArrayLiteral("{}"), TriggerKind::Manual, this,
                     [&](engine::InvokeResult r) {
                         invoked = true;
                         if (r.record.status != InvocationStatus::Success)
                             error = r.record.errorType + QStringLiteral(": ") + r.record.errorMessage;
                     });
    QTRY_VERIFY_WITH_TIMEOUT(invoked, 20000);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestTelemetryPages::environments()
{
    EnvironmentsPage page(m_studio.get());
    page.resize(1200, 700);
    page.show();
    // A change reaches the timeline at once; painting waits for the page's timer.
    engine::EnvironmentInfo fake;
    fake.id = QStringLiteral("fake-environment");
    fake.function = QStringLiteral("hello");
    fake.version = QStringLiteral("$LATEST");
    fake.state = engine::EnvironmentState::Initializing;
    fake.createdMs = fake.stateSinceMs = QDateTime::currentMSecsSinceEpoch() - 60'000;
    Q_EMIT m_studio->environmentsChanged({fake});
    fake.state = engine::EnvironmentState::Idle;
    fake.stateSinceMs += 400;
    Q_EMIT m_studio->environmentsChanged({fake});
    QCOMPARE(page.timeline().lanes().size(), 1);
    QCOMPARE(page.timeline().lanes().first().segments.size(), 2);

    createAndInvokePython();
    QTRY_VERIFY_WITH_TIMEOUT(page.model()->rowCount() >= 1, 5000);
    const QModelIndex fn = page.model()->index(0, EnvironmentModel::FunctionColumn);
    QCOMPARE(fn.data().toString(), QStringLiteral("py"));
    QTRY_VERIFY(page.timeline().lanes().size() >= 2); // the real environment's changes arrived too
    // The swimlane spans back to its oldest state (a minute ago), in whole minutes, not 5 empty ones.
    QTRY_VERIFY(page.swimlane()->laneCount() >= 2);
    QVERIFY2(page.swimlane()->windowMs() <= 2 * 60'000, qPrintable(QString::number(page.swimlane()->windowMs())));
    screenshot(&page, QStringLiteral("environments"));
}

void TestTelemetryPages::logs()
{
    LogsPage page(m_studio.get());
    page.resize(1200, 700);
    page.show();
    QSignalSpy shown(&page, &LogsPage::resultsShown);
    page.setFunctionFilter(QStringLiteral("hello"));
    // 4 lines per invocation; a search shows the newest 1,000 in time order.
    QTRY_VERIFY(page.model()->rowCount() == LogsPage::kSearchLimit
                && page.model()->lines().last().function == QStringLiteral("hello"));
    const QList<LogLine> &lines = page.model()->lines();
    QVERIFY(lines.first().timestampMs <= lines.last().timestampMs);
    QCOMPARE(lines.last().requestId, QStringLiteral("hello-req-%1").arg(kHelloRecords - 1));

    page.showRequest(QStringLiteral("hello-req-7"));
    QTRY_COMPARE(page.model()->rowCount(), 4);
    QVERIFY(page.model()->lines().at(1).text.contains(QLatin1String("handling order 7")));
    QCOMPARE(page.currentSearch().requestId, QStringLiteral("hello-req-7"));
    QVERIFY(page.currentSearch().function.isEmpty());
    screenshot(&page, QStringLiteral("logs-request"));

    auto *view = page.findChild<QTableView *>(QStringLiteral("logTable"));
    QVERIFY(view);
    QSignalSpy activated(&page, &LogsPage::requestActivated);
    const QPoint at = view->visualRect(view->model()->index(1, LogModel::MessageColumn)).center();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.first().first().toString(), QStringLiteral("hello-req-7"));

    // Live tail: the real function's next invocation appears without a new search.
    if (!m_pythonCreated) // run alone, without environments()
        createAndInvokePython();
    page.showRequest(QString());
    page.setFunctionFilter(QStringLiteral("py"));
    page.setLiveTail(true);
    QTRY_VERIFY(page.model()->rowCount() >= 1); // START ... REPORT of the first invocation
    const int before = page.model()->rowCount();
    bool invoked = false;
    QString requestId;
    m_studio->invoke(QStringLiteral("py"), QStringLiteral("$LATEST"), QByteArrayLiteral("{\"tail\":1}"),
                     TriggerKind::Manual, this, [&](engine::InvokeResult r) {
                         invoked = true;
                         requestId = r.record.requestId;
                     });
    QTRY_VERIFY_WITH_TIMEOUT(invoked, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(page.model()->rowCount() > before
                                 && page.model()->lines().last().requestId == requestId,
                             10000);
    screenshot(&page, QStringLiteral("logs-tail"));

    // Coming back to the page shows what was logged while it was hidden, without a search.
    page.setLiveTail(false);
    page.hide();
    invoked = false;
    m_studio->invoke(QStringLiteral("py"), QStringLiteral("$LATEST"), QByteArrayLiteral("{\"away\":1}"),
                     TriggerKind::Manual, this, [&](engine::InvokeResult r) {
                         invoked = true;
                         requestId = r.record.requestId;
                     });
    QTRY_VERIFY_WITH_TIMEOUT(invoked, 20000);
    // The writer lands the lines in its next batch (at most 200 ms away): wait until the store
    // has them, then come back to the page once.
    auto landed = std::make_shared<bool>(false);
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                 m_studio->logsOf(requestId, this, [landed](Result<QList<LogLine>> r) {
                                     if (r && !r->isEmpty())
                                         *landed = true;
                                 });
                                 return *landed;
                             }()),
                             10000);
    page.show();
    QTRY_VERIFY_WITH_TIMEOUT(!page.model()->lines().isEmpty() && page.model()->lines().last().requestId == requestId,
                             10000);
}

void TestTelemetryPages::cost()
{
    CostPage page(m_studio.get());
    page.resize(1200, 900);
    page.show();
    QTRY_VERIFY(page.totalsModel()->rowCount() >= 2);
    QTRY_VERIFY(page.summaryStrip()->value(QStringLiteral("cost")).startsWith(QLatin1Char('$')));
    QVERIFY(page.summaryStrip()->value(QStringLiteral("cost")) != QStringLiteral("$0"));
    QVERIFY(page.pricingText().contains(QLatin1String("$0.20")));
    m_settings->setPricePerMillionRequests(0.4);
    QVERIFY(page.pricingText().contains(QLatin1String("$0.40")));
    m_settings->setPricePerMillionRequests(0.2);

    // Serverless against always-on for an invoked function, from its measured duration:
    // the crossover is where both cost the same a month, and a cheaper server moves it down.
    CrossoverPanel *crossover = page.crossover();
    QTRY_VERIFY(!crossover->selectedFunction().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(crossover->explanation().contains(QStringLiteral("requests/s")), 10000);
    const double rate = crossover->chart()->crossoverRate();
    QVERIFY2(std::isfinite(rate) && rate > 0, qPrintable(crossover->explanation()));
    QSignalSpy updated(crossover, &CrossoverPanel::updated);
    auto *hourly = crossover->findChild<QDoubleSpinBox *>();
    QVERIFY(hourly);
    hourly->setValue(hourly->value() / 2);
    QVERIFY(!updated.isEmpty());
    QVERIFY(crossover->chart()->crossoverRate() < rate);
    screenshot(&page, QStringLiteral("cost"));
}

QTEST_MAIN(TestTelemetryPages)
#include "tst_telemetrypages.moc"
