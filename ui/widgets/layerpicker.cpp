#include "layerpicker.h"

#include "ui/async.h"
#include "ui/models/layermodel.h"
#include "ui/studio.h"
#include "versioning/layerstore.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>

namespace funcdesk::ui {

namespace {

constexpr int kMaxLayers = 5; // Lambda's limit per function

// "arn:...:layer:shared:3" -> "shared:3"
QString shortName(const QString &arn)
{
    const qsizetype at = arn.indexOf(QLatin1String(":layer:"));
    return at >= 0 ? arn.mid(at + 7) : arn;
}

} // namespace

LayerPicker::LayerPicker(Studio *studio, QWidget *parent) : QGroupBox(tr("Layers"), parent), m_studio(studio)
{
    setObjectName(QStringLiteral("layerPicker"));
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("functionLayers"));
    m_list->setMaximumHeight(110);
    m_available = new QComboBox(this);
    m_available->setObjectName(QStringLiteral("availableLayers"));
    m_available->setMinimumContentsLength(18);
    m_available->setPlaceholderText(tr("No layers published (Layers page)"));
    m_add = new QPushButton(tr("Add"), this);
    m_remove = new QPushButton(tr("Remove"), this);
    m_up = new QPushButton(tr("Up"), this);
    m_down = new QPushButton(tr("Down"), this);
    m_note = new QLabel(tr("At most 5, merged at /opt in this order: a later layer's file wins."), this);
    m_note->setWordWrap(true);
    m_note->setEnabled(false);

    auto *grid = new QGridLayout(this);
    grid->addWidget(m_list, 0, 0, 3, 2);
    grid->addWidget(m_up, 0, 2);
    grid->addWidget(m_down, 1, 2);
    grid->addWidget(m_remove, 2, 2);
    grid->addWidget(m_available, 3, 0, 1, 2);
    grid->addWidget(m_add, 3, 2);
    grid->addWidget(m_note, 4, 0, 1, 3);
    grid->setColumnStretch(0, 1);

    connect(m_add, &QPushButton::clicked, this, &LayerPicker::addSelected);
    connect(m_remove, &QPushButton::clicked, this, [this] {
        delete m_list->takeItem(m_list->currentRow());
        updateButtons();
        Q_EMIT changed();
    });
    connect(m_up, &QPushButton::clicked, this, [this] { move(-1); });
    connect(m_down, &QPushButton::clicked, this, [this] { move(1); });
    connect(m_list, &QListWidget::currentRowChanged, this, &LayerPicker::updateButtons);
    connect(m_available, &QComboBox::currentIndexChanged, this, &LayerPicker::updateButtons);
    updateButtons();
}

void LayerPicker::showEvent(QShowEvent *event)
{
    QGroupBox::showEvent(event);
    reloadAvailable();
}

void LayerPicker::setLayers(const QStringList &arns)
{
    m_list->clear();
    for (const QString &arn : arns) {
        auto *item = new QListWidgetItem(shortName(arn), m_list);
        item->setData(Qt::UserRole, arn);
        item->setToolTip(arn);
    }
    updateButtons();
}

QStringList LayerPicker::layers() const
{
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i)
        out << m_list->item(i)->data(Qt::UserRole).toString();
    return out;
}

void LayerPicker::reloadAvailable()
{
    const DataDir dataDir = m_studio->dataDir();
    runAsync(m_studio->gitPool(), this, [dataDir] { return loadLayerRows(dataDir); },
             [this](QList<LayerRow> rows) {
                 const QString current = m_available->currentData().toString();
                 m_available->clear();
                 for (const LayerRow &r : std::as_const(rows)) {
                     const LayerVersionInfo &l = r.layer;
                     m_available->addItem(QStringLiteral("%1:%2  (%3)").arg(l.name).arg(l.version).arg(layerSizeText(l.unzippedBytes)),
                                          l.versionArn());
                 }
                 // With a placeholder text set, QComboBox selects nothing by itself.
                 const int keep = m_available->findData(current);
                 m_available->setCurrentIndex(keep >= 0 ? keep : (m_available->count() > 0 ? 0 : -1));
                 updateButtons();
             });
}

void LayerPicker::addSelected()
{
    const QString arn = m_available->currentData().toString();
    if (arn.isEmpty() || m_list->count() >= kMaxLayers)
        return;
    auto *item = new QListWidgetItem(shortName(arn), m_list);
    item->setData(Qt::UserRole, arn);
    item->setToolTip(arn);
    updateButtons();
    Q_EMIT changed();
}

void LayerPicker::move(int delta)
{
    const int row = m_list->currentRow();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= m_list->count())
        return;
    QListWidgetItem *item = m_list->takeItem(row);
    m_list->insertItem(to, item);
    m_list->setCurrentRow(to);
    Q_EMIT changed();
}

void LayerPicker::updateButtons()
{
    const int row = m_list->currentRow();
    m_add->setEnabled(m_available->currentIndex() >= 0 && m_list->count() < kMaxLayers);
    m_remove->setEnabled(row >= 0);
    m_up->setEnabled(row > 0);
    m_down->setEnabled(row >= 0 && row < m_list->count() - 1);
}

} // namespace funcdesk::ui
