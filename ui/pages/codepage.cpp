#include "codepage.h"

#include "ui/studio.h"
#include "ui/theme.h"
#include "ui/widgets/buildpanel.h"
#include "ui/widgets/codeeditor.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
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

namespace {
constexpr int kTreeMinWidth = 140;
constexpr int kTreeMaxWidth = 280;
} // namespace

CodePage::CodePage(Studio *studio, QWidget *parent)
    : QWidget(parent), m_studio(studio), m_versionBox(new QComboBox(this)), m_files(new QFileSystemModel(this)),
      m_tree(new QTreeView(this)), m_tabs(new QTabBar(this)), m_editor(new CodeEditor(this)), m_banner(new QLabel(this)),
      m_linkBanner(new QLabel(this)), m_build(new BuildPanel(this)), m_split(new QSplitter(this))
{
    setObjectName(QStringLiteral("codePage"));
    m_files->setReadOnly(true);
    m_files->setFilter(QDir::AllEntries | QDir::NoDotAndDotDot); // hidden (.git) stays out
    m_tree->setModel(m_files);
    m_tree->setHeaderHidden(true);
    for (int c = 1; c < m_files->columnCount(); ++c)
        m_tree->hideColumn(c);
    m_tree->setMinimumWidth(100);
    m_versionBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_tabs->setTabsClosable(true);
    m_tabs->setDocumentMode(true);
    m_tabs->setExpanding(false);
    m_banner->setObjectName(QStringLiteral("readOnlyBanner"));
    m_banner->setWordWrap(true);
    m_banner->setContentsMargins(6, 4, 6, 4);
    m_banner->setAutoFillBackground(true);
    followPalette(m_banner, [this] {
        QPalette p = m_banner->palette();
        p.setColor(QPalette::Window, noticeBackground(p));
        p.setColor(QPalette::WindowText, isDark(p) ? QColor(0xf2, 0xd8, 0x8f) : QColor(0x5c, 0x44, 0x00));
        m_banner->setPalette(p);
    });
    m_banner->hide();
    m_linkBanner->setObjectName(QStringLiteral("linkBanner"));
    m_linkBanner->setWordWrap(true);
    m_linkBanner->setContentsMargins(6, 4, 6, 4);
    m_linkBanner->hide();

    auto *editorSide = new QWidget(this);
    auto *editorLayout = new QVBoxLayout(editorSide);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    editorLayout->setSpacing(0);
    editorLayout->addWidget(m_banner);
    editorLayout->addWidget(m_linkBanner);
    editorLayout->addWidget(m_tabs);
    editorLayout->addWidget(m_editor, 1);
    editorLayout->addWidget(m_build); // one line; its log opens below the editor
    m_split->addWidget(m_tree);
    m_split->addWidget(editorSide);
    m_split->setStretchFactor(0, 0);
    m_split->setStretchFactor(1, 1);
    m_split->setChildrenCollapsible(false);
    m_split->setSizes({kTreeMinWidth, 800});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(buildToolBar());
    layout->addWidget(m_split, 1);
    connectEditing();
    connect(m_studio, &Studio::buildOutput, this, [this](const QString &function, const QString &line) {
        if (function == m_function)
            m_build->appendLine(line);
    });
    connect(m_studio, &Studio::linkedDeployed, this, [this](const QString &function, bool ok, const QString &message) {
        if (function != m_function)
            return;
        if (!ok) {
            m_build->failed(message);
            Q_EMIT statusMessage(tr("%1 not deployed: %2").arg(function, message.section(QLatin1Char('\n'), 0, 0)));
            return;
        }
        reloadBuild();
        reloadOpenFiles();
        if (!message.isEmpty()) {
            Q_EMIT statusMessage(tr("Deployed %1 from %2").arg(function, m_studio->linkedFolder(function)));
            Q_EMIT deployed(function, message);
        }
    });
}

void CodePage::reloadBuild()
{
    if (m_function.isEmpty()) {
        m_build->clear();
        return;
    }
    const QString function = m_function;
    m_studio->lastBuild(function, this, [this, function](Result<build::Record> r) {
        if (function != m_function)
            return;
        if (r.ok())
            m_build->setRecord(*r);
        else
            m_build->clear();
    });
}

void CodePage::reloadOpenFiles()
{
    if (m_readOnly)
        return;
    const QString current = currentFile();
    for (int i = int(m_open.size()) - 1; i >= 0; --i) {
        const QString path = m_open.at(i);
        if (m_buffers.value(path).modified)
            continue;
        QFile f(absolute(path));
        if (!f.open(QIODevice::ReadOnly)) { // deleted or renamed in the folder
            m_buffers.remove(path);
            m_open.removeAt(i);
            continue;
        }
        m_buffers[path].text = QString::fromUtf8(f.readAll());
    }
    updateTabs();
    if (m_open.contains(current))
        showBuffer(current);
    else if (!m_open.isEmpty())
        showBuffer(m_open.first());
    else
        m_editor->clear();
}

void CodePage::linkFolder(const QString &dir)
{
    if (m_function.isEmpty())
        return;
    if (dir.isEmpty()) {
        m_studio->unlinkFolder(m_function);
        Q_EMIT statusMessage(tr("%1 is no longer linked to a folder.").arg(m_function));
    } else {
        if (hasUnsavedChanges())
            saveAll();
        m_build->started();
        m_studio->linkFolder(m_function, dir);
        Q_EMIT statusMessage(tr("Linked %1 to %2: saved changes there deploy automatically.").arg(m_function, dir));
    }
    updateLinkBanner();
}

void CodePage::updateLinkBanner()
{
    const QString dir = m_function.isEmpty() ? QString() : m_studio->linkedFolder(m_function);
    if (m_linkAction)
        m_linkAction->setText(dir.isEmpty() ? tr("Link to folder…") : tr("Unlink folder"));
    m_linkBanner->setVisible(!dir.isEmpty() && !m_readOnly);
    m_linkBanner->setText(tr("Linked to %1: edit there in any editor; each save is deployed (with its build). Edits here are "
                             "replaced by the folder's files.")
                              .arg(dir));
}

QToolBar *CodePage::buildToolBar()
{
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
    bar->addSeparator();
    QAction *link = bar->addAction(tr("Link to folder…"), this, [this] {
        if (!m_studio->linkedFolder(m_function).isEmpty()) {
            linkFolder({});
            return;
        }
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Link %1 to a folder").arg(m_function));
        if (!dir.isEmpty())
            linkFolder(dir);
    });
    link->setObjectName(QStringLiteral("linkFolder"));
    m_linkAction = link;
    link->setToolTip(tr("Edit in your own editor: deploy a folder whenever saves in it settle (again: unlink)"));
    connect(m_versionBox, &QComboBox::activated, this, [this] { showVersion(m_versionBox->currentData().toInt()); });
    return bar;
}

void CodePage::connectEditing()
{
    auto openIndex = [this](const QModelIndex &index) {
        if (!m_files->isDir(index))
            openFile(QDir(rootDir()).relativeFilePath(m_files->filePath(index)));
    };
    connect(m_tree, &QTreeView::activated, this, openIndex);
    connect(m_tree, &QTreeView::clicked, this, openIndex);
    // The tree as wide as its names once the directory is read (a few short files need
    // little room; the editor gets the rest).
    connect(m_files, &QFileSystemModel::directoryLoaded, this, [this](const QString &path) {
        if (path != rootDir())
            return;
        m_tree->resizeColumnToContents(0);
        const int fit = std::clamp(m_tree->columnWidth(0) + 2 * m_tree->frameWidth() + 16, kTreeMinWidth, kTreeMaxWidth);
        const QList<int> sizes = m_split->sizes();
        if (sizes.size() == 2 && sizes.at(0) != fit)
            m_split->setSizes({fit, sizes.at(0) + sizes.at(1) - fit});
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
    reloadBuild();
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
    updateLinkBanner();
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

} // namespace funcdesk::ui
