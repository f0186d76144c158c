// MainWindow's function list and the commands on functions: new, rename, delete, import
// (zip or git, with progress and cancel) and the load test dialog. All work goes through Studio's async calls.
#include "mainwindow.h"

#include "common/logging.h"
#include "ui/dialogs/loaddialog.h"
#include "ui/dialogs/powertuningdialog.h"
#include "ui/dialogs/replaydialog.h"
#include "ui/dialogs/welcomedialog.h"
#include "ui/pages/learnpage.h"
#include "ui/dialogs/newfunctiondialog.h"
#include "ui/models/functionlistmodel.h"
#include "ui/pages/testpage.h"
#include "ui/studio.h"
#include "ui/widgets/emptystate.h"
#include "ui/widgets/functionexplorer.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMessageBox>
#include <QProgressDialog>

namespace funcdesk::ui {

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
        m_function.clear(); // it was deleted: the Functions mode says what to do next
        m_functionArea->showHint(tr("The function was deleted. Select another one in the list, or create one."));
        updateTitle();
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

void MainWindow::askImportZip()
{
    const QString zip = QFileDialog::getOpenFileName(this, tr("Import a deployment package"), QString(),
                                                     tr("Zip archives (*.zip)"));
    if (zip.isEmpty())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Import from zip"), tr("Function name:"), QLineEdit::Normal,
                                               QFileInfo(zip).completeBaseName(), &ok);
    if (ok && !name.trimmed().isEmpty())
        importZip(zip, name.trimmed());
}

void MainWindow::askImportGit()
{
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
}

void MainWindow::importZip(const QString &zipPath, const QString &name)
{
    runImport(tr("Importing %1…").arg(QFileInfo(zipPath).fileName()), name, [this, name, zipPath](auto done) {
        m_studio->importZip(name, zipPath, this, std::move(done));
    });
}

void MainWindow::importGit(const QString &url, const QString &ref, const QString &subdirectory, const QString &name)
{
    runImport(tr("Importing %1…").arg(url), name, [this, name, url, ref, subdirectory](auto done) {
        m_studio->importGit(name, url, ref, subdirectory, this, std::move(done));
    });
}

void MainWindow::runImport(const QString &label, const QString &name, const ImportStart &start)
{
    // Long work shows progress and can be cancelled: a cancelled import that completes
    // anyway is removed again, so cancel always means "no new function".
    auto *progress = new QProgressDialog(label, tr("Cancel"), 0, 0, this);
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(300);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    QPointer<QProgressDialog> guard(progress);
    auto cancelled = std::make_shared<bool>(false);
    connect(progress, &QProgressDialog::canceled, this, [cancelled] { *cancelled = true; });
    start([this, name, guard, cancelled](Result<QString> r) {
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

void MainWindow::openLesson(const QString &id, bool run)
{
    showMode(QStringLiteral("learn"));
    m_learn->selectScenario(id);
    if (run)
        m_learn->runSelected();
}

void MainWindow::offerTour()
{
    auto *welcome = new WelcomeDialog(this);
    welcome->setAttribute(Qt::WA_DeleteOnClose);
    connect(welcome, &WelcomeDialog::firstLessonRequested, this,
            [this] { openLesson(lab::scenarios().first().id, true); });
    welcome->open();
}

void MainWindow::openPowerTuning()
{
    if (m_function.isEmpty()) {
        showMessage(tr("Select a function to tune."));
        return;
    }
    auto *dialog = new PowerTuningDialog(m_studio, m_function, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (m_test->eventCheck().ok)
        dialog->setPayload(m_test->eventText());
    connect(dialog, &PowerTuningDialog::statusMessage, this, &MainWindow::showMessage);
    dialog->show();
}

void MainWindow::openReplay(const QStringList &requestIds)
{
    if (m_function.isEmpty()) {
        showMessage(tr("Select a function whose invocations to replay."));
        return;
    }
    auto *dialog = new ReplayDialog(m_studio, m_function, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!requestIds.isEmpty())
        dialog->setRequestIds(requestIds);
    dialog->show();
}

} // namespace funcdesk::ui
