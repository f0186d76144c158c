#include "environmentmodel.h"

#include "ui/charts/swimlanewidget.h"
#include "ui/pages/telemetry.h"

namespace funcdesk::ui {

using engine::EnvironmentInfo;

void EnvironmentModel::setEnvironments(QList<EnvironmentInfo> environments, qint64 nowMs)
{
    // Oldest first: new environments append at the bottom.
    std::stable_sort(environments.begin(), environments.end(), [](const EnvironmentInfo &a, const EnvironmentInfo &b) {
        return a.createdMs != b.createdMs ? a.createdMs < b.createdMs : a.id < b.id;
    });
    m_nowMs = nowMs;
    bool sameIds = environments.size() == m_environments.size();
    for (qsizetype i = 0; sameIds && i < environments.size(); ++i)
        sameIds = environments.at(i).id == m_environments.at(i).id;
    if (sameIds) {
        m_environments = std::move(environments);
        if (!m_environments.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_environments.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_environments = std::move(environments);
    endResetModel();
}

int EnvironmentModel::rowOf(const QString &id) const
{
    for (qsizetype i = 0; i < m_environments.size(); ++i)
        if (m_environments.at(i).id == id)
            return int(i);
    return -1;
}

int EnvironmentModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_environments.size());
}

int EnvironmentModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EnvironmentModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EnvironmentInfo &e = m_environments.at(index.row());
    const qint64 ageMs = e.createdMs > 0 ? std::max<qint64>(0, m_nowMs - e.createdMs) : 0;
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case IdColumn: return e.id;
        case FunctionColumn: return e.function;
        case VersionColumn: return e.version;
        case StateColumn: return engine::environmentStateName(e.state);
        case ProvisionedColumn: return e.provisioned ? tr("yes") : tr("no");
        case PidColumn: return e.pid > 0 ? QString::number(e.pid) : QString();
        case InvocationsColumn: return formatCount(e.invocations);
        case MaxMemoryColumn: return e.maxMemoryUsedMb > 0 ? formatMemoryMb(e.maxMemoryUsedMb) : QString();
        case AgeColumn: return e.createdMs > 0 ? formatAge(ageMs) : QString();
        case ColumnCount: break;
        }
        return {};
    case SortRole:
        switch (Column(index.column())) {
        case IdColumn: return e.id;
        case FunctionColumn: return e.function;
        case VersionColumn: return e.version;
        case StateColumn: return int(e.state);
        case ProvisionedColumn: return e.provisioned;
        case PidColumn: return e.pid;
        case InvocationsColumn: return e.invocations;
        case MaxMemoryColumn: return e.maxMemoryUsedMb;
        case AgeColumn: return ageMs;
        case ColumnCount: break;
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == StateColumn)
            return SwimlaneWidget::stateColor(e.state);
        return {};
    case Qt::TextAlignmentRole:
        switch (Column(index.column())) {
        case PidColumn:
        case InvocationsColumn:
        case MaxMemoryColumn:
        case AgeColumn: return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        default: return {};
        }
    case Qt::ToolTipRole:
        return tr("%1 (%2:%3), %4 since %5")
            .arg(e.id, e.function, e.version, engine::environmentStateName(e.state),
                 e.stateSinceMs > 0 ? formatTimestamp(e.stateSinceMs, false) : tr("unknown"));
    case IdRole: return e.id;
    case FunctionRole: return e.function;
    case StateRole: return int(e.state);
    default: return {};
    }
}

QVariant EnvironmentModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case IdColumn: return tr("Environment");
    case FunctionColumn: return tr("Function");
    case VersionColumn: return tr("Version");
    case StateColumn: return tr("State");
    case ProvisionedColumn: return tr("Provisioned");
    case PidColumn: return tr("PID");
    case InvocationsColumn: return tr("Invocations");
    case MaxMemoryColumn: return tr("Max memory");
    case AgeColumn: return tr("Age");
    case ColumnCount: break;
    }
    return {};
}

QHash<int, QByteArray> EnvironmentModel::roleNames() const
{
    auto names = QAbstractTableModel::roleNames();
    names.insert(IdRole, "environmentId");
    names.insert(FunctionRole, "function");
    names.insert(StateRole, "state");
    names.insert(SortRole, "sort");
    return names;
}

} // namespace funcdesk::ui
