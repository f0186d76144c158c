#include "timeserieschart.h"

#include "ui/theme.h"

#include <QChart>
#include <QToolTip>
#include <QMouseEvent>
#include <QHelpEvent>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLegend>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace funcdesk::ui {

namespace {
constexpr int kMarkersUpTo = 2; // one lone point draws no line: show such points as dots

QColor mix(const QColor &a, const QColor &b, qreal t)
{
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                            a.blueF() + (b.blueF() - a.blueF()) * t);
}
} // namespace

TimeSeriesChart::TimeSeriesChart(const QString &title, const QString &unit, QWidget *parent)
    : QChartView(parent), m_time(new QDateTimeAxis), m_values(new QValueAxis), m_emptyText(tr("No data in this range"))
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setDropShadowEnabled(false);
    chart->setBackgroundRoundness(4);
    QFont titleFont = chart->titleFont();
    titleFont.setWeight(QFont::DemiBold);
    chart->setTitleFont(titleFont);
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
    followPalette(this, [this] { applyPalette(); });
}

void TimeSeriesChart::applyPalette()
{
    // QtCharts' themes know nothing of the application palette; set every colour from it.
    const QPalette pal = palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    QChart *c = chart();
    setBackgroundBrush(pal.color(QPalette::Window)); // around the chart's rounded corners
    c->setBackgroundBrush(base);
    c->setBackgroundPen(QPen(mix(base, text, isDark(pal) ? 0.22 : 0.14), 1));
    c->setPlotAreaBackgroundVisible(false);
    c->setTitleBrush(text);
    c->legend()->setLabelColor(mix(base, text, 0.8));
    for (QAbstractAxis *axis : {static_cast<QAbstractAxis *>(m_time), static_cast<QAbstractAxis *>(m_values)}) {
        axis->setLabelsColor(mix(base, text, 0.65));
        axis->setTitleBrush(mix(base, text, 0.65));
        axis->setGridLineColor(mix(base, text, isDark(pal) ? 0.16 : 0.1));
        axis->setLinePenColor(mix(base, text, 0.3));
    }
    viewport()->update();
}

QXYSeries *TimeSeriesChart::seriesNamed(const ChartSeries &s)
{
    for (QXYSeries *existing : std::as_const(m_series))
        if (existing->name() == s.name)
            return existing;
    auto *line = new QLineSeries;
    line->setName(s.name);
    if (s.color.isValid()) {
        QPen pen(s.color, 1.6);
        pen.setCapStyle(Qt::RoundCap);
        line->setPen(pen);
        line->setBrush(s.color); // the markers
    }
    line->setMarkerSize(5);
    chart()->addSeries(line);
    line->attachAxis(m_time);
    line->attachAxis(m_values);
    m_series.append(line);
    return line;
}

void TimeSeriesChart::setSeries(const QList<ChartSeries> &series, qint64 fromMs, qint64 toMs)
{
    m_max = 0;
    m_hasData = false;
    m_everSet = true;
    for (const ChartSeries &s : series) {
        QXYSeries *line = seriesNamed(s);
        line->replace(s.points);
        line->setPointsVisible(s.points.size() <= kMarkersUpTo);
        m_hasData = m_hasData || !s.points.isEmpty();
        for (const QPointF &p : s.points)
            m_max = std::max(m_max, p.y());
    }
    const qint64 span = std::max<qint64>(1000, toMs - fromMs);
    m_time->setFormat(span > 2 * 86400 * 1000LL  ? QStringLiteral("MM-dd HH:mm")
                          : span > 3600 * 1000LL ? QStringLiteral("HH:mm")
                                                 : QStringLiteral("HH:mm:ss"));
    m_time->setRange(QDateTime::fromMSecsSinceEpoch(fromMs), QDateTime::fromMSecsSinceEpoch(fromMs + span));
    // A "nice" upper bound so the axis does not jitter with every refresh.
    double top = 1;
    if (m_max > 0) {
        const double magnitude = std::pow(10.0, std::floor(std::log10(m_max)));
        top = std::ceil(m_max / magnitude * 1.1) * magnitude;
    }
    m_values->setRange(0, top);
    viewport()->update(); // the empty text is painted in the foreground
}

void TimeSeriesChart::setEmptyText(const QString &text)
{
    m_emptyText = text;
    viewport()->update();
}

bool TimeSeriesChart::showsEmptyText() const
{
    return m_everSet && !m_hasData && !m_emptyText.isEmpty();
}

qint64 TimeSeriesChart::axisStartMs() const
{
    return m_time->min().toMSecsSinceEpoch();
}

void TimeSeriesChart::setIntervals(const QList<ChartInterval> &intervals)
{
    if (intervals.size() == m_intervals.size()
        && std::equal(intervals.cbegin(), intervals.cend(), m_intervals.cbegin(), [](const ChartInterval &a, const ChartInterval &b) {
               return a.id == b.id && a.fromMs == b.fromMs && a.toMs == b.toMs;
           }))
        return;
    m_intervals = intervals;
    viewport()->update();
}

QRectF TimeSeriesChart::intervalRect(const ChartInterval &interval) const
{
    const QRectF plot = chart()->mapRectToScene(chart()->plotArea());
    const qint64 min = m_time->min().toMSecsSinceEpoch();
    const qint64 max = m_time->max().toMSecsSinceEpoch();
    if (max <= min)
        return {};
    const qint64 to = interval.toMs > 0 ? interval.toMs : max;
    if (to < min || interval.fromMs > max)
        return {};
    const auto x = [&](qint64 ms) { return plot.left() + double(std::clamp(ms, min, max) - min) / double(max - min) * plot.width(); };
    const double left = x(interval.fromMs);
    return QRectF(left, plot.top(), std::max(2.0, x(to) - left), plot.height());
}

qint64 TimeSeriesChart::intervalAt(const QPoint &viewPosition) const
{
    const QPointF scene = mapToScene(viewPosition);
    for (const ChartInterval &i : m_intervals) {
        if (intervalRect(i).contains(scene))
            return i.id;
    }
    return 0;
}

void TimeSeriesChart::mousePressEvent(QMouseEvent *event)
{
    if (const qint64 id = intervalAt(event->position().toPoint()); id != 0 && event->button() == Qt::LeftButton) {
        Q_EMIT intervalClicked(id);
        return;
    }
    QChartView::mousePressEvent(event);
}

bool TimeSeriesChart::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const qint64 id = intervalAt(help->pos());
        for (const ChartInterval &i : std::as_const(m_intervals)) {
            if (i.id == id && id != 0) {
                QToolTip::showText(help->globalPos(), tr("%1 (click for its summary)").arg(i.label), this);
                return true;
            }
        }
        QToolTip::hideText();
    }
    return QChartView::viewportEvent(event);
}

void TimeSeriesChart::drawForeground(QPainter *painter, const QRectF &rect)
{
    QChartView::drawForeground(painter, rect);
    if (!m_intervals.isEmpty()) {
        // Experiments as shaded, labelled spans: what was done to the function shows where
        // its figures changed.
        painter->save();
        QColor shade = palette().color(QPalette::Highlight);
        shade.setAlphaF(0.12);
        QColor edge = palette().color(QPalette::Highlight);
        edge.setAlphaF(0.6);
        QFont small = font();
        small.setPointSizeF(small.pointSizeF() * 0.85);
        painter->setFont(small);
        for (const ChartInterval &i : std::as_const(m_intervals)) {
            const QRectF r = intervalRect(i);
            if (r.isEmpty())
                continue;
            painter->fillRect(r, shade);
            painter->setPen(edge);
            painter->drawLine(r.topLeft(), r.bottomLeft());
            painter->drawText(r.adjusted(3, 2, 200, 0), Qt::AlignLeft | Qt::AlignTop | Qt::TextSingleLine, i.label);
        }
        painter->restore();
    }
    if (!showsEmptyText())
        return;
    painter->save();
    painter->setPen(palette().color(QPalette::PlaceholderText));
    painter->setFont(font());
    painter->drawText(chart()->mapRectToScene(chart()->plotArea()), Qt::AlignCenter | Qt::TextWordWrap, m_emptyText);
    painter->restore();
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
