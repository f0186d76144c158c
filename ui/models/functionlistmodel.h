#pragma once
// The function explorer's model: one row per function, over plain FunctionSummary values
// swapped in whole by the window when a refresh arrives. GUI thread only.

#include "ui/studio.h"

#include <QAbstractListModel>

namespace funcdesk::ui {

class FunctionListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        RuntimeRole, // runtimeName()
        WarmRole,    // warm environments
        ProvisionedRole,
        RecentErrorsRole,
        DraftChangedRole,
        InvocationsRole,
        AlarmRole, // alarms of this function in ALARM (names, "\n"-separated; empty: none)
    };

    using QAbstractListModel::QAbstractListModel;

    void setFunctions(QList<FunctionSummary> functions); // keeps rows stable where names match
    const QList<FunctionSummary> &functions() const { return m_functions; }
    int rowOf(const QString &name) const;
    // Alarms in ALARM by function (the explorer shows a badge); replaces the previous set.
    void setAlarming(const QHash<QString, QStringList> &alarmsByFunction);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QList<FunctionSummary> m_functions;
    QHash<QString, QStringList> m_alarming;
};

} // namespace funcdesk::ui
