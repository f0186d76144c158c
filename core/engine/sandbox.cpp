#include "engine/sandbox.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

#include <mutex>

namespace funcdesk::engine {

namespace {

struct Probe
{
    QString launcher;
    QString reason;
};

// The system's part of the tree: /usr and /etc bound read-only, the top-level entries
// that point into /usr (merged /usr) recreated as links, real directories bound.
QStringList systemBinds()
{
    QStringList args{QStringLiteral("--ro-bind"), QStringLiteral("/usr"), QStringLiteral("/usr"),
                     QStringLiteral("--ro-bind"), QStringLiteral("/etc"), QStringLiteral("/etc")};
    for (const char *top : {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}) {
        const QString path = QLatin1String(top);
        const QFileInfo fi(path);
        if (fi.isSymLink())
            args << QStringLiteral("--symlink") << fi.symLinkTarget() << path;
        else if (fi.isDir())
            args << QStringLiteral("--ro-bind") << path << path;
    }
    return args;
}

QStringList baseArguments()
{
    QStringList args{QStringLiteral("--die-with-parent"), QStringLiteral("--unshare-pid"), QStringLiteral("--unshare-ipc"),
                     QStringLiteral("--dev"), QStringLiteral("/dev"), QStringLiteral("--proc"), QStringLiteral("/proc")};
    args += systemBinds();
    return args;
}

Probe probe()
{
    Probe p;
    const QString bwrap = QStandardPaths::findExecutable(QStringLiteral("bwrap"));
    if (bwrap.isEmpty()) {
        p.reason = QStringLiteral("bubblewrap (bwrap) is not installed");
        return p;
    }
    QProcess run;
    QStringList args = baseArguments();
    args << QStringLiteral("--") << QStringLiteral("/bin/true");
    run.start(bwrap, args);
    if (!run.waitForFinished(5000) || run.exitStatus() != QProcess::NormalExit || run.exitCode() != 0) {
        const QString err = QString::fromLocal8Bit(run.readAllStandardError()).trimmed();
        p.reason = QStringLiteral("bwrap cannot make a sandbox here: ") + (err.isEmpty() ? run.errorString() : err);
        return p;
    }
    p.launcher = bwrap;
    return p;
}

const Probe &probed()
{
    static std::once_flag once;
    static Probe p;
    std::call_once(once, [] { p = probe(); });
    return p;
}

bool under(const QString &path, const QString &dir)
{
    return path == dir || path.startsWith(dir + QLatin1Char('/'));
}

} // namespace

QString sandboxLauncher() { return probed().launcher; }
QString sandboxUnavailableReason() { return probed().reason; }

QString runtimePrefix(const QString &executable)
{
    const QString real = QFileInfo(executable).canonicalFilePath();
    if (real.isEmpty() || under(real, QStringLiteral("/usr")))
        return {};
    QDir dir = QFileInfo(real).dir(); // .../bin
    if (dir.dirName() == QLatin1String("bin"))
        dir.cdUp();
    return dir.absolutePath();
}

Status wrapInSandbox(SpawnSpec &spawn, const SandboxSpec &spec)
{
    const QString bwrap = sandboxLauncher();
    if (bwrap.isEmpty())
        return makeError(errc::Service, QStringLiteral("no sandbox: ") + sandboxUnavailableReason());
    const QString code = QDir::cleanPath(spec.codeDir);
    const QString opt = spec.optDir.isEmpty() ? QString() : QDir::cleanPath(spec.optDir);
    auto insideOne = [&code, &opt](const QString &path) -> QString {
        if (under(path, code))
            return QString(kTaskRoot) + path.mid(code.size());
        if (!opt.isEmpty() && under(path, opt))
            return QStringLiteral("/opt") + path.mid(opt.size());
        return path;
    };
    // Values such as PATH and PYTHONPATH are lists: each part maps on its own.
    auto inside = [&insideOne](const QString &value) -> QString {
        if (!value.contains(QLatin1Char(':')))
            return insideOne(value);
        QStringList parts = value.split(QLatin1Char(':'));
        for (QString &p : parts)
            p = insideOne(p);
        return parts.join(QLatin1Char(':'));
    };
    // What the program will be inside: it must exist there as an executable file (a
    // directory or a file without x gives the same errors as outside).
    const QFileInfo program(spawn.program);
    if (!program.exists())
        return makeError(errc::RuntimeInvalidEntrypoint, QStringLiteral("cannot execute %1: No such file or directory").arg(spawn.program));
    if (program.isDir())
        return makeError(errc::RuntimeInvalidEntrypoint, QStringLiteral("cannot execute %1: Is a directory").arg(spawn.program));
    if (!program.isExecutable())
        return makeError(errc::RuntimeInvalidEntrypoint, QStringLiteral("cannot execute %1: Permission denied").arg(spawn.program));

    QStringList args = baseArguments();
    // /tmp first: bwrap mounts in order, and a tmpfs mounted later would hide whatever was
    // bound below it (a checkout or a runtime under /tmp).
    args << QStringLiteral("--size") << QString::number(qint64(spec.tmpSizeMb) * 1024 * 1024) << QStringLiteral("--tmpfs")
         << QStringLiteral("/tmp");
    for (const QString &path : spec.readOnlyPaths) {
        const QString clean = QDir::cleanPath(path);
        if (!clean.isEmpty() && !under(clean, QStringLiteral("/usr")) && QFileInfo::exists(clean))
            args << QStringLiteral("--ro-bind") << clean << clean;
    }
    args << QStringLiteral("--ro-bind") << code << QString(kTaskRoot);
    if (!opt.isEmpty())
        args << QStringLiteral("--ro-bind") << opt << QStringLiteral("/opt");
    if (!spec.network)
        args << QStringLiteral("--unshare-net");
    args << QStringLiteral("--chdir") << inside(QDir::cleanPath(spawn.workingDirectory.isEmpty() ? code : spawn.workingDirectory));
    args << QStringLiteral("--") << inside(spawn.program);
    for (const QString &a : std::as_const(spawn.arguments))
        args << inside(a);

    for (auto it = spawn.environment.begin(); it != spawn.environment.end(); ++it)
        it.value() = inside(it.value());
    spawn.environment.insert(QStringLiteral("TMPDIR"), QStringLiteral("/tmp"));
    spawn.program = bwrap;
    spawn.arguments = args;
    spawn.workingDirectory = QDir::rootPath();
    return {};
}

} // namespace funcdesk::engine
