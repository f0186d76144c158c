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

#include "store/experiments.h"
#include "store/queries.h"
#include "ui/pages/telemetrypage.h"

class QComboBox;
class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace funcdesk {
struct InvocationRecord;
}

namespace funcdesk::ui {

class EmptyState;
class Studio;
class TimeSeriesChart;
struct RangeTotals;

class MonitorPage : public TelemetryPage
{
    Q_OBJECT
public:
    explicit MonitorPage(Studio *studio, QWidget *parent = nullptr);

    void setFunction(const QString &name); // empty: nothing selected
    QString function() const { return m_function; }
    void setRangeIndex(int index); // into monitorRanges(); 0 = live
    int rangeIndex() const;

    // For tests and screenshots: what the page shows now.
    bool showsEmptyState() const;
    int slowestCount() const; // rows in the slowest-invocations table

public Q_SLOTS:
    void refresh() override; // one refresh now, of whatever the range needs

Q_SIGNALS:
    // A row of the slowest invocations was activated: show its logs.
    void requestActivated(const QString &requestId);
    // "Replay selected invocations" on the slowest invocations.
    void replayRequested(const QStringList &requestIds);

protected:
    bool wantsTimer(const QTimer *timer) const override;

private:
    static constexpr int kSlowestScanned = 500; // the slowest are picked among this many recent invocations
    static constexpr int kSlowestShown = 10;
    enum SlowestColumn { StartedCol,
                         DurationCol,
                         InitCol,
                         MemoryCol,
                         StatusCol,
                         TriggerCol,
                         RequestCol,
                         SlowestColumns };

    // Building (monitorpage.cpp); showing what arrived (monitorpage_show.cpp).
    QWidget *buildCharts();
    void buildSlowest();
    bool isLive() const;
    void rangeOrFunctionChanged();
    void refreshLive();
    void refreshStored();
    void requestSummary(const store::SeriesQuery &query);
    void requestLivePercentiles(qint64 nowMs);
    void requestSlowest(qint64 fromMs);
    void showPoints(const QList<store::SeriesPoint> &points, qint64 fromMs, qint64 toMs, bool live);
    void showTotals(const RangeTotals &totals);
    void showSlowest(QList<InvocationRecord> records);
    void setEmptyText(const QString &text);
    void requestExperiments(qint64 fromMs, qint64 toMs);
    void showExperiment(qint64 id);
    QList<TimeSeriesChart *> charts() const;
    // Two versions side by side (monitorpage_compare.cpp): the choices are the latest
    // versions in pairs and each alias with weighted routing (its two targets).
    void loadComparisons();
    void requestCompare(qint64 fromMs, qint64 toMs, int resolutionSeconds);

    Studio *m_studio;
    QString m_function;
    bool m_functionSet = false;                  // setFunction() ran once (even for "")
    quint64 m_seriesInFlight = 0;                // generation of the store query out, 0 = none
    QList<store::SeriesPoint> m_livePercentiles; // live range: the store's last 5 min at 1 s
    QTimer *m_liveTimer;
    QTimer *m_storeTimer;

    EmptyState *m_stack;
    TimeSeriesChart *m_counts;
    TimeSeriesChart *m_duration;
    TimeSeriesChart *m_cold;
    TimeSeriesChart *m_init;
    TimeSeriesChart *m_concurrency;
    TimeSeriesChart *m_cost;
    QTreeWidget *m_slowest;
    QLabel *m_slowestLabel = nullptr;
    QList<store::Experiment> m_experiments; // shaded on the charts
    QComboBox *m_compareBox = nullptr;     // data: the two versions, "1\n2"; empty: none
    TimeSeriesChart *m_compare = nullptr;  // p50/p99 of each, shown while comparing
    QString m_compareFunction;             // whose versions the choices are

public:
    // For tests and screenshots: compare `a` and `b` (versions as recorded: "1", "$LATEST");
    // an empty one: no comparison.
    void compareVersions(const QString &a, const QString &b);
    TimeSeriesChart *compareChart() const { return m_compare; }
};

} // namespace funcdesk::ui
