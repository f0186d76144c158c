#pragma once
// Helpers shared by versionstore*.cpp and importer.cpp. Internal to funcdesk_versioning.
// Threading: as versionstore.h (one thread per function at a time).

#include "git.h"
#include "versionstore.h"

namespace funcdesk::detail {

// Validates the name and opens the function's repository (NotFound when there is none).
Result<git::Repository> openFunction(const DataDir &dataDir, const QString &name);

// "$LATEST"/"HEAD"/"" -> deployed commit; "N"/"vN" -> version tag; else a revision.
Result<git::Commit> resolveRef(git_repository *repo, const QString &ref);

// The manifest committed in `tree`, named `name`.
Result<FunctionConfig> manifestOf(git_repository *repo, git_tree *tree, const QString &name);

// Stages the whole working tree and commits it on HEAD (validating function.json and
// symlinks first). NothingToDeploy when the tree equals HEAD's.
Result<QString> commitWorkdir(git_repository *repo, const QString &workdir, const QString &message,
                              const QString &authorName, const QString &authorEmail);

// The tree the index would commit for the working tree, without committing.
Result<git_oid> stageWorkdir(git_repository *repo);

QString aliasFile(const QString &repoPath);

} // namespace funcdesk::detail
