#include "logmodel.h"

#include "ui/pages/telemetry.h"
#include "ui/theme.h"

#include <QBrush>
#include <QColor>
#include <QFontDatabase>
#include <QGuiApplication>

namespace funcdesk::ui {

namespace {
bool earlier(const LogLine &a, const LogLine &b)
{
    return a.timestampMs < b.timestampMs;
}

// Newest-first answers to oldest-first rows, keeping the within-millisecond order.
void toTimeOrder(QList<LogLine> &lines)
{
    std::reverse(lines.begin(), lines.end());
    std::stable_sort(lines.begin(), lines.end(), earlier);
}

bool sameLine(const LogLine &a, const LogLine &b)
{
    return a.timestampMs == b.timestampMs && a.requestId == b.requestId && a.environmentId == b.environmentId
        && a.text == b.text && a.function == b.function;
}

bool isFrameLine(const QString &text)
{
    return text.startsWith(QLatin1String("START RequestId:")) || text.startsWith(QLatin1String("END RequestId:"))
        || text.startsWith(QLatin1String("REPORT RequestId:")) || text.startsWith(QLatin1String("INIT_START"));
}

bool isErrorLine(const QString &text)
{
    return text.contains(QLatin1String("[ERROR]")) || text.contains(QLatin1String("Task timed out"))
        || text.contains(QLatin1String("Runtime.")) || text.startsWith(QLatin1String("Traceback"));
}
} // namespace

void LogModel::setLines(QList<LogLine> lines)
{
    toTimeOrder(lines);
    if (lines.size() > m_maxRows)
        lines.remove(0, lines.size() - m_maxRows);
    beginResetModel();
    m_lines = std::move(lines);
    endResetModel();
}

int LogModel::appendLines(QList<LogLine> lines)
{
    toTimeOrder(lines);
    const qint64 newest = newestMs();
    QList<LogLine> fresh;
    for (LogLine &line : lines) {
        if (!m_lines.isEmpty() && line.timestampMs < newest)
            continue;
        bool shown = false;
        if (!m_lines.isEmpty() && line.timestampMs == newest) {
            // Lines at the newest shown millisecond may have been shown by the last query.
            for (qsizetype i = m_lines.size() - 1; i >= 0 && m_lines.at(i).timestampMs == newest && !shown; --i)
                shown = sameLine(m_lines.at(i), line);
        }
        for (qsizetype i = fresh.size() - 1; !shown && i >= 0 && fresh.at(i).timestampMs == line.timestampMs; --i)
            shown = sameLine(fresh.at(i), line);
        if (!shown)
            fresh.append(std::move(line));
    }
    if (fresh.isEmpty())
        return 0;
    const int first = int(m_lines.size());
    beginInsertRows({}, first, first + int(fresh.size()) - 1);
    m_lines.append(fresh);
    endInsertRows();
    trim();
    return int(fresh.size());
}

void LogModel::trim()
{
    if (m_lines.size() <= m_maxRows)
        return;
    const int excess = int(m_lines.size()) - m_maxRows;
    beginRemoveRows({}, 0, excess - 1);
    m_lines.remove(0, excess);
    endRemoveRows();
}

void LogModel::clear()
{
    if (m_lines.isEmpty())
        return;
    beginResetModel();
    m_lines.clear();
    endResetModel();
}

void LogModel::setMaxRows(int rows)
{
    m_maxRows = std::max(1, rows);
    trim();
}

void LogModel::setShowDate(bool showDate)
{
    if (m_showDate == showDate)
        return;
    m_showDate = showDate;
    if (!m_lines.isEmpty())
        Q_EMIT dataChanged(index(0, TimeColumn), index(int(m_lines.size()) - 1, TimeColumn), {Qt::DisplayRole});
}

qint64 LogModel::newestMs() const
{
    return m_lines.isEmpty() ? 0 : m_lines.last().timestampMs;
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

int LogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LogLine &line = m_lines.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case TimeColumn: return formatTimestamp(line.timestampMs, m_showDate);
        case FunctionColumn: return line.function;
        case RequestIdColumn: return line.requestId;
        case MessageColumn: return QString(line.text).replace(QLatin1Char('\t'), QLatin1String("  "));
        case ColumnCount: break;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == MessageColumn)
            return line.text;
        if (index.column() == RequestIdColumn && !line.requestId.isEmpty())
            return tr("Double-click to open this request");
        return {};
    case Qt::FontRole:
        if (index.column() == MessageColumn || index.column() == RequestIdColumn)
            return QFontDatabase::systemFont(QFontDatabase::FixedFont);
        return {};
    case Qt::ForegroundRole:
        // From the palette at paint time: readable in a dark theme too.
        if (index.column() == MessageColumn && isErrorLine(line.text))
            return QBrush(errorColor(QGuiApplication::palette()));
        if (index.column() == MessageColumn && isFrameLine(line.text))
            return QGuiApplication::palette().brush(QPalette::PlaceholderText);
        return {};
    case TimestampRole: return line.timestampMs;
    case RequestIdRole: return line.requestId;
    case FunctionRole: return line.function;
    case EnvironmentRole: return line.environmentId;
    case TextRole: return line.text;
    default: return {};
    }
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case TimeColumn: return tr("Time");
    case FunctionColumn: return tr("Function");
    case RequestIdColumn: return tr("Request ID");
    case MessageColumn: return tr("Message");
    case ColumnCount: break;
    }
    return {};
}

QHash<int, QByteArray> LogModel::roleNames() const
{
    auto names = QAbstractTableModel::roleNames();
    names.insert(TimestampRole, "timestamp");
    names.insert(RequestIdRole, "requestId");
    names.insert(FunctionRole, "function");
    names.insert(EnvironmentRole, "environmentId");
    names.insert(TextRole, "text");
    return names;
}

} // namespace funcdesk::ui
