#pragma once
// The Layers page: every published layer version (size, runtimes, when, which functions
// use it), publishing a new version from a folder or a zip, and deleting one (functions
// that use it keep it, as on Lambda). Reads and writes the data dir's layers
// (versioning/layerstore.h) on Studio's git pool. GUI thread only.

#include <QWidget>

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace funcdesk::ui {

class LayerModel;
class PageHeader;
class Studio;

class LayersPage : public QWidget
{
    Q_OBJECT
public:
    explicit LayersPage(Studio *studio, QWidget *parent = nullptr);

    void reload();
    // Publishes `path` (a folder, zipped first, or a .zip) as a new version of `name`.
    void publish(const QString &name, const QString &path, const QString &description);
    LayerModel *model() const { return m_model; }

Q_SIGNALS:
    void statusMessage(const QString &message);
    void layersChanged();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void publishFromDialog(bool folder);
    void deleteSelected();
    void updateButtons();

    Studio *m_studio;
    PageHeader *m_header;
    LayerModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLabel *m_empty;
    QPushButton *m_delete;
};

} // namespace funcdesk::ui
