#include "layermodel.h"

#include "versioning/versionstore.h"

#include <QLocale>

namespace funcdesk::ui {

QString layerSizeText(qint64 bytes)
{
    if (bytes >= 1024 * 1024)
        return QStringLiteral("%1 MB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
    return QStringLiteral("%1 KB").arg((bytes + 1023) / 1024);
}

QList<LayerRow> loadLayerRows(const DataDir &dataDir)
{
    QHash<QString, QStringList> users; // version ARN -> functions
    VersionStore functions(dataDir);
    const QStringList names = functions.functionNames();
    for (const QString &f : names) {
        Result<FunctionConfig> c = functions.draftConfig(f);
        if (!c.ok())
            continue;
        for (const QString &arn : std::as_const(c->layers))
            users[arn].append(f);
    }
    QList<LayerRow> rows;
    const LayerStore layers(dataDir);
    const QStringList layerNames = layers.names();
    for (const QString &n : layerNames) {
        const QList<LayerVersionInfo> versions = layers.versions(n);
        for (const LayerVersionInfo &v : versions)
            rows.append(LayerRow{v, users.value(v.versionArn())});
    }
    return rows;
}

void LayerModel::setRows(QList<LayerRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int LayerModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int LayerModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant LayerModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= ColumnCount)
        return {};
    const LayerRow &r = m_rows.at(index.row());
    const LayerVersionInfo &l = r.layer;
    switch (role) {
    case ArnRole:
        return l.versionArn();
    case NameRole:
        return l.name;
    case VersionRole:
        return l.version;
    case Qt::ToolTipRole:
        if (index.column() == UsedByColumn && !r.usedBy.isEmpty())
            return r.usedBy.join(QLatin1Char('\n'));
        return l.versionArn();
    case Qt::TextAlignmentRole:
        if (index.column() == VersionColumn || index.column() == SizeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return l.name;
        case VersionColumn:
            return l.version;
        case SizeColumn:
            return role == SortRole ? QVariant(l.unzippedBytes)
                                    : QVariant(layerSizeText(l.unzippedBytes) + QStringLiteral(" (zip %1)").arg(layerSizeText(l.codeSize)));
        case RuntimesColumn:
            return l.compatibleRuntimes.isEmpty() ? QStringLiteral("any") : l.compatibleRuntimes.join(QStringLiteral(", "));
        case CreatedColumn:
            return role == SortRole ? QVariant(l.created.toMSecsSinceEpoch())
                                    : QVariant(QLocale().toString(l.created.toLocalTime(), QLocale::ShortFormat));
        case UsedByColumn:
            if (role == SortRole)
                return int(r.usedBy.size());
            return r.usedBy.isEmpty() ? QStringLiteral("-") : r.usedBy.join(QStringLiteral(", "));
        case DescriptionColumn:
            return l.description;
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant LayerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Layer");
    case VersionColumn: return tr("Version");
    case SizeColumn: return tr("Size");
    case RuntimesColumn: return tr("Runtimes");
    case CreatedColumn: return tr("Created");
    case UsedByColumn: return tr("Used by");
    case DescriptionColumn: return tr("Description");
    default: return {};
    }
}

} // namespace funcdesk::ui
