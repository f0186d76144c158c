// MainWindow's menus, the command palette over their actions, and the status bar.
#include "mainwindow.h"

#include "ui/dialogs/commandpalette.h"
#include "ui/dialogs/settingsdialog.h"
#include "ui/models/functionlistmodel.h"
#include "ui/pages/codepage.h"
#include "ui/pages/testpage.h"
#include "ui/pages/versionspage.h"
#include "ui/studio.h"
#include "ui/widgets/functionexplorer.h"

#include <QApplication>
#include <QDateTime>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

namespace funcdesk::ui {

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
    buildFileMenu();
    buildFunctionMenu();
    buildViewMenu();
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    addAction(help, tr("&About Funcdesk"), QKeySequence(), [this] {
        QMessageBox::about(this, tr("About Funcdesk"),
                           tr("<h3>Funcdesk %1</h3><p>A desktop studio for serverless functions, on a local engine "
                              "that behaves like AWS Lambda.</p><p>Data: %2<br>API: %3</p>")
                               .arg(QCoreApplication::applicationVersion(), m_studio->dataDir().root,
                                    m_studio->apiAddress().isEmpty() ? m_studio->apiError() : m_studio->apiAddress()));
    });
}

void MainWindow::buildFileMenu()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    addAction(file, tr("&New function…"), QKeySequence::New, [this] { newFunction(); });
    addAction(file, tr("Import from &zip…"), QKeySequence(), [this] { askImportZip(); });
    addAction(file, tr("Import from &git repository…"), QKeySequence(), [this] { askImportGit(); });
    file->addSeparator();
    addAction(file, tr("&Settings…"), QKeySequence(Qt::CTRL | Qt::Key_Comma), [this] {
        SettingsDialog dialog(m_studio->settings(), this);
        dialog.exec();
    });
    file->addSeparator();
    addAction(file, tr("&Quit"), QKeySequence::Quit, [this] { close(); });
}

void MainWindow::buildFunctionMenu()
{
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
    addAction(function, tr("Power &tuning…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T), [this] { openPowerTuning(); });
    addAction(function, tr("Re&play invocations…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), [this] { openReplay(); });
    function->addSeparator();
    addAction(function, tr("&Rename function…"), QKeySequence(Qt::Key_F2), [this] { askRename(m_function); });
    addAction(function, tr("De&lete function…"), QKeySequence(), [this] { confirmDelete(m_function); });
}

void MainWindow::buildViewMenu()
{
    // Modes take Ctrl+<n> (addMode fills them in above m_modeActionsEnd); the selected
    // function's tabs take Alt+<n>.
    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_modeActionsEnd = m_viewMenu->addSeparator();
    const QStringList tabs{tr("Code"), tr("Test"), tr("Monitor"), tr("Versions"), tr("Configuration")};
    for (int i = 0; i < tabs.size(); ++i)
        addAction(m_viewMenu, tr("Function: %1").arg(tabs.at(i)), QKeySequence(Qt::ALT | (Qt::Key_1 + i)),
                  [this, i] { showFunctionTab(FunctionTab(i)); });
    m_viewMenu->addSeparator();
    addAction(m_viewMenu, tr("Find function"), QKeySequence::Find, [this] {
        showPage(Page::Function);
        m_explorer->focusSearch();
    });
    addAction(m_viewMenu, tr("Command palette…"), QKeySequence(Qt::CTRL | Qt::Key_K), [this] { openCommandPalette(); });
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

void MainWindow::openCommandPalette()
{
    QList<PaletteEntry> entries;
    for (QAction *a : std::as_const(m_actions)) {
        QString title = a->text();
        title.remove(QLatin1Char('&'));
        title.remove(QStringLiteral("…"));
        if (m_modeActions.contains(a))
            title = tr("Go to %1").arg(title);
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

} // namespace funcdesk::ui
