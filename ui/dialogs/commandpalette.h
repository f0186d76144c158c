#pragma once
// Ctrl+K: a filter box over every action of the main window and every function.
// Entries are plain values (title, shortcut text, a callback); the palette owns no
// application state. GUI thread only.

#include <QDialog>

#include <functional>

class QLineEdit;
class QListView;
class QSortFilterProxyModel;
class QStandardItemModel;

namespace funcdesk::ui {

struct PaletteEntry
{
    QString title;  // "Deploy", "Open function: hello"
    QString detail; // shortcut or category shown on the right
    std::function<void()> trigger;
};

class CommandPalette : public QDialog
{
    Q_OBJECT
public:
    explicit CommandPalette(QWidget *parent = nullptr);

    void setEntries(QList<PaletteEntry> entries);
    int visibleCount() const;
    void setFilterText(const QString &text); // what typing does; for tests
    bool activateCurrent();                  // Enter: run the highlighted entry and close

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QLineEdit *m_filter;
    QListView *m_list;
    QStandardItemModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QList<PaletteEntry> m_entries;
};

} // namespace funcdesk::ui
