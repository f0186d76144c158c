#include "dashboardpage.h"

#include "ui/charts/timeserieschart.h"
#include "ui/models/functiontotalsmodel.h"
#include "ui/pages/pageheader.h"
#include "ui/pages/summarystrip.h"
#include "ui/pages/telemetry.h"
#include "ui/pages/totalstable.h"
#include "ui/studio.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
constexpr int kLiveSeconds = 300;
constexpr int kRateSeconds = 10; // "invocations/s now" averages the last 10 seconds
} // namespace

DashboardPage::DashboardPage(Studio *studio, QWidget *parent)
    : TelemetryPage(tr("Dashboard"), parent),
      m_studio(studio),
      m_live(new TimeSeriesChart(tr("All functions, live"), tr("per second"), this)),
      m_durations(new TimeSeriesChart(tr("All functions, duration"), tr("ms"), this)),
      m_table(new TotalsTable(tr("Totals per function"), this))
{
    header()->setRanges(totalsRanges(), 1, tr("&Totals over:"));
    summaryStrip()->addFigure(QStringLiteral("rate"), tr("Invocations/s now"), tr("Average over the last 10 seconds, all functions"));
    summaryStrip()->addFigure(QStringLiteral("functions"), tr("Functions invoked"));
    summaryStrip()->addFigure(QStringLiteral("invocations"), tr("Invocations"));
    summaryStrip()->addFigure(QStringLiteral("errors"), tr("Errors"));
    summaryStrip()->addFigure(QStringLiteral("throttles"), tr("Throttles"));
    summaryStrip()->addFigure(QStringLiteral("cost"), tr("Cost"));

    auto *charts = new QHBoxLayout;
    charts->addWidget(m_live);
    charts->addWidget(m_durations);
    m_table->sortBy(FunctionTotalsModel::FunctionColumn, Qt::AscendingOrder);
    body()->addLayout(charts, 3);
    body()->addWidget(new QLabel(tr("Per function (double-click to open)"), this));
    body()->addWidget(m_table, 2);

    addRefreshTimer(1000, [this] { refreshLive(); });
    addRefreshTimer(5000, [this] {
        refreshTotals();
        refreshDurations();
    });
    connect(m_table, &TotalsTable::functionActivated, this, &DashboardPage::functionActivated);
    connect(header(), &PageHeader::rangeChanged, this, [this] {
        newGeneration();
        m_totalsInFlight = false;
        refreshTotals();
    });
    connect(m_studio, &Studio::functionsChanged, this, [this] {
        if (isVisible())
            refreshTotals();
    });
}

FunctionTotalsModel *DashboardPage::totalsModel() const
{
    return m_table->model();
}

void DashboardPage::refresh()
{
    refreshLive();
    refreshTotals();
    refreshDurations();
}

void DashboardPage::refreshTotals()
{
    if (m_totalsInFlight)
        return;
    m_totalsInFlight = true;
    const quint64 asked = generation();
    const qint64 from = header()->range().startMs(QDateTime::currentMSecsSinceEpoch());
    m_studio->totals(from, this, [this, asked](Result<QList<store::FunctionTotals>> r) {
        if (!isCurrent(asked))
            return;
        m_totalsInFlight = false;
        if (!r) {
            header()->setStatus(tr("Could not read totals: %1").arg(r.error().toString()));
            return;
        }
        header()->setUpdatedNow();
        QList<store::FunctionTotals> totals = std::move(*r);
        totals.removeIf([](const store::FunctionTotals &t) { return t.invocations == 0 && t.throttles == 0; });
        qint64 errors = 0;
        qint64 throttles = 0;
        for (const store::FunctionTotals &t : std::as_const(totals)) {
            errors += t.errors;
            throttles += t.throttles;
        }
        SummaryStrip *strip = summaryStrip();
        strip->setValue(QStringLiteral("functions"), QString::number(totals.size()));
        m_table->setTotals(std::move(totals), tr("No invocations in this range.\nCreate a function in the Functions "
                                                 "mode, then invoke it from its Test tab."));
        strip->setValue(QStringLiteral("invocations"), formatCount(double(totalsModel()->totalInvocations())));
        strip->setValue(QStringLiteral("errors"), formatCount(double(errors)), errors > 0 ? palette::errors() : QColor());
        strip->setValue(QStringLiteral("throttles"), formatCount(double(throttles)),
                        throttles > 0 ? palette::throttles() : QColor());
        strip->setValue(QStringLiteral("cost"), formatUsd(totalsModel()->totalCostUsd()));
    });
}

void DashboardPage::refreshLive()
{
    const qint64 nowSecond = QDateTime::currentMSecsSinceEpoch() / 1000;
    const metrics::Series live = m_studio->liveMetrics()->snapshot(QString(), kLiveSeconds, nowSecond);
    const QList<store::SeriesPoint> points = pointsFromLive(live);
    const qint64 to = (nowSecond + 1) * 1000;
    m_liveFromMs = liveStartMs(points, to);
    using P = store::SeriesPoint;
    // Invocations stacked: warm at the bottom, cold starts on top of them.
    ChartSeries warm = seriesOf(tr("Warm/s"), palette::invocations(), points,
                                [](const P &p) { return double(p.invocations - p.coldStarts); });
    warm.area = true;
    ChartSeries cold = seriesOf(tr("Cold/s"), palette::cold(), points, [](const P &p) { return double(p.coldStarts); });
    cold.area = true;
    cold.stackedOn = warm.name;
    m_live->setSeries({warm, cold,
                       seriesOf(tr("Errors/s"), palette::errors(), points, [](const P &p) { return double(p.errors); }),
                       seriesOf(tr("Throttles/s"), palette::throttles(), points, [](const P &p) { return double(p.throttles); })},
                      m_liveFromMs, to);
    if (nowSecond % 5 == 0) // markers change rarely: every 5 s is plenty
        m_studio->changeEvents(QString(), m_liveFromMs, to, this, [this](Result<QList<ChangeEvent>> events) {
            if (!events)
                return;
            const QList<ChartMarker> markers = markersOf(*events);
            m_live->setMarkers(markers);
            m_durations->setMarkers(markers);
        });
    qint64 recent = 0;
    for (qsizetype i = std::max<qsizetype>(0, points.size() - kRateSeconds); i < points.size(); ++i)
        recent += points.at(i).invocations;
    summaryStrip()->setValue(QStringLiteral("rate"), formatCount(double(recent) / kRateSeconds));
}

void DashboardPage::refreshDurations()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // The same span as the live chart beside it, so their time axes line up.
    const qint64 from = m_liveFromMs > 0 ? m_liveFromMs : now - kLiveSeconds * 1000LL;
    m_studio->series(store::SeriesQuery{QString(), QString(), from, now, 1}, this,
                     [this, from, now](Result<QList<store::SeriesPoint>> r) {
                         if (!r)
                             return;
                         using P = store::SeriesPoint;
                         m_durations->setSeries({seriesOf(
                                                     tr("p50"), palette::p50(), *r, [](const P &p) { return p.p50Ms; }, hasInvocations),
                                                 seriesOf(
                                                     tr("p99"), palette::p99(), *r, [](const P &p) { return p.p99Ms; }, hasInvocations)},
                                                from, now);
                     });
}

} // namespace funcdesk::ui
