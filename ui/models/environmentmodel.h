#pragma once
// The Environments page's table: one row per current execution environment, over plain
// engine::EnvironmentInfo values swapped in whole on the page's 1 s poll. Rows keep
// their place while the set of environment ids is unchanged (selection and scroll stay
// put); ages are computed against the `nowMs` of the last update. GUI thread only.

#include "engine/engine.h"

#include <QAbstractTableModel>

namespace funcdesk::ui {

class EnvironmentModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        IdColumn,
        FunctionColumn,
        VersionColumn,
        StateColumn,
        ProvisionedColumn,
        PidColumn,
        InvocationsColumn,
        MaxMemoryColumn,
        AgeColumn,
        ColumnCount
    };
    enum Role {
        IdRole = Qt::UserRole + 1,
        FunctionRole,
        StateRole, // int(engine::EnvironmentState)
        SortRole,  // a number or string that sorts the column naturally
    };

    using QAbstractTableModel::QAbstractTableModel;

    void setEnvironments(QList<engine::EnvironmentInfo> environments, qint64 nowMs);
    const QList<engine::EnvironmentInfo> &environments() const { return m_environments; }
    int rowOf(const QString &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QList<engine::EnvironmentInfo> m_environments;
    qint64 m_nowMs = 0;
};

} // namespace funcdesk::ui
