#include "labcharts.h"

#include <QApplication>
#include <QChart>
#include <QLegend>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPalette>
#include <QScatterSeries>
#include <QValueAxis>

#include <cmath>

namespace funcdesk::ui {

namespace {

// The chart's surfaces and text from the palette, not QtCharts' own light theme.
QChart *paletteChart(QWidget *view)
{
    auto *chart = new QChart;
    const QPalette pal = view->palette();
    chart->setBackgroundBrush(pal.color(QPalette::Base));
    chart->setTitleBrush(pal.color(QPalette::Text));
    chart->legend()->setLabelColor(pal.color(QPalette::Text));
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(4, 4, 4, 4));
    return chart;
}

template<typename Axis>
void styleAxis(Axis *axis, const QPalette &pal)
{
    axis->setLabelsColor(pal.color(QPalette::Text));
    axis->setTitleBrush(pal.color(QPalette::Text));
    QColor grid = pal.color(QPalette::Text);
    grid.setAlphaF(0.12);
    axis->setGridLineColor(grid);
    axis->setLinePenColor(grid);
}

const QColor kDurationColor(0x2f, 0x7e, 0xd8);
const QColor kCostColor(0xd8, 0x7a, 0x2f);

} // namespace

PowerTuningChart::PowerTuningChart(QWidget *parent)
    : QChartView(parent), m_duration(new QLineSeries), m_cost(new QLineSeries), m_memory(new QValueAxis),
      m_ms(new QValueAxis), m_usd(new QValueAxis)
{
    setObjectName(QStringLiteral("powerTuningChart"));
    QChart *c = paletteChart(this);
    setChart(c);
    setRenderHint(QPainter::Antialiasing);
    m_duration->setName(tr("Average duration (ms)"));
    m_cost->setName(tr("Cost per invocation (µ$)"));
    m_duration->setPen(QPen(kDurationColor, 2));
    m_cost->setPen(QPen(kCostColor, 2));
    m_duration->setPointsVisible(true);
    m_cost->setPointsVisible(true);
    c->addSeries(m_duration);
    c->addSeries(m_cost);
    m_memory->setTitleText(tr("Memory (MB)"));
    m_memory->setLabelFormat(QStringLiteral("%d"));
    m_memory->setTickType(QValueAxis::TicksDynamic); // ticks at round sizes, not at fifths of the range
    m_memory->setTickAnchor(0);
    m_ms->setTitleText(tr("ms"));
    m_usd->setTitleText(tr("µ$"));
    m_ms->setLabelFormat(QStringLiteral("%.0f"));
    m_usd->setLabelFormat(QStringLiteral("%.3f"));
    for (QAbstractAxis *a : {static_cast<QAbstractAxis *>(m_memory), static_cast<QAbstractAxis *>(m_ms), static_cast<QAbstractAxis *>(m_usd)})
        styleAxis(static_cast<QValueAxis *>(a), palette());
    m_ms->setLabelsColor(kDurationColor);
    m_usd->setLabelsColor(kCostColor);
    c->addAxis(m_memory, Qt::AlignBottom);
    c->addAxis(m_ms, Qt::AlignLeft);
    c->addAxis(m_usd, Qt::AlignRight);
    m_duration->attachAxis(m_memory);
    m_duration->attachAxis(m_ms);
    m_cost->attachAxis(m_memory);
    m_cost->attachAxis(m_usd);
    c->setTitle(tr("Power tuning: run one to see duration and cost against memory"));
}

void PowerTuningChart::setResult(const lab::TuningResult &r)
{
    QList<QPointF> duration;
    QList<QPointF> cost;
    double maxMs = 0;
    double maxUsd = 0;
    int maxMb = 0;
    for (const lab::PowerResult &p : r.results) {
        if (p.samples == 0)
            continue;
        duration.append(QPointF(p.memoryMb, p.avgDurationMs));
        cost.append(QPointF(p.memoryMb, p.avgCostUsd * 1e6));
        maxMs = std::max(maxMs, p.avgDurationMs);
        maxUsd = std::max(maxUsd, p.avgCostUsd * 1e6);
        maxMb = std::max(maxMb, p.memoryMb);
    }
    m_duration->replace(duration);
    m_cost->replace(cost);
    m_memory->setRange(0, std::max(256, maxMb + 128));
    m_memory->setTickInterval(maxMb > 4096 ? 2048 : maxMb > 2048 ? 1024
                                                                 : 512);
    m_ms->setRange(0, maxMs * 1.15 + 1);
    m_usd->setRange(0, maxUsd * 1.15 + 1e-6);
    chart()->setTitle(tr("Fastest %1 MB · cheapest %2 MB · %3 choice %4 MB%5")
                          .arg(r.fastestMemoryMb)
                          .arg(r.cheapestMemoryMb)
                          .arg(lab::strategyName(r.strategy))
                          .arg(r.chosenMemoryMb)
                          .arg(r.cpuScaled ? QString() : tr(" · CPU not scaled")));
}

int PowerTuningChart::pointCount() const
{
    return int(m_duration->count());
}

CrossoverChart::CrossoverChart(QWidget *parent)
    : QChartView(parent), m_lambda(new QLineSeries), m_server(new QLineSeries), m_marker(new QScatterSeries),
      m_rate(new QLogValueAxis), m_usd(new QLogValueAxis)
{
    setObjectName(QStringLiteral("crossoverChart"));
    QChart *c = paletteChart(this);
    setChart(c);
    setRenderHint(QPainter::Antialiasing);
    m_lambda->setPen(QPen(kDurationColor, 2));
    m_server->setPen(QPen(kCostColor, 2));
    m_marker->setName(tr("Crossover"));
    m_marker->setMarkerSize(10);
    m_marker->setColor(palette().color(QPalette::Text));
    c->addSeries(m_lambda);
    c->addSeries(m_server);
    c->addSeries(m_marker);
    m_rate->setTitleText(tr("Steady requests per second"));
    m_usd->setTitleText(tr("$ per month"));
    m_rate->setLabelFormat(QStringLiteral("%g"));
    m_usd->setLabelFormat(QStringLiteral("%g"));
    styleAxis(m_rate, palette());
    styleAxis(m_usd, palette());
    c->addAxis(m_rate, Qt::AlignBottom);
    c->addAxis(m_usd, Qt::AlignLeft);
    for (QAbstractSeries *s : {static_cast<QAbstractSeries *>(m_lambda), static_cast<QAbstractSeries *>(m_server),
                               static_cast<QAbstractSeries *>(m_marker)}) {
        s->attachAxis(m_rate);
        s->attachAxis(m_usd);
    }
    c->setTitle(tr("Pay-per-use against always-on"));
}

void CrossoverChart::setModel(double billedMs, int memoryMb, const lab::AlwaysOnInstance &instance,
                              const store::CostModel &model)
{
    m_crossover = lab::crossoverRequestsPerSecond(billedMs, memoryMb, instance, model);
    const double cap = lab::requestsPerSecondPerInstance(instance, billedMs);
    const double hi = std::isfinite(m_crossover) ? std::max(m_crossover * 20, 10.0) : std::max(cap * 2, 10.0);
    const double lo = std::min(0.01, hi / 1e4);
    QList<QPointF> lambda;
    QList<QPointF> server;
    // Log-spaced rates, plus the points where another instance is needed (the steps).
    for (int i = 0; i <= 200; ++i) {
        const double rate = lo * std::pow(hi / lo, i / 200.0);
        lambda.append(QPointF(rate, lab::lambdaMonthlyCost(rate, billedMs, memoryMb, model)));
        server.append(QPointF(rate, lab::alwaysOnMonthlyCost(rate, billedMs, instance)));
    }
    m_lambda->setName(tr("Lambda (%1 MB, %2 ms billed)").arg(memoryMb).arg(billedMs, 0, 'f', 1));
    m_server->setName(tr("%1, always on").arg(instance.name));
    m_lambda->replace(lambda);
    m_server->replace(server);
    m_marker->clear();
    double top = 1;
    for (const QPointF &p : std::as_const(lambda))
        top = std::max(top, p.y());
    for (const QPointF &p : std::as_const(server))
        top = std::max(top, p.y());
    double bottom = std::max(1e-4, lambda.first().y() / 2);
    if (std::isfinite(m_crossover)) {
        const double at = lab::alwaysOnMonthlyCost(m_crossover, billedMs, instance);
        m_marker->append(m_crossover, at);
    }
    m_rate->setRange(lo, hi);
    m_usd->setRange(bottom, top * 2);
    chart()->setTitle(tr("Monthly cost at a steady request rate"));
    m_explanation = lab::explainCrossover(billedMs, memoryMb, instance, model);
}

} // namespace funcdesk::ui
