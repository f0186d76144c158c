#include "cgrouppids.h"

#include "common/logging.h"
#include "engine/cgroupfiles_p.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <mutex>

#include <fcntl.h>
#include <unistd.h>

namespace funcdesk::engine {

namespace {

// This process's directory in cgroup v1's pids hierarchy, or empty (the mount whose super
// options name the pids controller, joined with our path in it from /proc/self/cgroup).
QString ownV1PidsDir()
{
    QString relative;
    bool found = false;
    const QList<QByteArray> lines = cgroupfiles::read(QStringLiteral("/proc/self/cgroup")).split('\n');
    for (const QByteArray &line : lines) {
        const QList<QByteArray> f = line.split(':');
        if (f.size() >= 3 && f[1].split(',').contains("pids")) {
            relative = QString::fromLocal8Bit(line.mid(f[0].size() + f[1].size() + 2));
            found = true;
        }
    }
    if (!found)
        return {};
    const QList<QByteArray> mounts = cgroupfiles::read(QStringLiteral("/proc/self/mountinfo")).split('\n');
    for (const QByteArray &m : mounts) {
        const int dash = m.indexOf(" - ");
        if (dash < 0)
            continue;
        const QList<QByteArray> after = m.mid(dash + 3).split(' ');
        if (after.size() < 3 || after[0] != "cgroup" || !after[2].split(',').contains("pids"))
            continue;
        const QList<QByteArray> fields = m.left(dash).split(' ');
        if (fields.size() < 5)
            continue;
        const QString dir = QString::fromLocal8Bit(fields.at(4)) + (relative == QLatin1String("/") ? QString() : relative);
        if (QFileInfo(dir + QStringLiteral("/cgroup.procs")).exists())
            return dir;
    }
    return {};
}

QString &base()
{
    static QString dir;
    return dir;
}

bool probe()
{
    const QString dir = ownV1PidsDir();
    if (dir.isEmpty())
        return false;
    const QString test = dir + QStringLiteral("/funcdesk-pids-probe-") + QString::number(::getpid());
    if (!QDir().mkdir(test))
        return false;
    const bool ok = cgroupfiles::write(test + QStringLiteral("/pids.max"), "16")
        && QFileInfo(test + QStringLiteral("/cgroup.procs")).isWritable();
    ::rmdir(QFile::encodeName(test).constData());
    if (ok)
        base() = dir;
    return ok;
}

qint64 readNumber(const QByteArray &text, const QByteArray &key)
{
    const int at = text.indexOf(key);
    return at >= 0 ? text.mid(at + key.size()).split('\n').first().trimmed().toLongLong() : 0;
}

} // namespace

bool CgroupPids::available()
{
    static std::once_flag once;
    static bool result = false;
    std::call_once(once, [] {
        result = qEnvironmentVariableIsEmpty("FUNCDESK_NO_CGROUP") && probe();
        qCDebug(lcEngine) << "cgroup v1 pids" << (result ? base() : QStringLiteral("unavailable"));
    });
    return result;
}

Result<CgroupPids> CgroupPids::create(const QString &name, int maxProcesses)
{
    if (!available())
        return makeError(errc::Service, QStringLiteral("cgroup v1 pids controller unavailable"));
    CgroupPids cg;
    const QString path = base() + QStringLiteral("/funcdesk-") + name;
    if (!QDir().mkdir(path))
        return makeError(errc::Service, QStringLiteral("cannot create ") + path);
    cg.m_path = path;
    if (!cgroupfiles::write(path + QStringLiteral("/pids.max"), QByteArray::number(std::max(1, maxProcesses))))
        return makeError(errc::Service, QStringLiteral("cannot set pids.max in ") + path);
    const int fd = ::open(QFile::encodeName(path + QStringLiteral("/cgroup.procs")).constData(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError(errc::Service, QStringLiteral("cannot open cgroup.procs in ") + path);
    cg.m_procs.reset(fd);
    return cg;
}

CgroupPids::CgroupPids(CgroupPids &&o) noexcept : m_path(std::exchange(o.m_path, {})), m_procs(std::move(o.m_procs)) {}

CgroupPids &CgroupPids::operator=(CgroupPids &&o) noexcept
{
    if (this != &o) {
        CgroupPids old(std::move(*this)); // removed when this scope ends
        m_path = std::exchange(o.m_path, {});
        m_procs = std::move(o.m_procs);
    }
    return *this;
}

CgroupPids::~CgroupPids()
{
    if (m_path.isEmpty())
        return;
    m_procs.reset();
    // The environment killed its process group first; killed processes leave the cgroup
    // asynchronously, so give them a moment.
    const QByteArray path = QFile::encodeName(m_path);
    for (int i = 0; i < 50 && ::rmdir(path.constData()) != 0 && errno == EBUSY; ++i)
        ::usleep(1000);
}

qint64 CgroupPids::current() const
{
    return cgroupfiles::read(m_path + QStringLiteral("/pids.current")).trimmed().toLongLong();
}

qint64 CgroupPids::refusals() const
{
    return readNumber(cgroupfiles::read(m_path + QStringLiteral("/pids.events")), "max ");
}

} // namespace funcdesk::engine
