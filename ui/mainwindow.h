#pragma once
// The one window (DESIGN.md "GUI"): the function explorer on the left; for the selected
// function the tabs Code / Test / Monitor / Versions / Configuration; global pages for
// the dashboard, environments, logs and cost. Menus carry every action with its
// shortcut; Ctrl+K opens the command palette over all of them and every function.
// Window layout is saved and restored. GUI thread only.

#include <QMainWindow>
#include <QPointer>

#include <functional>

#include "common/result.h"

class QLabel;
class QListWidget;
class QStackedWidget;
class QTabWidget;

namespace funcdesk::ui {

class CodePage;
class CommandPalette;
class ConfigurationPage;
class CostPage;
class DashboardPage;
class EnvironmentsPage;
class FunctionExplorer;
class FunctionListModel;
class LogsPage;
class MonitorPage;
class Studio;
class TestPage;
class VersionsPage;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum class Page { Dashboard, Environments, Logs, Cost, Function };
    enum class FunctionTab { Code, Test, Monitor, Versions, Configuration };

    explicit MainWindow(Studio *studio, QWidget *parent = nullptr);
    ~MainWindow() override;

    void refreshFunctions();
    void selectFunction(const QString &name);
    // Lists the functions again (one was created, imported or renamed), then selects `name`.
    void reloadAndSelect(const QString &name, std::function<void()> then = {});
    QString currentFunction() const { return m_function; }
    void showPage(Page page);
    void showFunctionTab(FunctionTab tab);
    Page currentPage() const;
    FunctionTab currentFunctionTab() const;
    FunctionListModel *functionModel() const { return m_functions; }
    void openCommandPalette();
    void newFunction(); // the dialog
    void importZip(const QString &zipPath, const QString &name);
    void importGit(const QString &url, const QString &ref, const QString &subdirectory, const QString &name);
    void renameFunction(const QString &name, const QString &newName);
    void openLoadTest();

    CodePage *codePage() const { return m_code; }
    TestPage *testPage() const { return m_test; }
    VersionsPage *versionsPage() const { return m_versions; }
    ConfigurationPage *configurationPage() const { return m_config; }
    CommandPalette *commandPalette() const { return m_palette; }
    QString statusText() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void buildStatusBar();
    void updateStatus();
    void showMessage(const QString &message);
    void confirmDelete(const QString &name);
    void askRename(const QString &name);
    void finishImport(const QString &name, const Result<QString> &result, bool cancelled);
    QAction *addAction(QMenu *menu, const QString &text, const QKeySequence &shortcut, std::function<void()> slot);

    Studio *m_studio;
    FunctionListModel *m_functions;
    FunctionExplorer *m_explorer;
    QListWidget *m_nav;
    QStackedWidget *m_stack;
    QTabWidget *m_tabs;
    CodePage *m_code;
    TestPage *m_test;
    MonitorPage *m_monitor;
    VersionsPage *m_versions;
    ConfigurationPage *m_config;
    DashboardPage *m_dashboard;
    EnvironmentsPage *m_environments;
    LogsPage *m_logs;
    CostPage *m_cost;
    CommandPalette *m_palette;
    QLabel *m_engineStatus;
    QLabel *m_apiStatus;
    QLabel *m_rateStatus;
    QLabel *m_envStatus;
    QString m_function;
    QList<QAction *> m_actions; // for the palette
    quint64 m_lastTotal = 0;
    qint64 m_lastTotalAtMs = 0;
};

} // namespace funcdesk::ui
