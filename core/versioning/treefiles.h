#pragma once
// Files of a function's code as values, and the filesystem side of versioning:
// path-escape checks, writing a file set into a directory, reading a git tree, and
// read-only exports of a commit's tree (what the engine runs).
//
// Threading: plain values and free functions; call from the worker thread that owns the
// repository handle passed in.

#include "common/result.h"

#include <QByteArray>
#include <QMap>
#include <QString>

#include <functional>

struct git_repository;
struct git_tree;

namespace funcdesk {

struct SourceFile
{
    QByteArray content;
    bool executable = false;
    QString symlinkTarget; // non-empty: a symbolic link (relative, staying inside the function)

    SourceFile() = default;
    SourceFile(QByteArray c, bool exec = false) : content(std::move(c)), executable(exec) {} // NOLINT: implicit on purpose
    bool operator==(const SourceFile &) const = default;
};

// Relative path ('/'-separated) -> file. A map so that iteration order is stable.
using SourceFiles = QMap<QString, SourceFile>;

namespace treefiles {

// `path` is relative and stays inside its root: not empty, not absolute, no '\\', no
// ".."/"."/empty parts, not inside ".git". Errors name `what` (e.g. "zip entry \"../x\"").
Status checkRelativePath(const QString &path, const QString &what);
// A symlink at `linkPath` pointing at `target` stays inside the root.
Status checkSymlinkTarget(const QString &linkPath, const QString &target, const QString &what);

// Writes every file (creating folders) below `dir`; paths are checked first, so nothing
// is written when one escapes.
Status writeFiles(const QString &dir, const SourceFiles &files);

// Every blob and symlink of `tree`, recursively (submodules are skipped). `subdirectory`
// (optional) selects a folder of the tree, whose contents become the root.
Result<SourceFiles> readTree(git_repository *repo, git_tree *tree, const QString &subdirectory = {});

// Exports `tree` to `targetDir` read-only (files a-w, folders a-w): written to a staging
// folder beside it, then renamed, so `targetDir` exists only complete. Refuses an
// existing `targetDir`. `beforeSeal`, when given, runs on the complete, still writable
// staging folder (the build step adds dependencies there); its error aborts the export.
Status exportReadOnly(git_repository *repo, git_tree *tree, const QString &targetDir,
                      const std::function<Status(const QString &staging)> &beforeSeal = {});

// Removes a folder tree even where exports made it read-only. Missing is fine.
Status removeTree(const QString &dir);
// Removes everything in `workdir` except ".git".
Status clearWorkdir(const QString &workdir);

} // namespace treefiles
} // namespace funcdesk
