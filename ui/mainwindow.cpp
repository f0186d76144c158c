#include "mainwindow.h"

#include "common/logging.h"
#include "settings/settings.h"
#include "ui/dialogs/commandpalette.h"
#include "ui/dialogs/loaddialog.h"
#include "ui/dialogs/newfunctiondialog.h"
#include "ui/dialogs/settingsdialog.h"
#include "ui/models/functionlistmodel.h"
#include "ui/pages/codepage.h"
#include "ui/pages/configurationpage.h"
#include "ui/pages/costpage.h"
#include "ui/pages/dashboardpage.h"
#include "ui/pages/environmentspage.h"
#include "ui/pages/logspage.h"
#include "ui/pages/monitorpage.h"
#include "ui/pages/testpage.h"
#include "ui/pages/versionspage.h"
#include "ui/studio.h"
#include "ui/widgets/functionexplorer.h"
#include "ui/widgets/icons.h"

#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QProgressDialog>
#include <QDateTime>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace funcdesk::ui {

MainWindow::MainWindow(Studio *studio, QWidget *parent)
    : QMainWindow(parent), m_studio(studio), m_functions(new FunctionListModel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Funcdesk"));
    setWindowIcon(appIcon());

    m_explorer = new FunctionExplorer(m_functions, this);
    m_nav = new QListWidget(this);
    m_nav->setObjectName(QStringLiteral("globalPages"));
    for (const QString &title : {tr("Dashboard"), tr("Environments"), tr("Logs"), tr("Cost")})
        m_nav->addItem(title);
    m_nav->setMaximumHeight(m_nav->sizeHintForRow(0) * 4 + 2 * m_nav->frameWidth() + 4);
    m_nav->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(6, 6, 0, 6);
    leftLayout->addWidget(m_nav);
    auto *functionsLabel = new QLabel(tr("<b>Functions</b>"), left);
    leftLayout->addWidget(functionsLabel);
    leftLayout->addWidget(m_explorer, 1);

    m_code = new CodePage(studio, this);
    m_test = new TestPage(studio, this);
    m_monitor = new MonitorPage(studio, this);
    m_versions = new VersionsPage(studio, this);
    m_config = new ConfigurationPage(studio, this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("functionTabs"));
    m_tabs->addTab(m_code, tr("Code"));
    m_tabs->addTab(m_test, tr("Test"));
    m_tabs->addTab(m_monitor, tr("Monitor"));
    m_tabs->addTab(m_versions, tr("Versions"));
    m_tabs->addTab(m_config, tr("Configuration"));
    m_tabs->setDocumentMode(true);

    m_dashboard = new DashboardPage(studio, this);
    m_environments = new EnvironmentsPage(studio, this);
    m_logs = new LogsPage(studio, this);
    m_cost = new CostPage(studio, this);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_dashboard);    // Page::Dashboard
    m_stack->addWidget(m_environments); // Page::Environments
    m_stack->addWidget(m_logs);         // Page::Logs
    m_stack->addWidget(m_cost);         // Page::Cost
    m_stack->addWidget(m_tabs);         // Page::Function

    auto *split = new QSplitter(this);
    split->setObjectName(QStringLiteral("mainSplitter"));
    split->addWidget(left);
    split->addWidget(m_stack);
    split->setStretchFactor(1, 1);
    split->setSizes({240, 1040});
    setCentralWidget(split);

    m_palette = new CommandPalette(this);
    buildMenus();
    buildStatusBar();

    connect(m_nav, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0)
            showPage(Page(row));
    });
    connect(m_explorer, &FunctionExplorer::functionSelected, this, &MainWindow::selectFunction);
    connect(m_explorer, &FunctionExplorer::newFunctionRequested, this, &MainWindow::newFunction);
    connect(m_explorer, &FunctionExplorer::deleteRequested, this, &MainWindow::confirmDelete);
    connect(m_explorer, &FunctionExplorer::renameRequested, this, &MainWindow::askRename);
    connect(m_dashboard, &DashboardPage::functionActivated, this, [this](const QString &name) {
        selectFunction(name);
        showFunctionTab(FunctionTab::Monitor);
    });
    connect(m_test, &TestPage::showLogsRequested, this, [this](const QString &requestId) {
        showPage(Page::Logs);
        m_logs->showRequest(requestId);
    });
    connect(m_monitor, &MonitorPage::requestActivated, this, [this](const QString &requestId) {
        showPage(Page::Logs);
        m_logs->showRequest(requestId);
    });
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

    // Restore the layout people left.
    Settings *settings = m_studio->settings();
    if (!restoreGeometry(settings->windowState(QStringLiteral("geometry"))))
        resize(1280, 800);
    restoreState(settings->windowState(QStringLiteral("state")));
    split->restoreState(settings->windowState(QStringLiteral("splitter")));

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

QAction *MainWindow::addAction(QMenu *menu, const QString &text, const QKeySequence &shortcut, std::function<void()> slot)
{
    QAction *action = menu->addAction(text);
    if (!shortcut.isEmpty())
        action->setShortcut(shortcut);
    connect(action, &QAction::triggered, this, std::move(slot));
    m_actions.append(action);
    return action;
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    addAction(file, tr("&New function…"), QKeySequence::New, [this] { newFunction(); });
    addAction(file, tr("Import from &zip…"), QKeySequence(), [this] {
        const QString zip = QFileDialog::getOpenFileName(this, tr("Import a deployment package"), QString(),
                                                         tr("Zip archives (*.zip)"));
        if (zip.isEmpty())
            return;
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Import from zip"), tr("Function name:"), QLineEdit::Normal,
                                                   QFileInfo(zip).completeBaseName(), &ok);
        if (ok && !name.trimmed().isEmpty())
            importZip(zip, name.trimmed());
    });
    addAction(file, tr("Import from &git repository…"), QKeySequence(), [this] {
        bool ok = false;
        const QString url = QInputDialog::getText(this, tr("Import from git"),
                                                  tr("Repository (path or file:// URL), optionally followed by a "
                                                     "space and a branch, tag or commit:"),
                                                  QLineEdit::Normal, QString(), &ok);
        if (!ok || url.trimmed().isEmpty())
            return;
        const QStringList parts = url.trimmed().split(QLatin1Char(' '), Qt::SkipEmptyParts);
        const QString subdirectory = QInputDialog::getText(this, tr("Import from git"),
                                                           tr("Subdirectory holding the function (empty: the root):"));
        const QString name = QInputDialog::getText(this, tr("Import from git"), tr("Function name:"), QLineEdit::Normal,
                                                   QFileInfo(parts.first()).completeBaseName(), &ok);
        if (ok && !name.trimmed().isEmpty())
            importGit(parts.first(), parts.value(1), subdirectory.trimmed(), name.trimmed());
    });
    file->addSeparator();
    addAction(file, tr("&Settings…"), QKeySequence(Qt::CTRL | Qt::Key_Comma), [this] {
        SettingsDialog dialog(m_studio->settings(), this);
        dialog.exec();
    });
    file->addSeparator();
    addAction(file, tr("&Quit"), QKeySequence::Quit, [this] { close(); });

    QMenu *function = menuBar()->addMenu(tr("F&unction"));
    addAction(function, tr("&Save file"), QKeySequence::Save, [this] { m_code->save(); });
    addAction(function, tr("Save &all files"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), [this] { m_code->saveAll(); });
    addAction(function, tr("&Deploy…"), QKeySequence(Qt::CTRL | Qt::Key_D), [this] {
        showFunctionTab(FunctionTab::Code);
        m_code->promptDeploy();
    });
    addAction(function, tr("&Invoke"), QKeySequence(Qt::CTRL | Qt::Key_Return), [this] {
        showFunctionTab(FunctionTab::Test);
        m_test->invoke();
    });
    addAction(function, tr("&Publish version…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), [this] {
        showFunctionTab(FunctionTab::Versions);
        m_versions->publish(QString());
    });
    addAction(function, tr("&Load test…"), QKeySequence(Qt::CTRL | Qt::Key_L), [this] { openLoadTest(); });
    function->addSeparator();
    addAction(function, tr("&Rename function…"), QKeySequence(Qt::Key_F2), [this] { askRename(m_function); });
    addAction(function, tr("De&lete function…"), QKeySequence(), [this] { confirmDelete(m_function); });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    const QStringList tabs{tr("Code"), tr("Test"), tr("Monitor"), tr("Versions"), tr("Configuration")};
    for (int i = 0; i < tabs.size(); ++i)
        addAction(view, tr("Function: %1").arg(tabs.at(i)), QKeySequence(Qt::CTRL | (Qt::Key_1 + i)),
                  [this, i] { showFunctionTab(FunctionTab(i)); });
    view->addSeparator();
    const QStringList pages{tr("Dashboard"), tr("Environments"), tr("Logs"), tr("Cost")};
    for (int i = 0; i < pages.size(); ++i)
        addAction(view, pages.at(i), QKeySequence(Qt::CTRL | Qt::SHIFT | (Qt::Key_1 + i)), [this, i] { showPage(Page(i)); });
    view->addSeparator();
    addAction(view, tr("Find function"), QKeySequence::Find, [this] { m_explorer->focusSearch(); });
    addAction(view, tr("Command palette…"), QKeySequence(Qt::CTRL | Qt::Key_K), [this] { openCommandPalette(); });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    addAction(help, tr("&About Funcdesk"), QKeySequence(), [this] {
        QMessageBox::about(this, tr("About Funcdesk"),
                           tr("<h3>Funcdesk %1</h3><p>A desktop studio for serverless functions, on a local engine "
                              "that behaves like AWS Lambda.</p><p>Data: %2<br>API: %3</p>")
                               .arg(QCoreApplication::applicationVersion(), m_studio->dataDir().root,
                                    m_studio->apiAddress().isEmpty() ? m_studio->apiError() : m_studio->apiAddress()));
    });
}

void MainWindow::buildStatusBar()
{
    m_engineStatus = new QLabel(this);
    m_apiStatus = new QLabel(this);
    m_rateStatus = new QLabel(this);
    m_envStatus = new QLabel(this);
    for (QLabel *l : {m_engineStatus, m_apiStatus, m_rateStatus, m_envStatus})
        statusBar()->addPermanentWidget(l);
    updateStatus();
}

void MainWindow::updateStatus()
{
    m_engineStatus->setText(tr("Engine: running"));
    m_apiStatus->setText(m_studio->apiAddress().isEmpty() ? tr("API: off (%1)").arg(m_studio->apiError())
                                                          : tr("API: http://%1").arg(m_studio->apiAddress()));
    // Invocations per second from the live counters, never per-invocation signals.
    const quint64 total = m_studio->liveMetrics()->totalInvocations();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    double rate = 0;
    if (m_lastTotalAtMs > 0 && now > m_lastTotalAtMs)
        rate = double(total - m_lastTotal) * 1000.0 / double(now - m_lastTotalAtMs);
    m_lastTotal = total;
    m_lastTotalAtMs = now;
    m_rateStatus->setText(tr("%1 invocations/s").arg(rate, 0, 'f', rate < 10 ? 1 : 0));
    int active = 0;
    for (const auto &e : m_studio->environments())
        active += e.state != engine::EnvironmentState::Retired ? 1 : 0;
    m_envStatus->setText(tr("%n environment(s)", nullptr, active));
}

QString MainWindow::statusText() const
{
    return QStringList{m_engineStatus->text(), m_apiStatus->text(), m_rateStatus->text(), m_envStatus->text()}.join(
        QStringLiteral(" | "));
}

void MainWindow::showMessage(const QString &message)
{
    statusBar()->showMessage(message, 8000);
}

void MainWindow::refreshFunctions()
{
    m_studio->listFunctions(this, [this](Result<QList<FunctionSummary>> functions) {
        if (!functions.ok()) {
            showMessage(functions.error().message);
            return;
        }
        m_functions->setFunctions(*functions);
        if (!m_function.isEmpty())
            m_explorer->selectFunction(m_function);
        if (m_function.isEmpty() || m_functions->rowOf(m_function) >= 0)
            return;
        m_function.clear(); // it was deleted
        showPage(Page::Dashboard);
    });
}

void MainWindow::reloadAndSelect(const QString &name, std::function<void()> then)
{
    m_studio->listFunctions(this, [this, name, then = std::move(then)](Result<QList<FunctionSummary>> functions) {
        if (!functions.ok())
            return;
        m_functions->setFunctions(*functions);
        selectFunction(name);
        if (then)
            then();
    });
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
        setWindowTitle(tr("%1 — Funcdesk").arg(name));
    }
    showPage(Page::Function);
}

void MainWindow::showPage(Page page)
{
    m_stack->setCurrentIndex(int(page));
    const int navRow = page == Page::Function ? -1 : int(page);
    if (m_nav->currentRow() != navRow) {
        const QSignalBlocker block(m_nav);
        m_nav->setCurrentRow(navRow);
    }
    if (page != Page::Function)
        setWindowTitle(tr("Funcdesk"));
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
    return Page(m_stack->currentIndex());
}

MainWindow::FunctionTab MainWindow::currentFunctionTab() const
{
    return FunctionTab(m_tabs->currentIndex());
}

void MainWindow::openCommandPalette()
{
    QList<PaletteEntry> entries;
    for (QAction *a : std::as_const(m_actions)) {
        QString title = a->text();
        title.remove(QLatin1Char('&'));
        title.remove(QStringLiteral("…"));
        entries.append(PaletteEntry{title, a->shortcut().toString(QKeySequence::NativeText), [a] { a->trigger(); }});
    }
    for (const FunctionSummary &f : m_functions->functions())
        entries.append(PaletteEntry{tr("Open function: %1").arg(f.name), runtimeName(f.config.runtime),
                                    [this, name = f.name] { selectFunction(name); }});
    m_palette->setEntries(entries);
    const QRect g = geometry();
    m_palette->move(g.center().x() - m_palette->width() / 2, g.top() + 80);
    m_palette->show();
    m_palette->raise();
    m_palette->activateWindow();
}

void MainWindow::newFunction()
{
    QStringList existing;
    for (const FunctionSummary &f : m_functions->functions())
        existing.append(f.name);
    NewFunctionDialog dialog(existing, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString name = dialog.functionName();
    showMessage(tr("Creating %1…").arg(name));
    m_studio->createFunction(name, dialog.runtime(), dialog.templateId(), this, [this, name](Result<QString> r) {
        if (!r.ok()) {
            QMessageBox::warning(this, tr("New function"), tr("Could not create %1:\n%2").arg(name, r.error().message));
            return;
        }
        showMessage(tr("Created %1 and deployed it as $LATEST.").arg(name));
        reloadAndSelect(name, [this] { showFunctionTab(FunctionTab::Code); });
    });
}

void MainWindow::confirmDelete(const QString &name)
{
    if (name.isEmpty())
        return;
    if (QMessageBox::warning(this, tr("Delete function"),
                             tr("Delete “%1” with its repository, versions and aliases? This cannot be undone.").arg(name),
                             QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
        != QMessageBox::Yes)
        return;
    m_studio->deleteFunction(name, this, [this, name](Result<bool> r) {
        showMessage(r.ok() ? tr("Deleted %1.").arg(name) : tr("Could not delete %1: %2").arg(name, r.error().message));
        refreshFunctions();
    });
}

void MainWindow::askRename(const QString &name)
{
    if (name.isEmpty())
        return;
    bool ok = false;
    const QString newName = QInputDialog::getText(this, tr("Rename function"), tr("New name for “%1”:").arg(name),
                                                  QLineEdit::Normal, name, &ok);
    if (ok && !newName.trimmed().isEmpty() && newName.trimmed() != name)
        renameFunction(name, newName.trimmed());
}

void MainWindow::renameFunction(const QString &name, const QString &newName)
{
    m_studio->renameFunction(name, newName, this, [this, name, newName](Result<bool> r) {
        if (!r.ok()) {
            showMessage(tr("Could not rename %1: %2").arg(name, r.error().message));
            return;
        }
        showMessage(tr("Renamed %1 to %2.").arg(name, newName));
        if (m_function == name) {
            m_function.clear();
            reloadAndSelect(newName);
        }
    });
}

void MainWindow::importZip(const QString &zipPath, const QString &name)
{
    // Long work shows progress and can be cancelled: a cancelled import that completes
    // anyway is removed again, so cancel always means "no new function".
    auto *progress = new QProgressDialog(tr("Importing %1…").arg(QFileInfo(zipPath).fileName()), tr("Cancel"), 0, 0, this);
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(300);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    QPointer<QProgressDialog> guard(progress);
    auto cancelled = std::make_shared<bool>(false);
    connect(progress, &QProgressDialog::canceled, this, [cancelled] { *cancelled = true; });
    m_studio->importZip(name, zipPath, this, [this, name, guard, cancelled](Result<QString> r) {
        const bool wasCancelled = *cancelled; // before close(): closing a QProgressDialog emits canceled()
        if (guard) {
            guard->disconnect(this);
            guard->close();
        }
        finishImport(name, r, wasCancelled);
    });
}

void MainWindow::importGit(const QString &url, const QString &ref, const QString &subdirectory, const QString &name)
{
    auto *progress = new QProgressDialog(tr("Importing %1…").arg(url), tr("Cancel"), 0, 0, this);
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(300);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    QPointer<QProgressDialog> guard(progress);
    auto cancelled = std::make_shared<bool>(false);
    connect(progress, &QProgressDialog::canceled, this, [cancelled] { *cancelled = true; });
    m_studio->importGit(name, url, ref, subdirectory, this, [this, name, guard, cancelled](Result<QString> r) {
        const bool wasCancelled = *cancelled; // before close(): closing a QProgressDialog emits canceled()
        if (guard) {
            guard->disconnect(this);
            guard->close();
        }
        finishImport(name, r, wasCancelled);
    });
}

void MainWindow::finishImport(const QString &name, const Result<QString> &result, bool cancelled)
{
    if (!result.ok()) {
        qCWarning(lcUi) << "import of" << name << "failed:" << result.error().toString();
        QMessageBox::warning(this, tr("Import"), tr("Could not import %1:\n%2").arg(name, result.error().message));
        return;
    }
    if (cancelled) {
        m_studio->deleteFunction(name, this, [this, name](Result<bool>) { showMessage(tr("Import of %1 cancelled.").arg(name)); });
        return;
    }
    showMessage(tr("Imported %1 and deployed it as $LATEST.").arg(name));
    reloadAndSelect(name);
}

void MainWindow::openLoadTest()
{
    if (m_function.isEmpty()) {
        showMessage(tr("Select a function to load test."));
        return;
    }
    auto *dialog = new LoadDialog(m_studio, m_function, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (m_test->eventCheck().ok)
        dialog->setPayload(m_test->eventText());
    dialog->show();
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
    if (auto *split = findChild<QSplitter *>(QStringLiteral("mainSplitter")))
        settings->setWindowState(QStringLiteral("splitter"), split->saveState());
    settings->sync();
    event->accept();
}

} // namespace funcdesk::ui
