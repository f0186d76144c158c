#include "timeserieschart.h"

#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLegend>
#include <QLineSeries>
#include <QValueAxis>

#include <cmath>

namespace funcdesk::ui {

TimeSeriesChart::TimeSeriesChart(const QString &title, const QString &unit, QWidget *parent)
    : QChartView(parent), m_time(new QDateTimeAxis), m_values(new QValueAxis)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setAnimationOptions(QChart::NoAnimation);
    // No format here: Qt 6.4's QDateTimeAxis lays out no labels (and no grid) until the
    // format changes after the axis is attached, so setSeries() must be the first to set it.
    m_time->setTickCount(5);
    m_values->setLabelFormat(QStringLiteral("%.3g"));
    m_values->setTickCount(3);
    // Small charts elide axis labels to "..." by default; a number is useless elided.
    m_values->setTruncateLabels(false);
    m_time->setTruncateLabels(false);
    QFont small = m_values->labelsFont();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_values->setLabelsFont(small);
    m_time->setLabelsFont(small);
    m_values->setTitleText(unit);
    m_values->setMin(0);
    chart->addAxis(m_time, Qt::AlignBottom);
    chart->addAxis(m_values, Qt::AlignLeft);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(160);
}

QXYSeries *TimeSeriesChart::seriesNamed(const ChartSeries &s)
{
    for (QXYSeries *existing : std::as_const(m_series))
        if (existing->name() == s.name)
            return existing;
    auto *line = new QLineSeries;
    line->setName(s.name);
    if (s.color.isValid())
        line->setColor(s.color);
    chart()->addSeries(line);
    line->attachAxis(m_time);
    line->attachAxis(m_values);
    m_series.append(line);
    return line;
}

void TimeSeriesChart::setSeries(const QList<ChartSeries> &series, qint64 fromMs, qint64 toMs)
{
    m_max = 0;
    for (const ChartSeries &s : series) {
        seriesNamed(s)->replace(s.points);
        for (const QPointF &p : s.points)
            m_max = std::max(m_max, p.y());
    }
    const qint64 span = std::max<qint64>(1000, toMs - fromMs);
    m_time->setFormat(span > 2 * 86400 * 1000LL ? QStringLiteral("MM-dd HH:mm")
                      : span > 3600 * 1000LL     ? QStringLiteral("HH:mm")
                                                 : QStringLiteral("HH:mm:ss"));
    m_time->setRange(QDateTime::fromMSecsSinceEpoch(fromMs), QDateTime::fromMSecsSinceEpoch(fromMs + span));
    // A "nice" upper bound so the axis does not jitter with every refresh.
    double top = 1;
    if (m_max > 0) {
        const double magnitude = std::pow(10.0, std::floor(std::log10(m_max)));
        top = std::ceil(m_max / magnitude * 1.1) * magnitude;
    }
    m_values->setRange(0, top);
}

int TimeSeriesChart::seriesCount() const
{
    return int(m_series.size());
}

int TimeSeriesChart::pointCount(const QString &series) const
{
    for (const QXYSeries *s : m_series)
        if (s->name() == series)
            return int(s->count());
    return -1;
}

} // namespace funcdesk::ui
