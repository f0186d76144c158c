#include "costpage.h"

#include "ui/widgets/labels.h"

#include "settings/settings.h"
#include "ui/charts/timeserieschart.h"
#include "ui/models/functiontotalsmodel.h"
#include "ui/pages/summarystrip.h"
#include "ui/pages/telemetry.h"
#include "ui/studio.h"

#include <QComboBox>
#include <QDateTime>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
constexpr qint64 kMonthMs = 30LL * 24 * 3600 * 1000;

QList<RangePreset> costRanges()
{
    QList<RangePreset> ranges = monitorRanges();
    ranges.removeFirst(); // no live range: costs come from the store
    return ranges;
}

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
} // namespace

CostPage::CostPage(Studio *studio, QWidget *parent)
    : QWidget(parent),
      m_studio(studio),
      m_range(new QComboBox(this)),
      m_status(new QLabel(this)),
      m_strip(new SummaryStrip(this)),
      m_chartStack(new QStackedWidget(this)),
      m_costChart(new TimeSeriesChart(tr("Cost over time"), tr("USD"))),
      m_computeChart(new TimeSeriesChart(tr("Compute over time"), tr("GB-s"))),
      m_empty(new QLabel(this)),
      m_table(new QTableView(this)),
      m_model(new FunctionTotalsModel(this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_pricing(new QLabel(this))
{
    auto *title = new QLabel(tr("Cost"), this);
    makePageTitle(title);
    for (const RangePreset &r : costRanges())
        m_range->addItem(r.label);
    m_range->setCurrentIndex(1);
    auto *rangeLabel = new QLabel(tr("&Range:"), this);
    rangeLabel->setBuddy(m_range);
    auto *top = new QHBoxLayout;
    top->addWidget(title);
    top->addStretch(1);
    top->addWidget(m_status);
    top->addSpacing(12);
    top->addWidget(rangeLabel);
    top->addWidget(m_range);

    m_strip->addFigure(QStringLiteral("cost"), tr("Total cost"));
    m_strip->addFigure(QStringLiteral("requests"), tr("Request charges"), tr("Invocations x price per 1 M requests"));
    m_strip->addFigure(QStringLiteral("compute"), tr("Compute charges"), tr("Total cost minus request charges"));
    m_strip->addFigure(QStringLiteral("gbs"), tr("Compute"), tr("Memory (GB) x billed duration (s)"));
    m_strip->addFigure(QStringLiteral("per1m"), tr("Per 1 M invocations"));
    m_strip->addFigure(QStringLiteral("month"), tr("Per 30 days at this rate"));

    auto *charts = new QWidget;
    auto *chartsLayout = new QHBoxLayout(charts);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->addWidget(m_costChart);
    chartsLayout->addWidget(m_computeChart);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    QPalette muted = m_empty->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    m_empty->setPalette(muted);
    m_status->setPalette(muted);
    m_chartStack->addWidget(charts);
    m_chartStack->addWidget(m_empty);

    auto *pricingBox = new QGroupBox(tr("Pricing in effect"), this);
    auto *pricingLayout = new QVBoxLayout(pricingBox);
    m_pricing->setTextFormat(Qt::RichText);
    m_pricing->setWordWrap(true);
    pricingLayout->addWidget(m_pricing);
    auto *howBox = new QGroupBox(tr("How Lambda bills"), this);
    auto *howLayout = new QVBoxLayout(howBox);
    auto *how = new QLabel(
        tr("<p>Each invocation is billed twice: once per <b>request</b>, and for <b>compute</b>: the memory you "
           "configure (in GB) multiplied by the duration, rounded up to the next <b>1 ms</b>. A 512 MB function "
           "that runs 120.3 ms is billed 121 ms, i.e. 0.5 GB x 0.121 s = 0.0605 GB-s.</p>"
           "<p>Since <b>August 2025</b> the <b>INIT</b> phase (the cold start's initialisation code) is billed "
           "like the handler's duration, so fewer cold starts also means a smaller bill. arm64 compute costs "
           "about 20 % less than x86_64. Throttled requests are not billed.</p>"),
        howBox);
    how->setTextFormat(Qt::RichText);
    how->setWordWrap(true);
    howLayout->addWidget(how);
    auto *side = new QVBoxLayout;
    side->addWidget(pricingBox);
    side->addWidget(howBox);
    side->addStretch(1);


    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(FunctionTotalsModel::SortRole);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(FunctionTotalsModel::CostColumn, Qt::DescendingOrder);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    for (int c : {FunctionTotalsModel::ErrorsColumn, FunctionTotalsModel::ErrorRateColumn,
                  FunctionTotalsModel::ThrottlesColumn})
        m_table->setColumnHidden(c, true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(FunctionTotalsModel::FunctionColumn, QHeaderView::Stretch);
    m_table->setAccessibleName(tr("Cost per function"));

    auto *perFunction = new QVBoxLayout;
    perFunction->addWidget(new QLabel(tr("Cost per function"), this));
    perFunction->addWidget(m_table, 1);
    auto *bottom = new QHBoxLayout;
    bottom->addLayout(perFunction, 3);
    bottom->addLayout(side, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_strip);
    layout->addWidget(m_chartStack, 3);
    layout->addLayout(bottom, 2);

    m_timer.setInterval(5000);
    connect(&m_timer, &QTimer::timeout, this, &CostPage::refresh);
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        ++m_generation;
        m_inFlight = false;
        m_strip->clearValues();
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

void CostPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_timer.start();
    refresh();
}

void CostPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_timer.stop();
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
    const QList<RangePreset> ranges = costRanges();
    const RangePreset range = ranges.at(std::clamp(m_range->currentIndex(), 0, int(ranges.size()) - 1));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const int resolution = resolutionFor(range.spanMs);
    const qint64 bucketMs = resolution * 1000LL;
    const qint64 from = (now - range.spanMs) / bucketMs * bucketMs;
    const quint64 generation = m_generation;
    m_inFlight = true;
    m_studio->series(store::SeriesQuery{QString(), QString(), from, now, resolution}, this,
                     [this, generation, from, now](Result<QList<store::SeriesPoint>> r) {
                         if (generation != m_generation)
                             return;
                         m_inFlight = false;
                         if (!r) {
                             m_status->setText(tr("Could not read costs: %1").arg(r.error().toString()));
                             return;
                         }
                         m_status->setText(tr("Updated %1").arg(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"))));
                         const RangeTotals t = totalsOf(*r);
                         const Settings *s = m_studio->settings();
                         const double requests = s ? double(t.invocations) * s->pricePerMillionRequests() / 1e6 : 0;
                         m_strip->setValue(QStringLiteral("cost"), formatUsd(t.costUsd));
                         m_strip->setValue(QStringLiteral("requests"), formatUsd(requests));
                         m_strip->setValue(QStringLiteral("compute"), formatUsd(std::max(0.0, t.costUsd - requests)));
                         m_strip->setValue(QStringLiteral("gbs"), formatGbSeconds(t.gbSeconds));
                         m_strip->setValue(QStringLiteral("per1m"),
                                           t.invocations > 0 ? formatUsd(t.costUsd / double(t.invocations) * 1e6)
                                                             : QString(QChar(0x2014)));
                         m_strip->setValue(QStringLiteral("month"),
                                           formatUsd(t.costUsd * double(kMonthMs) / double(std::max<qint64>(1, now - from))));
                         if (t.empty()) {
                             m_empty->setText(tr("No invocations in this range, so nothing was billed.\n"
                                                 "Invoke a function from its Test tab to see what it costs."));
                             m_chartStack->setCurrentWidget(m_empty);
                             return;
                         }
                         m_chartStack->setCurrentIndex(0);
                         using P = store::SeriesPoint;
                         m_costChart->setSeries({seriesOf(tr("Cost (USD)"), palette::cost(), *r, [](const P &p) { return p.costUsd; })},
                                                from, now);
                         m_computeChart->setSeries({seriesOf(tr("Compute (GB-s)"), palette::concurrency(), *r,
                                                             [](const P &p) { return p.gbSeconds; })},
                                                   from, now);
                     });
    m_studio->totals(from, this, [this, generation](Result<QList<store::FunctionTotals>> r) {
        if (generation != m_generation || !r)
            return;
        QList<store::FunctionTotals> totals = std::move(*r);
        totals.removeIf([](const store::FunctionTotals &t) { return t.invocations == 0; });
        m_model->setTotals(std::move(totals));
    });
}

} // namespace funcdesk::ui
