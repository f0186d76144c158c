#include "alarmmodel.h"

#include "metrics/alarms.h"
#include "ui/pages/telemetry.h"
#include "ui/widgets/icons.h"

#include <QColor>

namespace funcdesk::ui {

namespace {
QString condition(const QJsonObject &json)
{
    const Result<metrics::AlarmRule> r = metrics::alarmRuleFromJson(json);
    if (!r)
        return AlarmModel::tr("(unreadable rule: %1)").arg(r.error().message);
    return AlarmModel::tr("%1 %2 %3 for %4 of %5 periods of %6")
        .arg(r->effectiveStatistic(), metrics::comparisonSymbol(r->comparison), metrics::reasonNumber(r->threshold))
        .arg(r->effectiveDatapointsToAlarm())
        .arg(r->evaluationPeriods)
        .arg(formatMs(r->periodSeconds * 1000.0));
}

QString subject(const QJsonObject &json, const QString &fallback)
{
    const Result<metrics::AlarmRule> r = metrics::alarmRuleFromJson(json);
    return r ? r->subject() : fallback;
}
} // namespace

QColor AlarmModel::stateColor(const QString &state)
{
    if (state == QLatin1String("ALARM"))
        return QColor(0xc6, 0x28, 0x28);
    if (state == QLatin1String("OK"))
        return QColor(0x2e, 0x7d, 0x32);
    return QColor(0x75, 0x75, 0x75);
}

void AlarmModel::setAlarms(QList<store::AlarmRow> alarms)
{
    beginResetModel();
    m_alarms = std::move(alarms);
    endResetModel();
}

int AlarmModel::rowOf(const QString &name) const
{
    for (qsizetype i = 0; i < m_alarms.size(); ++i)
        if (m_alarms.at(i).name == name)
            return int(i);
    return -1;
}

int AlarmModel::countInState(const QString &state) const
{
    return int(std::count_if(m_alarms.cbegin(), m_alarms.cend(), [&state](const store::AlarmRow &a) { return a.state == state; }));
}

int AlarmModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_alarms.size()); }
int AlarmModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant AlarmModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const store::AlarmRow &a = m_alarms.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameCol: return a.name;
        case StateCol: return a.state;
        case MetricCol: return subject(a.rule, a.metric);
        case ConditionCol: return condition(a.rule);
        case SinceCol: return formatTimestamp(a.stateUpdatedMs, true).left(19);
        }
        return {};
    case Qt::DecorationRole:
        return index.column() == StateCol ? QVariant(statusDot(stateColor(a.state))) : QVariant();
    case Qt::ForegroundRole:
        return index.column() == StateCol && a.state == QLatin1String("ALARM") ? QVariant(stateColor(a.state)) : QVariant();
    case Qt::ToolTipRole: return a.reason;
    case NameRole: return a.name;
    case StateRole: return a.state;
    case FunctionRole: return a.function;
    case ReasonRole: return a.reason;
    }
    return {};
}

QVariant AlarmModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameCol: return tr("Alarm");
    case StateCol: return tr("State");
    case MetricCol: return tr("Metric");
    case ConditionCol: return tr("Condition");
    case SinceCol: return tr("Since");
    }
    return {};
}

void AlarmHistoryModel::setHistory(QList<store::AlarmHistoryRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int AlarmHistoryModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int AlarmHistoryModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant AlarmHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const store::AlarmHistoryRow &h = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeCol: return formatTimestamp(h.timestampMs, true).left(19);
        case AlarmCol: return h.alarm;
        case SummaryCol: return h.summary;
        case ReasonCol: return h.reason;
        }
        return {};
    case Qt::DecorationRole:
        return index.column() == SummaryCol && h.type == QLatin1String("StateUpdate")
            ? QVariant(statusDot(AlarmModel::stateColor(h.newState)))
            : QVariant();
    case Qt::ToolTipRole: return h.reason.isEmpty() ? h.summary : h.reason;
    }
    return {};
}

QVariant AlarmHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeCol: return tr("Time");
    case AlarmCol: return tr("Alarm");
    case SummaryCol: return tr("Change");
    case ReasonCol: return tr("Reason");
    }
    return {};
}

} // namespace funcdesk::ui
