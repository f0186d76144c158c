#include "functionlistmodel.h"

#include "ui/widgets/icons.h"

namespace funcdesk::ui {

void FunctionListModel::setFunctions(QList<FunctionSummary> functions)
{
    std::sort(functions.begin(), functions.end(),
              [](const FunctionSummary &a, const FunctionSummary &b) { return a.name < b.name; });
    bool sameNames = functions.size() == m_functions.size();
    for (qsizetype i = 0; sameNames && i < functions.size(); ++i)
        sameNames = functions.at(i).name == m_functions.at(i).name;
    if (sameNames) {
        // Same rows: update in place so selection and scroll position stay put.
        m_functions = std::move(functions);
        if (!m_functions.isEmpty())
            Q_EMIT dataChanged(index(0), index(int(m_functions.size()) - 1));
        return;
    }
    beginResetModel();
    m_functions = std::move(functions);
    endResetModel();
}

int FunctionListModel::rowOf(const QString &name) const
{
    for (qsizetype i = 0; i < m_functions.size(); ++i)
        if (m_functions.at(i).name == name)
            return int(i);
    return -1;
}

void FunctionListModel::setAlarming(const QHash<QString, QStringList> &alarmsByFunction)
{
    if (alarmsByFunction == m_alarming)
        return;
    m_alarming = alarmsByFunction;
    if (!m_functions.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_functions.size()) - 1), {AlarmRole, Qt::ToolTipRole});
}

int FunctionListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_functions.size());
}

QVariant FunctionListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FunctionSummary &f = m_functions.at(index.row());
    switch (role) {
    case Qt::DisplayRole: {
        QString text = f.name;
        if (f.draftChanged)
            text += QStringLiteral(" *");
        return text;
    }
    case Qt::DecorationRole:
        return runtimeIcon(f.config.runtime);
    case Qt::ToolTipRole: {
        QString tip = tr("%1 — %2, %3 MB, %4 s timeout")
                          .arg(f.name, runtimeName(f.config.runtime))
                          .arg(f.config.memoryMb)
                          .arg(f.config.timeoutSeconds);
        tip += QLatin1Char('\n') + tr("%n warm environment(s)", nullptr, f.warmEnvironments);
        if (f.provisionedEnvironments > 0)
            tip += QLatin1Char('\n') + tr("%n provisioned", nullptr, f.provisionedEnvironments);
        if (f.recentErrors > 0)
            tip += QLatin1Char('\n') + tr("%n error(s) in the last 5 minutes", nullptr, f.recentErrors);
        if (f.draftChanged)
            tip += QLatin1Char('\n') + tr("Draft has undeployed changes");
        if (m_alarming.contains(f.name))
            tip += QLatin1Char('\n') + tr("In ALARM: %1").arg(m_alarming.value(f.name).join(QStringLiteral(", ")));
        return tip;
    }
    case NameRole: return f.name;
    case RuntimeRole: return runtimeName(f.config.runtime);
    case WarmRole: return f.warmEnvironments;
    case ProvisionedRole: return f.provisionedEnvironments;
    case RecentErrorsRole: return f.recentErrors;
    case DraftChangedRole: return f.draftChanged;
    case InvocationsRole: return f.invocations;
    case AlarmRole: return m_alarming.value(f.name).join(QLatin1Char('\n'));
    default: return {};
    }
}

QHash<int, QByteArray> FunctionListModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(RuntimeRole, "runtime");
    names.insert(WarmRole, "warm");
    names.insert(ProvisionedRole, "provisioned");
    names.insert(RecentErrorsRole, "recentErrors");
    names.insert(DraftChangedRole, "draftChanged");
    names.insert(InvocationsRole, "invocations");
    names.insert(AlarmRole, "alarm");
    return names;
}

} // namespace funcdesk::ui
