#pragma once
// A QtCharts view of several series over one time axis. Callers hand complete series
// (plain points, x = ms since epoch) on their refresh timer; each series' data is
// replaced in one call: charts never hear about single invocations, so a busy engine
// costs the GUI nothing per request.
// What it answers besides the lines: markers on the time axis (deploys, publishes, alarm
// state changes; hover names them), the values under the cursor (a crosshair and a box),
// a dragged span to zoom into (double-click resets; refreshes keep the zoom), and, from
// its context menu, the chart as PNG and its data as CSV. Value labels are in human units
// (chartunits.h): "250 µs", "21 µ$", "1.5 k", never "4e-05".
// The chart takes its background, grid, axis and text colours from the widget's palette
// (again on every palette change, e.g. the desktop turning dark), and says so in the plot
// area when the last setSeries() had no point at all.
// GUI thread only.

#include <QChartView>
#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>

class QAbstractSeries;
class QDateTimeAxis;
class QValueAxis;
class QXYSeries;

namespace funcdesk::ui {

struct ChartSeries
{
    QString name;
    QColor color;
    QList<QPointF> points; // x: ms since epoch (UTC), y: value
    bool area = false;     // drawn filled down to 0, or down to `stackedOn`
    QString stackedOn;     // an area series drawn (and added) on top of this one
};

// A moment on the time axis: a deploy, a publish, an alarm going off or back to OK.
struct ChartMarker
{
    qint64 ms = 0;
    QString label;  // short, drawn at the top of the line ("deploy 1a2b3c4", "v3", "⚠ errors")
    QString detail; // the tooltip (the commit, the alarm's reason)
    QColor color;
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

    void setMarkers(const QList<ChartMarker> &markers);
    int markerCount() const { return int(m_markers.size()); }
    const QList<ChartMarker> &markers() const { return m_markers; }
    QString markerTipAt(const QPoint &viewPosition) const; // the markers near x, or empty

    // Zoom to [fromMs, toMs] (what dragging does); resetZoom() goes back to the whole range.
    void zoomTo(qint64 fromMs, qint64 toMs);
    void resetZoom();
    bool isZoomed() const { return m_zoomed; }
    qint64 axisEndMs() const;

    // What the hover box says at `ms`: the time, then "name: value" per series (nearest
    // point within one bucket).
    QStringList valuesAt(qint64 ms) const;
    // Every series' points as CSV: "time,<series>,..." with ISO times, one row per x.
    QString csv() const;
    bool savePng(const QString &path);
    bool saveCsv(const QString &path) const;
    QStringList valueLabels() const; // the value axis' labels, bottom up

Q_SIGNALS:
    void intervalClicked(qint64 id);

protected:
    void drawForeground(QPainter *painter, const QRectF &rect) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    bool viewportEvent(QEvent *event) override; // tooltips over intervals and markers

private:
    struct Drawn
    {
        QString name;
        QXYSeries *upper = nullptr;
        QXYSeries *lower = nullptr; // stacked areas only
        QAbstractSeries *shown = nullptr;
        QList<QPointF> points; // as given (not stacked)
    };
    Drawn &seriesNamed(const ChartSeries &s);
    void applyPalette();
    void applyRange();
    void showContextMenu(const QPoint &globalPos);
    double xOf(qint64 ms) const; // scene x
    qint64 msAt(double sceneX) const;

    QDateTimeAxis *m_time;
    QValueAxis *m_values;
    QList<Drawn> m_series;
    QList<ChartMarker> m_markers;
    int m_unit = 0; // ValueUnit
    QString m_title;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    qint64 m_zoomFromMs = 0;
    qint64 m_zoomToMs = 0;
    bool m_zoomed = false;
    double m_hoverX = -1;           // scene x of the crosshair; < 0: none
    double m_dragStartX = -1;       // scene x where a zoom drag started
    double m_dragX = -1;
    double m_max = 0;
    bool m_hasData = false;
    bool m_everSet = false; // until the first setSeries() the chart is loading, not empty
    QString m_emptyText;
    QList<ChartInterval> m_intervals;
    // The x extent of an interval in scene coordinates; empty when it is off the axis.
    QRectF intervalRect(const ChartInterval &interval) const;
};

} // namespace funcdesk::ui
