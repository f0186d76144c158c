#include "codepage.h"

#include "ui/studio.h"
#include "ui/widgets/codeeditor.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileSystemModel>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QSaveFile>
#include <QSplitter>
#include <QTabBar>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace funcdesk::ui {

CodePage::CodePage(Studio *studio, QWidget *parent)
    : QWidget(parent), m_studio(studio), m_versionBox(new QComboBox(this)), m_files(new QFileSystemModel(this)),
      m_tree(new QTreeView(this)), m_tabs(new QTabBar(this)), m_editor(new CodeEditor(this)), m_banner(new QLabel(this))
{
    setObjectName(QStringLiteral("codePage"));
    m_files->setReadOnly(true);
    m_files->setFilter(QDir::AllEntries | QDir::NoDotAndDotDot); // hidden (.git) stays out
    m_tree->setModel(m_files);
    m_tree->setHeaderHidden(true);
    for (int c = 1; c < m_files->columnCount(); ++c)
        m_tree->hideColumn(c);
    m_versionBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_tabs->setTabsClosable(true);
    m_tabs->setDocumentMode(true);
    m_tabs->setExpanding(false);
    m_banner->setObjectName(QStringLiteral("readOnlyBanner"));
    m_banner->setStyleSheet(QStringLiteral("background: #fff3cd; color: #5c4400; padding: 4px;"));
    m_banner->hide();

    auto *bar = new QToolBar(this);
    bar->addWidget(new QLabel(tr("Showing: "), bar));
    bar->addWidget(m_versionBox);
    bar->addSeparator();
    bar->addAction(tr("New file"), this, [this] {
        const QString name = QInputDialog::getText(this, tr("New file"), tr("File name (relative to the function):"));
        if (!name.isEmpty())
            createFile(name);
    });
    bar->addAction(tr("Rename"), this, [this] {
        const QString from = currentFile();
        if (from.isEmpty())
            return;
        const QString to = QInputDialog::getText(this, tr("Rename file"), tr("New name:"), QLineEdit::Normal, from);
        if (!to.isEmpty() && to != from)
            renameFile(from, to);
    });
    bar->addAction(tr("Delete"), this, [this] {
        const QString file = currentFile();
        if (!file.isEmpty()
            && QMessageBox::question(this, tr("Delete file"), tr("Delete “%1” from the draft?").arg(file))
                   == QMessageBox::Yes)
            deleteFile(file);
    });
    bar->addSeparator();
    bar->addAction(tr("Save"), this, &CodePage::save)->setToolTip(tr("Save (Ctrl+S)"));
    bar->addAction(tr("Deploy…"), this, &CodePage::promptDeploy)->setToolTip(tr("Deploy the draft (Ctrl+D)"));

    auto *editorSide = new QWidget(this);
    auto *editorLayout = new QVBoxLayout(editorSide);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    editorLayout->setSpacing(0);
    editorLayout->addWidget(m_banner);
    editorLayout->addWidget(m_tabs);
    editorLayout->addWidget(m_editor, 1);

    auto *split = new QSplitter(this);
    split->addWidget(m_tree);
    split->addWidget(editorSide);
    split->setStretchFactor(1, 1);
    split->setSizes({200, 800});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(bar);
    layout->addWidget(split, 1);

    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex &index) {
        if (!m_files->isDir(index))
            openFile(QDir(rootDir()).relativeFilePath(m_files->filePath(index)));
    });
    connect(m_tree, &QTreeView::clicked, this, [this](const QModelIndex &index) {
        if (!m_files->isDir(index))
            openFile(QDir(rootDir()).relativeFilePath(m_files->filePath(index)));
    });
    connect(m_tabs, &QTabBar::currentChanged, this, [this](int i) {
        if (m_switching || i < 0 || i >= m_open.size())
            return;
        syncEditorToBuffer();
        showBuffer(m_open.at(i));
    });
    connect(m_tabs, &QTabBar::tabCloseRequested, this, [this](int i) {
        const QString path = m_open.at(i);
        if (m_buffers.value(path).modified
            && QMessageBox::question(this, tr("Unsaved changes"), tr("Close “%1” and drop its unsaved edits?").arg(path))
                   != QMessageBox::Yes)
            return;
        m_buffers.remove(path);
        m_open.removeAt(i);
        updateTabs();
        if (!m_open.isEmpty())
            showBuffer(m_open.at(std::min<int>(i, int(m_open.size()) - 1)));
        else
            m_editor->clear();
    });
    connect(m_editor, &QsciScintilla::textChanged, this, [this] {
        if (m_switching || m_readOnly)
            return;
        const QString path = currentFile();
        if (path.isEmpty())
            return;
        Buffer &b = m_buffers[path];
        if (!b.modified) {
            b.modified = true;
            updateTabs();
        }
    });
    connect(m_versionBox, &QComboBox::activated, this, [this] { showVersion(m_versionBox->currentData().toInt()); });
}

QString CodePage::rootDir() const
{
    if (m_function.isEmpty())
        return {};
    return m_version > 0 ? m_studio->versionDir(m_function, m_version) : m_studio->draftDir(m_function);
}

QString CodePage::absolute(const QString &relativePath) const
{
    return QDir(rootDir()).filePath(relativePath);
}

void CodePage::setFunction(const QString &name)
{
    if (name == m_function)
        return;
    if (hasUnsavedChanges()
        && QMessageBox::question(this, tr("Unsaved changes"),
                                 tr("“%1” has unsaved edits. Save them before switching?").arg(m_function))
               == QMessageBox::Yes)
        saveAll();
    m_function = name;
    m_version = 0;
    m_open.clear();
    m_buffers.clear();
    reloadVersions();
    showVersion(0);
}

void CodePage::reloadVersions()
{
    m_versionBox->clear();
    m_versionBox->addItem(tr("Draft ($LATEST, editable)"), 0);
    if (m_function.isEmpty())
        return;
    const QString function = m_function;
    m_studio->versions(function, this, [this, function](Result<QList<VersionInfo>> versions) {
        if (!versions.ok() || function != m_function)
            return;
        for (const VersionInfo &v : *versions)
            m_versionBox->addItem(tr("Version %1 (read-only)").arg(v.number), v.number);
        m_versionBox->setCurrentIndex(m_versionBox->findData(m_version));
    });
}

void CodePage::showVersion(int version)
{
    if (version != m_version && hasUnsavedChanges())
        saveAll();
    m_version = version;
    m_readOnly = version > 0;
    m_open.clear();
    m_buffers.clear();
    updateTabs();
    m_editor->clear();
    m_editor->setReadOnly(m_readOnly);
    m_banner->setVisible(m_readOnly);
    m_banner->setText(tr("Version %1 is published and immutable. Restore it into the draft from the Versions tab to change it.")
                          .arg(version));
    const QString root = rootDir();
    m_tree->setRootIndex(m_files->setRootPath(root));
    // Open the handler's file first, as people expect.
    const QStringList candidates{QStringLiteral("lambda_function.py"), QStringLiteral("index.js"),
                                 QStringLiteral("index.mjs"), QStringLiteral("function.sh"),
                                 QStringLiteral("bootstrap"), QStringLiteral("function.json")};
    for (const QString &c : candidates) {
        if (QFileInfo::exists(QDir(root).filePath(c))) {
            openFile(c);
            break;
        }
    }
}

bool CodePage::openFile(const QString &relativePath)
{
    if (relativePath.isEmpty())
        return false;
    syncEditorToBuffer();
    if (!m_buffers.contains(relativePath)) {
        QFile f(absolute(relativePath));
        if (!f.open(QIODevice::ReadOnly)) {
            Q_EMIT statusMessage(tr("Cannot open %1: %2").arg(relativePath, f.errorString()));
            return false;
        }
        m_buffers.insert(relativePath, Buffer{QString::fromUtf8(f.readAll()), false});
        m_open.append(relativePath);
        updateTabs();
    }
    showBuffer(relativePath);
    return true;
}

void CodePage::syncEditorToBuffer()
{
    const QString path = currentFile();
    if (!path.isEmpty() && m_buffers.contains(path) && !m_readOnly)
        m_buffers[path].text = m_editor->text();
}

void CodePage::showBuffer(const QString &relativePath)
{
    m_switching = true;
    m_editor->setLanguageForFile(relativePath);
    m_editor->setText(m_buffers.value(relativePath).text);
    m_tabs->setCurrentIndex(int(m_open.indexOf(relativePath)));
    m_switching = false;
}

void CodePage::updateTabs()
{
    m_switching = true;
    while (m_tabs->count() > m_open.size())
        m_tabs->removeTab(m_tabs->count() - 1);
    for (int i = 0; i < m_open.size(); ++i) {
        const QString path = m_open.at(i);
        const QString label = (m_buffers.value(path).modified ? QStringLiteral("• ") : QString()) + path;
        if (i < m_tabs->count())
            m_tabs->setTabText(i, label);
        else
            m_tabs->addTab(label);
        m_tabs->setTabToolTip(i, m_buffers.value(path).modified ? tr("%1 (unsaved)").arg(path) : path);
    }
    m_switching = false;
}

QString CodePage::currentFile() const
{
    const int i = m_tabs->currentIndex();
    return i >= 0 && i < m_open.size() ? m_open.at(i) : QString();
}

bool CodePage::hasUnsavedChanges() const
{
    return std::any_of(m_buffers.cbegin(), m_buffers.cend(), [](const Buffer &b) { return b.modified; });
}

bool CodePage::save()
{
    if (m_readOnly)
        return false;
    syncEditorToBuffer();
    const QString path = currentFile();
    if (path.isEmpty())
        return true;
    Buffer &b = m_buffers[path];
    QSaveFile f(absolute(path)); // atomic: a crash never leaves half a file
    if (!f.open(QIODevice::WriteOnly) || f.write(b.text.toUtf8()) < 0 || !f.commit()) {
        Q_EMIT statusMessage(tr("Could not save %1: %2").arg(path, f.errorString()));
        return false;
    }
    b.modified = false;
    updateTabs();
    Q_EMIT statusMessage(tr("Saved %1").arg(path));
    Q_EMIT draftChanged(m_function);
    return true;
}

bool CodePage::saveAll()
{
    if (m_readOnly)
        return false;
    syncEditorToBuffer();
    const QString current = currentFile();
    bool ok = true;
    for (const QString &path : std::as_const(m_open)) {
        Buffer &b = m_buffers[path];
        if (!b.modified)
            continue;
        QSaveFile f(absolute(path));
        if (f.open(QIODevice::WriteOnly) && f.write(b.text.toUtf8()) >= 0 && f.commit())
            b.modified = false;
        else
            ok = false;
    }
    updateTabs();
    if (!current.isEmpty())
        m_tabs->setCurrentIndex(int(m_open.indexOf(current)));
    Q_EMIT draftChanged(m_function);
    return ok;
}

void CodePage::promptDeploy()
{
    if (m_function.isEmpty() || m_readOnly)
        return;
    bool ok = false;
    const QString message = QInputDialog::getText(this, tr("Deploy %1").arg(m_function),
                                                  tr("Deploy message (what changed):"), QLineEdit::Normal,
                                                  tr("Update %1").arg(m_function), &ok);
    if (ok)
        deploy(message);
}

void CodePage::deploy(const QString &message)
{
    if (m_function.isEmpty() || m_readOnly)
        return;
    if (!saveAll())
        return;
    const QString function = m_function;
    Q_EMIT statusMessage(tr("Deploying %1…").arg(function));
    m_studio->deploy(function, message, this, [this, function](Result<QString> commit) {
        if (!commit.ok()) {
            Q_EMIT statusMessage(tr("Deploy failed: %1").arg(commit.error().message));
            return;
        }
        Q_EMIT statusMessage(tr("Deployed %1 as %2; the next $LATEST invocation is a cold start.")
                                 .arg(function, commit->left(8)));
        Q_EMIT deployed(function, *commit);
    });
}

bool CodePage::createFile(const QString &relativePath)
{
    if (m_readOnly || relativePath.contains(QStringLiteral("..")) || QDir::isAbsolutePath(relativePath)) {
        Q_EMIT statusMessage(tr("“%1” must be a path inside the function.").arg(relativePath));
        return false;
    }
    const QString path = absolute(relativePath);
    if (QFileInfo::exists(path)) {
        Q_EMIT statusMessage(tr("%1 already exists.").arg(relativePath));
        return false;
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        Q_EMIT statusMessage(tr("Cannot create %1: %2").arg(relativePath, f.errorString()));
        return false;
    }
    f.close();
    Q_EMIT draftChanged(m_function);
    return openFile(relativePath);
}

bool CodePage::renameFile(const QString &from, const QString &to)
{
    if (m_readOnly || to.contains(QStringLiteral("..")) || QDir::isAbsolutePath(to))
        return false;
    QDir().mkpath(QFileInfo(absolute(to)).absolutePath());
    if (!QFile::rename(absolute(from), absolute(to))) {
        Q_EMIT statusMessage(tr("Cannot rename %1 to %2.").arg(from, to));
        return false;
    }
    if (m_buffers.contains(from)) {
        m_buffers.insert(to, m_buffers.take(from));
        m_open[m_open.indexOf(from)] = to;
        updateTabs();
    }
    Q_EMIT draftChanged(m_function);
    return true;
}

bool CodePage::deleteFile(const QString &relativePath)
{
    if (m_readOnly || !QFile::remove(absolute(relativePath)))
        return false;
    const qsizetype i = m_open.indexOf(relativePath);
    if (i >= 0) {
        m_open.removeAt(i);
        m_buffers.remove(relativePath);
        updateTabs();
        if (!m_open.isEmpty())
            showBuffer(m_open.first());
        else
            m_editor->clear();
    }
    Q_EMIT draftChanged(m_function);
    return true;
}

} // namespace funcdesk::ui
