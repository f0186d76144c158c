#include "build.h"

#include "common/logging.h"
#include "versioning/treefiles.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUuid>

#include <unistd.h>

namespace funcdesk::build {

namespace {

constexpr qsizetype kMaxLogBytes = 64 * 1024;

const QString kRequirements = QStringLiteral("requirements.txt");
const QString kPackageJson = QStringLiteral("package.json");
const QStringList kLockfiles = {QStringLiteral("package-lock.json"), QStringLiteral("npm-shrinkwrap.json")};

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString tail(const QString &log)
{
    return log.size() <= kMaxLogBytes ? log : QStringLiteral("...\n") + log.right(kMaxLogBytes);
}

// The identity of an executable for the cache key: where it is, its size and mtime. A new
// interpreter (an upgrade, another pyenv version) builds again.
QByteArray executableIdentity(const QString &program)
{
    const QFileInfo fi(program);
    const QString real = fi.canonicalFilePath();
    const QFileInfo target(real.isEmpty() ? program : real);
    return (target.absoluteFilePath() + QLatin1Char('|') + QString::number(target.size()) + QLatin1Char('|')
            + QString::number(target.lastModified().toMSecsSinceEpoch()))
        .toUtf8();
}

QString findProgram(const QString &configured, const QString &command)
{
    if (!configured.isEmpty())
        return configured;
    return QStandardPaths::findExecutable(command);
}

QString recordPath(const DataDir &dataDir, const QString &function)
{
    return dataDir.builds() + QStringLiteral("/logs/") + function + QStringLiteral(".json");
}

void saveRecord(const DataDir &dataDir, const Record &r)
{
    if (!QDir().mkpath(dataDir.builds() + QStringLiteral("/logs")))
        return;
    QJsonObject o{{QStringLiteral("function"), r.function},
                  {QStringLiteral("status"), outcomeName(r.outcome)},
                  {QStringLiteral("tool"), r.tool},
                  {QStringLiteral("command"), r.command},
                  {QStringLiteral("key"), r.key},
                  {QStringLiteral("durationMs"), r.durationMs},
                  {QStringLiteral("dependencyBytes"), r.dependencyBytes},
                  {QStringLiteral("totalBytes"), r.totalBytes},
                  {QStringLiteral("finished"), r.finished.toString(Qt::ISODateWithMs)},
                  {QStringLiteral("log"), r.log}};
    QSaveFile f(recordPath(dataDir, r.function));
    if (f.open(QIODevice::WriteOnly)) {
        f.write(QJsonDocument(o).toJson(QJsonDocument::Indented));
        (void)f.commit();
    }
}

// Runs one tool to completion in `workDir`, passing each output line to `progress`.
// Returns the combined output; an error (BuildFailed) when it fails to start, times out or
// exits non-zero.
Result<QString> runTool(const QString &program, const QStringList &args, const QString &workDir,
                        const Options &options, const QString &what, const QString &function)
{
    QProcess p;
    p.setProgram(program);
    p.setArguments(args);
    p.setWorkingDirectory(workDir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setStandardInputFile(QProcess::nullDevice());
    p.start();
    if (!p.waitForStarted(10000))
        return makeError(errc::BuildFailed, QStringLiteral("Build failed: %1 could not be started (%2)").arg(program, p.errorString()));
    QString log;
    QByteArray pending;
    QElapsedTimer clock;
    clock.start();
    auto drain = [&](bool flushAll) {
        pending += p.readAll();
        qsizetype nl;
        while ((nl = pending.indexOf('\n')) >= 0 || (flushAll && !pending.isEmpty())) {
            const qsizetype end = nl >= 0 ? nl : pending.size();
            const QString line = QString::fromUtf8(pending.left(end)).trimmed();
            pending.remove(0, nl >= 0 ? nl + 1 : end);
            log += line + QLatin1Char('\n');
            if (log.size() > 4 * kMaxLogBytes)
                log = log.right(kMaxLogBytes);
            if (options.progress && !line.isEmpty())
                options.progress(function, line);
        }
    };
    while (p.state() != QProcess::NotRunning) {
        p.waitForReadyRead(100);
        drain(false);
        if (clock.elapsed() > qint64(options.timeoutSeconds) * 1000) {
            p.kill();
            p.waitForFinished(5000);
            return makeError(errc::BuildFailed, QStringLiteral("Build failed: %1 did not finish within %2 seconds\n%3")
                                                    .arg(what)
                                                    .arg(options.timeoutSeconds)
                                                    .arg(tail(log)));
        }
    }
    p.waitForFinished(-1);
    drain(true);
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        return makeError(errc::BuildFailed, QStringLiteral("Build failed: %1 exited with code %2\n%3")
                                                .arg(what)
                                                .arg(p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1)
                                                .arg(tail(log).trimmed()));
    }
    return log;
}

Status ioError(const QString &message) { return makeError(errc::IOError, message); }

// Moves a finished build into the cache under `key`; when another build got there first,
// its entry is used and ours dropped.
Result<QString> publishEntry(const QString &partial, const QString &entry)
{
    if (Status s = [&]() -> Status {
            // Read-only like the exports: nothing that runs may change the cache.
            QDirIterator it(partial, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                const QFileInfo fi = it.fileInfo();
                if (fi.isSymLink() || fi.isDir())
                    continue;
                QFile::Permissions perm = QFile::ReadOwner | QFile::ReadUser | QFile::ReadGroup | QFile::ReadOther;
                if (fi.permission(QFile::ExeOwner))
                    perm |= QFile::ExeOwner | QFile::ExeUser | QFile::ExeGroup | QFile::ExeOther;
                QFile::setPermissions(path, perm);
            }
            return {};
        }();
        !s.ok())
        return s.error();
    if (QDir().rename(partial, entry))
        return entry;
    if (QFileInfo(entry).isDir()) {
        (void)treefiles::removeTree(partial);
        return entry;
    }
    (void)treefiles::removeTree(partial);
    return makeError(errc::IOError, QStringLiteral("cannot move the build into %1").arg(entry));
}

} // namespace

QString outcomeName(Outcome o)
{
    switch (o) {
    case Outcome::None: return QStringLiteral("none");
    case Outcome::Built: return QStringLiteral("built");
    case Outcome::Cached: return QStringLiteral("cached");
    case Outcome::Skipped: return QStringLiteral("skipped");
    case Outcome::Failed: return QStringLiteral("failed");
    }
    return {};
}

qint64 treeBytes(const QString &dir)
{
    qint64 total = 0;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        total += it.fileInfo().size();
    }
    return total;
}

Status linkTree(const QString &from, const QString &to)
{
    const QDir src(from);
    if (!QDir().mkpath(to))
        return ioError(QStringLiteral("cannot create %1").arg(to));
    QDirIterator it(from, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QFileInfo fi = it.fileInfo();
        const QString target = to + QLatin1Char('/') + src.relativeFilePath(path);
        if (fi.isSymLink()) {
            if (QFileInfo(target).exists() || QFileInfo(target).isSymLink())
                continue;
            // readlink, not QFileInfo::symLinkTarget(): a relative link stays relative.
            char buf[4096];
            const QByteArray a = QFile::encodeName(path), b = QFile::encodeName(target);
            const ssize_t n = ::readlink(a.constData(), buf, sizeof buf - 1);
            if (n < 0)
                return ioError(QStringLiteral("cannot read the link %1").arg(path));
            buf[n] = '\0';
            if (::symlink(buf, b.constData()) != 0)
                return ioError(QStringLiteral("cannot create the link %1").arg(target));
            continue;
        }
        if (fi.isDir()) {
            if (!QDir().mkpath(target))
                return ioError(QStringLiteral("cannot create %1").arg(target));
            continue;
        }
        if (QFileInfo::exists(target))
            continue; // the code's own file wins
        const QByteArray a = QFile::encodeName(path), b = QFile::encodeName(target);
        if (::link(a.constData(), b.constData()) != 0 && !QFile::copy(path, target))
            return ioError(QStringLiteral("cannot link or copy %1 to %2").arg(path, target));
    }
    return {};
}

Result<Record> buildInto(const DataDir &dataDir, const QString &dir, const FunctionConfig &config,
                         qint64 layerBytes, const Options &options)
{
    QElapsedTimer clock;
    clock.start();
    Record r;
    r.function = config.name;
    const bool python = config.runtime == Runtime::Python3 && QFileInfo::exists(dir + QLatin1Char('/') + kRequirements);
    const bool node = config.runtime == Runtime::NodeJs && QFileInfo::exists(dir + QLatin1Char('/') + kPackageJson);
    auto finish = [&](Outcome o) -> Result<Record> {
        r.outcome = o;
        r.totalBytes = treeBytes(dir);
        r.durationMs = clock.elapsed();
        r.finished = QDateTime::currentDateTimeUtc();
        if (r.totalBytes + layerBytes > kMaxUnzippedBytes) {
            r.outcome = Outcome::Failed;
            r.log += QStringLiteral("Unzipped size must be smaller than %1 bytes (code and dependencies: %2, layers: %3)\n")
                         .arg(kMaxUnzippedBytes)
                         .arg(r.totalBytes)
                         .arg(layerBytes);
            saveRecord(dataDir, r);
            return makeError(errc::InvalidParameterValue, QStringLiteral("Unzipped size must be smaller than %1 bytes").arg(kMaxUnzippedBytes));
        }
        if (o == Outcome::None)
            forgetBuild(dataDir, r.function); // nothing to show; an old record would mislead
        else
            saveRecord(dataDir, r);
        return r;
    };
    auto fail = [&](const Error &e) -> Result<Record> {
        r.outcome = Outcome::Failed;
        r.durationMs = clock.elapsed();
        r.finished = QDateTime::currentDateTimeUtc();
        r.log = e.message;
        saveRecord(dataDir, r);
        return e;
    };
    if (!python && !node)
        return finish(Outcome::None);
    if (node && QFileInfo(dir + QStringLiteral("/node_modules")).isDir()) {
        r.tool = QStringLiteral("npm");
        r.log = QStringLiteral("node_modules/ came with the code: not built.\n");
        return finish(Outcome::Skipped);
    }

    // The cache key: what the install depends on.
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData("funcdesk-build-1\n");
    QString program;
    QStringList args;
    QString lockfile;
    if (python) {
        program = findProgram(options.python3, QStringLiteral("python3"));
        if (program.isEmpty())
            return fail(makeError(errc::BuildFailed, QStringLiteral("Build failed: python3 was not found on PATH")));
        hash.addData("python3\n");
        hash.addData(executableIdentity(program));
        hash.addData(readAll(dir + QLatin1Char('/') + kRequirements));
        r.tool = QStringLiteral("pip");
    } else {
        program = findProgram(options.npm, QStringLiteral("npm"));
        if (program.isEmpty())
            return fail(makeError(errc::BuildFailed, QStringLiteral("Build failed: npm was not found on PATH (Debian: apt install npm)")));
        hash.addData("nodejs\n");
        hash.addData(executableIdentity(findProgram(options.node, QStringLiteral("node"))));
        hash.addData(readAll(dir + QLatin1Char('/') + kPackageJson));
        for (const QString &l : kLockfiles) {
            if (QFileInfo::exists(dir + QLatin1Char('/') + l)) {
                lockfile = l;
                hash.addData(l.toUtf8());
                hash.addData(readAll(dir + QLatin1Char('/') + l));
                break;
            }
        }
        r.tool = QStringLiteral("npm");
    }
    r.key = QString::fromLatin1(hash.result().toHex());
    const QString entry = dataDir.builds() + QLatin1Char('/') + r.key;

    if (QFileInfo(entry).isDir()) {
        r.command = QStringLiteral("(cached %1)").arg(r.key.left(12));
        r.log = QStringLiteral("Dependencies unchanged: using the cached build %1.\n").arg(r.key.left(12));
        if (options.progress)
            options.progress(config.name, r.log.trimmed());
        if (Status s = linkTree(entry, dir); !s.ok())
            return fail(s.error());
        r.dependencyBytes = treeBytes(entry);
        return finish(Outcome::Cached);
    }

    const QString partial = dataDir.builds() + QStringLiteral("/.partial-") + QUuid::createUuid().toString(QUuid::Id128).left(12);
    if (!QDir().mkpath(partial))
        return fail(makeError(errc::IOError, QStringLiteral("cannot create %1").arg(partial)));
    Result<QString> out = QString();
    if (python) {
        args = {QStringLiteral("-m"), QStringLiteral("pip"), QStringLiteral("install"), QStringLiteral("-r"), kRequirements,
                QStringLiteral("--target"), partial, QStringLiteral("--disable-pip-version-check"), QStringLiteral("--no-input")};
        r.command = QStringLiteral("%1 -m pip install -r requirements.txt --target <build>").arg(QFileInfo(program).fileName());
        if (options.progress)
            options.progress(config.name, r.command);
        out = runTool(program, args, dir, options, QStringLiteral("pip install"), config.name);
    } else {
        // npm works in the code folder (relative file: dependencies and the project's .npmrc
        // resolve as they do for the user); its node_modules then moves to the cache.
        args = {lockfile.isEmpty() ? QStringLiteral("install") : QStringLiteral("ci"), QStringLiteral("--omit=dev"),
                QStringLiteral("--no-audit"), QStringLiteral("--no-fund")};
        r.command = QStringLiteral("npm ") + args.join(QLatin1Char(' '));
        if (options.progress)
            options.progress(config.name, r.command);
        out = runTool(program, args, dir, options, r.command, config.name);
        if (out.ok()) {
            if (lockfile.isEmpty()) // npm install wrote one; the built tree stays the code as deployed
                QFile::remove(dir + QStringLiteral("/package-lock.json"));
            const QString modules = dir + QStringLiteral("/node_modules");
            if (QFileInfo(modules).isDir() && !QDir().rename(modules, partial + QStringLiteral("/node_modules")))
                out = makeError(errc::IOError, QStringLiteral("cannot move node_modules into the build cache"));
        } else {
            (void)treefiles::removeTree(dir + QStringLiteral("/node_modules"));
        }
    }
    if (!out.ok()) {
        (void)treefiles::removeTree(partial);
        return fail(out.error());
    }
    r.log = QStringLiteral("$ ") + r.command + QLatin1Char('\n') + tail(*out);
    Result<QString> published = publishEntry(partial, entry);
    if (!published.ok())
        return fail(published.error());
    if (Status s = linkTree(entry, dir); !s.ok())
        return fail(s.error());
    r.dependencyBytes = treeBytes(entry);
    qCDebug(lcVersioning) << "built" << config.name << r.tool << r.key.left(12) << clock.elapsed() << "ms";
    return finish(Outcome::Built);
}

Result<Record> lastBuild(const DataDir &dataDir, const QString &function)
{
    QFile f(recordPath(dataDir, function));
    if (!f.open(QIODevice::ReadOnly))
        return makeError(errc::ResourceNotFound, QStringLiteral("%1 has not been built").arg(function));
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    Record r;
    r.function = o.value(QStringLiteral("function")).toString(function);
    const QString s = o.value(QStringLiteral("status")).toString();
    for (Outcome c : {Outcome::None, Outcome::Built, Outcome::Cached, Outcome::Skipped, Outcome::Failed}) {
        if (outcomeName(c) == s)
            r.outcome = c;
    }
    r.tool = o.value(QStringLiteral("tool")).toString();
    r.command = o.value(QStringLiteral("command")).toString();
    r.key = o.value(QStringLiteral("key")).toString();
    r.durationMs = o.value(QStringLiteral("durationMs")).toInteger();
    r.dependencyBytes = o.value(QStringLiteral("dependencyBytes")).toInteger();
    r.totalBytes = o.value(QStringLiteral("totalBytes")).toInteger();
    r.finished = QDateTime::fromString(o.value(QStringLiteral("finished")).toString(), Qt::ISODateWithMs);
    r.log = o.value(QStringLiteral("log")).toString();
    return r;
}

void forgetBuild(const DataDir &dataDir, const QString &function)
{
    QFile::remove(recordPath(dataDir, function));
}

} // namespace funcdesk::build
