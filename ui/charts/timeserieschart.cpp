#include "timeserieschart.h"

#include "ui/charts/chartunits.h"
#include "ui/theme.h"

#include <QAreaSeries>
#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFile>
#include <QFileDialog>
#include <QHelpEvent>
#include <QLegend>
#include <QLineSeries>
#include <QMenu>
#include <QMouseEvent>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <map>

namespace funcdesk::ui {

namespace {
constexpr int kMarkersUpTo = 2; // one lone point draws no line: show such points as dots
constexpr double kDragThreshold = 6; // pixels: less is a click, not a zoom

QColor mix(const QColor &a, const QColor &b, qreal t)
{
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                            a.blueF() + (b.blueF() - a.blueF()) * t);
}

QString timeText(qint64 ms, bool withDate)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(withDate ? QStringLiteral("yyyy-MM-dd HH:mm:ss")
                                                                : QStringLiteral("HH:mm:ss"));
}

// The point of `points` (ascending x) nearest `x`, if within one bucket of it.
const QPointF *nearest(const QList<QPointF> &points, double x)
{
    if (points.isEmpty())
        return nullptr;
    auto it = std::lower_bound(points.cbegin(), points.cend(), x, [](const QPointF &p, double v) { return p.x() < v; });
    const QPointF *best = nullptr;
    if (it != points.cend())
        best = &*it;
    if (it != points.cbegin() && (!best || std::abs(std::prev(it)->x() - x) < std::abs(best->x() - x)))
        best = &*std::prev(it);
    const double bucket = points.size() > 1 ? std::max(1000.0, points.at(1).x() - points.at(0).x()) : 1000.0;
    return best && std::abs(best->x() - x) <= bucket ? best : nullptr;
}
} // namespace

TimeSeriesChart::TimeSeriesChart(const QString &title, const QString &unit, QWidget *parent)
    : QChartView(parent),
      m_time(new QDateTimeAxis),
      m_values(new QValueAxis),
      m_unit(int(valueUnitFromName(unit))),
      m_title(title),
      m_emptyText(tr("No data in this range"))
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(36, 4, 4, 4));
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setDropShadowEnabled(false);
    chart->setBackgroundRoundness(4);
    QFont titleFont = chart->titleFont();
    titleFont.setWeight(QFont::DemiBold);
    chart->setTitleFont(titleFont);
    // No format here: Qt 6.4's QDateTimeAxis lays out no labels (and no grid) until the
    // format changes after the axis is attached, so setSeries() must be the first to set it.
    m_time->setTickCount(5);
    // The value labels are drawn in drawForeground() in human units (a QValueAxis only
    // knows printf formats, which write 4e-05); the axis keeps the grid.
    m_values->setLabelsVisible(false);
    m_values->setTickCount(3);
    m_time->setTruncateLabels(false);
    QFont small = m_time->labelsFont();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_time->setLabelsFont(small);
    m_values->setMin(0);
    chart->addAxis(m_time, Qt::AlignBottom);
    chart->addAxis(m_values, Qt::AlignLeft);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(160);
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    setToolTip(tr("Drag across the chart to zoom in, double-click to see the whole range; right-click to export"));
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

TimeSeriesChart::Drawn &TimeSeriesChart::seriesNamed(const ChartSeries &s)
{
    for (Drawn &existing : m_series)
        if (existing.name == s.name)
            return existing;
    Drawn d;
    d.name = s.name;
    auto *upper = new QLineSeries;
    d.upper = upper;
    QAbstractSeries *shown = upper;
    if (s.area) {
        if (!s.stackedOn.isEmpty())
            d.lower = new QLineSeries;
        auto *area = new QAreaSeries(upper, static_cast<QLineSeries *>(d.lower));
        QColor fill = s.color;
        fill.setAlphaF(0.55);
        area->setBrush(fill);
        area->setPen(QPen(s.color, 1.2));
        shown = area;
    } else if (s.color.isValid()) {
        QPen pen(s.color, 1.6);
        pen.setCapStyle(Qt::RoundCap);
        upper->setPen(pen);
        upper->setBrush(s.color); // the markers
        upper->setMarkerSize(5);
    }
    shown->setName(s.name);
    d.shown = shown;
    chart()->addSeries(shown);
    shown->attachAxis(m_time);
    shown->attachAxis(m_values);
    m_series.append(d);
    return m_series.last();
}

void TimeSeriesChart::setSeries(const QList<ChartSeries> &series, qint64 fromMs, qint64 toMs)
{
    double max = 0;
    m_hasData = false;
    m_everSet = true;
    QHash<QString, const QList<QPointF> *> given;
    for (const ChartSeries &s : series)
        given.insert(s.name, &s.points);
    for (const ChartSeries &s : series) {
        Drawn &d = seriesNamed(s);
        d.points = s.points;
        m_hasData = m_hasData || !s.points.isEmpty();
        if (d.lower) {
            // Stacked: this series' values on top of the one below, at the same times.
            const QList<QPointF> *below = given.value(s.stackedOn);
            std::map<double, double> base;
            if (below)
                for (const QPointF &p : *below)
                    base[p.x()] = p.y();
            QList<QPointF> upper, lower;
            upper.reserve(s.points.size());
            lower.reserve(s.points.size());
            for (const QPointF &p : s.points) {
                const auto it = base.find(p.x());
                const double b = it != base.end() ? it->second : 0;
                lower.append(QPointF(p.x(), b));
                upper.append(QPointF(p.x(), b + p.y()));
                max = std::max(max, b + p.y());
            }
            d.upper->replace(upper);
            d.lower->replace(lower);
        } else {
            d.upper->replace(s.points);
            if (d.shown == d.upper)
                d.upper->setPointsVisible(s.points.size() <= kMarkersUpTo);
            for (const QPointF &p : s.points)
                max = std::max(max, p.y());
        }
    }
    // Series no longer given (an overlay turned off) leave the chart.
    for (qsizetype i = m_series.size() - 1; i >= 0; --i) {
        if (given.contains(m_series.at(i).name))
            continue;
        const Drawn d = m_series.takeAt(i);
        chart()->removeSeries(d.shown); // ownership comes back to us
        // A QAreaSeries is made a child of its upper line by Qt's constructor, and it deletes
        // neither line: unparent it, then delete each object exactly once.
        d.shown->setParent(nullptr);
        delete d.shown;
        if (d.shown != d.upper) {
            for (QXYSeries *line : {d.upper, d.lower})
                if (line && !line->parent())
                    delete line;
        }
    }
    m_max = max;
    m_fromMs = fromMs;
    m_toMs = fromMs + std::max<qint64>(1000, toMs - fromMs);
    applyRange();
}

void TimeSeriesChart::applyRange()
{
    const qint64 from = m_zoomed ? m_zoomFromMs : m_fromMs;
    const qint64 to = m_zoomed ? m_zoomToMs : m_toMs;
    const qint64 span = std::max<qint64>(1000, to - from);
    m_time->setFormat(span > 2 * 86400 * 1000LL  ? QStringLiteral("MM-dd HH:mm")
                          : span > 3600 * 1000LL ? QStringLiteral("HH:mm")
                                                 : QStringLiteral("HH:mm:ss"));
    m_time->setRange(QDateTime::fromMSecsSinceEpoch(from), QDateTime::fromMSecsSinceEpoch(from + span));
    // A "nice" scale so the axis does not jitter with every refresh, and labels are round.
    const AxisScale scale = niceScale(m_max, 5, ValueUnit(m_unit));
    m_values->setRange(0, scale.top);
    m_values->setTickCount(scale.ticks);
    // Room at the left for the widest label.
    const QStringList labels = valueLabels();
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    const QFontMetrics fm(small);
    int width = 0;
    for (const QString &l : labels)
        width = std::max(width, fm.horizontalAdvance(l));
    const QMargins margins(width + 10, 4, 4, 4);
    if (chart()->margins() != margins)
        chart()->setMargins(margins);
    viewport()->update(); // labels, markers and the empty text are painted in the foreground
}

QStringList TimeSeriesChart::valueLabels() const
{
    const AxisScale scale = niceScale(m_max, 5, ValueUnit(m_unit));
    QStringList out;
    for (double v : scale.values())
        out << formatAxisValue(ValueUnit(m_unit), v, scale);
    return out;
}

void TimeSeriesChart::zoomTo(qint64 fromMs, qint64 toMs)
{
    if (toMs - fromMs < 1000)
        return;
    m_zoomed = true;
    m_zoomFromMs = fromMs;
    m_zoomToMs = toMs;
    applyRange();
}

void TimeSeriesChart::resetZoom()
{
    m_zoomed = false;
    applyRange();
}

qint64 TimeSeriesChart::axisEndMs() const
{
    return m_time->max().toMSecsSinceEpoch();
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

void TimeSeriesChart::setMarkers(const QList<ChartMarker> &markers)
{
    m_markers = markers;
    std::sort(m_markers.begin(), m_markers.end(), [](const ChartMarker &a, const ChartMarker &b) { return a.ms < b.ms; });
    viewport()->update();
}

double TimeSeriesChart::xOf(qint64 ms) const
{
    const QRectF plot = chart()->mapRectToScene(chart()->plotArea());
    const qint64 min = m_time->min().toMSecsSinceEpoch();
    const qint64 max = m_time->max().toMSecsSinceEpoch();
    if (max <= min)
        return plot.left();
    return plot.left() + double(ms - min) / double(max - min) * plot.width();
}

qint64 TimeSeriesChart::msAt(double sceneX) const
{
    const QRectF plot = chart()->mapRectToScene(chart()->plotArea());
    const qint64 min = m_time->min().toMSecsSinceEpoch();
    const qint64 max = m_time->max().toMSecsSinceEpoch();
    if (plot.width() <= 0)
        return min;
    const double t = std::clamp((sceneX - plot.left()) / plot.width(), 0.0, 1.0);
    return min + qint64(t * double(max - min));
}

QString TimeSeriesChart::markerTipAt(const QPoint &viewPosition) const
{
    const QPointF scene = mapToScene(viewPosition);
    const QRectF plot = chart()->mapRectToScene(chart()->plotArea());
    if (scene.y() < plot.top() - 2 || scene.y() > plot.bottom() + 2)
        return {};
    QStringList tips;
    for (const ChartMarker &m : m_markers) {
        const double x = xOf(m.ms);
        if (x >= plot.left() - 1 && x <= plot.right() + 1 && std::abs(x - scene.x()) <= 6)
            tips << QStringLiteral("%1  %2").arg(timeText(m.ms, false), m.detail.isEmpty() ? m.label : m.detail);
    }
    return tips.join(QLatin1Char('\n'));
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

QStringList TimeSeriesChart::valuesAt(qint64 ms) const
{
    const qint64 span = m_time->max().toMSecsSinceEpoch() - m_time->min().toMSecsSinceEpoch();
    QStringList out{timeText(ms, span > 86400 * 1000LL)};
    for (const Drawn &d : m_series) {
        const QPointF *p = nearest(d.points, double(ms));
        if (p)
            out << QStringLiteral("%1: %2").arg(d.name, formatValue(ValueUnit(m_unit), p->y()));
    }
    return out;
}

QString TimeSeriesChart::csv() const
{
    QStringList header{QStringLiteral("time")};
    std::map<double, QList<QString>> rows;
    for (qsizetype i = 0; i < m_series.size(); ++i) {
        QString name = m_series.at(i).name;
        name.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        header << (name.contains(QLatin1Char(',')) || name.contains(QLatin1Char('"')) ? QLatin1Char('"') + name + QLatin1Char('"') : name);
        for (const QPointF &p : m_series.at(i).points) {
            QList<QString> &row = rows[p.x()];
            row.resize(m_series.size());
            row[i] = QString::number(p.y(), 'g', 17);
        }
    }
    QString out = header.join(QLatin1Char(',')) + QLatin1Char('\n');
    for (const auto &[x, values] : rows) {
        QStringList cells{QDateTime::fromMSecsSinceEpoch(qint64(x), Qt::UTC).toString(Qt::ISODateWithMs)};
        for (qsizetype i = 0; i < m_series.size(); ++i)
            cells << values.value(i);
        out += cells.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return out;
}

bool TimeSeriesChart::savePng(const QString &path)
{
    const double hover = m_hoverX;
    m_hoverX = -1; // no crosshair in the picture
    const QPixmap picture = grab();
    m_hoverX = hover;
    return picture.save(path, "PNG");
}

bool TimeSeriesChart::saveCsv(const QString &path) const
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return f.write(csv().toUtf8()) >= 0;
}

void TimeSeriesChart::showContextMenu(const QPoint &globalPos)
{
    QMenu menu(this);
    const QString base = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation) + QLatin1Char('/')
        + m_title.toLower().replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    menu.addAction(tr("Save chart as PNG…"), this, [this, base] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save chart"), base + QStringLiteral(".png"), tr("PNG image (*.png)"));
        if (!path.isEmpty())
            savePng(path);
    });
    menu.addAction(tr("Export data as CSV…"), this, [this, base] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export chart data"), base + QStringLiteral(".csv"), tr("CSV (*.csv)"));
        if (!path.isEmpty())
            saveCsv(path);
    });
    QAction *reset = menu.addAction(tr("Show the whole range"), this, &TimeSeriesChart::resetZoom);
    reset->setEnabled(m_zoomed);
    menu.exec(globalPos);
}

void TimeSeriesChart::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        if (const qint64 id = intervalAt(event->position().toPoint()); id != 0) {
            Q_EMIT intervalClicked(id);
            return;
        }
        const QPointF scene = mapToScene(event->position().toPoint());
        if (chart()->mapRectToScene(chart()->plotArea()).contains(scene)) {
            m_dragStartX = scene.x();
            m_dragX = scene.x();
        }
        event->accept();
        return;
    }
    if (event->button() == Qt::RightButton) {
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void TimeSeriesChart::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF scene = mapToScene(event->position().toPoint());
    const QRectF plot = chart()->mapRectToScene(chart()->plotArea());
    m_hoverX = plot.contains(scene) ? scene.x() : -1;
    if (m_dragStartX >= 0)
        m_dragX = std::clamp(scene.x(), plot.left(), plot.right());
    viewport()->update();
    QChartView::mouseMoveEvent(event);
}

void TimeSeriesChart::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::RightButton) {
        showContextMenu(event->globalPosition().toPoint());
        event->accept();
        return;
    }
    if (event->button() == Qt::LeftButton && m_dragStartX >= 0) {
        const QRectF plot = chart()->mapRectToScene(chart()->plotArea());
        m_dragX = std::clamp(mapToScene(event->position().toPoint()).x(), plot.left(), plot.right());
        const double a = std::min(m_dragStartX, m_dragX);
        const double b = std::max(m_dragStartX, m_dragX);
        m_dragStartX = m_dragX = -1;
        if (b - a >= kDragThreshold)
            zoomTo(msAt(a), msAt(b));
        viewport()->update();
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void TimeSeriesChart::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        resetZoom();
        event->accept();
        return;
    }
    QChartView::mouseDoubleClickEvent(event);
}

void TimeSeriesChart::leaveEvent(QEvent *event)
{
    m_hoverX = -1;
    viewport()->update();
    QChartView::leaveEvent(event);
}

bool TimeSeriesChart::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        if (const QString tip = markerTipAt(help->pos()); !tip.isEmpty()) {
            QToolTip::showText(help->globalPos(), tip, this);
            return true;
        }
        const qint64 id = intervalAt(help->pos());
        for (const ChartInterval &i : std::as_const(m_intervals)) {
            if (i.id == id && id != 0) {
                QToolTip::showText(help->globalPos(), tr("%1 (click for its summary)").arg(i.label), this);
                return true;
            }
        }
        QToolTip::hideText();
        return true; // the hover box already shows the values
    }
    return QChartView::viewportEvent(event);
}

void TimeSeriesChart::drawForeground(QPainter *painter, const QRectF &rect)
{
    QChartView::drawForeground(painter, rect);
    const QRectF plot = chart()->mapRectToScene(chart()->plotArea());
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    const QColor base = palette().color(QPalette::Base);
    const QColor text = palette().color(QPalette::Text);
    painter->save();
    painter->setFont(small);
    // Value labels in human units, right-aligned left of the plot at each grid line.
    {
        const QStringList labels = valueLabels();
        painter->setPen(mix(base, text, 0.65));
        const int n = int(labels.size());
        for (int i = 0; i < n; ++i) {
            const double y = plot.bottom() - (n > 1 ? plot.height() * i / (n - 1) : 0);
            painter->drawText(QRectF(0, y - 10, plot.left() - 5, 20), Qt::AlignRight | Qt::AlignVCenter, labels.at(i));
        }
    }
    if (!m_intervals.isEmpty()) {
        // Experiments as shaded, labelled spans: what was done to the function shows where
        // its figures changed.
        QColor shade = palette().color(QPalette::Highlight);
        shade.setAlphaF(0.12);
        QColor edge = palette().color(QPalette::Highlight);
        edge.setAlphaF(0.6);
        for (const ChartInterval &i : std::as_const(m_intervals)) {
            const QRectF r = intervalRect(i);
            if (r.isEmpty())
                continue;
            painter->fillRect(r, shade);
            painter->setPen(edge);
            painter->drawLine(r.topLeft(), r.bottomLeft());
            painter->drawText(r.adjusted(3, 2, 200, 0), Qt::AlignLeft | Qt::AlignTop | Qt::TextSingleLine, i.label);
        }
    }
    // Markers: a dashed line with its label in a small flag; markers closer than a few
    // pixels share one line and one flag ("3 changes"; hover lists them), and flags that
    // would overlap step down a row, at most three rows.
    {
        const QFontMetrics fm(small);
        struct Cluster
        {
            double x;
            QString label;
            QColor color;
        };
        QList<Cluster> clusters;
        int inCluster = 0;
        for (const ChartMarker &m : std::as_const(m_markers)) {
            const double x = xOf(m.ms);
            if (x < plot.left() - 0.5 || x > plot.right() + 0.5)
                continue;
            const QColor color = m.color.isValid() ? m.color : palette().color(QPalette::Highlight);
            if (!clusters.isEmpty() && x - clusters.last().x < 6) {
                Cluster &c = clusters.last();
                ++inCluster;
                c.label = tr("%1 changes").arg(inCluster);
                if (m.label.startsWith(QChar(0x26A0)))
                    c.color = color; // an alarm going off shows through
                continue;
            }
            clusters.append(Cluster{x, m.label, color});
            inCluster = 1;
        }
        QList<double> rowEnds;
        for (const Cluster &c : std::as_const(clusters)) {
            painter->setPen(QPen(c.color, 1.2, Qt::DashLine));
            painter->drawLine(QPointF(c.x, plot.top()), QPointF(c.x, plot.bottom()));
            const double w = fm.horizontalAdvance(c.label) + 8;
            const double left = std::max(plot.left(), std::min(c.x, plot.right() - w));
            int row = 0;
            while (row < rowEnds.size() && rowEnds.at(row) > left)
                ++row;
            if (row >= 3)
                continue; // the line stays; hover still names it
            if (row == rowEnds.size())
                rowEnds.append(0);
            rowEnds[row] = left + w + 2;
            const QRectF flag(left, plot.top() + 1 + row * (fm.height() + 3), w, fm.height() + 2);
            QColor fill = c.color;
            fill.setAlphaF(0.9);
            painter->setPen(Qt::NoPen);
            painter->setBrush(fill);
            painter->drawRoundedRect(flag, 3, 3);
            painter->setPen(Qt::white);
            painter->drawText(flag, Qt::AlignCenter, c.label);
        }
    }
    // The span being dragged for a zoom.
    if (m_dragStartX >= 0 && std::abs(m_dragX - m_dragStartX) >= 1) {
        QColor band = palette().color(QPalette::Highlight);
        band.setAlphaF(0.18);
        painter->fillRect(QRectF(QPointF(std::min(m_dragStartX, m_dragX), plot.top()),
                                 QPointF(std::max(m_dragStartX, m_dragX), plot.bottom())),
                          band);
    }
    // The crosshair and the values under it.
    if (m_hoverX >= 0 && m_hasData && m_dragStartX < 0) {
        painter->setPen(QPen(mix(base, text, 0.45), 1));
        painter->drawLine(QPointF(m_hoverX, plot.top()), QPointF(m_hoverX, plot.bottom()));
        const QStringList lines = valuesAt(msAt(m_hoverX));
        if (lines.size() > 1) {
            const QFontMetrics fm(small);
            int w = 0;
            for (const QString &l : lines)
                w = std::max(w, fm.horizontalAdvance(l));
            const QSizeF size(w + 12, lines.size() * fm.height() + 8);
            double left = m_hoverX + 10;
            if (left + size.width() > plot.right())
                left = m_hoverX - 10 - size.width();
            const QRectF box(QPointF(left, plot.top() + 4), size);
            QColor fill = base;
            fill.setAlphaF(0.92);
            painter->setPen(QPen(mix(base, text, 0.3), 1));
            painter->setBrush(fill);
            painter->drawRoundedRect(box, 4, 4);
            painter->setPen(text);
            for (int i = 0; i < lines.size(); ++i)
                painter->drawText(QRectF(box.left() + 6, box.top() + 4 + i * fm.height(), w, fm.height()),
                                  Qt::AlignLeft | Qt::AlignVCenter, lines.at(i));
        }
    }
    painter->restore();
    if (!showsEmptyText())
        return;
    painter->save();
    painter->setPen(palette().color(QPalette::PlaceholderText));
    painter->setFont(font());
    painter->drawText(plot, Qt::AlignCenter | Qt::TextWordWrap, m_emptyText);
    painter->restore();
}

int TimeSeriesChart::seriesCount() const
{
    return int(m_series.size());
}

int TimeSeriesChart::pointCount(const QString &series) const
{
    for (const Drawn &s : m_series)
        if (s.name == series)
            return int(s.points.size());
    return -1;
}

} // namespace funcdesk::ui
