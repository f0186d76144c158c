#include "totalstable.h"

#include "ui/models/functiontotalsmodel.h"

#include <QHeaderView>
#include <QSortFilterProxyModel>
#include <QTableView>

namespace funcdesk::ui {

TotalsTable::TotalsTable(const QString &accessibleName, QWidget *parent)
    : EmptyState(new QTableView, parent), m_view(qobject_cast<QTableView *>(content())),
      m_model(new FunctionTotalsModel(this)), m_proxy(new QSortFilterProxyModel(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(FunctionTotalsModel::SortRole);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(FunctionTotalsModel::FunctionColumn, QHeaderView::Stretch);
    m_view->setAccessibleName(accessibleName);
    connect(m_view, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        const QString name = index.data(FunctionTotalsModel::FunctionRole).toString();
        if (!name.isEmpty())
            Q_EMIT functionActivated(name);
    });
}

void TotalsTable::sortBy(int column, Qt::SortOrder order)
{
    m_view->sortByColumn(column, order);
}

void TotalsTable::hideColumns(const QList<int> &columns)
{
    for (int c : columns)
        m_view->setColumnHidden(c, true);
}

void TotalsTable::setTotals(QList<store::FunctionTotals> totals, const QString &hint)
{
    const bool empty = totals.isEmpty();
    m_model->setTotals(std::move(totals));
    if (empty)
        showHint(hint);
    else
        showContent();
}

} // namespace funcdesk::ui
