#include "mainwindow.h"

#include "settings/settings.h"
#include "ui/dialogs/commandpalette.h"
#include "ui/models/functionlistmodel.h"
#include "ui/pages/codepage.h"
#include "ui/pages/configurationpage.h"
#include "ui/pages/costpage.h"
#include "ui/pages/tracespage.h"
#include "ui/pages/dashboardpage.h"
#include "ui/pages/environmentspage.h"
#include "ui/pages/layerspage.h"
#include "ui/pages/learnpage.h"
#include "ui/pages/queuespage.h"
#include "ui/pages/logspage.h"
#include "ui/pages/monitorpage.h"
#include "ui/pages/testpage.h"
#include "ui/pages/versionspage.h"
#include "ui/studio.h"
#include "ui/widgets/emptystate.h"
#include "ui/widgets/functionexplorer.h"
#include "ui/widgets/icons.h"
#include "ui/widgets/modebar.h"

#include <QAction>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
constexpr int kMaxModeShortcuts = 9; // Ctrl+1 .. Ctrl+9

QString functionsMode() { return QStringLiteral("functions"); }

// The ids of the modes the Page enum names, in its order.
QString modeOf(MainWindow::Page page)
{
    switch (page) {
    case MainWindow::Page::Dashboard:
        return QStringLiteral("dashboard");
    case MainWindow::Page::Environments:
        return QStringLiteral("environments");
    case MainWindow::Page::Logs:
        return QStringLiteral("logs");
    case MainWindow::Page::Cost:
        return QStringLiteral("cost");
    case MainWindow::Page::Function:
        return functionsMode();
    case MainWindow::Page::Other:
        break;
    }
    return {};
}
} // namespace

MainWindow::MainWindow(Studio *studio, QWidget *parent)
    : QMainWindow(parent), m_studio(studio), m_functions(new FunctionListModel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Funcdesk"));
    setWindowIcon(appIcon());

    m_modeBar = new ModeBar(this);
    m_modes = new QStackedWidget(this);
    m_modes->setObjectName(QStringLiteral("modes"));
    auto *central = new QWidget(this);
    auto *row = new QHBoxLayout(central);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(0);
    row->addWidget(m_modeBar);
    row->addWidget(m_modes, 1);
    setCentralWidget(central);

    m_palette = new CommandPalette(this);
    buildMenus(); // before the modes: each mode adds its entry to the View menu
    buildModes();
    buildStatusBar();
    connectPages();
    restoreLayout();

    auto *statusTimer = new QTimer(this);
    connect(statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
    statusTimer->start(1000);
    auto *refreshTimer = new QTimer(this);
    connect(refreshTimer, &QTimer::timeout, this, &MainWindow::refreshFunctions);
    refreshTimer->start(5000);

    refreshFunctions();
    showPage(Page::Dashboard);
}

MainWindow::~MainWindow() = default;

QWidget *MainWindow::buildFunctionsMode()
{
    m_explorer = new FunctionExplorer(m_functions, this);
    auto *explorerPane = new QWidget(this);
    auto *explorerLayout = new QVBoxLayout(explorerPane);
    explorerLayout->setContentsMargins(6, 6, 0, 6);
    explorerLayout->addWidget(m_explorer);

    m_code = new CodePage(m_studio, this);
    m_test = new TestPage(m_studio, this);
    m_monitor = new MonitorPage(m_studio, this);
    m_versions = new VersionsPage(m_studio, this);
    m_config = new ConfigurationPage(m_studio, this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("functionTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_code, tr("Code"));
    m_tabs->addTab(m_test, tr("Test"));
    m_tabs->addTab(m_monitor, tr("Monitor"));
    m_tabs->addTab(m_versions, tr("Versions"));
    m_tabs->addTab(m_config, tr("Configuration"));

    m_functionArea = new EmptyState(m_tabs, this);
    m_functionArea->setObjectName(QStringLiteral("functionArea"));
    m_functionArea->showHint(tr("Select a function in the list to edit, test and monitor it, "
                                "or create a new one from a template."));
    connect(m_functionArea->addHintButton(tr("New function…")), &QPushButton::clicked, this, &MainWindow::newFunction);

    m_functionsSplit = new QSplitter(this);
    m_functionsSplit->setObjectName(QStringLiteral("mainSplitter"));
    m_functionsSplit->setChildrenCollapsible(false);
    m_functionsSplit->addWidget(explorerPane);
    m_functionsSplit->addWidget(m_functionArea);
    m_functionsSplit->setStretchFactor(0, 0);
    m_functionsSplit->setStretchFactor(1, 1);
    m_functionsSplit->setSizes({240, 960});
    return m_functionsSplit;
}

void MainWindow::buildModes()
{
    addMode(functionsMode(), glyphIcon(Glyph::Functions), tr("Functions"), buildFunctionsMode());
    m_dashboard = new DashboardPage(m_studio, this);
    addMode(modeOf(Page::Dashboard), glyphIcon(Glyph::Dashboard), tr("Dashboard"), m_dashboard);
    m_environments = new EnvironmentsPage(m_studio, this);
    addMode(modeOf(Page::Environments), glyphIcon(Glyph::Environments), tr("Environments"), m_environments);
    m_logs = new LogsPage(m_studio, this);
    addMode(modeOf(Page::Logs), glyphIcon(Glyph::Logs), tr("Logs"), m_logs);
    m_cost = new CostPage(m_studio, this);
    addMode(modeOf(Page::Cost), glyphIcon(Glyph::Cost), tr("Cost"), m_cost);
    m_traces = new TracesPage(m_studio, this);
    addMode(QStringLiteral("traces"), glyphIcon(Glyph::Traces), tr("Traces"), m_traces);
    m_learn = new LearnPage(m_studio, this);
    connect(m_learn, &LearnPage::statusMessage, this, &MainWindow::showMessage);
    addMode(QStringLiteral("learn"), glyphIcon(Glyph::Learn), tr("Learn"), m_learn);
    auto *queues = new QueuesPage(m_studio, this);
    connect(queues, &QueuesPage::statusMessage, this, &MainWindow::showMessage);
    addMode(QStringLiteral("queues"), glyphIcon(Glyph::Queues), tr("Queues"), queues);
    buildAlarms();
    auto *layers = new LayersPage(m_studio, this);
    connect(layers, &LayersPage::statusMessage, this, &MainWindow::showMessage);
    addMode(QStringLiteral("layers"), glyphIcon(Glyph::Layers), tr("Layers"), layers);

    // The global pages' shortcuts from before the mode bar keep working.
    for (int i = 1; i <= 4; ++i) {
        QAction *action = m_modeActions.at(i);
        action->setShortcuts({action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | (Qt::Key_1 + i - 1))});
    }
    connect(m_modeBar, &ModeBar::modeClicked, this, [this](int index) { showMode(m_modeBar->idAt(index)); });
}

int MainWindow::addMode(const QString &id, const QIcon &icon, const QString &name, QWidget *page)
{
    const int index = m_modeBar->count();
    QKeySequence shortcut;
    if (index < kMaxModeShortcuts)
        shortcut = QKeySequence(Qt::CTRL | (Qt::Key_1 + index));
    const QString shortcutText = shortcut.toString(QKeySequence::NativeText);
    m_modeBar->addMode(id, icon, name, shortcutText.isEmpty() ? name : tr("%1 (%2)").arg(name, shortcutText));
    page->setParent(m_modes);
    m_modes->addWidget(page);

    auto *action = new QAction(icon, name, this);
    action->setShortcut(shortcut);
    connect(action, &QAction::triggered, this, [this, id] { showMode(id); });
    m_viewMenu->insertAction(m_modeActionsEnd, action);
    m_modeActions.append(action);
    m_actions.append(action);
    return index;
}

bool MainWindow::showMode(const QString &id)
{
    const int index = m_modeBar->indexOf(id);
    if (index < 0)
        return false;
    m_modeBar->setCurrentIndex(index);
    m_modes->setCurrentIndex(index);
    updateTitle();
    return true;
}

QString MainWindow::currentMode() const
{
    return m_modeBar->idAt(m_modes->currentIndex());
}

void MainWindow::updateTitle()
{
    const bool function = currentMode() == functionsMode() && !m_function.isEmpty();
    setWindowTitle(function ? tr("%1 — Funcdesk").arg(m_function) : tr("Funcdesk"));
}

void MainWindow::connectPages()
{
    connect(m_explorer, &FunctionExplorer::functionSelected, this, &MainWindow::selectFunction);
    connect(m_explorer, &FunctionExplorer::newFunctionRequested, this, &MainWindow::newFunction);
    connect(m_explorer, &FunctionExplorer::deleteRequested, this, &MainWindow::confirmDelete);
    connect(m_explorer, &FunctionExplorer::renameRequested, this, &MainWindow::askRename);
    connect(m_dashboard, &DashboardPage::functionActivated, this, [this](const QString &name) {
        selectFunction(name);
        showFunctionTab(FunctionTab::Monitor);
    });
    auto showLogsOf = [this](const QString &requestId) {
        showPage(Page::Logs);
        m_logs->showRequest(requestId);
    };
    connect(m_test, &TestPage::showLogsRequested, this, showLogsOf);
    connect(m_traces, &TracesPage::requestActivated, this, showLogsOf);
    connect(m_monitor, &MonitorPage::requestActivated, this, showLogsOf);
    connect(m_monitor, &MonitorPage::replayRequested, this, [this](const QStringList &ids) { openReplay(ids); });
    connect(m_logs, &LogsPage::requestActivated, this, [this](const QString &) {
        if (!m_function.isEmpty())
            showFunctionTab(FunctionTab::Test);
    });
    connect(m_code, &CodePage::statusMessage, this, &MainWindow::showMessage);
    connect(m_test, &TestPage::statusMessage, this, &MainWindow::showMessage);
    connect(m_versions, &VersionsPage::statusMessage, this, &MainWindow::showMessage);
    connect(m_config, &ConfigurationPage::statusMessage, this, &MainWindow::showMessage);
    connect(m_code, &CodePage::deployed, this, [this] { refreshFunctions(); m_versions->reload(); });
    connect(m_code, &CodePage::draftChanged, this, [this] { refreshFunctions(); });
    connect(m_versions, &VersionsPage::draftChanged, this, [this](const QString &f) {
        refreshFunctions();
        if (f == m_function) {
            // Reload the editor: the draft's files changed underneath it.
            const QString name = m_function;
            m_code->setFunction(QString());
            m_code->setFunction(name);
        }
    });
    connect(m_config, &ConfigurationPage::saved, this, [this] { refreshFunctions(); m_versions->reload(); });
    connect(m_studio, &Studio::functionsChanged, this, &MainWindow::refreshFunctions);
}

void MainWindow::restoreLayout()
{
    // Restore the layout people left.
    Settings *settings = m_studio->settings();
    if (!restoreGeometry(settings->windowState(QStringLiteral("geometry"))))
        resize(1280, 800);
    restoreState(settings->windowState(QStringLiteral("state")));
    m_functionsSplit->restoreState(settings->windowState(QStringLiteral("splitter")));
}

void MainWindow::selectFunction(const QString &name)
{
    const int row = m_functions->rowOf(name);
    if (row < 0)
        return;
    const bool changed = name != m_function;
    m_function = name;
    m_explorer->selectFunction(name);
    const FunctionSummary &summary = m_functions->functions().at(row);
    if (changed) {
        m_code->setFunction(name);
        m_test->setFunction(name);
        m_monitor->setFunction(name);
        m_versions->setFunction(name);
        m_config->setFunction(name, summary.config);
    }
    m_functionArea->showContent();
    showPage(Page::Function);
}

void MainWindow::showPage(Page page)
{
    if (page != Page::Other)
        showMode(modeOf(page));
}

void MainWindow::showFunctionTab(FunctionTab tab)
{
    if (m_function.isEmpty())
        return;
    showPage(Page::Function);
    m_tabs->setCurrentIndex(int(tab));
}

MainWindow::Page MainWindow::currentPage() const
{
    const QString mode = currentMode();
    for (Page page : {Page::Dashboard, Page::Environments, Page::Logs, Page::Cost, Page::Function})
        if (modeOf(page) == mode)
            return page;
    return Page::Other;
}

MainWindow::FunctionTab MainWindow::currentFunctionTab() const
{
    return FunctionTab(m_tabs->currentIndex());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_code->hasUnsavedChanges()) {
        const auto answer = QMessageBox::question(this, tr("Unsaved changes"), tr("Save your edits before quitting?"),
                                                  QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
        if (answer == QMessageBox::Cancel) {
            event->ignore();
            return;
        }
        if (answer == QMessageBox::Save)
            m_code->saveAll();
    }
    Settings *settings = m_studio->settings();
    settings->setWindowState(QStringLiteral("geometry"), saveGeometry());
    settings->setWindowState(QStringLiteral("state"), saveState());
    settings->setWindowState(QStringLiteral("splitter"), m_functionsSplit->saveState());
    settings->sync();
    event->accept();
}

} // namespace funcdesk::ui
