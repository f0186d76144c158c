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

QString &base()
{
    static QString dir;
    return dir;
}

bool probe()
{
    const QString dir = cgroupfiles::ownV1Dir("pids", QStringLiteral("cgroup.procs")); // the root has no pids.max
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
    cgroupfiles::removeWhenEmpty(m_path);
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
