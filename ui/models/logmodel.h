#pragma once
// The Logs page's results: log lines in time order (oldest at the top, like a terminal),
// over plain LogLine values. A search replaces the rows; the live tail appends newer
// lines (dropping ones already shown) and trims the oldest beyond a cap so the table
// stays bounded. GUI thread only.

#include "common/invocationrecord.h"

#include <QAbstractTableModel>

namespace funcdesk::ui {

class LogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn,
                  FunctionColumn,
                  RequestIdColumn,
                  MessageColumn,
                  ColumnCount };
    enum Role {
        TimestampRole = Qt::UserRole + 1, // qint64 ms since epoch
        RequestIdRole,
        FunctionRole,
        EnvironmentRole,
        TextRole,
    };
    static constexpr int kDefaultMaxRows = 5000;

    using QAbstractTableModel::QAbstractTableModel;

    // Replaces every row. `lines` come as searchLogs answers them, newest first (lines of
    // one millisecond in reverse too); rows are sorted by time with equal times in the
    // reverse of the given order, so START, output, END, REPORT read top to bottom.
    void setLines(QList<LogLine> lines);
    // Appends lines (newest first, as above) newer than or as new as the newest shown that
    // are not shown yet; trims from the top beyond maxRows(). Returns how many were appended.
    int appendLines(QList<LogLine> lines);
    void clear();

    void setMaxRows(int rows);
    int maxRows() const { return m_maxRows; }
    void setShowDate(bool showDate); // ranges longer than a day show the date too
    qint64 newestMs() const;         // 0 when empty
    const QList<LogLine> &lines() const { return m_lines; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    void trim();

    QList<LogLine> m_lines;
    int m_maxRows = kDefaultMaxRows;
    bool m_showDate = false;
};

} // namespace funcdesk::ui
