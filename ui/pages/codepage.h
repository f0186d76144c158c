#pragma once
// The Code tab: the function's file tree and an editor. Edits the draft (the working
// tree, `$LATEST`'s source); published versions open read-only. Open files are tabs;
// a tab with unsaved edits is marked with "•". Ctrl+S saves, Ctrl+Shift+S saves all,
// Ctrl+D deploys (saving first). File operations are small local writes; deploy runs
// on the git worker through Studio. Under the editor, the build panel shows the last
// deploy's build (dependencies from requirements.txt / package.json), live while one runs,
// and a refused deploy's error. "Link to folder..." deploys a folder edited in any editor
// whenever saves settle (Studio::linkFolder); the tree and open files follow it. GUI
// thread only.

#include <QHash>
#include <QWidget>

class QAction;
class QComboBox;
class QFileSystemModel;
class QLabel;
class QSplitter;
class QTabBar;
class QToolBar;
class QTreeView;

namespace funcdesk::ui {

class BuildPanel;
class CodeEditor;
class Studio;

class CodePage : public QWidget
{
    Q_OBJECT
public:
    explicit CodePage(Studio *studio, QWidget *parent = nullptr);

    void setFunction(const QString &name);
    QString function() const { return m_function; }
    bool hasUnsavedChanges() const;
    bool isReadOnly() const { return m_readOnly; }
    QString currentFile() const; // path relative to the function root
    CodeEditor *editor() const { return m_editor; }

    bool openFile(const QString &relativePath);
    bool save(); // the current file
    bool saveAll();
    void deploy(const QString &message); // saves all, then deploys
    void promptDeploy();                 // asks for a message first
    bool createFile(const QString &relativePath);
    bool renameFile(const QString &from, const QString &to);
    bool deleteFile(const QString &relativePath);
    void showVersion(int version); // 0: the draft
    // Edit in your own editor (Studio::linkFolder); empty: unlink.
    void linkFolder(const QString &dir);
    BuildPanel *buildPanel() const { return m_build; }

Q_SIGNALS:
    void statusMessage(const QString &message);
    void deployed(const QString &function, const QString &commitId);
    void draftChanged(const QString &function);

private:
    struct Buffer
    {
        QString text;
        bool modified = false;
    };
    QToolBar *buildToolBar();
    void connectEditing();
    QString rootDir() const;
    QString absolute(const QString &relativePath) const;
    void syncEditorToBuffer();
    void showBuffer(const QString &relativePath);
    void updateTabs();
    void reloadVersions();
    void reloadBuild();
    void reloadOpenFiles(); // after a linked folder was deployed: unmodified buffers from disk
    void updateLinkBanner();

    Studio *m_studio;
    QString m_function;
    int m_version = 0;
    bool m_readOnly = false;
    bool m_switching = false;
    QComboBox *m_versionBox;
    QFileSystemModel *m_files;
    QTreeView *m_tree;
    QTabBar *m_tabs;
    CodeEditor *m_editor;
    QLabel *m_banner;
    QLabel *m_linkBanner;
    QAction *m_linkAction = nullptr;
    BuildPanel *m_build;
    QSplitter *m_split;
    QStringList m_open; // relative paths, tab order
    QHash<QString, Buffer> m_buffers;
};

} // namespace funcdesk::ui
