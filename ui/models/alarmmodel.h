#pragma once
// The Alarms page's models: the rules with their state (AlarmModel) and a history
// (AlarmHistoryModel), over plain store rows swapped in whole when a refresh arrives.
// GUI thread only.

#include "store/alarms.h"

#include <QAbstractTableModel>

namespace funcdesk::ui {

class AlarmModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameCol, StateCol, MetricCol, ConditionCol, SinceCol, ColumnCount };
    enum Role { NameRole = Qt::UserRole + 1, StateRole, FunctionRole, ReasonRole };

    using QAbstractTableModel::QAbstractTableModel;
    void setAlarms(QList<store::AlarmRow> alarms);
    const QList<store::AlarmRow> &alarms() const { return m_alarms; }
    int rowOf(const QString &name) const;
    int countInState(const QString &state) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QColor stateColor(const QString &state); // ALARM red, OK green, INSUFFICIENT_DATA grey

private:
    QList<store::AlarmRow> m_alarms;
};

class AlarmHistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeCol, AlarmCol, SummaryCol, ReasonCol, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;
    void setHistory(QList<store::AlarmHistoryRow> rows);
    const QList<store::AlarmHistoryRow> &history() const { return m_rows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<store::AlarmHistoryRow> m_rows;
};

} // namespace funcdesk::ui
