#pragma once
// A QtCharts view of several series over one time axis. Callers hand complete series
// (plain points, x = ms since epoch) on their refresh timer; each series' data is
// replaced in one call (STYLE.md habit 6: charts never hear about single invocations).
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

private:
    QXYSeries *seriesNamed(const ChartSeries &s);

    QDateTimeAxis *m_time;
    QValueAxis *m_values;
    QList<QXYSeries *> m_series;
    double m_max = 0;
};

} // namespace funcdesk::ui
