#pragma once
// The Configuration tab's Layers box: the function's layer versions in order (later ones
// win where files collide, as on Lambda), at most 5; add one of the published versions,
// remove, move up or down. Available versions are read off the GUI thread. GUI thread only.

#include <QGroupBox>
#include <QStringList>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace funcdesk::ui {

class Studio;

class LayerPicker : public QGroupBox
{
    Q_OBJECT
public:
    explicit LayerPicker(Studio *studio, QWidget *parent = nullptr);

    void setLayers(const QStringList &arns);
    QStringList layers() const;
    // Reads the published versions again (the combo box).
    void reloadAvailable();
    QComboBox *availableBox() const { return m_available; }
    void addSelected();

Q_SIGNALS:
    void changed();

protected:
    void showEvent(QShowEvent *event) override; // versions published meanwhile appear

private:
    void updateButtons();
    void move(int delta);

    Studio *m_studio;
    QListWidget *m_list;
    QComboBox *m_available;
    QPushButton *m_add;
    QPushButton *m_remove;
    QPushButton *m_up;
    QPushButton *m_down;
    QLabel *m_note;
};

} // namespace funcdesk::ui
