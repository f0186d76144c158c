#pragma once
// Reading function code from outside: zip archives (libzip) and git repositories. The
// VersionStore::import* members (versionstore.h) build on these.
//
// Threading: free functions, any worker thread.

#include "common/result.h"
#include "versioning/treefiles.h"

namespace funcdesk::importer {

// Lambda's limit on unzipped code size.
inline constexpr qint64 kMaxUnzippedBytes = 250LL * 1024 * 1024;

// Every file of a zip. Entries with "..", absolute paths, or symlinks pointing outside
// are refused with an error naming the entry; so are archives past kMaxUnzippedBytes.
Result<SourceFiles> readZip(const QString &zipPath);

// The files at `refName` (branch, tag or commit; empty: the default branch) below
// `subdirectory` of a git repository given as a local path or file:// URL. Cloned into
// a temporary folder that is removed before returning.
Result<SourceFiles> readGit(const QString &pathOrFileUrl, const QString &refName, const QString &subdirectory);

// What readZip and readGit check on the whole file set, beyond each path and link on its
// own: no name that was not UTF-8 (it would be renamed silently), and no path passing
// through another entry that is a symlink (a chain of links, b -> "." and z -> "b/x/../..",
// passes each lexical check yet carries a write of "z/evil" outside). Errors name the
// entry: `<kind> "<path>": ...` with kind e.g. "zip entry", "git entry".
Status checkFileSet(const SourceFiles &files, const QString &kind);

// A function.json for files that bring none, guessed from the handler file present
// (lambda_function.py, index.js / index.mjs, bootstrap). Error naming what was looked for.
Result<QByteArray> guessManifest(const SourceFiles &files, const QString &functionName);

} // namespace funcdesk::importer
