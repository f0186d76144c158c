#pragma once
// The function explorer on the left of the window: a search box over the functions,
// each shown with its runtime icon and its state (warm and provisioned environments,
// errors in the last 5 minutes, undeployed edits). GUI thread only.

#include <QWidget>

class QLineEdit;
class QListView;
class QSortFilterProxyModel;

namespace funcdesk::ui {

class FunctionListModel;

class FunctionExplorer : public QWidget
{
    Q_OBJECT
public:
    explicit FunctionExplorer(FunctionListModel *model, QWidget *parent = nullptr);

    QString currentFunction() const;
    void selectFunction(const QString &name);
    void focusSearch();
    void setFilterText(const QString &text);
    int visibleCount() const;

Q_SIGNALS:
    void functionSelected(const QString &name);
    void newFunctionRequested();
    void deleteRequested(const QString &name);
    void renameRequested(const QString &name);

private:
    FunctionListModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_search;
    QListView *m_view;
    bool m_selectingProgrammatically = false;
};

} // namespace funcdesk::ui
