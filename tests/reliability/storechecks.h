#pragma once
// What "the data dir survived" means, checked from the outside: SQLite's own integrity
// check on the store, and a walk of a function's git repository that reads everything a
// deploy, a restore or an export could need.
//
// Threading: plain functions; each opens its own SQLite connection or git repository on
// the calling thread.

#include "store/sqlite.h"

#include <QDir>
#include <QFile>
#include <QString>
#include <QStringList>

#include <git2.h>

#include <memory>

namespace reliability {

// "ok", or what PRAGMA integrity_check (or opening the database) reported.
inline QString integrityCheck(const QString &databasePath)
{
    auto conn = funcdesk::store::Connection::open(databasePath, {.readOnly = true, .migrate = false});
    if (!conn)
        return conn.error().toString();
    auto result = conn->queryText("PRAGMA integrity_check");
    return result ? *result : result.error().toString();
}

namespace detail {

template<typename T, void (*Free)(T *)>
struct GitFree
{
    void operator()(T *p) const { Free(p); }
};
template<typename T, void (*Free)(T *)>
using GitPtr = std::unique_ptr<T, GitFree<T, Free>>;

inline QString gitError(const char *what)
{
    const git_error *e = git_error_last();
    return QLatin1String(what) + QStringLiteral(": ") + (e ? QString::fromUtf8(e->message) : QStringLiteral("unknown error"));
}

// Reads every entry of `tree`, recursively: blobs' content, subtrees.
inline void readTree(git_repository *repo, const git_tree *tree, QStringList &problems, int &blobs)
{
    const size_t n = git_tree_entrycount(tree);
    for (size_t i = 0; i < n; ++i) {
        const git_tree_entry *entry = git_tree_entry_byindex(tree, i);
        git_object *object = nullptr;
        if (git_tree_entry_to_object(&object, repo, entry) != 0) {
            problems << gitError("tree entry") + QStringLiteral(" (") + QString::fromUtf8(git_tree_entry_name(entry)) + QLatin1Char(')');
            continue;
        }
        GitPtr<git_object, git_object_free> owned(object);
        if (git_object_type(object) == GIT_OBJECT_TREE) {
            readTree(repo, reinterpret_cast<const git_tree *>(object), problems, blobs);
        } else if (git_object_type(object) == GIT_OBJECT_BLOB) {
            const auto *blob = reinterpret_cast<const git_blob *>(object);
            if (git_blob_rawsize(blob) > 0 && !git_blob_rawcontent(blob))
                problems << QStringLiteral("unreadable blob ") + QString::fromUtf8(git_tree_entry_name(entry));
            ++blobs;
        }
    }
}

} // namespace detail

// Problems found in the git repository at `path` (empty: consistent). Opens it; walks
// every commit reachable from HEAD and from every ref (tags of published versions
// included), reading each commit's tree and every blob in it; reads every object of the
// object database (libgit2 verifies each object's hash as it reads); reads the index; and
// reports lock files left behind (a stale index.lock or ref lock blocks the next deploy).
inline QStringList gitConsistencyProblems(const QString &path, int *commitsWalked = nullptr)
{
    using namespace detail;
    QStringList problems;
    git_libgit2_init();
    {
        git_repository *raw = nullptr;
        if (git_repository_open(&raw, QFile::encodeName(path).constData()) != 0) {
            problems << gitError("open");
        } else {
            GitPtr<git_repository, git_repository_free> repo(raw);
            git_revwalk *w = nullptr;
            git_revwalk_new(&w, repo.get());
            GitPtr<git_revwalk, git_revwalk_free> walk(w);
            if (git_revwalk_push_head(walk.get()) != 0)
                problems << gitError("HEAD");
            if (git_revwalk_push_glob(walk.get(), "refs/*") != 0)
                problems << gitError("refs");
            git_oid oid;
            int commits = 0;
            int blobs = 0;
            int rc;
            while ((rc = git_revwalk_next(&oid, walk.get())) == 0) {
                ++commits;
                git_commit *c = nullptr;
                if (git_commit_lookup(&c, repo.get(), &oid) != 0) {
                    problems << gitError("commit");
                    continue;
                }
                GitPtr<git_commit, git_commit_free> commit(c);
                git_tree *t = nullptr;
                if (git_commit_tree(&t, commit.get()) != 0) {
                    problems << gitError("commit tree");
                    continue;
                }
                GitPtr<git_tree, git_tree_free> tree(t);
                readTree(repo.get(), tree.get(), problems, blobs);
            }
            if (rc != GIT_ITEROVER)
                problems << gitError("revwalk");
            if (commitsWalked)
                *commitsWalked = commits;

            git_odb *o = nullptr;
            if (git_repository_odb(&o, repo.get()) != 0) {
                problems << gitError("odb");
            } else {
                GitPtr<git_odb, git_odb_free> odb(o);
                QList<git_oid> ids;
                git_odb_foreach(odb.get(), [](const git_oid *id, void *payload) {
                    static_cast<QList<git_oid> *>(payload)->append(*id);
                    return 0;
                }, &ids);
                for (const git_oid &id : std::as_const(ids)) {
                    git_odb_object *obj = nullptr;
                    if (git_odb_read(&obj, odb.get(), &id) != 0)
                        problems << gitError("object");
                    else
                        git_odb_object_free(obj);
                }
            }
            git_index *i = nullptr;
            if (git_repository_index(&i, repo.get()) != 0) {
                problems << gitError("index");
            } else {
                GitPtr<git_index, git_index_free> index(i);
                if (git_index_read(index.get(), 1) != 0)
                    problems << gitError("index read");
            }
            const QString gitDir = QFile::decodeName(git_repository_path(repo.get()));
            QStringList locks;
            QDir::Filters filters = QDir::Files | QDir::Hidden;
            const QStringList topLocks = QDir(gitDir).entryList({QStringLiteral("*.lock")}, filters);
            for (const QString &l : topLocks)
                locks << l;
            const QStringList headLocks = QDir(gitDir + QStringLiteral("refs/heads")).entryList({QStringLiteral("*.lock")}, filters);
            for (const QString &l : headLocks)
                locks << QStringLiteral("refs/heads/") + l;
            const QStringList tagLocks = QDir(gitDir + QStringLiteral("refs/tags")).entryList({QStringLiteral("*.lock")}, filters);
            for (const QString &l : tagLocks)
                locks << QStringLiteral("refs/tags/") + l;
            if (!locks.isEmpty())
                problems << QStringLiteral("lock files left behind: ") + locks.join(QStringLiteral(", "));
        }
    }
    git_libgit2_shutdown();
    return problems;
}

} // namespace reliability
