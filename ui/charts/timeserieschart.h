#pragma once
// A QtCharts view of several series over one time axis. Callers hand complete series
// (plain points, x = ms since epoch) on their refresh timer; each series' data is
// replaced in one call: charts never hear about single invocations, so a busy engine
// costs the GUI nothing per request.
// The chart takes its background, grid, axis and text colours from the widget's palette
// (again on every palette change, e.g. the desktop turning dark), and says so in the plot
// area when the last setSeries() had no point at all.
// GUI thread only.

#include <QChartView>
#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>

class QDateTimeAxis;
class QValueAxis;
class QXYSeries;

namespace funcdesk::ui {

struct ChartSeries
{
    QString name;
    QColor color;
    QList<QPointF> points; // x: ms since epoch (UTC), y: value
    bool area = false;     // bars for counts look better as a filled line
};

// An experiment's interval, shaded over the plot with its label (a load test, a
// power-tuning run, a Learn scenario); clicking it reports its id.
struct ChartInterval
{
    qint64 id = 0;
    qint64 fromMs = 0;
    qint64 toMs = 0; // 0: still running (up to the axis' end)
    QString label;
};

class TimeSeriesChart : public QChartView
{
    Q_OBJECT
public:
    explicit TimeSeriesChart(const QString &title, const QString &unit, QWidget *parent = nullptr);

    // Replaces every series' points; series are matched by name and created on first use.
    void setSeries(const QList<ChartSeries> &series, qint64 fromMs, qint64 toMs);
    int seriesCount() const;
    int pointCount(const QString &series) const;
    double maxValue() const { return m_max; }
    // What the plot area says when there is nothing to draw ("No cold starts in this range").
    void setEmptyText(const QString &text);
    bool showsEmptyText() const;
    qint64 axisStartMs() const; // the time axis' left end
    void setIntervals(const QList<ChartInterval> &intervals);
    int intervalCount() const { return int(m_intervals.size()); }
    qint64 intervalAt(const QPoint &viewPosition) const; // its id, or 0

Q_SIGNALS:
    void intervalClicked(qint64 id);

protected:
    void drawForeground(QPainter *painter, const QRectF &rect) override;
    void mousePressEvent(QMouseEvent *event) override;
    bool viewportEvent(QEvent *event) override; // tooltips over intervals

private:
    QXYSeries *seriesNamed(const ChartSeries &s);
    void applyPalette();

    QDateTimeAxis *m_time;
    QValueAxis *m_values;
    QList<QXYSeries *> m_series;
    double m_max = 0;
    bool m_hasData = false;
    bool m_everSet = false; // until the first setSeries() the chart is loading, not empty
    QString m_emptyText;
    QList<ChartInterval> m_intervals;
    // The x extent of an interval in scene coordinates; empty when it is off the axis.
    QRectF intervalRect(const ChartInterval &interval) const;
};

} // namespace funcdesk::ui
