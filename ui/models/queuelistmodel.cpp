#include "queuelistmodel.h"

namespace funcdesk::ui {

void QueueListModel::setRows(const QList<QueueRow> &rows)
{
    // Same queues in the same order: values change in place (selection and scroll stay).
    bool sameNames = rows.size() == m_rows.size();
    for (qsizetype i = 0; sameNames && i < rows.size(); ++i)
        sameNames = rows[i].info.name == m_rows[i].info.name;
    if (sameNames) {
        m_rows = rows;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int QueueListModel::rowOf(const QString &name) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].info.name == name)
            return int(i);
    return -1;
}

int QueueListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int QueueListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString QueueListModel::ageText(qint64 seconds)
{
    if (seconds < 120)
        return tr("%1 s").arg(seconds);
    if (seconds < 7200)
        return tr("%1 min").arg(seconds / 60);
    return tr("%1 h").arg(seconds / 3600);
}

QVariant QueueListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const QueueRow &r = m_rows[index.row()];
    const store::QueueAttributes &a = r.info.attributes;
    if (role == SortRole) {
        switch (index.column()) {
        case Name: return r.info.name;
        case Visible: return r.stats.visible;
        case InFlight: return r.stats.inFlight;
        case Delayed: return r.stats.delayed;
        case OldestAge: return r.oldestAgeSeconds();
        case Visibility: return a.visibilityTimeoutS;
        case DeadLetter: return a.deadLetterQueue;
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() != Name && index.column() != DeadLetter)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Name && !r.deadLetterSources.isEmpty())
        return tr("Dead-letter queue of %1").arg(r.deadLetterSources.join(QStringLiteral(", ")));
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name: return r.deadLetterSources.isEmpty() ? r.info.name : tr("%1 (dead letters)").arg(r.info.name);
    case Visible: return QString::number(r.stats.visible);
    case InFlight: return QString::number(r.stats.inFlight);
    case Delayed: return QString::number(r.stats.delayed);
    case OldestAge: return r.stats.oldestSentMs > 0 ? ageText(r.oldestAgeSeconds()) : QStringLiteral("–");
    case Visibility: return tr("%1 s").arg(a.visibilityTimeoutS);
    case DeadLetter:
        return a.deadLetterQueue.isEmpty() ? QStringLiteral("–") : tr("%1 after %2 receives").arg(a.deadLetterQueue).arg(a.maxReceiveCount);
    default: return {};
    }
}

QVariant QueueListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Queue");
    case Visible: return tr("Visible");
    case InFlight: return tr("In flight");
    case Delayed: return tr("Delayed");
    case OldestAge: return tr("Oldest");
    case Visibility: return tr("Visibility");
    case DeadLetter: return tr("Dead letters go to");
    default: return {};
    }
}

} // namespace funcdesk::ui
