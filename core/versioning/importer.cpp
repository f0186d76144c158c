#include "importer.h"

#include "common/ids.h"
#include "git.h"
#include "versioning/manifest.h"
#include "versionstore.h"
#include "versionstore_p.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QUrl>

#include <zip.h>

#include <sys/stat.h>

#include <memory>

namespace funcdesk {

namespace importer {
namespace {

struct ZipDiscard
{
    void operator()(zip_t *z) const { zip_discard(z); } // read-only: nothing to write back
};
struct ZipFileClose
{
    void operator()(zip_file_t *f) const { zip_fclose(f); }
};
using ZipArchive = std::unique_ptr<zip_t, ZipDiscard>;
using ZipEntry = std::unique_ptr<zip_file_t, ZipFileClose>;

Error zipError(const QString &zipPath, const QString &what, zip_t *z)
{
    return makeError(errc::InvalidParameterValue, QStringLiteral("%1: %2: %3").arg(QFileInfo(zipPath).fileName(), what, QString::fromUtf8(zip_strerror(z))));
}

} // namespace

Status checkFileSet(const SourceFiles &files, const QString &kind)
{
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        // Names are bytes in both formats; one that was not UTF-8 would be renamed silently.
        if (it.key().contains(QChar::ReplacementCharacter))
            return makeError(errc::InvalidParameterValue, QStringLiteral("%1 \"%2\": name is not valid UTF-8").arg(kind, it.key()));
        for (qsizetype slash = it.key().indexOf(QLatin1Char('/')); slash > 0; slash = it.key().indexOf(QLatin1Char('/'), slash + 1)) {
            const auto parent = files.constFind(it.key().left(slash));
            if (parent != files.cend() && !parent->symlinkTarget.isEmpty())
                return makeError(errc::InvalidParameterValue, QStringLiteral("%1 \"%2\": path passes through the symlink \"%3\"").arg(kind, it.key(), parent.key()));
        }
    }
    return {};
}

Result<SourceFiles> readZip(const QString &zipPath)
{
    int code = 0;
    ZipArchive z(zip_open(QFile::encodeName(zipPath).constData(), ZIP_RDONLY, &code));
    if (!z) {
        zip_error_t err;
        zip_error_init_with_code(&err, code);
        const QString msg = QString::fromUtf8(zip_error_strerror(&err));
        zip_error_fini(&err);
        return makeError(errc::InvalidParameterValue, QStringLiteral("cannot open zip %1: %2").arg(zipPath, msg));
    }
    SourceFiles files;
    qint64 total = 0;
    const zip_int64_t count = zip_get_num_entries(z.get(), 0);
    for (zip_int64_t i = 0; i < count; ++i) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(z.get(), zip_uint64_t(i), 0, &st) != 0)
            return zipError(zipPath, QStringLiteral("entry %1").arg(i), z.get());
        const QString rawName = QString::fromUtf8(st.name);
        QString name = rawName;
        while (name.startsWith(QLatin1String("./")))
            name.remove(0, 2);
        const QString what = QStringLiteral("zip entry \"%1\"").arg(rawName);
        const bool isDir = name.endsWith(QLatin1Char('/'));
        if (isDir)
            name.chop(1);
        if (isDir && name.isEmpty())
            continue;
        if (Status s = treefiles::checkRelativePath(name, what); !s.ok())
            return s.error();
        if (isDir)
            continue;
        zip_uint8_t opsys = 0;
        zip_uint32_t attributes = 0;
        zip_file_get_external_attributes(z.get(), zip_uint64_t(i), 0, &opsys, &attributes);
        const mode_t mode = opsys == ZIP_OPSYS_UNIX ? mode_t(attributes >> 16) : 0;
        total += qint64(st.size);
        if (total > kMaxUnzippedBytes)
            return makeError(errc::InvalidParameterValue, QStringLiteral("%1: unzipped size exceeds %2 bytes").arg(zipPath).arg(kMaxUnzippedBytes));
        QByteArray content(qsizetype(st.size), Qt::Uninitialized);
        ZipEntry f(zip_fopen_index(z.get(), zip_uint64_t(i), 0));
        if (!f)
            return zipError(zipPath, what, z.get());
        qsizetype done = 0;
        while (done < content.size()) {
            const zip_int64_t n = zip_fread(f.get(), content.data() + done, zip_uint64_t(content.size() - done));
            if (n <= 0)
                return makeError(errc::InvalidParameterValue, QStringLiteral("%1: cannot read %2").arg(zipPath, what));
            done += qsizetype(n);
        }
        SourceFile file;
        if (S_ISLNK(mode)) {
            file.symlinkTarget = QString::fromUtf8(content);
            if (Status s = treefiles::checkSymlinkTarget(name, file.symlinkTarget, what); !s.ok())
                return s.error();
        } else {
            file.content = std::move(content);
            file.executable = (mode & 0111) != 0;
        }
        files.insert(name, file);
    }
    if (Status s = checkFileSet(files, QStringLiteral("zip entry")); !s.ok())
        return s.error();
    return files;
}

Result<SourceFiles> readGit(const QString &pathOrFileUrl, const QString &refName, const QString &subdirectory)
{
    const QUrl url(pathOrFileUrl);
    const bool isFileUrl = url.scheme() == QLatin1String("file");
    const QString local = isFileUrl ? url.toLocalFile() : pathOrFileUrl;
    if (pathOrFileUrl.isEmpty() || (!isFileUrl && pathOrFileUrl.contains(QLatin1String("://"))))
        return makeError(errc::InvalidParameterValue, QStringLiteral("git source \"%1\": only local paths and file:// URLs are supported").arg(pathOrFileUrl));
    if (!QFileInfo::exists(local))
        return makeError(errc::ResourceNotFound, QStringLiteral("git source \"%1\": no such repository").arg(pathOrFileUrl));
    QTemporaryDir tmp;
    if (!tmp.isValid())
        return makeError(errc::IOError, QStringLiteral("cannot create a temporary folder: %1").arg(tmp.errorString()));
    git::ensureInitialized();
    git_clone_options opts = GIT_CLONE_OPTIONS_INIT;
    opts.bare = 1;
    git::Repository repo;
    int rc = git_clone(repo.out(), QFile::encodeName(QFileInfo(local).absoluteFilePath()).constData(),
                       QFile::encodeName(tmp.path() + QStringLiteral("/clone")).constData(), &opts);
    if (rc != 0)
        return git::lastError(QStringLiteral("cloning %1").arg(pathOrFileUrl), rc);

    Result<git::Commit> commit = makeError(QString(), QString());
    if (refName.isEmpty()) {
        commit = git::headCommit(repo.get());
    } else {
        const QStringList candidates = {QStringLiteral("refs/remotes/origin/") + refName, QStringLiteral("refs/tags/") + refName,
                                        QStringLiteral("refs/heads/") + refName, refName};
        for (const QString &c : candidates) {
            commit = git::resolveCommit(repo.get(), c);
            if (commit.ok() || commit.error().type != errc::ResourceNotFound)
                break;
        }
        if (!commit.ok() && commit.error().type == errc::ResourceNotFound)
            return makeError(errc::ResourceNotFound, QStringLiteral("git source \"%1\": no branch, tag or commit \"%2\"").arg(pathOrFileUrl, refName));
    }
    if (!commit.ok())
        return commit.error();
    Result<git::Tree> tree = git::commitTree(commit->get());
    if (!tree.ok())
        return tree.error();
    Result<SourceFiles> files = treefiles::readTree(repo.get(), tree->get(), subdirectory);
    if (!files.ok())
        return files;
    if (Status s = checkFileSet(*files, QStringLiteral("git entry")); !s.ok())
        return s.error();
    return files;
}

Result<QByteArray> guessManifest(const SourceFiles &files, const QString &functionName)
{
    FunctionConfig c;
    c.name = functionName;
    if (files.contains(QStringLiteral("lambda_function.py"))) {
        c.runtime = Runtime::Python3;
    } else if (files.contains(QStringLiteral("index.js")) || files.contains(QStringLiteral("index.mjs"))
               || files.contains(QStringLiteral("index.cjs"))) {
        c.runtime = Runtime::NodeJs;
    } else if (files.contains(QStringLiteral("bootstrap"))) {
        c.runtime = Runtime::Provided;
    } else {
        return makeError(errc::InvalidParameterValue, QStringLiteral("function.json: missing, and no lambda_function.py, index.js, "
                                                                     "index.mjs or bootstrap to tell the runtime from"));
    }
    c.handler = manifest::defaultHandler(c.runtime);
    return manifest::serialize(c);
}

} // namespace importer

namespace {

Status checkNewName(const DataDir &dataDir, const QString &name)
{
    if (!isValidFunctionName(name))
        return makeError(errc::InvalidParameterValue, QStringLiteral("function name \"%1\": must be 1-64 letters, digits, '-' or '_'").arg(name));
    if (QFileInfo::exists(dataDir.functionRepo(name)))
        return makeError(errc::ResourceConflict, QStringLiteral("Function already exists: %1").arg(name));
    return {};
}

Status addManifestIfMissing(SourceFiles &files, const QString &name)
{
    const QString m = QString::fromLatin1(manifest::kFileName);
    if (files.contains(m))
        return {};
    Result<QByteArray> guessed = importer::guessManifest(files, name);
    if (!guessed.ok())
        return guessed.error();
    files.insert(m, SourceFile(*guessed));
    return {};
}

} // namespace

Result<QString> VersionStore::importFromGit(const QString &name, const QString &pathOrFileUrl, const QString &refName,
                                            const QString &subdirectory)
{
    if (Status s = checkNewName(m_dataDir, name); !s.ok())
        return s.error();
    Result<SourceFiles> files = importer::readGit(pathOrFileUrl, refName, subdirectory);
    if (!files.ok())
        return files.error();
    if (Status s = addManifestIfMissing(*files, name); !s.ok())
        return s.error();
    QString message = QStringLiteral("Import from %1").arg(pathOrFileUrl);
    if (!refName.isEmpty())
        message += QStringLiteral(" at ") + refName;
    if (!subdirectory.isEmpty())
        message += QStringLiteral(", folder ") + subdirectory;
    return createFromFiles(name, std::move(*files), message);
}

Result<QString> VersionStore::importFromZip(const QString &name, const QString &zipPath)
{
    if (Status s = checkNewName(m_dataDir, name); !s.ok())
        return s.error();
    Result<SourceFiles> files = importer::readZip(zipPath);
    if (!files.ok())
        return files.error();
    if (Status s = addManifestIfMissing(*files, name); !s.ok())
        return s.error();
    return createFromFiles(name, std::move(*files), QStringLiteral("Import from %1").arg(QFileInfo(zipPath).fileName()));
}

Result<QString> VersionStore::updateCodeFromZip(const QString &name, const QString &zipPath)
{
    Result<git::Repository> repo = detail::openFunction(m_dataDir, name);
    if (!repo.ok())
        return repo.error();
    Result<SourceFiles> files = importer::readZip(zipPath);
    if (!files.ok())
        return files.error();
    const QString m = QString::fromLatin1(manifest::kFileName);
    if (!files->contains(m)) {
        QFile draft(repoPath(name) + QLatin1Char('/') + m);
        if (!draft.open(QIODevice::ReadOnly))
            return makeError(errc::InvalidParameterValue, QStringLiteral("function.json: missing from both the zip and the draft"));
        files->insert(m, SourceFile(draft.readAll()));
    }
    // Check before replacing the draft, so a bad zip changes nothing.
    if (Result<FunctionConfig> c = manifest::parse(files->value(m).content, name); !c.ok())
        return c.error();
    if (Status s = treefiles::clearWorkdir(repoPath(name)); !s.ok())
        return s.error();
    if (Status s = treefiles::writeFiles(repoPath(name), *files); !s.ok())
        return s.error();
    Result<QString> commit = detail::commitWorkdir(repo->get(), repoPath(name),
                                                   QStringLiteral("Update code from %1").arg(QFileInfo(zipPath).fileName()),
                                                   m_authorName, m_authorEmail, {m_dataDir, m_build});
    if (!commit.ok() && commit.error().type == errc::NothingToDeploy) {
        Result<git::Commit> head = git::headCommit(repo->get());
        if (!head.ok())
            return head.error();
        return git::oidToString(*git_commit_id(head->get())); // same code: like Lambda, not an error
    }
    return commit;
}

} // namespace funcdesk
