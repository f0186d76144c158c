#pragma once
// The one window. At the far left, the mode bar: Functions (the function explorer beside
// the selected function's tabs Code / Test / Monitor / Versions / Configuration), then the
// global pages Dashboard, Environments, Logs and Cost. Ctrl+1..Ctrl+9 switch modes in bar
// order; Alt+1..Alt+5 pick a function tab. Menus carry every action with its shortcut;
// Ctrl+K opens the command palette over all of them and every function. The window's
// layout is saved and restored. GUI thread only.
//
// A new global page is ONE call, in buildModes() (mainwindow.cpp), after the others:
//
//     addMode(QStringLiteral("learn"), glyphIcon(Glyph::Learn), tr("Learn"), new LearnPage(m_studio, this));
//
// The page gets a button at the bottom of the mode bar, Ctrl+<its position> (up to 9),
// an entry in the View menu and so in the command palette, and opens with
// showMode(QStringLiteral("learn")). Its icon: add a Glyph and its drawing (ui/widgets/icons.h).
// Pages refresh in showEvent and stop their timers in hideEvent: only the current mode is
// visible.

#include <QMainWindow>
#include <QPointer>

#include <functional>

#include "common/result.h"

class QLabel;
class QSplitter;
class QSystemTrayIcon;
class QStackedWidget;
class QTabWidget;

namespace funcdesk::api {
struct AlarmStateChange;
}

namespace funcdesk::ui {

class AlarmsPage;
class CodePage;
class CommandPalette;
class ConfigurationPage;
class CostPage;
class TracesPage;
class DashboardPage;
class EmptyState;
class EnvironmentsPage;
class FunctionExplorer;
class FunctionListModel;
class LearnPage;
class LogsPage;
class ModeBar;
class MonitorPage;
class Studio;
class TestPage;
class VersionsPage;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // The modes that existed when this enum was written; Other is any mode added since
    // (see currentMode()). Function is the Functions mode.
    enum class Page { Dashboard,
                      Environments,
                      Logs,
                      Cost,
                      Function,
                      Other };
    enum class FunctionTab { Code,
                             Test,
                             Monitor,
                             Versions,
                             Configuration };

    explicit MainWindow(Studio *studio, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Appends a mode to the mode bar: `id` names it in code, `icon` and `name` (one short
    // word) label its button, `page` is shown while it is current (the window takes it
    // over). Gives it Ctrl+<position> while the position is at most 9, a View menu entry
    // and a palette entry. Returns its position, counting from 0 (Functions).
    int addMode(const QString &id, const QIcon &icon, const QString &name, QWidget *page);
    bool showMode(const QString &id); // false: no such mode
    QString currentMode() const;      // "functions", "dashboard", "environments", "logs", "cost", ...
    ModeBar *modeBar() const { return m_modeBar; }

    void refreshFunctions();
    void selectFunction(const QString &name);
    // Lists the functions again (one was created, imported or renamed), then selects `name`.
    void reloadAndSelect(const QString &name, std::function<void()> then = {});
    QString currentFunction() const { return m_function; }
    void showPage(Page page); // Page::Other: does nothing
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
    void openPowerTuning();
    void openReplay(const QStringList &requestIds = {});
    // The Learn page with scenario `id` selected; `run` starts it.
    void openLesson(const QString &id, bool run);
    // The first start of a data dir: the welcome, then the first lesson if wanted.
    void offerTour();

    CodePage *codePage() const { return m_code; }
    TestPage *testPage() const { return m_test; }
    VersionsPage *versionsPage() const { return m_versions; }
    ConfigurationPage *configurationPage() const { return m_config; }
    CommandPalette *commandPalette() const { return m_palette; }
    QString statusText() const;
    AlarmsPage *alarmsPage() const { return m_alarms; }
    QString alarmStatusText() const; // the status bar's alarm figure ("1 alarm in ALARM")

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    // Construction, in order (mainwindow.cpp).
    QWidget *buildFunctionsMode();
    void buildModes();
    void connectPages();
    void restoreLayout();
    // Menus and the commands behind them (mainwindow_menus.cpp, mainwindow_functions.cpp).
    void buildMenus();
    void buildFileMenu();
    void buildFunctionMenu();
    void buildViewMenu();
    void buildStatusBar();
    void updateStatus();
    void showMessage(const QString &message);
    void confirmDelete(const QString &name);
    void askRename(const QString &name);
    void askImportZip();
    void askImportGit();
    // Starts an import with progress and cancel; `start` hands Studio the callback.
    using ImportStart = std::function<void(std::function<void(Result<QString>)>)>;
    void runImport(const QString &label, const QString &name, const ImportStart &start);
    void finishImport(const QString &name, const Result<QString> &result, bool cancelled);
    QAction *addAction(QMenu *menu, const QString &text, const QKeySequence &shortcut, std::function<void()> slot);
    void updateTitle();
    // Alarms (mainwindow_alarms.cpp): the page, the status bar figure, the explorer's
    // badges and a desktop notification (system tray, where there is one) on ALARM.
    void buildAlarms();
    void refreshAlarmSummary();
    void notifyAlarm(const funcdesk::api::AlarmStateChange &change);

    Studio *m_studio;
    FunctionListModel *m_functions;
    ModeBar *m_modeBar = nullptr;
    QStackedWidget *m_modes = nullptr;     // one page per mode, in bar order
    QSplitter *m_functionsSplit = nullptr; // explorer | the function's tabs
    FunctionExplorer *m_explorer = nullptr;
    EmptyState *m_functionArea = nullptr; // the tabs, or a hint while no function is selected
    QTabWidget *m_tabs = nullptr;
    CodePage *m_code = nullptr;
    TestPage *m_test = nullptr;
    MonitorPage *m_monitor = nullptr;
    VersionsPage *m_versions = nullptr;
    ConfigurationPage *m_config = nullptr;
    DashboardPage *m_dashboard = nullptr;
    EnvironmentsPage *m_environments = nullptr;
    LogsPage *m_logs = nullptr;
    CostPage *m_cost = nullptr;
    TracesPage *m_traces = nullptr;
    LearnPage *m_learn = nullptr;
    AlarmsPage *m_alarms = nullptr;
    QLabel *m_alarmStatus = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    CommandPalette *m_palette = nullptr;
    QMenu *m_viewMenu = nullptr;
    QAction *m_modeActionsEnd = nullptr; // mode entries go in the View menu before this
    QList<QAction *> m_modeActions;      // in bar order
    QLabel *m_engineStatus = nullptr;
    QLabel *m_apiStatus = nullptr;
    QLabel *m_rateStatus = nullptr;
    QLabel *m_envStatus = nullptr;
    QString m_function;
    QList<QAction *> m_actions; // for the palette
    quint64 m_lastTotal = 0;
    qint64 m_lastTotalAtMs = 0;
};

} // namespace funcdesk::ui
