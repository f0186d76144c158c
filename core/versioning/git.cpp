#include "git.h"

#include <QFile>

#include <mutex>

namespace funcdesk::git {

void ensureInitialized()
{
    static std::once_flag once;
    std::call_once(once, [] { git_libgit2_init(); });
}

Error lastError(const QString &what, int code)
{
    const git_error *e = git_error_last();
    const QString detail = (e && e->message) ? QString::fromUtf8(e->message)
                                             : QStringLiteral("libgit2 error %1").arg(code);
    return makeError(errc::GitError, what + QStringLiteral(": ") + detail);
}

QString oidToString(const git_oid &oid)
{
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, &oid);
    return QString::fromLatin1(buf);
}

Result<git_oid> oidFromString(const QString &hex)
{
    git_oid oid;
    const QByteArray h = hex.toLatin1();
    if (h.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, h.constData()) != 0)
        return makeError(errc::InvalidParameterValue,
                         QStringLiteral("not a commit id: \"%1\"").arg(hex));
    return oid;
}

Result<Repository> open(const QString &path)
{
    ensureInitialized();
    Repository repo;
    const int rc = git_repository_open_ext(repo.out(), QFile::encodeName(path).constData(),
                                           GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
    if (rc != 0)
        return lastError(QStringLiteral("opening repository %1").arg(path), rc);
    return repo;
}

Result<Repository> init(const QString &workdir)
{
    ensureInitialized();
    git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    opts.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
    opts.initial_head = "main";
    Repository repo;
    const int rc = git_repository_init_ext(repo.out(), QFile::encodeName(workdir).constData(), &opts);
    if (rc != 0)
        return lastError(QStringLiteral("creating repository %1").arg(workdir), rc);
    return repo;
}

Result<Commit> headCommit(git_repository *repo)
{
    Object obj;
    const int rc = git_revparse_single(obj.out(), repo, "HEAD^{commit}");
    if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH)
        return makeError(errc::ResourceNotFound, QStringLiteral("nothing has been deployed yet"));
    if (rc != 0)
        return lastError(QStringLiteral("reading HEAD"), rc);
    return Commit(reinterpret_cast<git_commit *>(obj.release()));
}

Result<Tree> commitTree(git_commit *commit)
{
    Tree tree;
    const int rc = git_commit_tree(tree.out(), commit);
    if (rc != 0)
        return lastError(QStringLiteral("reading commit tree"), rc);
    return tree;
}

Result<Commit> lookupCommit(git_repository *repo, const git_oid &id)
{
    Commit c;
    const int rc = git_commit_lookup(c.out(), repo, &id);
    if (rc != 0)
        return lastError(QStringLiteral("looking up commit %1").arg(oidToString(id)), rc);
    return c;
}

Result<Commit> resolveCommit(git_repository *repo, const QString &revision)
{
    Object obj;
    const QByteArray spec = (revision + QStringLiteral("^{commit}")).toUtf8();
    const int rc = git_revparse_single(obj.out(), repo, spec.constData());
    if (rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS || rc == GIT_EINVALIDSPEC)
        return makeError(errc::ResourceNotFound,
                         QStringLiteral("no revision \"%1\"").arg(revision));
    if (rc != 0)
        return lastError(QStringLiteral("resolving \"%1\"").arg(revision), rc);
    // The revspec ends in ^{commit}, so the object is a commit.
    return Commit(reinterpret_cast<git_commit *>(obj.release()));
}

Result<QByteArray> readBlob(git_repository *repo, git_tree *tree, const QString &path)
{
    TreeEntry entry;
    int rc = git_tree_entry_bypath(entry.out(), tree, path.toUtf8().constData());
    if (rc == GIT_ENOTFOUND)
        return makeError(errc::ResourceNotFound, QStringLiteral("%1 is missing").arg(path));
    if (rc != 0)
        return lastError(QStringLiteral("reading %1").arg(path), rc);
    if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB)
        return makeError(errc::InvalidParameterValue, QStringLiteral("%1 is not a file").arg(path));
    Blob blob;
    rc = git_blob_lookup(blob.out(), repo, git_tree_entry_id(entry.get()));
    if (rc != 0)
        return lastError(QStringLiteral("reading %1").arg(path), rc);
    return QByteArray(static_cast<const char *>(git_blob_rawcontent(blob.get())),
                      qsizetype(git_blob_rawsize(blob.get())));
}

} // namespace funcdesk::git
