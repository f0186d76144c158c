#pragma once
// What the functions cost over a range, at the pricing in Settings: totals per function
// (Studio::totals), cost and compute (GB-s) over time (Studio::series for all
// functions), serverless against an always-on server for one function (CrossoverPanel),
// the pricing in effect and a short explanation of how Lambda bills.
// Refreshed on a 5 s timer while visible and when the pricing settings change.
//
// Threading: GUI thread only. Results arrive by Studio callbacks with `this` as receiver.

#include "store/queries.h"
#include "ui/pages/telemetrypage.h"

class QLabel;

namespace funcdesk::ui {

class CrossoverPanel;
class EmptyState;
class FunctionTotalsModel;
class Studio;
class TimeSeriesChart;
class TotalsTable;

class CostPage : public TelemetryPage
{
    Q_OBJECT
public:
    explicit CostPage(Studio *studio, QWidget *parent = nullptr);

    FunctionTotalsModel *totalsModel() const;
    QString pricingText() const; // the pricing block as shown
    CrossoverPanel *crossover() const { return m_crossover; }

public Q_SLOTS:
    void refresh() override;

private:
    QWidget *buildCharts();
    QWidget *buildExplanations();
    void showPricing();
    void showSeries(const QList<store::SeriesPoint> &points, qint64 fromMs, qint64 toMs);

    Studio *m_studio;
    bool m_inFlight = false;
    EmptyState *m_charts;
    TimeSeriesChart *m_costChart;
    TimeSeriesChart *m_computeChart;
    TotalsTable *m_table;
    QLabel *m_pricing;
    CrossoverPanel *m_crossover = nullptr;
};

} // namespace funcdesk::ui
