#include "monitorpage.h"

#include "ui/widgets/labels.h"

#include "ui/charts/timeserieschart.h"
#include "ui/pages/summarystrip.h"
#include "ui/pages/telemetry.h"
#include "ui/studio.h"

#include <QComboBox>
#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
constexpr int kLiveSeconds = 300;
constexpr int kSlowestScanned = 500; // the slowest are picked among this many recent invocations
constexpr int kSlowestShown = 10;
enum SlowestColumn { StartedCol, DurationCol, InitCol, MemoryCol, StatusCol, TriggerCol, RequestCol, SlowestColumns };

QString bucketText(int resolutionSeconds)
{
    if (resolutionSeconds < 60)
        return MonitorPage::tr("%n-second buckets", nullptr, resolutionSeconds);
    if (resolutionSeconds < 3600)
        return MonitorPage::tr("%n-minute buckets", nullptr, resolutionSeconds / 60);
    return MonitorPage::tr("%n-hour buckets", nullptr, resolutionSeconds / 3600);
}
} // namespace

MonitorPage::MonitorPage(Studio *studio, QWidget *parent)
    : QWidget(parent),
      m_studio(studio),
      m_title(new QLabel(this)),
      m_range(new QComboBox(this)),
      m_status(mutedLabel({}, this)),
      m_strip(new SummaryStrip(this)),
      m_stack(new QStackedWidget(this)),
      m_empty(mutedLabel({}, this)),
      m_counts(new TimeSeriesChart(tr("Invocations, errors, throttles"), tr("count"))),
      m_duration(new TimeSeriesChart(tr("Duration"), tr("ms"))),
      m_cold(new TimeSeriesChart(tr("Cold starts"), tr("count"))),
      m_init(new TimeSeriesChart(tr("Average init duration"), tr("ms"))),
      m_concurrency(new TimeSeriesChart(tr("Peak concurrency"), tr("count"))),
      m_cost(new TimeSeriesChart(tr("Cost"), tr("USD"))),
      m_slowest(new QTreeWidget)
{
    makePageTitle(m_title);
    for (const RangePreset &r : monitorRanges())
        m_range->addItem(r.label);
    m_range->setAccessibleName(tr("Time range"));
    auto *rangeLabel = new QLabel(tr("&Range:"), this);
    rangeLabel->setBuddy(m_range);

    auto *top = new QHBoxLayout;
    top->addWidget(m_title);
    top->addStretch(1);
    top->addWidget(m_status);
    top->addSpacing(12);
    top->addWidget(rangeLabel);
    top->addWidget(m_range);

    m_strip->addFigure(QStringLiteral("invocations"), tr("Invocations"));
    m_strip->addFigure(QStringLiteral("errorRate"), tr("Error rate"), tr("Failed invocations (errors, timeouts, out of memory, crashes) / invocations"));
    m_strip->addFigure(QStringLiteral("p50"), tr("p50 duration"));
    m_strip->addFigure(QStringLiteral("p99"), tr("p99 duration"));
    m_strip->addFigure(QStringLiteral("cold"), tr("Cold starts"), tr("Invocations that had to start an execution environment"));
    m_strip->addFigure(QStringLiteral("throttles"), tr("Throttles"), tr("Requests refused because no environment could be had"));
    m_strip->addFigure(QStringLiteral("gbs"), tr("Compute"), tr("Memory (GB) x billed duration (s)"));
    m_strip->addFigure(QStringLiteral("cost"), tr("Cost"), tr("Requests + compute at the pricing in Settings"));

    m_slowest->setColumnCount(SlowestColumns);
    m_slowest->setHeaderLabels({tr("Started"), tr("Duration"), tr("Init"), tr("Max memory"), tr("Status"),
                                tr("Trigger"), tr("Request ID")});
    m_slowest->setRootIsDecorated(false);
    m_slowest->setUniformRowHeights(true);
    m_slowest->setAlternatingRowColors(true);
    m_slowest->setMinimumHeight(150);
    m_slowest->header()->setStretchLastSection(true);
    m_slowest->setAccessibleName(tr("Slowest invocations"));
    connect(m_slowest, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        const QString id = item->data(RequestCol, Qt::UserRole).toString();
        if (!id.isEmpty())
            Q_EMIT requestActivated(id);
    });

    auto *content = new QWidget;
    auto *grid = new QGridLayout(content);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_counts, 0, 0);
    grid->addWidget(m_duration, 0, 1);
    grid->addWidget(m_cold, 1, 0);
    grid->addWidget(m_init, 1, 1);
    grid->addWidget(m_concurrency, 2, 0);
    grid->addWidget(m_cost, 2, 1);
    m_slowestLabel = new QLabel(content);
    grid->addWidget(m_slowestLabel, 3, 0, 1, 2);
    grid->addWidget(m_slowest, 4, 0, 1, 2);
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);

    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_stack->addWidget(scroll);
    m_stack->addWidget(m_empty);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_strip);
    layout->addWidget(m_stack, 1);

    m_liveTimer.setInterval(1000);
    m_storeTimer.setInterval(5000);
    connect(&m_liveTimer, &QTimer::timeout, this, &MonitorPage::refreshLive);
    connect(&m_storeTimer, &QTimer::timeout, this, [this] {
        if (m_range->currentIndex() > 0)
            return refreshStored();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        requestLivePercentiles(now);
        requestSlowest(now - kLiveSeconds * 1000LL);
    });
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        ++m_generation;
        m_livePercentiles.clear();
        m_strip->clearValues();
        m_slowest->clear();
        restartTimers();
        refresh();
    });
    setFunction({});
    setEmptyText(tr("Select a function in the explorer to see its invocations, durations, cold starts and cost."));
}

void MonitorPage::setFunction(const QString &name)
{
    if (name == m_function && m_generation > 0)
        return;
    m_function = name;
    ++m_generation;
    m_livePercentiles.clear();
    m_title->setText(name.isEmpty() ? tr("Monitor") : tr("Monitor: %1").arg(name));
    m_strip->clearValues();
    m_slowest->clear();
    restartTimers();
    refresh();
}

void MonitorPage::setRangeIndex(int index)
{
    m_range->setCurrentIndex(index);
}

int MonitorPage::rangeIndex() const
{
    return m_range->currentIndex();
}

bool MonitorPage::showsEmptyState() const
{
    return m_stack->currentWidget() == m_empty;
}

void MonitorPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    restartTimers();
    refresh();
}

void MonitorPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_liveTimer.stop();
    m_storeTimer.stop();
}

void MonitorPage::restartTimers()
{
    m_liveTimer.stop();
    m_storeTimer.stop();
    if (!isVisible() || m_function.isEmpty())
        return;
    if (m_range->currentIndex() == 0)
        m_liveTimer.start();
    m_storeTimer.start();
}

void MonitorPage::refresh()
{
    if (m_function.isEmpty()) {
        m_status->clear();
        setEmptyText(tr("Select a function in the explorer to see its invocations, durations, cold starts and cost."));
        return;
    }
    if (m_range->currentIndex() > 0)
        return refreshStored();
    refreshLive();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    requestLivePercentiles(now);
    requestSlowest(now - kLiveSeconds * 1000LL);
}

void MonitorPage::refreshLive()
{
    if (m_function.isEmpty() || m_range->currentIndex() != 0)
        return;
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const qint64 nowSecond = nowMs / 1000;
    const metrics::Series live = m_studio->liveMetrics()->snapshot(m_function, kLiveSeconds, nowSecond);
    const qint64 from = live.points.empty() ? (nowSecond - kLiveSeconds + 1) * 1000 : live.firstSecond * 1000;
    m_status->setText(tr("Live, 1-second buckets"));
    showPoints(pointsFromLive(live), from, (nowSecond + 1) * 1000, true);
}

void MonitorPage::refreshStored()
{
    const int index = m_range->currentIndex();
    const QList<RangePreset> ranges = monitorRanges();
    if (m_function.isEmpty() || index <= 0 || index >= ranges.size())
        return;
    if (m_seriesInFlight == m_generation)
        return; // the last query for this function and range is still running
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const int resolution = resolutionFor(ranges.at(index).spanMs);
    const qint64 bucketMs = resolution * 1000LL;
    const qint64 from = (now - ranges.at(index).spanMs) / bucketMs * bucketMs;
    const store::SeriesQuery query{m_function, {}, from, now, resolution};
    const quint64 generation = m_generation;
    m_seriesInFlight = generation;
    m_studio->series(query, this, [this, generation, from, now, resolution](Result<QList<store::SeriesPoint>> r) {
        if (m_seriesInFlight == generation)
            m_seriesInFlight = 0;
        if (generation != m_generation)
            return;
        if (!r) {
            m_status->setText(tr("Could not read metrics: %1").arg(r.error().toString()));
            return;
        }
        m_status->setText(tr("%1, updated %2")
                              .arg(bucketText(resolution), QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"))));
        showPoints(*r, from, now, false);
    });
    requestSummary(query);
    requestSlowest(from);
}

void MonitorPage::requestSummary(const store::SeriesQuery &query)
{
    const quint64 generation = m_generation;
    m_studio->summary(query, this, [this, generation](Result<store::DurationSummary> r) {
        if (generation != m_generation)
            return;
        const bool any = r && r->count > 0;
        const QString none = QString(QChar(0x2014));
        m_strip->setValue(QStringLiteral("p50"), any ? formatMs(r->p50Ms) : none);
        m_strip->setValue(QStringLiteral("p99"), any ? formatMs(r->p99Ms) : none);
    });
}

void MonitorPage::requestLivePercentiles(qint64 nowMs)
{
    // The ring buffer keeps no percentiles: the live chart's p50/p99 and the strip's come
    // from the store's 1 s rollups of the same 5 minutes, refreshed every 5 s.
    const store::SeriesQuery query{m_function, {}, nowMs - kLiveSeconds * 1000LL, nowMs, 1};
    requestSummary(query);
    const quint64 generation = m_generation;
    m_studio->series(query, this, [this, generation](Result<QList<store::SeriesPoint>> r) {
        if (generation == m_generation && r)
            m_livePercentiles = std::move(*r);
    });
}

void MonitorPage::requestSlowest(qint64 fromMs)
{
    const quint64 generation = m_generation;
    m_studio->recentInvocations(m_function, fromMs, kSlowestScanned, this,
                                [this, generation](Result<QList<InvocationRecord>> r) {
                                    if (generation == m_generation && r)
                                        showSlowest(std::move(*r));
                                });
}

void MonitorPage::showPoints(const QList<store::SeriesPoint> &points, qint64 fromMs, qint64 toMs, bool live)
{
    const RangeTotals totals = totalsOf(points);
    showTotals(totals);
    if (totals.empty()) {
        setEmptyText(live ? tr("No invocations in the last 5 minutes.\nInvoke the function from the Test tab, "
                               "or pick a longer range.")
                          : tr("No invocations in this range.\nInvoke the function from the Test tab."));
        return;
    }
    m_stack->setCurrentIndex(0);
    using P = store::SeriesPoint;
    m_counts->setSeries({seriesOf(tr("Invocations"), palette::invocations(), points, [](const P &p) { return double(p.invocations); }),
                         seriesOf(tr("Errors"), palette::errors(), points, [](const P &p) { return double(p.errors); }),
                         seriesOf(tr("Throttles"), palette::throttles(), points, [](const P &p) { return double(p.throttles); })},
                        fromMs, toMs);
    // Percentiles are not kept live: live, p50 and p99 come from the store's last answer
    // (up to 5 s behind the ring buffer's average and max).
    const QList<P> &percentiles = live ? m_livePercentiles : points;
    m_duration->setSeries({seriesOf(tr("Average"), palette::average(), points, [](const P &p) { return p.avgDurationMs; }, hasInvocations),
                           seriesOf(tr("p50"), palette::p50(), percentiles, [](const P &p) { return p.p50Ms; }, hasInvocations),
                           seriesOf(tr("p99"), palette::p99(), percentiles, [](const P &p) { return p.p99Ms; }, hasInvocations),
                           seriesOf(tr("Max"), palette::errors().lighter(130), points, [](const P &p) { return p.maxDurationMs; }, hasInvocations)},
                          fromMs, toMs);
    m_cold->setSeries({seriesOf(tr("Cold starts"), palette::cold(), points, [](const P &p) { return double(p.coldStarts); })},
                      fromMs, toMs);
    m_init->setSeries({seriesOf(tr("Init duration"), palette::cold().darker(130), points, [](const P &p) { return p.avgInitDurationMs; }, hasColdStarts)},
                      fromMs, toMs);
    m_concurrency->setSeries({seriesOf(tr("Peak concurrency"), palette::concurrency(), points,
                                       [](const P &p) { return double(p.peakConcurrency); })},
                             fromMs, toMs);
    m_cost->setSeries({seriesOf(tr("Cost"), palette::cost(), points, [](const P &p) { return p.costUsd; })}, fromMs, toMs);
}

void MonitorPage::showTotals(const RangeTotals &t)
{
    m_strip->setValue(QStringLiteral("invocations"), formatCount(double(t.invocations)));
    m_strip->setValue(QStringLiteral("errorRate"), formatPercent(t.errorRate()), t.errors > 0 ? palette::errors() : QColor());
    m_strip->setValue(QStringLiteral("cold"),
                      t.coldStarts > 0 ? tr("%1 (%2)").arg(formatCount(double(t.coldStarts)), formatPercent(t.coldShare()))
                                       : QStringLiteral("0"));
    m_strip->setValue(QStringLiteral("throttles"), formatCount(double(t.throttles)),
                      t.throttles > 0 ? palette::throttles() : QColor());
    m_strip->setValue(QStringLiteral("gbs"), formatGbSeconds(t.gbSeconds));
    m_strip->setValue(QStringLiteral("cost"), formatUsd(t.costUsd));
}

void MonitorPage::showSlowest(QList<InvocationRecord> records)
{
    std::sort(records.begin(), records.end(),
              [](const InvocationRecord &a, const InvocationRecord &b) { return a.durationMs > b.durationMs; });
    if (records.size() > kSlowestShown)
        records.resize(kSlowestShown);
    m_slowest->clear();
    QList<QTreeWidgetItem *> items;
    for (const InvocationRecord &rec : std::as_const(records)) {
        auto *item = new QTreeWidgetItem;
        item->setText(StartedCol, formatTimestamp(rec.startMs, m_range->currentIndex() >= 2));
        item->setText(DurationCol, formatMs(rec.durationMs));
        item->setText(InitCol, rec.cold ? formatMs(rec.initDurationMs) : QString());
        item->setText(MemoryCol, tr("%1 / %2").arg(formatMemoryMb(rec.maxMemoryUsedMb), formatMemoryMb(rec.memorySizeMb)));
        item->setText(StatusCol, statusName(rec.status));
        item->setText(TriggerCol, triggerName(rec.trigger));
        item->setText(RequestCol, rec.requestId);
        item->setData(RequestCol, Qt::UserRole, rec.requestId);
        if (rec.status != InvocationStatus::Success)
            item->setForeground(StatusCol, palette::errors());
        for (int c : {DurationCol, InitCol, MemoryCol})
            item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
        items.append(item);
    }
    m_slowest->addTopLevelItems(items);
    m_slowest->setVisible(!items.isEmpty());
    m_slowestLabel->setText(items.isEmpty()
                                ? tr("No invocation records in this range yet.")
                                : tr("Slowest of the latest %1 invocations in the range (double-click for logs)")
                                      .arg(kSlowestScanned));
    for (int c = StartedCol; c < RequestCol; ++c)
        m_slowest->resizeColumnToContents(c);
}

void MonitorPage::setEmptyText(const QString &text)
{
    m_empty->setText(text);
    m_stack->setCurrentWidget(m_empty);
}

} // namespace funcdesk::ui
