#include "dashboardpage.h"

#include "ui/widgets/labels.h"

#include "ui/charts/timeserieschart.h"
#include "ui/models/functiontotalsmodel.h"
#include "ui/pages/summarystrip.h"
#include "ui/pages/telemetry.h"
#include "ui/studio.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
constexpr int kLiveSeconds = 300;
constexpr int kRateSeconds = 10; // "invocations/s now" averages the last 10 seconds

struct TotalsRange
{
    QString label;
    qint64 spanMs; // 0: everything retained
};

QList<TotalsRange> totalsRanges()
{
    return {{DashboardPage::tr("Last hour"), 3600 * 1000LL},
            {DashboardPage::tr("Last 24 hours"), 24 * 3600 * 1000LL},
            {DashboardPage::tr("Last 7 days"), 7 * 24 * 3600 * 1000LL},
            {DashboardPage::tr("All retained"), 0}};
}

} // namespace

DashboardPage::DashboardPage(Studio *studio, QWidget *parent)
    : QWidget(parent),
      m_studio(studio),
      m_range(new QComboBox(this)),
      m_status(mutedLabel({}, this)),
      m_strip(new SummaryStrip(this)),
      m_live(new TimeSeriesChart(tr("All functions, live"), tr("per second"), this)),
      m_durations(new TimeSeriesChart(tr("All functions, duration (last 5 min)"), tr("ms"), this)),
      m_tableStack(new QStackedWidget(this)),
      m_table(new QTableView(this)),
      m_empty(mutedLabel({}, this)),
      m_model(new FunctionTotalsModel(this)),
      m_proxy(new QSortFilterProxyModel(this))
{
    auto *title = new QLabel(tr("Dashboard"), this);
    makePageTitle(title);
    for (const TotalsRange &r : totalsRanges())
        m_range->addItem(r.label);
    m_range->setCurrentIndex(1);
    m_range->setAccessibleName(tr("Totals range"));
    auto *rangeLabel = new QLabel(tr("&Totals over:"), this);
    rangeLabel->setBuddy(m_range);
    auto *top = new QHBoxLayout;
    top->addWidget(title);
    top->addStretch(1);
    top->addWidget(m_status);
    top->addSpacing(12);
    top->addWidget(rangeLabel);
    top->addWidget(m_range);

    m_strip->addFigure(QStringLiteral("rate"), tr("Invocations/s now"), tr("Average over the last 10 seconds, all functions"));
    m_strip->addFigure(QStringLiteral("functions"), tr("Functions invoked"));
    m_strip->addFigure(QStringLiteral("invocations"), tr("Invocations"));
    m_strip->addFigure(QStringLiteral("errors"), tr("Errors"));
    m_strip->addFigure(QStringLiteral("throttles"), tr("Throttles"));
    m_strip->addFigure(QStringLiteral("cost"), tr("Cost"));

    auto *charts = new QHBoxLayout;
    charts->addWidget(m_live);
    charts->addWidget(m_durations);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(FunctionTotalsModel::SortRole);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(FunctionTotalsModel::FunctionColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(FunctionTotalsModel::FunctionColumn, QHeaderView::Stretch);
    m_table->setAccessibleName(tr("Totals per function"));
    // Double-click or Enter opens the function.
    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        const QString name = index.data(FunctionTotalsModel::FunctionRole).toString();
        if (!name.isEmpty())
            Q_EMIT functionActivated(name);
    });
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_tableStack->addWidget(m_table);
    m_tableStack->addWidget(m_empty);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_strip);
    layout->addLayout(charts, 3);
    layout->addWidget(new QLabel(tr("Per function (double-click to open)"), this));
    layout->addWidget(m_tableStack, 2);

    m_liveTimer.setInterval(1000);
    m_storeTimer.setInterval(5000);
    connect(&m_liveTimer, &QTimer::timeout, this, &DashboardPage::refreshLive);
    connect(&m_storeTimer, &QTimer::timeout, this, [this] {
        refreshTotals();
        refreshDurations();
    });
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        ++m_generation;
        m_totalsInFlight = false;
        refreshTotals();
    });
    connect(m_studio, &Studio::functionsChanged, this, [this] {
        if (isVisible())
            refreshTotals();
    });
}

void DashboardPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_liveTimer.start();
    m_storeTimer.start();
    refresh();
}

void DashboardPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_liveTimer.stop();
    m_storeTimer.stop();
}

void DashboardPage::refresh()
{
    refreshLive();
    refreshTotals();
    refreshDurations();
}

qint64 DashboardPage::rangeStartMs() const
{
    const QList<TotalsRange> ranges = totalsRanges();
    const int i = std::clamp(m_range->currentIndex(), 0, int(ranges.size()) - 1);
    return ranges.at(i).spanMs > 0 ? QDateTime::currentMSecsSinceEpoch() - ranges.at(i).spanMs : 0;
}

void DashboardPage::refreshTotals()
{
    if (m_totalsInFlight)
        return;
    m_totalsInFlight = true;
    const quint64 generation = m_generation;
    m_studio->totals(rangeStartMs(), this, [this, generation](Result<QList<store::FunctionTotals>> r) {
        if (generation != m_generation)
            return;
        m_totalsInFlight = false;
        if (!r) {
            m_status->setText(tr("Could not read totals: %1").arg(r.error().toString()));
            return;
        }
        m_status->setText(tr("Updated %1").arg(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"))));
        QList<store::FunctionTotals> totals = std::move(*r);
        totals.removeIf([](const store::FunctionTotals &t) { return t.invocations == 0 && t.throttles == 0; });
        m_model->setTotals(totals);
        qint64 errors = 0;
        qint64 throttles = 0;
        for (const store::FunctionTotals &t : std::as_const(totals)) {
            errors += t.errors;
            throttles += t.throttles;
        }
        m_strip->setValue(QStringLiteral("functions"), QString::number(totals.size()));
        m_strip->setValue(QStringLiteral("invocations"), formatCount(double(m_model->totalInvocations())));
        m_strip->setValue(QStringLiteral("errors"), formatCount(double(errors)), errors > 0 ? palette::errors() : QColor());
        m_strip->setValue(QStringLiteral("throttles"), formatCount(double(throttles)),
                          throttles > 0 ? palette::throttles() : QColor());
        m_strip->setValue(QStringLiteral("cost"), formatUsd(m_model->totalCostUsd()));
        if (totals.isEmpty()) {
            m_empty->setText(tr("No invocations in this range.\nCreate a function in the explorer on the left, "
                                "then invoke it from its Test tab."));
            m_tableStack->setCurrentWidget(m_empty);
        } else {
            m_tableStack->setCurrentWidget(m_table);
        }
    });
}

void DashboardPage::refreshLive()
{
    const qint64 nowSecond = QDateTime::currentMSecsSinceEpoch() / 1000;
    const metrics::Series live = m_studio->liveMetrics()->snapshot(QString(), kLiveSeconds, nowSecond);
    const QList<store::SeriesPoint> points = pointsFromLive(live);
    const qint64 from = live.points.empty() ? (nowSecond - kLiveSeconds + 1) * 1000 : live.firstSecond * 1000;
    using P = store::SeriesPoint;
    m_live->setSeries({seriesOf(tr("Invocations/s"), palette::invocations(), points, [](const P &p) { return double(p.invocations); }),
                       seriesOf(tr("Errors/s"), palette::errors(), points, [](const P &p) { return double(p.errors); }),
                       seriesOf(tr("Throttles/s"), palette::throttles(), points, [](const P &p) { return double(p.throttles); })},
                      from, (nowSecond + 1) * 1000);
    qint64 recent = 0;
    for (qsizetype i = std::max<qsizetype>(0, points.size() - kRateSeconds); i < points.size(); ++i)
        recent += points.at(i).invocations;
    m_strip->setValue(QStringLiteral("rate"), formatCount(double(recent) / kRateSeconds));
}

void DashboardPage::refreshDurations()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 from = now - kLiveSeconds * 1000LL;
    m_studio->series(store::SeriesQuery{QString(), QString(), from, now, 1}, this,
                     [this, from, now](Result<QList<store::SeriesPoint>> r) {
                         if (!r)
                             return;
                         using P = store::SeriesPoint;
                         m_durations->setSeries({seriesOf(tr("p50"), palette::p50(), *r, [](const P &p) { return p.p50Ms; }, hasInvocations),
                                                 seriesOf(tr("p99"), palette::p99(), *r, [](const P &p) { return p.p99Ms; }, hasInvocations)},
                                                from, now);
                     });
}

} // namespace funcdesk::ui
