#pragma once
// Log search across functions: filters (function, request id, text, time range: last
// 15 min / 1 h / 24 h / 7 d / custom from-to), a results table over LogModel (oldest at
// the top) and a live tail that re-queries every second for lines at or after the
// newest shown, appends them, keeps at most 5,000 rows and stays scrolled to the bottom.
// Searches run through Studio::searchLogs; results of a superseded search are dropped.
//
// Threading: GUI thread only. Results arrive by Studio callbacks with `this` as receiver.

#include "store/queries.h"

#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLineEdit;
class QLayout;
class QPushButton;
class QTableView;

namespace funcdesk::ui {

class EmptyState;
class LogModel;
class PageHeader;
class Studio;

class LogsPage : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kSearchLimit = 1000;
    static constexpr int kTailCap = 5000;

    explicit LogsPage(Studio *studio, QWidget *parent = nullptr);

    LogModel *model() const { return m_model; }
    store::LogSearch currentSearch() const; // what the filters ask for now
    void setLiveTail(bool on);
    bool liveTail() const;

public Q_SLOTS:
    void search();                               // run the filters now
    void showRequest(const QString &requestId);  // only this request's lines (last 7 days)
    void setFunctionFilter(const QString &name); // empty: all functions

Q_SIGNALS:
    // A row with a request id was double-clicked (the Test tab jumps back to it).
    void requestActivated(const QString &requestId);
    // A search or tail finished and the table shows its rows (tests, status).
    void resultsShown(int rows);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QLayout *buildFilters();
    QWidget *buildTable();
    void connectFilters();
    void reloadFunctions();
    void tail();
    void updateRangeWidgets();
    void showCount(bool truncated);

    Studio *m_studio;
    quint64 m_generation = 0;
    bool m_tailInFlight = false;
    QTimer m_tailTimer;
    QTimer m_debounce;

    PageHeader *m_header;
    QComboBox *m_function;
    QLineEdit *m_requestId;
    QLineEdit *m_text;
    QComboBox *m_range;
    QDateTimeEdit *m_from;
    QDateTimeEdit *m_to;
    QPushButton *m_searchButton;
    QCheckBox *m_live;
    QTableView *m_table;
    LogModel *m_model;
    EmptyState *m_stack;
};

} // namespace funcdesk::ui
