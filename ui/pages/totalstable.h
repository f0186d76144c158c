#pragma once
// Totals per function (FunctionTotalsModel) in a sortable table, as the Dashboard and
// the Cost page show them; or, while no function has anything in the range, a hint
// saying what would fill it. GUI thread only.

#include "store/queries.h"
#include "ui/widgets/emptystate.h"

class QSortFilterProxyModel;
class QTableView;

namespace funcdesk::ui {

class FunctionTotalsModel;

class TotalsTable : public EmptyState
{
    Q_OBJECT
public:
    TotalsTable(const QString &accessibleName, QWidget *parent = nullptr);

    FunctionTotalsModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    void sortBy(int column, Qt::SortOrder order);
    void hideColumns(const QList<int> &columns);
    // Shows `totals`, or `hint` when the list is empty.
    void setTotals(QList<store::FunctionTotals> totals, const QString &hint);

Q_SIGNALS:
    void functionActivated(const QString &name); // double-click or Enter on a row

private:
    QTableView *m_view;
    FunctionTotalsModel *m_model;
    QSortFilterProxyModel *m_proxy;
};

} // namespace funcdesk::ui
