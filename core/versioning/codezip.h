#pragma once
// A Lambda deployment package: every file under a code directory, zipped with paths
// relative to it (".git" left out), unix permissions kept so `bootstrap` stays executable.
// The archive is written completely or not at all (libzip commits on close; a failed
// write discards it).
//
// Used by `export`, `deploy` and GetFunction's Code.Location download.
//
// Threading: any thread but the GUI thread (file I/O).

#include "common/result.h"
#include "versioning/treefiles.h"

#include <QString>
#include <QStringList>

namespace funcdesk::codezip {

// Returns the archived paths, sorted.
Result<QStringList> writeCodeZip(const QString &codeDir, const QString &zipPath);

// A zip of `files` in memory (a layer published from a folder): entries in path order,
// unix modes kept (executables stay executable, links stay links); the inverse of
// importer::readZip.
Result<QByteArray> zipFiles(const SourceFiles &files);

// The entry names of an existing zip (for tests and `export` output checks).
Result<QStringList> zipEntries(const QString &zipPath);

} // namespace funcdesk::codezip
