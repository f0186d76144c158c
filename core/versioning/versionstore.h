#pragma once
// Function repositories: one git repository per function under DataDir::functionRepo(name),
// whose working tree is the `$LATEST` draft. Deploy commits the draft;
// publish tags the deployed commit as version N (tag "vN") and exports its tree read-only;
// deleting a version moves its tag to refs/funcdesk/deleted-versions/vN (numbers stay taken).
// The engine only ever runs exports, never the draft:
//   $LATEST   -> DataDir::versions()/<name>/latest-<12 hex of the deployed commit>/
//   version N -> DataDir::versions()/<name>/<N>/
// Both exports are read-only (a-w) and written complete-or-not-at-all (staging + rename).
// Aliases are kept in <repo>/.git/funcdesk-aliases.json (see aliases.h).
//
// Errors: Error::type is one of errc:: (InvalidParameterValue, ResourceNotFound,
// ResourceConflict, NothingToDeploy, NothingToPublish, DraftHasChanges, GitError,
// IOError); messages name the function, field or path at fault.
//
// Threading: a VersionStore holds nothing but paths; construct one anywhere and copy it
// freely. Every call does disk and git I/O, so never call it on the GUI thread. Calls for
// one function must come from one thread at a time (any worker thread); calls for
// different functions may run in parallel. libgit2 is initialised once per process.

#include "common/datadir.h"
#include "common/functionconfig.h"
#include "common/result.h"
#include "versioning/aliases.h"
#include "versioning/build.h"
#include "versioning/treefiles.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace funcdesk {

struct DeployInfo
{
    QString commitId; // 40 hex
    QString author;
    QString authorEmail;
    QDateTime time; // commit time, UTC
    QString message;
    int filesAdded = 0; // against the parent deploy (the first deploy adds everything)
    int filesModified = 0;
    int filesDeleted = 0;
    QList<int> versions; // versions published from this commit
};

struct VersionInfo
{
    int number = 0;
    QString commitId;
    QString description;
    QDateTime created; // UTC
};

struct FileDiff
{
    enum class Change { Added,
                        Modified,
                        Deleted,
                        Renamed,
                        TypeChanged };
    QString path; // new path (old path for deletions)
    QString oldPath;
    Change change = Change::Modified;
    QString patch; // unified diff text ("diff --git ..."), binary files say so
    int additions = 0;
    int deletions = 0;
    bool binary = false;
};

struct ResolvedQualifier
{
    QString version; // "$LATEST" or a version number: what the engine runs
    QString alias;   // the alias the qualifier named, empty otherwise
};

enum class RestoreMode { RefuseIfDraftChanged,
                         DiscardDraftChanges };

class VersionStore
{
public:
    explicit VersionStore(DataDir dataDir, QString authorName = QStringLiteral("Funcdesk"),
                          QString authorEmail = QStringLiteral("funcdesk@localhost"));

    const DataDir &dataDir() const { return m_dataDir; }
    // How deploys build dependencies (build.h): interpreter, npm, progress lines.
    void setBuildOptions(build::Options options) { m_build = std::move(options); }
    const build::Options &buildOptions() const { return m_build; }
    // The function's last build (build::lastBuild).
    Result<build::Record> lastBuild(const QString &name) const { return build::lastBuild(m_dataDir, name); }
    QString repoPath(const QString &name) const { return m_dataDir.functionRepo(name); }

    // Functions with a repository, sorted.
    QStringList functionNames() const;
    bool exists(const QString &name) const;

    // A new repository holding `files` (plus a default function.json for `runtime` when
    // the files bring none; a file named "bootstrap" is made executable), deployed once.
    // Returns the commit id. Nothing is left behind on failure.
    Result<QString> create(const QString &name, Runtime runtime, const SourceFiles &files,
                           const QString &message = {});
    // Commits the whole draft (additions, modifications, deletions; function.json must be
    // valid). Error NothingToDeploy when the draft equals the deployed commit. The build
    // step (build.h) runs first: BuildFailed (pip's / npm's output in the message) or
    // Lambda's unzipped-size error commit nothing, so $LATEST keeps running what it ran.
    Result<QString> deploy(const QString &name, const QString &message = {});
    // True when the draft differs from the deployed commit.
    Result<bool> hasDraftChanges(const QString &name) const;

    // The draft's manifest, and writing one into the draft (validated; not deployed).
    Result<FunctionConfig> draftConfig(const QString &name) const;
    Status setDraftConfig(const QString &name, const FunctionConfig &config);
    // Adds or overwrites files in the draft (not deployed). Paths may not escape.
    Status writeDraftFiles(const QString &name, const SourceFiles &files);

    // What $LATEST runs: the deployed commit's manifest with codeDir = its read-only export
    // (re-exported only when the deployed commit changes; older latest-* exports removed).
    Result<FunctionConfig> latestRunnable(const QString &name);

    // Tags the deployed commit as the next version and exports it. Error NothingToPublish
    // when the deployed commit already is the newest version's.
    Result<VersionInfo> publish(const QString &name, const QString &description = {});
    Result<QList<VersionInfo>> versions(const QString &name) const;
    // Deletes one published version (Lambda's DeleteFunction with a Qualifier): its tag and
    // its export go, its commit stays in the history, and the tag object is kept under
    // refs/funcdesk/deleted-versions/vN, so publish never hands the number out again (Lambda
    // does not reuse version numbers). NotFound when there is no such version; Conflict,
    // naming them, when aliases route to it. The engine must be told (its environments retire).
    Status deleteVersion(const QString &name, int version);
    // Version N's manifest with codeDir = its export (re-created if missing), version "N".
    Result<FunctionConfig> versionConfig(const QString &name, int version);

    // Aliases (see aliases.h); versions named must exist. Create refuses an existing name.
    Result<AliasConfig> createAlias(const QString &name, const AliasConfig &alias);
    Result<AliasConfig> updateAlias(const QString &name, const AliasConfig &alias);
    Status deleteAlias(const QString &name, const QString &alias);
    Result<AliasConfig> alias(const QString &name, const QString &alias) const;
    Result<QList<AliasConfig>> aliasList(const QString &name) const;

    // The version to execute for a qualifier: empty or "$LATEST", a version number, or an
    // alias (weighted pick: random01 uniform in [0, 1), from the caller's generator).
    Result<ResolvedQualifier> resolveQualifier(const QString &name, const QString &qualifier, double random01) const;

    // Deploys, newest first (limit < 0: all).
    Result<QList<DeployInfo>> history(const QString &name, int limit = -1) const;
    // Per-file unified diffs. Refs: "$LATEST"/"HEAD" (deployed commit), "N" or "vN"
    // (version), a commit id (or prefix); toRef empty or "draft": the working tree.
    Result<QList<FileDiff>> diff(const QString &name, const QString &fromRef, const QString &toRef = {}) const;
    // Replaces the draft with a ref's tree (same refs as diff); not deployed. Refuses to
    // drop undeployed draft edits unless told to.
    Status restore(const QString &name, const QString &ref, RestoreMode mode = RestoreMode::RefuseIfDraftChanged);

    // Removes the repository, its exports and its aliases.
    Status deleteFunction(const QString &name);
    // Moves the repository, exports and aliases to a new name (history and versions kept).
    // The engine must be told: configs carry the name.
    Status renameFunction(const QString &name, const QString &newName);

    // New function from a git repository (local path or file:// URL) at refName (branch,
    // tag or commit; empty: the default branch), taking `subdirectory` (empty: the root)
    // as its code. Runtime from the files' function.json, else guessed from the handler
    // file (lambda_function.py, index.js/.mjs, bootstrap). Implemented in importer.cpp.
    Result<QString> importFromGit(const QString &name, const QString &pathOrFileUrl,
                                  const QString &refName = {}, const QString &subdirectory = {});
    // New function from a zip (entries with "..", absolute paths or outward symlinks refused).
    Result<QString> importFromZip(const QString &name, const QString &zipPath);
    // Replaces an existing function's code with a zip's (keeping the draft's function.json
    // when the zip has none) and deploys: UpdateFunctionCode.
    Result<QString> updateCodeFromZip(const QString &name, const QString &zipPath);

private:
    Status checkFunction(const QString &name) const;
    Result<QString> createFromFiles(const QString &name, SourceFiles files, const QString &message);

    DataDir m_dataDir;
    build::Options m_build;
    QString m_authorName;
    QString m_authorEmail;
};

} // namespace funcdesk
