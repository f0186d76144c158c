#pragma once
// The per-function Monitor tab: a range selector (Live 5 min, 1 h, 24 h, 7 d), a strip of
// figures for the range (invocations, error rate, p50/p99, cold-start share, GB-s, cost),
// charts (invocations/errors/throttles, duration, cold starts, init duration, peak
// concurrency, cost) and the slowest recent invocations.
//
// Live reads Studio::liveMetrics() on a 1 s timer (its p50/p99, which the ring buffer does
// not keep, come from the store's 1 s rollups every 5 s); the other ranges ask Studio::series()
// for store rollups on a 5 s timer with buckets chosen to keep each chart under ~1,500
// points. Each chart gets one setSeries() call per refresh; nothing here hears about
// single invocations. Timers run only while the page is visible; results of a previous
// function or range are dropped.
//
// Threading: GUI thread only. Results arrive by Studio callbacks with `this` as receiver.

#include "store/queries.h"

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QStackedWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace funcdesk {
struct InvocationRecord;
}

namespace funcdesk::ui {

class Studio;
class SummaryStrip;
class TimeSeriesChart;
struct RangeTotals;

class MonitorPage : public QWidget
{
    Q_OBJECT
public:
    explicit MonitorPage(Studio *studio, QWidget *parent = nullptr);

    void setFunction(const QString &name); // empty: nothing selected
    QString function() const { return m_function; }
    void setRangeIndex(int index);         // into monitorRanges(); 0 = live
    int rangeIndex() const;

    // For tests and screenshots: what the charts and strip show now.
    SummaryStrip *summaryStrip() const { return m_strip; }
    bool showsEmptyState() const;

public Q_SLOTS:
    void refresh(); // one refresh now, of whatever the range needs

Q_SIGNALS:
    // A row of the slowest invocations was activated: show its logs.
    void requestActivated(const QString &requestId);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void restartTimers();
    void refreshLive();
    void refreshStored();
    void requestSummary(const store::SeriesQuery &query);
    void requestLivePercentiles(qint64 nowMs);
    void requestSlowest(qint64 fromMs);
    void showPoints(const QList<store::SeriesPoint> &points, qint64 fromMs, qint64 toMs, bool live);
    void showTotals(const RangeTotals &totals);
    void showSlowest(QList<InvocationRecord> records);
    void setEmptyText(const QString &text);

    Studio *m_studio;
    QString m_function;
    quint64 m_generation = 0;      // bumped on function/range change; stale results are dropped
    quint64 m_seriesInFlight = 0;  // generation of the store query out, 0 = none
    QList<store::SeriesPoint> m_livePercentiles; // live range: the store's last 5 min at 1 s
    QTimer m_liveTimer;
    QTimer m_storeTimer;

    QLabel *m_title;
    QComboBox *m_range;
    QLabel *m_status;
    SummaryStrip *m_strip;
    QStackedWidget *m_stack;
    QLabel *m_empty;
    TimeSeriesChart *m_counts;
    TimeSeriesChart *m_duration;
    TimeSeriesChart *m_cold;
    TimeSeriesChart *m_init;
    TimeSeriesChart *m_concurrency;
    TimeSeriesChart *m_cost;
    QTreeWidget *m_slowest;
    QLabel *m_slowestLabel = nullptr;
};

} // namespace funcdesk::ui
