#pragma once
// Totals per function over a range (store::FunctionTotals), for the Dashboard and the
// Cost page. Thin model over plain values swapped in whole on each refresh; rows keep
// their place while the set of functions is unchanged. GUI thread only.

#include "store/queries.h"

#include <QAbstractTableModel>

namespace funcdesk::ui {

class FunctionTotalsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        FunctionColumn,
        InvocationsColumn,
        ErrorsColumn,
        ErrorRateColumn,
        ThrottlesColumn,
        CostColumn,
        LastInvokedColumn,
        ColumnCount
    };
    enum Role {
        FunctionRole = Qt::UserRole + 1,
        SortRole, // a number or string that sorts the column naturally
    };

    using QAbstractTableModel::QAbstractTableModel;

    void setTotals(QList<store::FunctionTotals> totals); // sorted by function name
    const QList<store::FunctionTotals> &totals() const { return m_totals; }
    double totalCostUsd() const;
    qint64 totalInvocations() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QList<store::FunctionTotals> m_totals;
};

} // namespace funcdesk::ui
