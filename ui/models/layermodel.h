#pragma once
// The Layers page's table: one row per live layer version (newest version of each layer
// first), with the functions whose draft names it. Plain values swapped in whole after each
// load (LayerRow). GUI thread only.

#include "versioning/layerstore.h"

#include <QAbstractTableModel>

namespace funcdesk::ui {

struct LayerRow
{
    LayerVersionInfo layer;
    QStringList usedBy; // functions naming this version, sorted
};

class LayerModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        VersionColumn,
        SizeColumn,
        RuntimesColumn,
        CreatedColumn,
        UsedByColumn,
        DescriptionColumn,
        ColumnCount
    };
    enum Role {
        ArnRole = Qt::UserRole + 1,
        NameRole,
        VersionRole,
        SortRole,
    };

    using QAbstractTableModel::QAbstractTableModel;

    void setRows(QList<LayerRow> rows);
    const QList<LayerRow> &rows() const { return m_rows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<LayerRow> m_rows;
};

// Every live layer version with its users (functions' drafts). Blocking disk reads: call on
// a worker thread (Studio::gitPool()).
QList<LayerRow> loadLayerRows(const DataDir &dataDir);

// "12.3 MB" / "4 KB"
QString layerSizeText(qint64 bytes);

} // namespace funcdesk::ui
