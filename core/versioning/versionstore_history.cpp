// VersionStore: deploy history, diffs, restore.
#include "versionstore.h"

#include "versionstore_p.h"

#include <QHash>

namespace funcdesk {

namespace {

Result<git::Diff> diffCommits(git_repository *repo, git_commit *from, git_commit *to)
{
    git::Tree fromTree;
    git::Tree toTree;
    int rc = 0;
    if (from && (rc = git_commit_tree(fromTree.out(), from)) != 0)
        return git::lastError(QStringLiteral("reading tree"), rc);
    if ((rc = git_commit_tree(toTree.out(), to)) != 0)
        return git::lastError(QStringLiteral("reading tree"), rc);
    git::Diff diff;
    if ((rc = git_diff_tree_to_tree(diff.out(), repo, fromTree.get(), toTree.get(), nullptr)) != 0)
        return git::lastError(QStringLiteral("comparing trees"), rc);
    return diff;
}

FileDiff::Change changeOf(git_delta_t status)
{
    switch (status) {
    case GIT_DELTA_ADDED:
    case GIT_DELTA_UNTRACKED: return FileDiff::Change::Added;
    case GIT_DELTA_DELETED: return FileDiff::Change::Deleted;
    case GIT_DELTA_RENAMED: return FileDiff::Change::Renamed;
    case GIT_DELTA_TYPECHANGE: return FileDiff::Change::TypeChanged;
    default: return FileDiff::Change::Modified;
    }
}

// Versions by commit id, for history().
Result<QHash<QString, QList<int>>> versionsByCommit(const VersionStore &store, const QString &name)
{
    Result<QList<VersionInfo>> versions = store.versions(name);
    if (!versions.ok())
        return versions.error();
    QHash<QString, QList<int>> out;
    for (const VersionInfo &v : std::as_const(*versions))
        out[v.commitId].append(v.number);
    return out;
}

} // namespace

Result<QList<DeployInfo>> VersionStore::history(const QString &name, int limit) const
{
    Result<git::Repository> repo = detail::openFunction(m_dataDir, name);
    if (!repo.ok())
        return repo.error();
    Result<QHash<QString, QList<int>>> tags = versionsByCommit(*this, name);
    if (!tags.ok())
        return tags.error();
    git::RevWalk walk;
    int rc = git_revwalk_new(walk.out(), repo->get());
    if (rc == 0)
        rc = git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
    if (rc == 0)
        rc = git_revwalk_push_head(walk.get());
    if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH)
        return QList<DeployInfo>();
    if (rc != 0)
        return git::lastError(QStringLiteral("walking the history of %1").arg(name), rc);
    QList<DeployInfo> out;
    git_oid oid;
    while ((limit < 0 || out.size() < limit) && (rc = git_revwalk_next(&oid, walk.get())) == 0) {
        Result<git::Commit> c = git::lookupCommit(repo->get(), oid);
        if (!c.ok())
            return c.error();
        DeployInfo d;
        d.commitId = git::oidToString(oid);
        const git_signature *author = git_commit_author(c->get());
        d.author = QString::fromUtf8(author->name);
        d.authorEmail = QString::fromUtf8(author->email);
        d.time = QDateTime::fromSecsSinceEpoch(git_commit_time(c->get()), Qt::UTC);
        d.message = QString::fromUtf8(git_commit_message(c->get())).trimmed();
        d.versions = tags->value(d.commitId);
        git::Commit parent;
        if (git_commit_parentcount(c->get()) > 0 && (rc = git_commit_parent(parent.out(), c->get(), 0)) != 0)
            return git::lastError(QStringLiteral("reading parent of %1").arg(d.commitId), rc);
        Result<git::Diff> diff = diffCommits(repo->get(), parent.get(), c->get());
        if (!diff.ok())
            return diff.error();
        const size_t n = git_diff_num_deltas(diff->get());
        for (size_t i = 0; i < n; ++i) {
            switch (changeOf(git_diff_get_delta(diff->get(), i)->status)) {
            case FileDiff::Change::Added: ++d.filesAdded; break;
            case FileDiff::Change::Deleted: ++d.filesDeleted; break;
            default: ++d.filesModified; break;
            }
        }
        out << d;
    }
    if (rc != 0 && rc != GIT_ITEROVER)
        return git::lastError(QStringLiteral("walking the history of %1").arg(name), rc);
    return out;
}

Result<QList<FileDiff>> VersionStore::diff(const QString &name, const QString &fromRef, const QString &toRef) const
{
    Result<git::Repository> repo = detail::openFunction(m_dataDir, name);
    if (!repo.ok())
        return repo.error();
    Result<git::Commit> from = detail::resolveRef(repo->get(), fromRef);
    if (!from.ok())
        return from.error();
    git::Diff diff;
    if (toRef.isEmpty() || toRef == QLatin1String("draft")) {
        Result<git::Tree> fromTree = git::commitTree(from->get());
        if (!fromTree.ok())
            return fromTree.error();
        git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
        opts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS | GIT_DIFF_SHOW_UNTRACKED_CONTENT;
        if (const int rc = git_diff_tree_to_workdir(diff.out(), repo->get(), fromTree->get(), &opts); rc != 0)
            return git::lastError(QStringLiteral("comparing %1 with the draft").arg(fromRef), rc);
    } else {
        Result<git::Commit> to = detail::resolveRef(repo->get(), toRef);
        if (!to.ok())
            return to.error();
        Result<git::Diff> d = diffCommits(repo->get(), from->get(), to->get());
        if (!d.ok())
            return d.error();
        diff = std::move(*d);
    }
    QList<FileDiff> out;
    const size_t n = git_diff_num_deltas(diff.get());
    for (size_t i = 0; i < n; ++i) {
        const git_diff_delta *delta = git_diff_get_delta(diff.get(), i);
        FileDiff f;
        f.change = changeOf(delta->status);
        f.oldPath = QString::fromUtf8(delta->old_file.path);
        f.path = QString::fromUtf8(delta->new_file.path ? delta->new_file.path : delta->old_file.path);
        git::Patch patch;
        int rc = git_patch_from_diff(patch.out(), diff.get(), i);
        if (rc != 0)
            return git::lastError(QStringLiteral("diffing %1").arg(f.path), rc);
        f.binary = (git_patch_get_delta(patch.get())->flags & GIT_DIFF_FLAG_BINARY) != 0;
        size_t context = 0, adds = 0, dels = 0;
        git_patch_line_stats(&context, &adds, &dels, patch.get());
        f.additions = int(adds);
        f.deletions = int(dels);
        git::Buf buf;
        if ((rc = git_patch_to_buf(buf.get(), patch.get())) != 0)
            return git::lastError(QStringLiteral("diffing %1").arg(f.path), rc);
        f.patch = QString::fromUtf8(buf.toByteArray());
        out << f;
    }
    return out;
}

Status VersionStore::restore(const QString &name, const QString &ref, RestoreMode mode)
{
    Result<git::Repository> repo = detail::openFunction(m_dataDir, name);
    if (!repo.ok())
        return repo.error();
    Result<git::Commit> commit = detail::resolveRef(repo->get(), ref);
    if (!commit.ok())
        return commit.error();
    Result<git::Tree> tree = git::commitTree(commit->get());
    if (!tree.ok())
        return tree.error();
    // Read everything before touching the draft, so a failure leaves it as it was.
    Result<SourceFiles> files = treefiles::readTree(repo->get(), tree->get());
    if (!files.ok())
        return files.error();
    if (mode == RestoreMode::RefuseIfDraftChanged) {
        Result<bool> changed = hasDraftChanges(name);
        if (!changed.ok())
            return changed.error();
        if (*changed)
            return makeError(errc::DraftHasChanges, QStringLiteral("the draft of %1 has undeployed changes: deploy them or discard them to restore %2").arg(name, ref));
    }
    if (Status s = treefiles::clearWorkdir(repoPath(name)); !s.ok())
        return s;
    return treefiles::writeFiles(repoPath(name), *files);
}

} // namespace funcdesk
