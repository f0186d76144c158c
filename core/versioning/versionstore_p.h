#pragma once
// Helpers shared by versionstore*.cpp and importer.cpp. Internal to funcdesk_versioning.
// Threading: as versionstore.h (one thread per function at a time).

#include "git.h"
#include "versionstore.h"
#include "versioning/build.h"

namespace funcdesk::detail {

// Validates the name and opens the function's repository (NotFound when there is none).
Result<git::Repository> openFunction(const DataDir &dataDir, const QString &name);

// "$LATEST"/"HEAD"/"" -> deployed commit; "N"/"vN" -> version tag; else a revision.
Result<git::Commit> resolveRef(git_repository *repo, const QString &ref);

// The manifest committed in `tree`, named `name`.
Result<FunctionConfig> manifestOf(git_repository *repo, git_tree *tree, const QString &name);

// What a commit needs to build the code before it is committed (build.h).
struct BuildContext
{
    const DataDir &dataDir;
    const build::Options &options;
};

// Exports `tree` read-only to `target` with the function's dependencies built into it
// (build::buildInto); `config` is the tree's manifest. BuildFailed leaves nothing behind.
Status exportBuilt(const BuildContext &build, git_repository *repo, git_tree *tree, const QString &target,
                   const FunctionConfig &config);

// Sets config.optDir: the function's layers merged (LayerStore::mergedDir); deleted
// layer versions still count, as a function on Lambda keeps the layers it has.
Status attachLayers(const DataDir &dataDir, FunctionConfig &config);

// Stages the whole working tree and commits it on HEAD (validating function.json and
// symlinks first). NothingToDeploy when the tree equals HEAD's. Before committing, the
// tree is exported and built (exportBuilt) as $LATEST's next export
// (versions/<name>/latest-<commit>): a failed build commits nothing.
Result<QString> commitWorkdir(git_repository *repo, const QString &workdir, const QString &message,
                              const QString &authorName, const QString &authorEmail, const BuildContext &build);

// The tree the index would commit for the working tree, without committing.
Result<git_oid> stageWorkdir(git_repository *repo);

QString aliasFile(const QString &repoPath);

} // namespace funcdesk::detail
