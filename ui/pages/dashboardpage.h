#pragma once
// The global dashboard: a strip of figures for the selected range, totals per function
// (Studio::totals) in a sortable table, a live chart of all functions together
// (invocations/s, errors, throttles from LiveMetrics "") on a 1 s timer, and a duration
// chart (p50/p99 of the last 5 minutes from the store's 1 s rollups) on a 5 s timer.
// Double-clicking a function emits functionActivated(). Timers run only while visible.
//
// Threading: GUI thread only. Results arrive by Studio callbacks with `this` as receiver.

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QModelIndex;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace funcdesk::ui {

class FunctionTotalsModel;
class Studio;
class SummaryStrip;
class TimeSeriesChart;

class DashboardPage : public QWidget
{
    Q_OBJECT
public:
    explicit DashboardPage(Studio *studio, QWidget *parent = nullptr);

    FunctionTotalsModel *totalsModel() const { return m_model; }
    SummaryStrip *summaryStrip() const { return m_strip; }

public Q_SLOTS:
    void refresh(); // totals, live chart and duration chart now

Q_SIGNALS:
    void functionActivated(const QString &name);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void refreshTotals();
    void refreshLive();
    void refreshDurations();
    qint64 rangeStartMs() const;

    Studio *m_studio;
    quint64 m_generation = 1;
    bool m_totalsInFlight = false;
    QTimer m_liveTimer;
    QTimer m_storeTimer;

    QComboBox *m_range;
    QLabel *m_status;
    SummaryStrip *m_strip;
    TimeSeriesChart *m_live;
    TimeSeriesChart *m_durations;
    QStackedWidget *m_tableStack;
    QTableView *m_table;
    QLabel *m_empty;
    FunctionTotalsModel *m_model;
    QSortFilterProxyModel *m_proxy;
};

} // namespace funcdesk::ui
