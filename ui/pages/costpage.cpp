#include "costpage.h"

#include "settings/settings.h"
#include "ui/charts/timeserieschart.h"
#include "ui/models/functiontotalsmodel.h"
#include "ui/pages/crossoverpanel.h"
#include "ui/pages/pageheader.h"
#include "ui/pages/summarystrip.h"
#include "ui/pages/telemetry.h"
#include "ui/pages/totalstable.h"
#include "ui/studio.h"
#include "ui/widgets/emptystate.h"

#include <QDateTime>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
constexpr qint64 kMonthMs = 30LL * 24 * 3600 * 1000;

QString price(double usd)
{
    // Prices carry more digits than amounts: $0.0000166667 per GB-s.
    QString s = QString::number(usd, 'f', 10);
    while (s.endsWith(QLatin1Char('0')))
        s.chop(1);
    const qsizetype decimals = s.size() - s.indexOf(QLatin1Char('.')) - 1;
    if (decimals < 2)
        s.append(QString(int(2 - decimals), QLatin1Char('0')));
    return QLatin1Char('$') + s;
}

QGroupBox *textBox(const QString &title, QLabel *text, QWidget *parent)
{
    auto *box = new QGroupBox(title, parent);
    auto *layout = new QVBoxLayout(box);
    text->setTextFormat(Qt::RichText);
    text->setWordWrap(true);
    layout->addWidget(text);
    return box;
}
} // namespace

CostPage::CostPage(Studio *studio, QWidget *parent)
    : TelemetryPage(tr("Cost"), parent),
      m_studio(studio),
      m_costChart(new TimeSeriesChart(tr("Cost over time"), tr("USD"))),
      m_computeChart(new TimeSeriesChart(tr("Compute over time"), tr("GB-s"))),
      m_table(new TotalsTable(tr("Cost per function"), this)),
      m_pricing(new QLabel(this))
{
    header()->setCustomRangeAllowed(true);
    header()->setRanges(storedRanges(), 1, tr("&Range:")); // no live range: costs come from the store
    SummaryStrip *strip = summaryStrip();
    strip->addFigure(QStringLiteral("cost"), tr("Total cost"));
    strip->addFigure(QStringLiteral("requests"), tr("Request charges"), tr("Invocations x price per 1 M requests"));
    strip->addFigure(QStringLiteral("compute"), tr("Compute charges"), tr("Total cost minus request charges"));
    strip->addFigure(QStringLiteral("gbs"), tr("Compute"), tr("Memory (GB) x billed duration (s)"));
    strip->addFigure(QStringLiteral("per1m"), tr("Per 1 M invocations"));
    strip->addFigure(QStringLiteral("month"), tr("Per 30 days at this rate"));

    m_table->sortBy(FunctionTotalsModel::CostColumn, Qt::DescendingOrder);
    m_table->hideColumns({FunctionTotalsModel::ErrorsColumn, FunctionTotalsModel::ErrorRateColumn,
                          FunctionTotalsModel::ThrottlesColumn});
    auto *perFunction = new QVBoxLayout;
    perFunction->addWidget(new QLabel(tr("Cost per function"), this));
    perFunction->addWidget(m_table, 1);
    auto *bottom = new QHBoxLayout;
    bottom->addLayout(perFunction, 2);
    bottom->addWidget(buildExplanations(), 3);
    body()->addWidget(buildCharts(), 3);
    body()->addLayout(bottom, 2);

    addRefreshTimer(5000, [this] { refresh(); });
    connect(header(), &PageHeader::rangeChanged, this, [this] {
        newGeneration();
        m_inFlight = false;
        summaryStrip()->clearValues();
        refresh();
    });
    if (Settings *settings = m_studio->settings()) {
        connect(settings, &Settings::changed, this, [this] {
            showPricing();
            refresh();
        });
    }
    showPricing();
}

QWidget *CostPage::buildCharts()
{
    auto *charts = new QWidget(this);
    auto *row = new QHBoxLayout(charts);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_costChart);
    row->addWidget(m_computeChart);
    m_charts = new EmptyState(charts, this);
    return m_charts;
}

QWidget *CostPage::buildExplanations()
{
    // Serverless against always-on first: the question the figures above lead to.
    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("costTabs"));
    tabs->setDocumentMode(true);
    m_crossover = new CrossoverPanel(m_studio, tabs);
    tabs->addTab(m_crossover, tr("Serverless vs always-on"));
    auto *side = new QWidget(tabs);
    auto *layout = new QVBoxLayout(side);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(textBox(tr("Pricing in effect"), m_pricing, side));
    auto *how = new QLabel(
        tr("<p>Each invocation is billed twice: once per <b>request</b>, and for <b>compute</b>: the memory you "
           "configure (in GB) multiplied by the duration, rounded up to the next <b>1 ms</b>. A 512 MB function "
           "that runs 120.3 ms is billed 121 ms, i.e. 0.5 GB x 0.121 s = 0.0605 GB-s.</p>"
           "<p>Since <b>August 2025</b> the <b>INIT</b> phase (the cold start's initialisation code) is billed "
           "like the handler's duration, so fewer cold starts also means a smaller bill. arm64 compute costs "
           "about 20 % less than x86_64. Throttled requests are not billed.</p>"),
        side);
    layout->addWidget(textBox(tr("How Lambda bills"), how, side));
    layout->addStretch(1);
    tabs->addTab(side, tr("Pricing"));
    return tabs;
}

FunctionTotalsModel *CostPage::totalsModel() const
{
    return m_table->model();
}

QString CostPage::pricingText() const
{
    return m_pricing->text();
}

void CostPage::showPricing()
{
    const Settings *s = m_studio->settings();
    if (!s) {
        m_pricing->setText(tr("No settings available."));
        return;
    }
    const QString yes = tr("yes");
    const QString no = tr("no");
    m_pricing->setText(tr("<table cellspacing=4>"
                          "<tr><td>Requests</td><td align=right><b>%1</b> per 1 M</td></tr>"
                          "<tr><td>Compute, x86_64</td><td align=right><b>%2</b> per GB-s</td></tr>"
                          "<tr><td>Compute, arm64</td><td align=right><b>%3</b> per GB-s</td></tr>"
                          "<tr><td>INIT phase billed</td><td align=right><b>%4</b></td></tr>"
                          "<tr><td>Free tier</td><td align=right><b>%5</b></td></tr>"
                          "</table><p>Change these in Settings.</p>")
                           .arg(price(s->pricePerMillionRequests()), price(s->pricePerGbSecondX86()),
                                price(s->pricePerGbSecondArm()), s->billInit() ? yes : no,
                                s->freeTier() ? tr("on (1 M requests and 400,000 GB-s a month)") : tr("off")));
}

void CostPage::refresh()
{
    if (m_inFlight)
        return;
    const RangePreset range = header()->range();
    const qint64 now = range.endMs(QDateTime::currentMSecsSinceEpoch());
    const int resolution = resolutionFor(range.spanMs);
    const qint64 bucketMs = resolution * 1000LL;
    const qint64 from = (now - range.spanMs) / bucketMs * bucketMs;
    const quint64 asked = generation();
    m_inFlight = true;
    m_studio->series(store::SeriesQuery{QString(), QString(), from, now, resolution}, this,
                     [this, asked, from, now](Result<QList<store::SeriesPoint>> r) {
                         if (!isCurrent(asked))
                             return;
                         m_inFlight = false;
                         if (!r) {
                             header()->setStatus(tr("Could not read costs: %1").arg(r.error().toString()));
                             return;
                         }
                         header()->setUpdatedNow();
                         showSeries(*r, from, now);
                     });
    m_studio->totals(from, this, [this, asked, from, now](Result<QList<store::FunctionTotals>> r) {
        if (!isCurrent(asked) || !r)
            return;
        QList<store::FunctionTotals> totals = std::move(*r);
        totals.removeIf([](const store::FunctionTotals &t) { return t.invocations == 0; });
        QStringList invoked;
        for (const store::FunctionTotals &t : std::as_const(totals))
            invoked << t.function;
        m_crossover->setFunctions(invoked, from, now);
        m_table->setTotals(std::move(totals), tr("Nothing was billed in this range."));
    });
}

void CostPage::showSeries(const QList<store::SeriesPoint> &points, qint64 fromMs, qint64 toMs)
{
    const RangeTotals t = totalsOf(points);
    const Settings *s = m_studio->settings();
    const double requests = s ? double(t.invocations) * s->pricePerMillionRequests() / 1e6 : 0;
    SummaryStrip *strip = summaryStrip();
    strip->setValue(QStringLiteral("cost"), formatUsd(t.costUsd));
    strip->setValue(QStringLiteral("requests"), formatUsd(requests));
    strip->setValue(QStringLiteral("compute"), formatUsd(std::max(0.0, t.costUsd - requests)));
    strip->setValue(QStringLiteral("gbs"), formatGbSeconds(t.gbSeconds));
    strip->setValue(QStringLiteral("per1m"), t.invocations > 0 ? formatUsd(t.costUsd / double(t.invocations) * 1e6) : QString(QChar(0x2014)));
    strip->setValue(QStringLiteral("month"),
                    formatUsd(t.costUsd * double(kMonthMs) / double(std::max<qint64>(1, toMs - fromMs))));
    if (t.empty()) {
        m_charts->showHint(tr("No invocations in this range, so nothing was billed.\n"
                              "Invoke a function from its Test tab to see what it costs."));
        return;
    }
    m_charts->showContent();
    using P = store::SeriesPoint;
    m_costChart->setSeries({seriesOf(tr("Cost (USD)"), palette::cost(), points, [](const P &p) { return p.costUsd; })},
                           fromMs, toMs);
    m_computeChart->setSeries({seriesOf(tr("Compute (GB-s)"), palette::concurrency(), points,
                                        [](const P &p) { return p.gbSeconds; })},
                              fromMs, toMs);
    m_studio->changeEvents(QString(), fromMs, toMs, this, [this](Result<QList<ChangeEvent>> events) {
        if (!events)
            return;
        const QList<ChartMarker> markers = markersOf(*events);
        m_costChart->setMarkers(markers);
        m_computeChart->setMarkers(markers);
    });
}

} // namespace funcdesk::ui
