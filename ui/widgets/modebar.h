#pragma once
// The mode bar at the far left of the window, as in Qt Creator and other IDEs: a column
// of buttons, each an icon over a short name, the current one marked with the palette's
// highlight. The bar only shows and reports the choice; MainWindow maps each mode to its
// page (MainWindow::addMode). Modes are appended top to bottom and named by an id.
// Colours come from the palette at paint time, so light, dark and "follow system" themes
// need nothing here. GUI thread only.

#include <QList>
#include <QWidget>

class QAbstractButton;
class QButtonGroup;
class QIcon;
class QVBoxLayout;

namespace funcdesk::ui {

class ModeBar : public QWidget
{
    Q_OBJECT
public:
    explicit ModeBar(QWidget *parent = nullptr);

    // Appends a mode; returns its index. `name` is one short word shown under the icon.
    int addMode(const QString &id, const QIcon &icon, const QString &name, const QString &toolTip = {});
    int count() const { return int(m_ids.size()); }
    int indexOf(const QString &id) const { return int(m_ids.indexOf(id)); }
    QString idAt(int index) const { return m_ids.value(index); }
    QAbstractButton *button(int index) const;

    int currentIndex() const;
    QString currentId() const { return idAt(currentIndex()); }
    void setCurrentIndex(int index); // marks it; emits nothing

Q_SIGNALS:
    void modeClicked(int index); // the user chose a mode (click, or Space on a focused button)

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QVBoxLayout *m_layout;
    QButtonGroup *m_group;
    QList<QString> m_ids;
};

} // namespace funcdesk::ui
