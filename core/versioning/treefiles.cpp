#include "treefiles.h"

#include "git.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QUuid>

#include <unistd.h>

namespace funcdesk::treefiles {
namespace {

Error ioError(const QString &what) { return makeError(errc::IOError, what); }

constexpr QFile::Permissions kReadOnlyFile = QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther;
constexpr QFile::Permissions kExec = QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther;
constexpr QFile::Permissions kWritable = QFile::WriteOwner;

Status setReadOnlyRecursively(const QString &dir)
{
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QFileInfo fi = it.fileInfo();
        if (fi.isSymLink())
            continue;
        const QFile::Permissions p = fi.isDir() || fi.permission(QFile::ExeOwner) ? kReadOnlyFile | kExec : kReadOnlyFile;
        if (!QFile::setPermissions(path, p))
            return ioError(QStringLiteral("cannot make %1 read-only").arg(path));
    }
    if (!QFile::setPermissions(dir, kReadOnlyFile | kExec))
        return ioError(QStringLiteral("cannot make %1 read-only").arg(dir));
    return {};
}

struct WalkState
{
    git_repository *repo = nullptr;
    SourceFiles files;
    std::optional<Error> error;
};

int walkCallback(const char *root, const git_tree_entry *entry, void *payload)
{
    auto *st = static_cast<WalkState *>(payload);
    const git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE && mode != GIT_FILEMODE_LINK)
        return 0; // trees are descended into; submodules are skipped
    const QString path = QString::fromUtf8(root) + QString::fromUtf8(git_tree_entry_name(entry));
    git::Blob blob;
    const int rc = git_blob_lookup(blob.out(), st->repo, git_tree_entry_id(entry));
    if (rc != 0) {
        st->error = git::lastError(QStringLiteral("reading %1").arg(path), rc);
        return -1;
    }
    const QByteArray content(static_cast<const char *>(git_blob_rawcontent(blob.get())), qsizetype(git_blob_rawsize(blob.get())));
    SourceFile f;
    if (mode == GIT_FILEMODE_LINK) {
        f.symlinkTarget = QString::fromUtf8(content);
    } else {
        f.content = content;
        f.executable = mode == GIT_FILEMODE_BLOB_EXECUTABLE;
    }
    st->files.insert(path, f);
    return 0;
}

} // namespace

Status checkRelativePath(const QString &path, const QString &what)
{
    const auto bad = [&](const QString &why) { return makeError(errc::InvalidParameterValue, QStringLiteral("%1: %2").arg(what, why)); };
    if (path.isEmpty())
        return bad(QStringLiteral("empty path"));
    if (path.startsWith(QLatin1Char('/')) || (path.size() > 1 && path.at(1) == QLatin1Char(':')))
        return bad(QStringLiteral("absolute paths are not allowed"));
    if (path.contains(QLatin1Char('\\')) || path.contains(QChar(0)))
        return bad(QStringLiteral("backslashes and NUL are not allowed in paths"));
    const QStringList parts = path.split(QLatin1Char('/'));
    for (const QString &p : parts) {
        if (p == QLatin1String(".."))
            return bad(QStringLiteral("path leaves the function directory"));
        if (p.isEmpty() || p == QLatin1String("."))
            return bad(QStringLiteral("empty or '.' path part"));
    }
    if (parts.first().compare(QLatin1String(".git"), Qt::CaseInsensitive) == 0)
        return bad(QStringLiteral(".git is reserved"));
    return {};
}

Status checkSymlinkTarget(const QString &linkPath, const QString &target, const QString &what)
{
    if (target.isEmpty() || target.startsWith(QLatin1Char('/')))
        return makeError(errc::InvalidParameterValue, QStringLiteral("%1: symlink to \"%2\" points outside the function directory").arg(what, target));
    const QString dir = QFileInfo(linkPath).path(); // "." for a top-level link
    const QString resolved = QDir::cleanPath(dir + QLatin1Char('/') + target);
    if (resolved == QLatin1String("..") || resolved.startsWith(QLatin1String("../")) || resolved.startsWith(QLatin1Char('/')))
        return makeError(errc::InvalidParameterValue, QStringLiteral("%1: symlink to \"%2\" points outside the function directory").arg(what, target));
    return {};
}

Status writeFiles(const QString &dir, const SourceFiles &files)
{
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        const QString what = QStringLiteral("file \"%1\"").arg(it.key());
        if (Status s = checkRelativePath(it.key(), what); !s.ok())
            return s;
        if (!it->symlinkTarget.isEmpty()) {
            if (Status s = checkSymlinkTarget(it.key(), it->symlinkTarget, what); !s.ok())
                return s;
        }
    }
    // Paths are joined by hand: QDir::filePath() takes a name starting with ':' for a
    // resource path, which is absolute to it, and would write that entry in the process's
    // working directory.
    const auto inside = [&dir](const QString &relative) -> QString { return dir + QLatin1Char('/') + relative; };
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        const QString path = inside(it.key());
        if (!QDir().mkpath(QFileInfo(path).path()))
            return ioError(QStringLiteral("cannot create the folder of %1").arg(path));
        if (!it->symlinkTarget.isEmpty()) {
            QFile::remove(path);
            if (::symlink(QFile::encodeName(it->symlinkTarget).constData(), QFile::encodeName(path).constData()) != 0)
                return ioError(QStringLiteral("cannot create symlink %1").arg(path));
            continue;
        }
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(it->content) != it->content.size())
            return ioError(QStringLiteral("cannot write %1: %2").arg(path, f.errorString()));
        f.close();
        QFile::Permissions p = kReadOnlyFile | kWritable;
        if (it->executable)
            p |= kExec;
        f.setPermissions(p);
    }
    // The lexical check above cannot see through chains of links (a -> "b/..", b -> ".."):
    // resolve every link now that all files exist.
    const QString canonicalRoot = QFileInfo(dir).canonicalFilePath();
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        if (it->symlinkTarget.isEmpty())
            continue;
        const QString resolved = QFileInfo(inside(it.key())).canonicalFilePath();
        if (!resolved.isEmpty() && resolved != canonicalRoot && !resolved.startsWith(canonicalRoot + QLatin1Char('/')))
            return makeError(errc::InvalidParameterValue, QStringLiteral("file \"%1\": symlink to \"%2\" points outside the function directory").arg(it.key(), it->symlinkTarget));
    }
    return {};
}

Result<SourceFiles> readTree(git_repository *repo, git_tree *tree, const QString &subdirectory)
{
    git::Tree sub;
    if (!subdirectory.isEmpty() && subdirectory != QLatin1String(".")) {
        QString clean = subdirectory;
        while (clean.endsWith(QLatin1Char('/')))
            clean.chop(1);
        if (Status s = checkRelativePath(clean, QStringLiteral("subdirectory \"%1\"").arg(subdirectory)); !s.ok())
            return s.error();
        git::TreeEntry entry;
        int rc = git_tree_entry_bypath(entry.out(), tree, clean.toUtf8().constData());
        if (rc == GIT_ENOTFOUND || (rc == 0 && git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE))
            return makeError(errc::ResourceNotFound, QStringLiteral("subdirectory \"%1\": no such folder").arg(subdirectory));
        if (rc != 0)
            return git::lastError(QStringLiteral("subdirectory \"%1\"").arg(subdirectory), rc);
        rc = git_tree_lookup(sub.out(), repo, git_tree_entry_id(entry.get()));
        if (rc != 0)
            return git::lastError(QStringLiteral("subdirectory \"%1\"").arg(subdirectory), rc);
        tree = sub.get();
    }
    WalkState st;
    st.repo = repo;
    const int rc = git_tree_walk(tree, GIT_TREEWALK_PRE, walkCallback, &st);
    if (st.error)
        return *st.error;
    if (rc != 0)
        return git::lastError(QStringLiteral("walking tree"), rc);
    return std::move(st.files);
}

Status exportReadOnly(git_repository *repo, git_tree *tree, const QString &targetDir,
                      const std::function<Status(const QString &staging)> &beforeSeal)
{
    if (QFileInfo::exists(targetDir))
        return ioError(QStringLiteral("%1 already exists").arg(targetDir));
    Result<SourceFiles> files = readTree(repo, tree);
    if (!files.ok())
        return files.error();
    const QString staging = targetDir + QStringLiteral(".partial-") + QUuid::createUuid().toString(QUuid::Id128).left(8);
    if (!QDir().mkpath(staging))
        return ioError(QStringLiteral("cannot create %1").arg(staging));
    Status s = writeFiles(staging, *files);
    if (s.ok() && beforeSeal)
        s = beforeSeal(staging);
    if (s.ok())
        s = setReadOnlyRecursively(staging);
    if (s.ok() && !QDir().rename(staging, targetDir))
        s = ioError(QStringLiteral("cannot move the export into %1").arg(targetDir));
    if (!s.ok())
        (void)removeTree(staging);
    return s;
}

Status removeTree(const QString &dir)
{
    const QFileInfo top(dir);
    if (!top.exists() && !top.isSymLink())
        return {};
    if (top.isDir() && !top.isSymLink()) {
        QFile::setPermissions(dir, top.permissions() | kWritable | QFile::ExeOwner);
        QDirIterator it(dir, QDir::Dirs | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot | QDir::NoSymLinks,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile::setPermissions(path, it.fileInfo().permissions() | kWritable | QFile::ExeOwner);
        }
        if (!QDir(dir).removeRecursively())
            return ioError(QStringLiteral("cannot remove %1").arg(dir));
        return {};
    }
    if (!QFile::remove(dir))
        return ioError(QStringLiteral("cannot remove %1").arg(dir));
    return {};
}

Status clearWorkdir(const QString &workdir)
{
    const QDir d(workdir);
    const QStringList entries = d.entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QString &e : entries) {
        if (e == QLatin1String(".git"))
            continue;
        if (Status s = removeTree(d.filePath(e)); !s.ok())
            return s;
    }
    return {};
}

} // namespace funcdesk::treefiles
