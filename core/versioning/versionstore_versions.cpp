// VersionStore: publish, versions, aliases, qualifier resolution, delete.
#include "versionstore.h"

#include "common/ids.h"
#include "versioning/manifest.h"
#include "versionstore_p.h"

#include <QDir>
#include <QFileInfo>
#include <QUuid>

#include <algorithm>

namespace funcdesk {

namespace {

Result<QList<VersionInfo>> listVersions(git_repository *repo)
{
    git::StrArray names;
    int rc = git_tag_list_match(names.get(), "v[0-9]*", repo);
    if (rc != 0)
        return git::lastError(QStringLiteral("listing versions"), rc);
    QList<VersionInfo> out;
    for (size_t i = 0; i < names.size(); ++i) {
        const QString tagName = names.at(i);
        bool ok = false;
        const int n = tagName.mid(1).toInt(&ok);
        if (!ok || n <= 0 || QStringLiteral("v%1").arg(n) != tagName)
            continue;
        git::Reference ref;
        if ((rc = git_reference_lookup(ref.out(), repo, (QStringLiteral("refs/tags/") + tagName).toUtf8().constData())) != 0)
            return git::lastError(QStringLiteral("reading version %1").arg(n), rc);
        VersionInfo v;
        v.number = n;
        git::Tag tag;
        if (git_tag_lookup(tag.out(), repo, git_reference_target(ref.get())) == 0) {
            v.description = QString::fromUtf8(git_tag_message(tag.get())).trimmed();
            if (const git_signature *s = git_tag_tagger(tag.get()))
                v.created = QDateTime::fromSecsSinceEpoch(s->when.time, Qt::UTC);
        }
        git::Object target;
        if ((rc = git_reference_peel(target.out(), ref.get(), GIT_OBJECT_COMMIT)) != 0)
            return git::lastError(QStringLiteral("reading version %1").arg(n), rc);
        v.commitId = git::oidToString(*git_object_id(target.get()));
        if (!v.created.isValid())
            v.created = QDateTime::fromSecsSinceEpoch(
                git_commit_time(reinterpret_cast<git_commit *>(target.get())), Qt::UTC);
        out << v;
    }
    std::sort(out.begin(), out.end(), [](const VersionInfo &a, const VersionInfo &b) { return a.number < b.number; });
    return out;
}

// The version's export: DataDir::versions()/<name>/<N>, exported from its tag when missing.
Result<FunctionConfig> exportVersion(const detail::BuildContext &build, git_repository *repo, const QString &name, int n)
{
    const DataDir &dataDir = build.dataDir;
    Result<git::Commit> commit = detail::resolveRef(repo, QStringLiteral("v%1").arg(n));
    if (!commit.ok())
        return commit.error();
    Result<git::Tree> tree = git::commitTree(commit->get());
    if (!tree.ok())
        return tree.error();
    Result<FunctionConfig> config = detail::manifestOf(repo, tree->get(), name);
    if (!config.ok())
        return config.error();
    const QString exportsDir = dataDir.versions() + QLatin1Char('/') + name;
    const QString target = exportsDir + QLatin1Char('/') + QString::number(n);
    if (!QFileInfo::exists(target)) {
        if (!QDir().mkpath(exportsDir))
            return makeError(errc::IOError, QStringLiteral("cannot create %1").arg(exportsDir));
        if (Status s = detail::exportBuilt(build, repo, tree->get(), target, *config); !s.ok())
            return s.error();
    }
    config->codeDir = target;
    config->version = QString::number(n);
    if (Status s = detail::attachLayers(dataDir, *config); !s.ok())
        return s.error();
    return config;
}

// Where a deleted version's tag is kept: out of refs/tags (so it is no version any more),
// still reachable (its description and date stay in the repository), its number taken.
constexpr const char kDeletedVersionsPrefix[] = "refs/funcdesk/deleted-versions/v";

// The highest version number ever published, deleted ones included (0: none).
Result<int> highestVersionEver(git_repository *repo, const QList<VersionInfo> &existing)
{
    int highest = existing.isEmpty() ? 0 : existing.last().number;
    git::StrArray refs;
    const int rc = git_reference_list(refs.get(), repo);
    if (rc != 0)
        return git::lastError(QStringLiteral("listing references"), rc);
    const QString prefix = QLatin1String(kDeletedVersionsPrefix);
    for (size_t i = 0; i < refs.size(); ++i) {
        const QString ref = refs.at(i);
        if (!ref.startsWith(prefix))
            continue;
        bool ok = false;
        const int n = QStringView(ref).mid(prefix.size()).toInt(&ok);
        if (ok && n > highest)
            highest = n;
    }
    return highest;
}

QString versionExists(const QList<VersionInfo> &versions, const QString &v)
{
    if (v == QLatin1String("$LATEST"))
        return {};
    const int n = v.toInt();
    const bool found = std::any_of(versions.begin(), versions.end(), [n](const VersionInfo &i) { return i.number == n; });
    return found ? QString() : QStringLiteral("version %1 does not exist").arg(v);
}

} // namespace

Result<VersionInfo> VersionStore::publish(const QString &name, const QString &description)
{
    Result<git::Repository> repo = detail::openFunction(m_dataDir, name);
    if (!repo.ok())
        return repo.error();
    Result<git::Commit> head = git::headCommit(repo->get());
    if (!head.ok())
        return head.error();
    Result<QList<VersionInfo>> existing = listVersions(repo->get());
    if (!existing.ok())
        return existing.error();
    const QString headId = git::oidToString(*git_commit_id(head->get()));
    if (!existing->isEmpty() && existing->last().commitId == headId)
        return makeError(errc::NothingToPublish, QStringLiteral("nothing to publish: version %1 of %2 already is the deployed code").arg(existing->last().number).arg(name));
    const Result<int> highest = highestVersionEver(repo->get(), *existing);
    if (!highest.ok())
        return highest.error();
    const int n = *highest + 1;
    const QByteArray tagName = QStringLiteral("v%1").arg(n).toUtf8();
    git::Signature sig;
    int rc = git_signature_now(sig.out(), m_authorName.toUtf8().constData(), m_authorEmail.toUtf8().constData());
    git_oid tagId;
    const QByteArray msg = description.toUtf8() + '\n';
    if (rc == 0)
        rc = git_tag_create(&tagId, repo->get(), tagName.constData(), reinterpret_cast<const git_object *>(head->get()),
                            sig.get(), msg.constData(), 0);
    if (rc != 0)
        return git::lastError(QStringLiteral("tagging version %1").arg(n), rc);
    Result<FunctionConfig> exported = exportVersion({m_dataDir, m_build}, repo->get(), name, n);
    if (!exported.ok()) {
        git_tag_delete(repo->get(), tagName.constData()); // no version without its export
        return exported.error();
    }
    VersionInfo v;
    v.number = n;
    v.commitId = headId;
    v.description = description.trimmed();
    v.created = QDateTime::fromSecsSinceEpoch(sig.get()->when.time, Qt::UTC);
    return v;
}

Result<QList<VersionInfo>> VersionStore::versions(const QString &name) const
{
    Result<git::Repository> repo = detail::openFunction(m_dataDir, name);
    if (!repo.ok())
        return repo.error();
    return listVersions(repo->get());
}

Status VersionStore::deleteVersion(const QString &name, int version)
{
    Result<git::Repository> repo = detail::openFunction(m_dataDir, name);
    if (!repo.ok())
        return repo.error();
    if (version <= 0)
        return makeError(errc::InvalidParameterValue, QStringLiteral("version: must be a positive number, got %1").arg(version));
    const QString number = QString::number(version);
    Result<QList<VersionInfo>> existing = listVersions(repo->get());
    if (!existing.ok())
        return existing.error();
    if (!versionExists(*existing, number).isEmpty())
        return makeError(errc::ResourceNotFound, QStringLiteral("Function not found: %1:%2").arg(name, number));
    // Aliases never point at a missing version: refuse, as Lambda does, naming them.
    Result<QList<AliasConfig>> aliases = aliasList(name);
    if (!aliases.ok())
        return aliases.error();
    QStringList users;
    for (const AliasConfig &a : std::as_const(*aliases)) {
        if (a.functionVersion == number || a.additionalVersion == number)
            users.append(a.name);
    }
    if (!users.isEmpty())
        return makeError(errc::ResourceConflict, QStringLiteral("Unable to delete version because the following aliases reference it: [%1]").arg(users.join(QStringLiteral(", "))));

    const QByteArray tagRef = QStringLiteral("refs/tags/v%1").arg(version).toUtf8();
    const QByteArray keptRef = QByteArray(kDeletedVersionsPrefix) + number.toUtf8();
    git::Reference tag;
    int rc = git_reference_lookup(tag.out(), repo->get(), tagRef.constData());
    git::Reference kept;
    if (rc == 0) {
        const QByteArray log = QStringLiteral("delete version %1").arg(version).toUtf8();
        rc = git_reference_create(kept.out(), repo->get(), keptRef.constData(), git_reference_target(tag.get()), 1,
                                  log.constData());
    }
    if (rc == 0)
        rc = git_reference_delete(tag.get());
    if (rc != 0)
        return git::lastError(QStringLiteral("deleting version %1 of %2").arg(number, name), rc);
    // The version is gone once its tag is; a lingering export is only disk space (and a
    // missing export is never re-created for a version that has no tag).
    return treefiles::removeTree(m_dataDir.versions() + QLatin1Char('/') + name + QLatin1Char('/') + number);
}

Result<FunctionConfig> VersionStore::versionConfig(const QString &name, int version)
{
    Result<git::Repository> repo = detail::openFunction(m_dataDir, name);
    if (!repo.ok())
        return repo.error();
    if (version <= 0)
        return makeError(errc::InvalidParameterValue, QStringLiteral("version: must be a positive number, got %1").arg(version));
    return exportVersion({m_dataDir, m_build}, repo->get(), name, version);
}

Result<AliasConfig> VersionStore::createAlias(const QString &name, const AliasConfig &alias)
{
    Result<QList<AliasConfig>> list = aliasList(name);
    if (!list.ok())
        return list.error();
    for (const AliasConfig &a : std::as_const(*list)) {
        if (a.name == alias.name)
            return makeError(errc::ResourceConflict, QStringLiteral("Alias already exists: %1:%2").arg(name, alias.name));
    }
    if (Status s = aliases::validate(alias); !s.ok())
        return s.error();
    Result<QList<VersionInfo>> versions = this->versions(name);
    if (!versions.ok())
        return versions.error();
    for (const QString &v : {alias.functionVersion, alias.additionalVersion}) {
        if (const QString missing = v.isEmpty() ? QString() : versionExists(*versions, v); !missing.isEmpty())
            return makeError(errc::ResourceNotFound, QStringLiteral("alias %1: %2").arg(alias.name, missing));
    }
    AliasConfig stored = alias;
    stored.revisionId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    list->append(stored);
    if (Status s = aliases::save(detail::aliasFile(repoPath(name)), *list); !s.ok())
        return s.error();
    return stored;
}

Result<AliasConfig> VersionStore::updateAlias(const QString &name, const AliasConfig &alias)
{
    Result<QList<AliasConfig>> list = aliasList(name);
    if (!list.ok())
        return list.error();
    const auto it = std::find_if(list->begin(), list->end(), [&](const AliasConfig &a) { return a.name == alias.name; });
    if (it == list->end())
        return makeError(errc::ResourceNotFound, QStringLiteral("Alias not found: %1:%2").arg(name, alias.name));
    if (Status s = aliases::validate(alias); !s.ok())
        return s.error();
    Result<QList<VersionInfo>> versions = this->versions(name);
    if (!versions.ok())
        return versions.error();
    for (const QString &v : {alias.functionVersion, alias.additionalVersion}) {
        if (const QString missing = v.isEmpty() ? QString() : versionExists(*versions, v); !missing.isEmpty())
            return makeError(errc::ResourceNotFound, QStringLiteral("alias %1: %2").arg(alias.name, missing));
    }
    *it = alias;
    it->revisionId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const AliasConfig stored = *it;
    if (Status s = aliases::save(detail::aliasFile(repoPath(name)), *list); !s.ok())
        return s.error();
    return stored;
}

Status VersionStore::deleteAlias(const QString &name, const QString &alias)
{
    Result<QList<AliasConfig>> list = aliasList(name);
    if (!list.ok())
        return list.error();
    const auto removed = list->removeIf([&](const AliasConfig &a) { return a.name == alias; });
    if (removed == 0)
        return makeError(errc::ResourceNotFound, QStringLiteral("Alias not found: %1:%2").arg(name, alias));
    return aliases::save(detail::aliasFile(repoPath(name)), *list);
}

Result<AliasConfig> VersionStore::alias(const QString &name, const QString &alias) const
{
    Result<QList<AliasConfig>> list = aliasList(name);
    if (!list.ok())
        return list.error();
    for (const AliasConfig &a : std::as_const(*list)) {
        if (a.name == alias)
            return a;
    }
    return makeError(errc::ResourceNotFound, QStringLiteral("Alias not found: %1:%2").arg(name, alias));
}

Result<QList<AliasConfig>> VersionStore::aliasList(const QString &name) const
{
    if (Status s = checkFunction(name); !s.ok())
        return s.error();
    return aliases::load(detail::aliasFile(repoPath(name)));
}

Result<ResolvedQualifier> VersionStore::resolveQualifier(const QString &name, const QString &qualifier, double random01) const
{
    if (Status s = checkFunction(name); !s.ok())
        return s.error();
    if (qualifier.isEmpty() || qualifier == QLatin1String("$LATEST"))
        return ResolvedQualifier{QStringLiteral("$LATEST"), QString()};
    bool isNumber = false;
    const int n = qualifier.toInt(&isNumber);
    if (isNumber) {
        Result<QList<VersionInfo>> versions = this->versions(name);
        if (!versions.ok())
            return versions.error();
        if (n <= 0 || !versionExists(*versions, qualifier).isEmpty())
            return makeError(errc::ResourceNotFound, QStringLiteral("Function not found: %1:%2").arg(name, qualifier));
        return ResolvedQualifier{QString::number(n), QString()};
    }
    Result<AliasConfig> a = alias(name, qualifier);
    if (!a.ok())
        return makeError(errc::ResourceNotFound, QStringLiteral("Function not found: %1:%2").arg(name, qualifier));
    return ResolvedQualifier{aliases::pick(*a, random01), a->name};
}

Status VersionStore::deleteFunction(const QString &name)
{
    if (Status s = checkFunction(name); !s.ok())
        return s;
    // The repository first: once it is gone the function is gone, even if an export lingers.
    if (Status s = treefiles::removeTree(repoPath(name)); !s.ok())
        return s;
    build::forgetBuild(m_dataDir, name);
    return treefiles::removeTree(m_dataDir.versions() + QLatin1Char('/') + name);
}

Status VersionStore::renameFunction(const QString &name, const QString &newName)
{
    if (Status s = checkFunction(name); !s.ok())
        return s;
    if (!isValidFunctionName(newName))
        return makeError(errc::InvalidParameterValue, QStringLiteral("function name \"%1\": must be 1-64 letters, digits, '-' or '_'").arg(newName));
    if (QFileInfo::exists(repoPath(newName)))
        return makeError(errc::ResourceConflict, QStringLiteral("Function already exists: %1").arg(newName));
    const QString oldExports = m_dataDir.versions() + QLatin1Char('/') + name;
    const QString newExports = m_dataDir.versions() + QLatin1Char('/') + newName;
    if (QFileInfo::exists(newExports) && !treefiles::removeTree(newExports).ok()) // stale leftovers only: no repo owns them
        return makeError(errc::IOError, QStringLiteral("cannot remove stale exports %1").arg(newExports));
    if (!QDir().rename(repoPath(name), repoPath(newName)))
        return makeError(errc::IOError, QStringLiteral("cannot rename %1 to %2").arg(name, newName));
    if (QFileInfo::exists(oldExports) && !QDir().rename(oldExports, newExports)) {
        QDir().rename(repoPath(newName), repoPath(name)); // all or nothing
        return makeError(errc::IOError, QStringLiteral("cannot rename the exports of %1").arg(name));
    }
    return {};
}

} // namespace funcdesk
