#include "versionstore.h"

#include "common/ids.h"
#include "common/logging.h"
#include "versioning/layerstore.h"
#include "versioning/manifest.h"
#include "versionstore_p.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUuid>

namespace funcdesk {

namespace detail {

Result<git::Repository> openFunction(const DataDir &dataDir, const QString &name)
{
    if (!isValidFunctionName(name))
        return makeError(errc::InvalidParameterValue, QStringLiteral("function name \"%1\": must be 1-64 letters, digits, '-' or '_'").arg(name));
    const QString path = dataDir.functionRepo(name);
    if (!QFileInfo::exists(path + QStringLiteral("/.git")))
        return makeError(errc::ResourceNotFound, QStringLiteral("Function not found: %1").arg(name));
    return git::open(path);
}

Result<git::Commit> resolveRef(git_repository *repo, const QString &ref)
{
    if (ref.isEmpty() || ref == QLatin1String("$LATEST") || ref == QLatin1String("HEAD"))
        return git::headCommit(repo);
    QString number = ref;
    if (number.startsWith(QLatin1Char('v')))
        number.remove(0, 1);
    bool isNumber = false;
    const int n = number.toInt(&isNumber);
    if (isNumber && n > 0) {
        Result<git::Commit> c = git::resolveCommit(repo, QStringLiteral("refs/tags/v%1").arg(n));
        if (!c.ok() && c.error().type == errc::ResourceNotFound)
            return makeError(errc::ResourceNotFound, QStringLiteral("version %1 does not exist").arg(n));
        return c;
    }
    return git::resolveCommit(repo, ref);
}

Result<FunctionConfig> manifestOf(git_repository *repo, git_tree *tree, const QString &name)
{
    Result<QByteArray> json = git::readBlob(repo, tree, QString::fromLatin1(manifest::kFileName));
    if (!json.ok())
        return json.error();
    return manifest::parse(*json, name);
}

Result<git_oid> stageWorkdirImpl(git_repository *repo, bool writeIndex)
{
    git::Index index;
    int rc = git_repository_index(index.out(), repo);
    if (rc == 0)
        rc = git_index_add_all(index.get(), nullptr, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr);
    if (rc == 0)
        rc = git_index_update_all(index.get(), nullptr, nullptr, nullptr); // drops deleted files
    if (rc != 0)
        return git::lastError(QStringLiteral("staging the draft"), rc);
    // Symlinks must stay inside the function: the engine follows them from the export.
    const size_t count = git_index_entrycount(index.get());
    for (size_t i = 0; i < count; ++i) {
        const git_index_entry *e = git_index_get_byindex(index.get(), i);
        if (e->mode != GIT_FILEMODE_LINK)
            continue;
        git::Blob blob;
        if ((rc = git_blob_lookup(blob.out(), repo, &e->id)) != 0)
            return git::lastError(QStringLiteral("reading link %1").arg(QString::fromUtf8(e->path)), rc);
        const QString target = QString::fromUtf8(static_cast<const char *>(git_blob_rawcontent(blob.get())),
                                                 qsizetype(git_blob_rawsize(blob.get())));
        const QString path = QString::fromUtf8(e->path);
        if (Status s = treefiles::checkSymlinkTarget(path, target, QStringLiteral("file \"%1\"").arg(path)); !s.ok())
            return s.error();
    }
    git_oid tree;
    if ((rc = git_index_write_tree(&tree, index.get())) != 0)
        return git::lastError(QStringLiteral("writing the draft tree"), rc);
    if (writeIndex && (rc = git_index_write(index.get())) != 0)
        return git::lastError(QStringLiteral("writing the index"), rc);
    return tree;
}

Result<git_oid> stageWorkdir(git_repository *repo) { return stageWorkdirImpl(repo, false); }

Status exportBuilt(const BuildContext &build, git_repository *repo, git_tree *tree, const QString &target,
                   const FunctionConfig &config)
{
    // Lambda's 250 MB counts the layers too.
    qint64 layerBytes = 0;
    Result<QList<LayerVersionInfo>> layers = LayerStore(build.dataDir).resolve(config.layers, true);
    if (!layers.ok())
        return layers.error();
    for (const LayerVersionInfo &l : std::as_const(*layers))
        layerBytes += l.unzippedBytes;
    return treefiles::exportReadOnly(repo, tree, target, [&](const QString &staging) -> Status {
        Result<build::Record> r = build::buildInto(build.dataDir, staging, config, layerBytes, build.options);
        if (!r.ok())
            return r.error();
        return {};
    });
}

Status attachLayers(const DataDir &dataDir, FunctionConfig &config)
{
    Result<QList<LayerVersionInfo>> layers = LayerStore(dataDir).resolve(config.layers, true);
    if (!layers.ok())
        return layers.error();
    Result<QString> merged = LayerStore(dataDir).mergedDir(*layers);
    if (!merged.ok())
        return merged.error();
    config.optDir = *merged;
    return {};
}

Result<QString> commitWorkdir(git_repository *repo, const QString &workdir, const QString &message,
                              const QString &authorName, const QString &authorEmail, const BuildContext &build)
{
    QFile mf(workdir + QLatin1Char('/') + QString::fromLatin1(manifest::kFileName));
    if (!mf.open(QIODevice::ReadOnly))
        return makeError(errc::InvalidParameterValue, QStringLiteral("function.json: missing from the draft"));
    const QString name = QFileInfo(workdir).fileName();
    Result<FunctionConfig> m = manifest::parse(mf.readAll(), name);
    if (!m.ok())
        return m.error();

    Result<git_oid> tree = stageWorkdirImpl(repo, true);
    if (!tree.ok())
        return tree.error();
    Result<git::Commit> head = git::headCommit(repo);
    if (!head.ok() && head.error().type != errc::ResourceNotFound)
        return head.error();
    if (head.ok() && git_oid_equal(git_commit_tree_id(head->get()), &*tree))
        return makeError(errc::NothingToDeploy, QStringLiteral("nothing to deploy: the draft of %1 equals the deployed code").arg(name));

    git::Tree treeObj;
    int rc = git_tree_lookup(treeObj.out(), repo, &*tree);
    git::Signature sig;
    if (rc == 0)
        rc = git_signature_now(sig.out(), authorName.toUtf8().constData(), authorEmail.toUtf8().constData());
    if (rc != 0)
        return git::lastError(QStringLiteral("preparing the deploy"), rc);

    // The build step, before anything is committed: a failed build leaves HEAD (and so
    // what $LATEST runs) as it was. The export becomes $LATEST's once the commit exists.
    const QString exportsDir = build.dataDir.versions() + QLatin1Char('/') + name;
    const QString pending = exportsDir + QStringLiteral("/.pending-") + QUuid::createUuid().toString(QUuid::Id128).left(12);
    if (!QDir().mkpath(exportsDir))
        return makeError(errc::IOError, QStringLiteral("cannot create %1").arg(exportsDir));
    if (Status s = exportBuilt(build, repo, treeObj.get(), pending, *m); !s.ok())
        return s.error();
    struct PendingGuard
    {
        QString path;
        ~PendingGuard()
        {
            if (!path.isEmpty())
                (void)treefiles::removeTree(path);
        }
    } guard{pending};

    const git_commit *parents[1] = {head.ok() ? head->get() : nullptr};
    const QByteArray msg = (message.trimmed().isEmpty() ? QStringLiteral("Deploy") : message.trimmed()).toUtf8();
    git_oid commit;
    rc = git_commit_create(&commit, repo, "HEAD", sig.get(), sig.get(), "UTF-8", msg.constData(), treeObj.get(),
                           head.ok() ? 1 : 0, parents);
    if (rc != 0)
        return git::lastError(QStringLiteral("committing the deploy"), rc);
    const QString target = exportsDir + QStringLiteral("/latest-") + git::oidToString(commit).left(12);
    if (!QFileInfo::exists(target) && QDir().rename(pending, target))
        guard.path.clear();
    qCDebug(lcVersioning) << "deployed" << name << git::oidToString(commit);
    return git::oidToString(commit);
}

QString aliasFile(const QString &repoPath)
{
    return repoPath + QStringLiteral("/.git/") + QString::fromLatin1(aliases::kFileName);
}

} // namespace detail

VersionStore::VersionStore(DataDir dataDir, QString authorName, QString authorEmail)
    : m_dataDir(std::move(dataDir)), m_authorName(std::move(authorName)), m_authorEmail(std::move(authorEmail))
{
    git::ensureInitialized();
}

QStringList VersionStore::functionNames() const
{
    QStringList out;
    const QStringList dirs = QDir(m_dataDir.functions()).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &d : dirs) {
        if (isValidFunctionName(d) && QFileInfo::exists(m_dataDir.functionRepo(d) + QStringLiteral("/.git")))
            out << d;
    }
    return out;
}

bool VersionStore::exists(const QString &name) const
{
    return isValidFunctionName(name) && QFileInfo::exists(m_dataDir.functionRepo(name) + QStringLiteral("/.git"));
}

// Name and existence only (no libgit2 open): used where the repository itself is not read.
Status VersionStore::checkFunction(const QString &name) const
{
    if (!isValidFunctionName(name))
        return makeError(errc::InvalidParameterValue, QStringLiteral("function name \"%1\": must be 1-64 letters, digits, '-' or '_'").arg(name));
    if (!exists(name))
        return makeError(errc::ResourceNotFound, QStringLiteral("Function not found: %1").arg(name));
    return {};
}

Result<QString> VersionStore::create(const QString &name, Runtime runtime, const SourceFiles &files, const QString &message)
{
    SourceFiles all = files;
    const QString manifestName = QString::fromLatin1(manifest::kFileName);
    if (!all.contains(manifestName)) {
        FunctionConfig c;
        c.name = name;
        c.runtime = runtime;
        c.handler = manifest::defaultHandler(runtime);
        all.insert(manifestName, SourceFile(manifest::serialize(c)));
    }
    return createFromFiles(name, std::move(all), message.isEmpty() ? QStringLiteral("Create function %1").arg(name) : message);
}

Result<QString> VersionStore::createFromFiles(const QString &name, SourceFiles files, const QString &message)
{
    if (!isValidFunctionName(name))
        return makeError(errc::InvalidParameterValue, QStringLiteral("function name \"%1\": must be 1-64 letters, digits, '-' or '_'").arg(name));
    const QString target = m_dataDir.functionRepo(name);
    if (QFileInfo::exists(target))
        return makeError(errc::ResourceConflict, QStringLiteral("Function already exists: %1").arg(name));
    for (auto it = files.begin(); it != files.end(); ++it) {
        if (it.key() == QLatin1String("bootstrap") && it->symlinkTarget.isEmpty())
            it->executable = true; // the provided runtime executes it
    }
    // Built in a staging folder named like the function (the manifest check reads the
    // name from the folder), then renamed into place.
    const QString staging = m_dataDir.functions() + QStringLiteral("/.creating-")
        + QUuid::createUuid().toString(QUuid::Id128).left(12) + QLatin1Char('/') + name;
    const QString stagingRoot = QFileInfo(staging).path();
    Result<QString> commit = [&]() -> Result<QString> {
        Result<git::Repository> repo = git::init(staging);
        if (!repo.ok())
            return repo.error();
        if (Status s = treefiles::writeFiles(staging, files); !s.ok())
            return s.error();
        return detail::commitWorkdir(repo->get(), staging, message, m_authorName, m_authorEmail, {m_dataDir, m_build});
    }();
    if (commit.ok() && !QDir().rename(staging, target))
        commit = makeError(errc::IOError, QStringLiteral("cannot move the new repository to %1").arg(target));
    (void)treefiles::removeTree(stagingRoot);
    return commit;
}

Result<QString> VersionStore::deploy(const QString &name, const QString &message)
{
    Result<git::Repository> repo = detail::openFunction(m_dataDir, name);
    if (!repo.ok())
        return repo.error();
    return detail::commitWorkdir(repo->get(), repoPath(name), message, m_authorName, m_authorEmail, {m_dataDir, m_build});
}

Result<bool> VersionStore::hasDraftChanges(const QString &name) const
{
    Result<git::Repository> repo = detail::openFunction(m_dataDir, name);
    if (!repo.ok())
        return repo.error();
    Result<git_oid> tree = detail::stageWorkdir(repo->get());
    if (!tree.ok())
        return tree.error();
    Result<git::Commit> head = git::headCommit(repo->get());
    if (!head.ok())
        return head.error().type == errc::ResourceNotFound ? Result<bool>(true) : Result<bool>(head.error());
    return !git_oid_equal(git_commit_tree_id(head->get()), &*tree);
}

Result<FunctionConfig> VersionStore::draftConfig(const QString &name) const
{
    if (Status s = checkFunction(name); !s.ok())
        return s.error();
    QFile f(repoPath(name) + QLatin1Char('/') + QString::fromLatin1(manifest::kFileName));
    if (!f.open(QIODevice::ReadOnly))
        return makeError(errc::InvalidParameterValue, QStringLiteral("function.json: missing from the draft of %1").arg(name));
    Result<FunctionConfig> c = manifest::parse(f.readAll(), name);
    if (c.ok())
        c->codeDir = repoPath(name);
    return c;
}

Status VersionStore::setDraftConfig(const QString &name, const FunctionConfig &config)
{
    if (Status s = checkFunction(name); !s.ok())
        return s;
    if (Status s = manifest::validate(config); !s.ok())
        return s;
    SourceFiles f;
    f.insert(QString::fromLatin1(manifest::kFileName), SourceFile(manifest::serialize(config)));
    return treefiles::writeFiles(repoPath(name), f);
}

Status VersionStore::writeDraftFiles(const QString &name, const SourceFiles &files)
{
    if (Status s = checkFunction(name); !s.ok())
        return s;
    return treefiles::writeFiles(repoPath(name), files);
}

Result<FunctionConfig> VersionStore::latestRunnable(const QString &name)
{
    Result<git::Repository> repo = detail::openFunction(m_dataDir, name);
    if (!repo.ok())
        return repo.error();
    Result<git::Commit> head = git::headCommit(repo->get());
    if (!head.ok())
        return head.error();
    Result<git::Tree> tree = git::commitTree(head->get());
    if (!tree.ok())
        return tree.error();
    Result<FunctionConfig> config = detail::manifestOf(repo->get(), tree->get(), name);
    if (!config.ok())
        return config.error();
    const QString dirName = QStringLiteral("latest-") + git::oidToString(*git_commit_id(head->get())).left(12);
    const QString exportsDir = m_dataDir.versions() + QLatin1Char('/') + name;
    const QString target = exportsDir + QLatin1Char('/') + dirName;
    if (!QFileInfo::exists(target)) {
        if (!QDir().mkpath(exportsDir))
            return makeError(errc::IOError, QStringLiteral("cannot create %1").arg(exportsDir));
        if (Status s = detail::exportBuilt({m_dataDir, m_build}, repo->get(), tree->get(), target, *config); !s.ok())
            return s.error();
    }
    // Older $LATEST exports are stale now (the engine retires their environments when it
    // is handed the new config), and so are staging folders a crash left behind. (A deploy
    // puts the new export in place itself, so this runs whether or not it was made here.)
    // A deploy's .pending-* build may be running on another thread (the GUI's store and the
    // API's are two): only one an hour old is a crash's leftover.
    const QDateTime crashed = QDateTime::currentDateTimeUtc().addSecs(-3600);
    const QFileInfoList old = QDir(exportsDir).entryInfoList({QStringLiteral("latest-*"), QStringLiteral("*.partial-*"), QStringLiteral(".pending-*")},
                                                             QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    for (const QFileInfo &o : old) {
        if (o.fileName() == dirName || (o.fileName().startsWith(QLatin1String(".pending-")) && o.lastModified().toUTC() > crashed))
            continue;
        (void)treefiles::removeTree(o.absoluteFilePath());
    }
    config->codeDir = target;
    config->version = QStringLiteral("$LATEST");
    if (Status s = detail::attachLayers(m_dataDir, *config); !s.ok())
        return s.error();
    return config;
}

} // namespace funcdesk
