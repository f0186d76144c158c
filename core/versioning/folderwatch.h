#pragma once
// A folder on disk linked to a function ("Edit in your own editor"): the folder is watched
// recursively and, once saves stop for `debounceMs`, settled() says it is time to deploy
// it. Deletes, renames and new subfolders are seen (subfolders are watched as they
// appear). Folders that are build output or tool state are not watched and not deployed:
// .git, node_modules, __pycache__, .venv (ignoredName()).
//
// readFolder() turns the folder into the function's files (what a deploy commits); the
// caller replaces the draft with them and deploys (cli `funcdesk dev`, the GUI's "Link to
// folder...").
//
// Threading: a QObject of the thread that creates it (it needs that thread's event loop).

#include "common/result.h"
#include "versioning/treefiles.h"

#include <QObject>
#include <QString>

class QFileSystemWatcher;
class QTimer;

namespace funcdesk {

class FolderWatch : public QObject
{
    Q_OBJECT
public:
    explicit FolderWatch(QString dir, int debounceMs = 300, QObject *parent = nullptr);

    QString dir() const { return m_dir; }

    // Every file below `dir`, executables marked; below ignored folders only when
    // `skipIgnored` is false (a layer's nodejs/node_modules/ is its content).
    static Result<SourceFiles> readFolder(const QString &dir, bool skipIgnored = true);
    static bool ignoredName(const QString &name);

Q_SIGNALS:
    // Saves stopped: deploy now.
    void settled();

private:
    void rewatch();
    void changed();

    QString m_dir;
    QFileSystemWatcher *m_watcher;
    QTimer *m_debounce;
};

} // namespace funcdesk
