#include "functiontotalsmodel.h"

#include "ui/pages/telemetry.h"

#include <QBrush>

namespace funcdesk::ui {

using store::FunctionTotals;

namespace {
double errorRate(const FunctionTotals &t)
{
    return t.invocations > 0 ? double(t.errors) / double(t.invocations) : 0;
}
} // namespace

void FunctionTotalsModel::setTotals(QList<FunctionTotals> totals)
{
    std::sort(totals.begin(), totals.end(),
              [](const FunctionTotals &a, const FunctionTotals &b) { return a.function < b.function; });
    bool sameNames = totals.size() == m_totals.size();
    for (qsizetype i = 0; sameNames && i < totals.size(); ++i)
        sameNames = totals.at(i).function == m_totals.at(i).function;
    if (sameNames) {
        m_totals = std::move(totals);
        if (!m_totals.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_totals.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_totals = std::move(totals);
    endResetModel();
}

double FunctionTotalsModel::totalCostUsd() const
{
    double sum = 0;
    for (const FunctionTotals &t : m_totals)
        sum += t.costUsd;
    return sum;
}

qint64 FunctionTotalsModel::totalInvocations() const
{
    qint64 sum = 0;
    for (const FunctionTotals &t : m_totals)
        sum += t.invocations;
    return sum;
}

int FunctionTotalsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_totals.size());
}

int FunctionTotalsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FunctionTotalsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FunctionTotals &t = m_totals.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case FunctionColumn: return t.function;
        case InvocationsColumn: return formatCount(double(t.invocations));
        case ErrorsColumn: return formatCount(double(t.errors));
        case ErrorRateColumn: return formatPercent(errorRate(t));
        case ThrottlesColumn: return formatCount(double(t.throttles));
        case CostColumn: return formatUsd(t.costUsd);
        case LastInvokedColumn: return t.lastInvokedMs > 0 ? formatTimestamp(t.lastInvokedMs, true).left(19) : tr("never");
        case ColumnCount: break;
        }
        return {};
    case SortRole:
        switch (Column(index.column())) {
        case FunctionColumn: return t.function;
        case InvocationsColumn: return t.invocations;
        case ErrorsColumn: return t.errors;
        case ErrorRateColumn: return errorRate(t);
        case ThrottlesColumn: return t.throttles;
        case CostColumn: return t.costUsd;
        case LastInvokedColumn: return t.lastInvokedMs;
        case ColumnCount: break;
        }
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == FunctionColumn ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if ((index.column() == ErrorsColumn || index.column() == ErrorRateColumn) && t.errors > 0)
            return QBrush(palette::errors());
        if (index.column() == ThrottlesColumn && t.throttles > 0)
            return QBrush(palette::throttles());
        return {};
    case Qt::ToolTipRole:
        if (index.column() == FunctionColumn)
            return tr("Double-click to open %1's Monitor tab").arg(t.function);
        return {};
    case FunctionRole: return t.function;
    default: return {};
    }
}

QVariant FunctionTotalsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case FunctionColumn: return tr("Function");
    case InvocationsColumn: return tr("Invocations");
    case ErrorsColumn: return tr("Errors");
    case ErrorRateColumn: return tr("Error rate");
    case ThrottlesColumn: return tr("Throttles");
    case CostColumn: return tr("Cost");
    case LastInvokedColumn: return tr("Last invoked");
    case ColumnCount: break;
    }
    return {};
}

QHash<int, QByteArray> FunctionTotalsModel::roleNames() const
{
    auto names = QAbstractTableModel::roleNames();
    names.insert(FunctionRole, "function");
    names.insert(SortRole, "sort");
    return names;
}

} // namespace funcdesk::ui
