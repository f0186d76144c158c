#pragma once
// What the functions cost over a range, at the pricing in Settings: totals per function
// (Studio::totals), cost and compute (GB-s) over time (Studio::series for all
// functions), the pricing in effect and a short explanation of how Lambda bills.
// Refreshed on a 5 s timer while visible and when the pricing settings change.
//
// Threading: GUI thread only. Results arrive by Studio callbacks with `this` as receiver.

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace funcdesk::ui {

class FunctionTotalsModel;
class Studio;
class SummaryStrip;
class TimeSeriesChart;

class CostPage : public QWidget
{
    Q_OBJECT
public:
    explicit CostPage(Studio *studio, QWidget *parent = nullptr);

    FunctionTotalsModel *totalsModel() const { return m_model; }
    SummaryStrip *summaryStrip() const { return m_strip; }
    QString pricingText() const; // the pricing block as shown

public Q_SLOTS:
    void refresh();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void showPricing();

    Studio *m_studio;
    quint64 m_generation = 1;
    bool m_inFlight = false;
    QTimer m_timer;

    QComboBox *m_range;
    QLabel *m_status;
    SummaryStrip *m_strip;
    QStackedWidget *m_chartStack;
    TimeSeriesChart *m_costChart;
    TimeSeriesChart *m_computeChart;
    QLabel *m_empty;
    QTableView *m_table;
    FunctionTotalsModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLabel *m_pricing;
};

} // namespace funcdesk::ui
