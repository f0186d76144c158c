#include "layerspage.h"

#include "ui/async.h"
#include "ui/models/layermodel.h"
#include "ui/pages/pageheader.h"
#include "ui/studio.h"
#include "versioning/codezip.h"
#include "versioning/folderwatch.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace funcdesk::ui {


LayersPage::LayersPage(Studio *studio, QWidget *parent)
    : QWidget(parent), m_studio(studio), m_model(new LayerModel(this)), m_proxy(new QSortFilterProxyModel(this))
{
    setObjectName(QStringLiteral("layersPage"));
    m_header = new PageHeader(tr("Layers"), this);
    m_header->setSubtitle(tr("Code shared by functions: python/, nodejs/node_modules/, bin/ and lib/ of each layer are what a "
                             "function sees at /opt, later layers over earlier ones."));
    auto *publishFolder = new QPushButton(tr("Publish folder..."), this);
    publishFolder->setObjectName(QStringLiteral("publishLayerFolder"));
    auto *publishZip = new QPushButton(tr("Publish zip..."), this);
    publishZip->setObjectName(QStringLiteral("publishLayerZip"));
    m_delete = new QPushButton(tr("Delete version"), this);
    m_delete->setObjectName(QStringLiteral("deleteLayerVersion"));
    m_delete->setToolTip(tr("Functions that use it keep it; no new function can add it."));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(publishFolder);
    buttons->addWidget(publishZip);
    buttons->addWidget(m_delete);
    buttons->addStretch();

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(LayerModel::SortRole);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("layersTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(LayerModel::NameColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    m_empty = new QLabel(tr("No layers yet. Publish a folder holding python/ or nodejs/node_modules/ (or bin/, lib/) "
                            "as a layer, then add it to functions on their Configuration tab."),
                         this);
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addLayout(buttons);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_empty, 1);

    connect(publishFolder, &QPushButton::clicked, this, [this] { publishFromDialog(true); });
    connect(publishZip, &QPushButton::clicked, this, [this] { publishFromDialog(false); });
    connect(m_delete, &QPushButton::clicked, this, &LayersPage::deleteSelected);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &LayersPage::updateButtons);
    updateButtons();
}

void LayersPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    reload();
}

void LayersPage::reload()
{
    const DataDir dataDir = m_studio->dataDir();
    runAsync(m_studio->gitPool(), this, [dataDir] { return loadLayerRows(dataDir); },
             [this](QList<LayerRow> rows) {
                 const qsizetype versions = rows.size();
                 QSet<QString> names;
                 for (const LayerRow &r : std::as_const(rows))
                     names.insert(r.layer.name);
                 m_model->setRows(std::move(rows));
                 m_table->resizeColumnsToContents();
                 m_table->setVisible(versions > 0);
                 m_empty->setVisible(versions == 0);
                 const int n = int(names.size());
                 m_header->setStatus((n == 1 ? tr("1 layer") : tr("%1 layers").arg(n)) + QStringLiteral(", ")
                                     + (versions == 1 ? tr("1 version") : tr("%1 versions").arg(versions)));
                 updateButtons();
             });
}

void LayersPage::updateButtons()
{
    m_delete->setEnabled(m_table->selectionModel()->hasSelection());
}

void LayersPage::publishFromDialog(bool folder)
{
    const QString path = folder ? QFileDialog::getExistingDirectory(this, tr("Publish a folder as a layer"))
                                : QFileDialog::getOpenFileName(this, tr("Publish a zip as a layer"), {}, tr("Zip files (*.zip)"));
    if (path.isEmpty())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Publish layer"), tr("Layer name:"), QLineEdit::Normal,
                                               QFileInfo(path).completeBaseName(), &ok);
    if (!ok || name.isEmpty())
        return;
    publish(name, path, {});
}

void LayersPage::publish(const QString &name, const QString &path, const QString &description)
{
    const DataDir dataDir = m_studio->dataDir();
    Q_EMIT statusMessage(tr("Publishing %1...").arg(name));
    runAsync(
        m_studio->gitPool(), this,
        [dataDir, name, path, description]() -> Result<LayerVersionInfo> {
            LayerPublish p;
            p.name = name;
            p.description = description;
            if (QFileInfo(path).isDir()) {
                Result<SourceFiles> files = FolderWatch::readFolder(path, false);
                if (!files.ok())
                    return files.error();
                Result<QByteArray> zip = codezip::zipFiles(*files);
                if (!zip.ok())
                    return zip.error();
                p.zip = *zip;
            } else {
                QFile f(path);
                if (!f.open(QIODevice::ReadOnly))
                    return makeError(errc::IOError, f.errorString());
                p.zip = f.readAll();
            }
            return LayerStore(dataDir).publish(p);
        },
        [this](Result<LayerVersionInfo> v) {
            if (!v.ok()) {
                QMessageBox::warning(this, tr("Publish layer"), v.error().message);
                return;
            }
            Q_EMIT statusMessage(tr("Published %1").arg(v->versionArn()));
            Q_EMIT layersChanged();
            reload();
        });
}

void LayersPage::deleteSelected()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const QString name = rows.first().data(LayerModel::NameRole).toString();
    const int version = rows.first().data(LayerModel::VersionRole).toInt();
    if (QMessageBox::question(this, tr("Delete layer version"),
                              tr("Delete %1 version %2? Functions that use it keep it.").arg(name).arg(version))
        != QMessageBox::Yes)
        return;
    const DataDir dataDir = m_studio->dataDir();
    runAsync(m_studio->gitPool(), this, [dataDir, name, version] { return LayerStore(dataDir).remove(name, version); },
             [this](Status s) {
                 if (!s.ok())
                     QMessageBox::warning(this, tr("Delete layer version"), s.error().message);
                 Q_EMIT layersChanged();
                 reload();
             });
}

} // namespace funcdesk::ui
