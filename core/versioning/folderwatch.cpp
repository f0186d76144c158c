#include "folderwatch.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

namespace funcdesk {

FolderWatch::FolderWatch(QString dir, int debounceMs, QObject *parent)
    : QObject(parent), m_dir(QDir(dir).absolutePath()), m_watcher(new QFileSystemWatcher(this)), m_debounce(new QTimer(this))
{
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(debounceMs);
    connect(m_debounce, &QTimer::timeout, this, [this] {
        rewatch(); // new subfolders, new files
        Q_EMIT settled();
    });
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &FolderWatch::changed);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &FolderWatch::changed);
    rewatch();
}

bool FolderWatch::ignoredName(const QString &name)
{
    return name == QLatin1String(".git") || name == QLatin1String("node_modules") || name == QLatin1String("__pycache__")
        || name == QLatin1String(".venv") || name == QLatin1String(".funcdesk");
}

void FolderWatch::changed()
{
    // Editors save by writing a new file and renaming it over the old one: the watch on
    // the old inode is gone, so files are watched again when things settle.
    m_debounce->start();
}

void FolderWatch::rewatch()
{
    QStringList paths{m_dir};
    QStringList stack{m_dir};
    while (!stack.isEmpty()) {
        const QString d = stack.takeLast();
        const QFileInfoList entries = QDir(d).entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
        for (const QFileInfo &e : entries) {
            if (ignoredName(e.fileName()) || e.isSymLink())
                continue;
            paths << e.absoluteFilePath();
            if (e.isDir())
                stack << e.absoluteFilePath();
        }
    }
    const QStringList watched = m_watcher->files() + m_watcher->directories();
    QStringList gone;
    for (const QString &w : watched) {
        if (!paths.contains(w))
            gone << w;
    }
    if (!gone.isEmpty())
        m_watcher->removePaths(gone);
    QStringList added;
    for (const QString &p : std::as_const(paths)) {
        if (!watched.contains(p))
            added << p;
    }
    if (!added.isEmpty())
        m_watcher->addPaths(added);
}

Result<SourceFiles> FolderWatch::readFolder(const QString &root, bool skipIgnored)
{
    SourceFiles files;
    const QDir dir(root);
    if (!dir.exists())
        return makeError(errc::IOError, QStringLiteral("%1: no such folder").arg(root));
    QStringList stack{dir.absolutePath()};
    while (!stack.isEmpty()) {
        const QString d = stack.takeLast();
        const QFileInfoList entries = QDir(d).entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
        for (const QFileInfo &e : entries) {
            if (e.fileName() == QLatin1String(".git") || (skipIgnored && ignoredName(e.fileName())))
                continue;
            const QString rel = dir.relativeFilePath(e.absoluteFilePath());
            if (e.isSymLink()) {
                SourceFile link;
                link.symlinkTarget = QFile::symLinkTarget(e.absoluteFilePath());
                link.symlinkTarget = QFileInfo(e.absoluteFilePath()).dir().relativeFilePath(link.symlinkTarget);
                files.insert(rel, link);
            } else if (e.isDir()) {
                stack << e.absoluteFilePath();
            } else if (e.isFile()) {
                QFile f(e.absoluteFilePath());
                if (!f.open(QIODevice::ReadOnly))
                    return makeError(errc::IOError, QStringLiteral("cannot read %1: %2").arg(e.absoluteFilePath(), f.errorString()));
                files.insert(rel, SourceFile(f.readAll(), e.isExecutable()));
            }
        }
    }
    return files;
}

} // namespace funcdesk
