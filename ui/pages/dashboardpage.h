#pragma once
// The global dashboard: a strip of figures for the selected range, totals per function
// (Studio::totals) in a sortable table, a live chart of all functions together
// (invocations/s, errors, throttles from LiveMetrics "") on a 1 s timer, and a duration
// chart (p50/p99 from the store's 1 s rollups, over the live chart's span) on a 5 s timer.
// Live charts start at the first activity of the last 5 minutes (liveStartMs).
// Double-clicking a function emits functionActivated(). Timers run only while visible.
//
// Threading: GUI thread only. Results arrive by Studio callbacks with `this` as receiver.

#include "ui/pages/telemetrypage.h"

namespace funcdesk::ui {

class FunctionTotalsModel;
class Studio;
class TimeSeriesChart;
class TotalsTable;

class DashboardPage : public TelemetryPage
{
    Q_OBJECT
public:
    explicit DashboardPage(Studio *studio, QWidget *parent = nullptr);

    FunctionTotalsModel *totalsModel() const;

public Q_SLOTS:
    void refresh() override; // totals, live chart and duration chart now

Q_SIGNALS:
    void functionActivated(const QString &name);

private:
    void refreshTotals();
    void refreshLive();
    void refreshDurations();

    Studio *m_studio;
    bool m_totalsInFlight = false;
    qint64 m_liveFromMs = 0; // where the live chart's axis starts; the duration chart's too
    TimeSeriesChart *m_live;
    TimeSeriesChart *m_durations;
    TotalsTable *m_table;
};

} // namespace funcdesk::ui
