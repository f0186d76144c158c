#pragma once
// The build step of a deploy: a function's dependencies, installed next to its code the way
// `sam build` does it, so the exported tree (code + dependencies) is what the engine runs.
//   python3: requirements.txt -> <python> -m pip install -r requirements.txt --target <dir>
//   nodejs:  package.json     -> npm ci --omit=dev (a lockfile exists) / npm install --omit=dev
// pip and npm run with the user's environment and their own config files (pip.conf,
// PIP_* variables, .npmrc), so a local index or mirror works offline; Funcdesk adds no
// index of its own.
//
// Builds are cached in DataDir::builds()/<key>/, the key being the SHA-256 of the runtime,
// the interpreter (path, size, mtime) and the manifest and lockfile bytes. A cache entry
// holds only the installed dependencies, read-only; a build hard-links them into the
// export (copies where the filesystem refuses links), so an unchanged manifest costs a
// directory walk, not an install. The code's own files win over a dependency of the same
// path. A code tree that already holds node_modules/ is not built (it came built).
//
// The last build of each function is recorded in DataDir::builds()/logs/<name>.json
// (lastBuild() reads it): status, tool, duration, size, and pip's or npm's output.
//
// Threading: blocking (runs pip/npm to completion); call on a worker thread, never the GUI
// thread. `progress` is called on the calling thread, one line at a time. Builds of
// different functions may run in parallel; two builds of the same key both succeed (the
// second to finish uses the first one's entry).

#include "common/datadir.h"
#include "common/functionconfig.h"
#include "common/result.h"

#include <QDateTime>
#include <QString>

#include <functional>

namespace funcdesk::build {

// Lambda's limit on a function's unzipped code plus its layers.
inline constexpr qint64 kMaxUnzippedBytes = 262144000;
// Lambda's limit on a zip uploaded directly (CreateFunction, UpdateFunctionCode, layers).
inline constexpr qint64 kMaxZippedUploadBytes = 50 * 1024 * 1024;

struct Options
{
    QString python3; // the interpreter functions run on; empty: python3 on PATH
    QString npm;     // empty: npm on PATH
    QString node;    // for the cache key; empty: node on PATH
    int timeoutSeconds = 900;
    // Optional: output as it comes, with the function being built.
    std::function<void(const QString &function, const QString &line)> progress;
};

enum class Outcome { None,   // nothing to build (no requirements.txt / package.json)
                     Built,  // pip or npm ran
                     Cached, // the cache held this manifest's dependencies
                     Skipped, // node_modules came with the code
                     Failed };
QString outcomeName(Outcome o); // "none", "built", "cached", "skipped", "failed"

struct Record
{
    QString function;
    Outcome outcome = Outcome::None;
    QString tool;        // "pip" or "npm" (empty: none)
    QString command;     // what ran, for the log's first line
    QString key;         // cache key (hex)
    qint64 durationMs = 0;
    qint64 dependencyBytes = 0; // the installed dependencies
    qint64 totalBytes = 0;      // code + dependencies
    QDateTime finished;         // UTC
    QString log;                // pip's / npm's output (the tail, at most 64 KB)
};

// Adds `config`'s dependencies to `dir` (a writable, complete code tree). Records the build
// as `config.name`'s last build. Errors: errc::BuildFailed with the tool's output tail,
// errc::InvalidParameterValue ("Unzipped size must be smaller than 262144000 bytes") when
// code + dependencies + `layerBytes` exceed Lambda's limit, errc::IOError.
Result<Record> buildInto(const DataDir &dataDir, const QString &dir, const FunctionConfig &config,
                         qint64 layerBytes, const Options &options);

// The last recorded build of a function (ResourceNotFound when it never built).
Result<Record> lastBuild(const DataDir &dataDir, const QString &function);
// Drops a function's build record (the function was deleted or renamed).
void forgetBuild(const DataDir &dataDir, const QString &function);

// Bytes of every regular file under `dir` (symlinks not followed).
qint64 treeBytes(const QString &dir);

// Hard-links (or copies) every file of `from` into `to`, creating folders; files already
// present in `to` are kept. Symlinks are recreated as links.
Status linkTree(const QString &from, const QString &to);

} // namespace funcdesk::build
