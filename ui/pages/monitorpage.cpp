#include "monitorpage.h"

#include "ui/charts/timeserieschart.h"
#include "ui/pages/pageheader.h"
#include "ui/pages/summarystrip.h"
#include "ui/pages/telemetry.h"
#include "ui/studio.h"
#include "ui/widgets/emptystate.h"

#include <QComboBox>
#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QTimer>
#include <QAction>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
constexpr int kLiveSeconds = 300;

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
    : TelemetryPage(tr("Monitor"), parent),
      m_studio(studio),
      m_counts(new TimeSeriesChart(tr("Invocations, errors, throttles"), tr("count"))),
      m_duration(new TimeSeriesChart(tr("Duration"), tr("ms"))),
      m_cold(new TimeSeriesChart(tr("Cold starts"), tr("count"))),
      m_init(new TimeSeriesChart(tr("Average init duration"), tr("ms"))),
      m_concurrency(new TimeSeriesChart(tr("Peak concurrency"), tr("count"))),
      m_cost(new TimeSeriesChart(tr("Cost"), tr("USD"))),
      m_slowest(new QTreeWidget)
{
    header()->setCustomRangeAllowed(true);
    header()->setRanges(monitorRanges(), 0, tr("&Range:"));
    m_init->setEmptyText(tr("No cold starts in this range"));
    m_duration->setEmptyText(tr("No invocations in this range"));
    SummaryStrip *strip = summaryStrip();
    strip->addFigure(QStringLiteral("invocations"), tr("Invocations"));
    strip->addFigure(QStringLiteral("errorRate"), tr("Error rate"), tr("Failed invocations (errors, timeouts, out of memory, crashes) / invocations"));
    strip->addFigure(QStringLiteral("p50"), tr("p50 duration"));
    strip->addFigure(QStringLiteral("p99"), tr("p99 duration"));
    strip->addFigure(QStringLiteral("cold"), tr("Cold starts"), tr("Invocations that had to start an execution environment"));
    strip->addFigure(QStringLiteral("throttles"), tr("Throttles"), tr("Requests refused because no environment could be had"));
    strip->addFigure(QStringLiteral("gbs"), tr("Compute"), tr("Memory (GB) x billed duration (s)"));
    strip->addFigure(QStringLiteral("cost"), tr("Cost"), tr("Requests + compute at the pricing in Settings"));
    m_compare = new TimeSeriesChart(tr("Versions compared: duration"), tr("ms"));
    m_compare->setVisible(false);
    m_compareBox = new QComboBox;
    m_compareBox->setAccessibleName(tr("Compare versions"));
    m_compareBox->setToolTip(tr("Overlay two versions, or an alias's two targets, on one chart"));
    auto *compareLabel = new QLabel(tr("Co&mpare:"));
    compareLabel->setBuddy(m_compareBox);
    header()->addTrailingWidget(compareLabel);
    header()->addTrailingWidget(m_compareBox);
    connect(m_compareBox, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
    connect(m_studio, &Studio::functionsChanged, this, [this] { loadComparisons(); }); // a version published
    buildSlowest();
    m_stack = new EmptyState(buildCharts(), this);
    body()->addWidget(m_stack, 1);

    m_liveTimer = addRefreshTimer(1000, [this] { refreshLive(); });
    m_storeTimer = addRefreshTimer(5000, [this] {
        if (!isLive())
            return refreshStored();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        requestLivePercentiles(now);
        requestSlowest(now - kLiveSeconds * 1000LL);
        requestCompare(now - kLiveSeconds * 1000LL, now, 1);
    });
    connect(header(), &PageHeader::rangeChanged, this, &MonitorPage::rangeOrFunctionChanged);
    setFunction({});
}

void MonitorPage::buildSlowest()
{
    m_slowest->setColumnCount(SlowestColumns);
    m_slowest->setHeaderLabels({tr("Started"), tr("Duration"), tr("Init"), tr("Max memory"), tr("Status"),
                                tr("Trigger"), tr("Request ID")});
    m_slowest->setRootIsDecorated(false);
    m_slowest->setUniformRowHeights(true);
    m_slowest->setAlternatingRowColors(true);
    m_slowest->setMinimumHeight(150);
    m_slowest->header()->setStretchLastSection(true);
    m_slowest->setAccessibleName(tr("Slowest invocations"));
    for (TimeSeriesChart *chart : charts())
        connect(chart, &TimeSeriesChart::intervalClicked, this, &MonitorPage::showExperiment);
    connect(m_slowest, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        const QString id = item->data(RequestCol, Qt::UserRole).toString();
        if (!id.isEmpty())
            Q_EMIT requestActivated(id);
    });
    // Selected rows can be replayed against another version (ReplayDialog).
    m_slowest->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_slowest->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *replay = new QAction(tr("Replay selected invocations…"), m_slowest);
    replay->setObjectName(QStringLiteral("replaySelected"));
    m_slowest->addAction(replay);
    connect(replay, &QAction::triggered, this, [this] {
        QStringList ids;
        const QList<QTreeWidgetItem *> selected = m_slowest->selectedItems();
        for (const QTreeWidgetItem *item : selected)
            ids << item->data(RequestCol, Qt::UserRole).toString();
        ids.removeAll(QString());
        if (!ids.isEmpty())
            Q_EMIT replayRequested(ids);
    });
}

QWidget *MonitorPage::buildCharts()
{
    auto *content = new QWidget;
    auto *grid = new QGridLayout(content);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_counts, 1, 0);
    grid->addWidget(m_duration, 1, 1);
    grid->addWidget(m_cold, 2, 0);
    grid->addWidget(m_init, 2, 1);
    grid->addWidget(m_concurrency, 3, 0);
    grid->addWidget(m_cost, 3, 1);
    m_slowestLabel = new QLabel(content);
    grid->addWidget(m_slowestLabel, 4, 0, 1, 2);
    grid->addWidget(m_slowest, 5, 0, 1, 2);
    grid->addWidget(m_compare, 0, 0, 1, 2); // above the others, shown while comparing
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    return scroll;
}

void MonitorPage::setFunction(const QString &name)
{
    if (name == m_function && m_functionSet)
        return;
    m_function = name;
    m_functionSet = true;
    header()->setTitle(name.isEmpty() ? tr("Monitor") : tr("Monitor: %1").arg(name));
    loadComparisons();
    rangeOrFunctionChanged();
}

void MonitorPage::rangeOrFunctionChanged()
{
    newGeneration();
    m_livePercentiles.clear();
    summaryStrip()->clearValues();
    m_slowest->clear();
    restartTimers();
    refresh();
}

void MonitorPage::setRangeIndex(int index)
{
    header()->setRangeIndex(index);
}

int MonitorPage::rangeIndex() const
{
    return header()->rangeIndex();
}

bool MonitorPage::isLive() const
{
    return header()->range().live;
}

bool MonitorPage::showsEmptyState() const
{
    return m_stack->showsHint();
}

int MonitorPage::slowestCount() const
{
    return m_slowest->topLevelItemCount();
}

bool MonitorPage::wantsTimer(const QTimer *timer) const
{
    if (m_function.isEmpty())
        return false;
    return timer != m_liveTimer || isLive();
}

void MonitorPage::refresh()
{
    if (m_function.isEmpty()) {
        header()->setStatus(QString());
        setEmptyText(tr("Select a function in the explorer to see its invocations, durations, cold starts and cost."));
        return;
    }
    if (!isLive())
        return refreshStored();
    refreshLive();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    requestLivePercentiles(now);
    requestSlowest(now - kLiveSeconds * 1000LL);
    requestCompare(now - kLiveSeconds * 1000LL, now, 1);
}

void MonitorPage::refreshLive()
{
    if (m_function.isEmpty() || !isLive())
        return;
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const qint64 nowSecond = nowMs / 1000;
    const QList<store::SeriesPoint> points =
        pointsFromLive(m_studio->liveMetrics()->snapshot(m_function, kLiveSeconds, nowSecond));
    const qint64 to = (nowSecond + 1) * 1000;
    header()->setStatus(tr("Live, 1-second buckets"));
    showPoints(points, liveStartMs(points, to), to, true);
}

void MonitorPage::refreshStored()
{
    const RangePreset range = header()->range();
    if (m_function.isEmpty() || range.live)
        return;
    if (m_seriesInFlight == generation())
        return; // the last query for this function and range is still running
    const qint64 now = range.endMs(QDateTime::currentMSecsSinceEpoch());
    const int resolution = resolutionFor(range.spanMs);
    const qint64 bucketMs = resolution * 1000LL;
    const qint64 from = (now - range.spanMs) / bucketMs * bucketMs;
    const store::SeriesQuery query{m_function, {}, from, now, resolution};
    const quint64 asked = generation();
    m_seriesInFlight = asked;
    m_studio->series(query, this, [this, asked, from, now, resolution](Result<QList<store::SeriesPoint>> r) {
        if (m_seriesInFlight == asked)
            m_seriesInFlight = 0;
        if (!isCurrent(asked))
            return;
        if (!r) {
            header()->setStatus(tr("Could not read metrics: %1").arg(r.error().toString()));
            return;
        }
        header()->setStatus(tr("%1, updated %2")
                                .arg(bucketText(resolution), QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"))));
        showPoints(*r, from, now, false);
    });
    requestSummary(query);
    requestSlowest(from);
    requestCompare(from, now, resolution);
}

void MonitorPage::requestSummary(const store::SeriesQuery &query)
{
    const quint64 asked = generation();
    m_studio->summary(query, this, [this, asked](Result<store::DurationSummary> r) {
        if (!isCurrent(asked))
            return;
        const bool any = r && r->count > 0;
        const QString none = QString(QChar(0x2014));
        summaryStrip()->setValue(QStringLiteral("p50"), any ? formatMs(r->p50Ms) : none);
        summaryStrip()->setValue(QStringLiteral("p99"), any ? formatMs(r->p99Ms) : none);
    });
}

void MonitorPage::requestLivePercentiles(qint64 nowMs)
{
    // The ring buffer keeps no percentiles: the live chart's p50/p99 and the strip's come
    // from the store's 1 s rollups of the same 5 minutes, refreshed every 5 s.
    const store::SeriesQuery query{m_function, {}, nowMs - kLiveSeconds * 1000LL, nowMs, 1};
    requestSummary(query);
    const quint64 asked = generation();
    m_studio->series(query, this, [this, asked](Result<QList<store::SeriesPoint>> r) {
        if (isCurrent(asked) && r)
            m_livePercentiles = std::move(*r);
    });
}

void MonitorPage::requestSlowest(qint64 fromMs)
{
    const quint64 asked = generation();
    m_studio->recentInvocations(m_function, fromMs, kSlowestScanned, this,
                                [this, asked](Result<QList<InvocationRecord>> r) {
                                    if (isCurrent(asked) && r)
                                        showSlowest(std::move(*r));
                                });
}

} // namespace funcdesk::ui
