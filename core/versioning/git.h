#pragma once
// libgit2 behind small move-only RAII types. Every handle owns exactly one libgit2
// object and frees it with the matching git_*_free function.
//
// Threading: handles are plain values owned by the thread that created them; libgit2
// objects are not shared across threads (a repository is opened per operation). Errors
// are captured with git_error_last() right at the failure site (it is per thread).
// Internal to funcdesk_versioning: other libraries use versionstore.h.

#include "common/result.h"

#include <git2.h>

#include <QByteArray>
#include <QString>

#include <utility>

namespace funcdesk::git {

// git_libgit2_init() exactly once per process (never shut down: static objects may
// still hold handles at exit).
void ensureInitialized();

// "<what>: <libgit2 message>" with type "GitError"; call right after the failing call.
Error lastError(const QString &what, int code);

template<typename T, void (*FreeFn)(T *)>
class Handle
{
public:
    Handle() = default;
    explicit Handle(T *p) : m_p(p) {}
    ~Handle() { reset(); }
    Handle(const Handle &) = delete;
    Handle &operator=(const Handle &) = delete;
    Handle(Handle &&o) noexcept : m_p(std::exchange(o.m_p, nullptr)) {}
    Handle &operator=(Handle &&o) noexcept
    {
        if (this != &o) {
            reset();
            m_p = std::exchange(o.m_p, nullptr);
        }
        return *this;
    }

    T *get() const { return m_p; }
    // For libgit2 out-parameters: frees any current object first.
    T **out()
    {
        reset();
        return &m_p;
    }
    explicit operator bool() const { return m_p != nullptr; }
    [[nodiscard]] T *release() { return std::exchange(m_p, nullptr); }
    void reset()
    {
        if (m_p)
            FreeFn(m_p);
        m_p = nullptr;
    }

private:
    T *m_p = nullptr;
};

using Repository = Handle<git_repository, git_repository_free>;
using Commit = Handle<git_commit, git_commit_free>;
using Tree = Handle<git_tree, git_tree_free>;
using TreeEntry = Handle<git_tree_entry, git_tree_entry_free>;
using Blob = Handle<git_blob, git_blob_free>;
using Object = Handle<git_object, git_object_free>;
using Reference = Handle<git_reference, git_reference_free>;
using Signature = Handle<git_signature, git_signature_free>;
using Index = Handle<git_index, git_index_free>;
using Diff = Handle<git_diff, git_diff_free>;
using Patch = Handle<git_patch, git_patch_free>;
using RevWalk = Handle<git_revwalk, git_revwalk_free>;
using Tag = Handle<git_tag, git_tag_free>;

// A git_buf released with git_buf_dispose.
class Buf
{
public:
    Buf() = default;
    ~Buf() { git_buf_dispose(&m_buf); }
    Buf(const Buf &) = delete;
    Buf &operator=(const Buf &) = delete;
    git_buf *get() { return &m_buf; }
    QByteArray toByteArray() const { return QByteArray(m_buf.ptr, qsizetype(m_buf.size)); }

private:
    git_buf m_buf = GIT_BUF_INIT;
};

// A git_strarray released with git_strarray_dispose.
class StrArray
{
public:
    StrArray() = default;
    ~StrArray() { git_strarray_dispose(&m_arr); }
    StrArray(const StrArray &) = delete;
    StrArray &operator=(const StrArray &) = delete;
    git_strarray *get() { return &m_arr; }
    size_t size() const { return m_arr.count; }
    QString at(size_t i) const { return QString::fromUtf8(m_arr.strings[i]); }

private:
    git_strarray m_arr = {nullptr, 0};
};

QString oidToString(const git_oid &oid);
Result<git_oid> oidFromString(const QString &hex);

Result<Repository> open(const QString &path);
// A non-bare repository with HEAD on refs/heads/main.
Result<Repository> init(const QString &workdir);
// HEAD's commit; an Error of type "ResourceNotFoundException" when nothing is committed.
Result<Commit> headCommit(git_repository *repo);
Result<Tree> commitTree(git_commit *commit);
Result<Commit> lookupCommit(git_repository *repo, const git_oid &id);
// Peels any revision (sha, tag name, branch) to a commit.
Result<Commit> resolveCommit(git_repository *repo, const QString &revision);
Result<QByteArray> readBlob(git_repository *repo, git_tree *tree, const QString &path);

} // namespace funcdesk::git
