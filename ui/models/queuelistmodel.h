#pragma once
// The Queues page's table: one row per local queue with its depth, messages in flight,
// delayed, the oldest message's age, the visibility timeout and where its dead letters
// go. Thin over plain values the page reads on a store worker; replaced in one call.
//
// Threading: GUI thread only.

#include "store/queues.h"

#include <QAbstractTableModel>

namespace funcdesk::ui {

struct QueueRow
{
    store::QueueInfo info;
    store::QueueStats stats;
    QStringList deadLetterSources; // queues whose redrive policy points here
    qint64 sampledMs = 0;
    qint64 oldestAgeSeconds() const { return stats.oldestSentMs > 0 ? qMax<qint64>(0, (sampledMs - stats.oldestSentMs) / 1000) : 0; }
};

class QueueListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name,
                  Visible,
                  InFlight,
                  Delayed,
                  OldestAge,
                  Visibility,
                  DeadLetter,
                  ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1 };

    using QAbstractTableModel::QAbstractTableModel;

    void setRows(const QList<QueueRow> &rows);
    const QList<QueueRow> &rows() const { return m_rows; }
    int rowOf(const QString &name) const; // -1: none

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString ageText(qint64 seconds); // "12 s", "4 min", "3 h"

private:
    QList<QueueRow> m_rows;
};

} // namespace funcdesk::ui
