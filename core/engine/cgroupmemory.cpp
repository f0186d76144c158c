#include "cgroupmemory.h"

#include "common/logging.h"
#include "engine/cgroupfiles_p.h"
#include "engine/cgroupcpu.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <mutex>

#include <fcntl.h>
#include <unistd.h>

namespace funcdesk::engine {

namespace {

// The cgroup v2 directory this process is in, or empty.
QString ownCgroupDir()
{
    QString relative;
    const QList<QByteArray> lines = cgroupfiles::read(QStringLiteral("/proc/self/cgroup")).split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("0::"))
            relative = QString::fromLocal8Bit(line.mid(3));
    }
    if (relative.isEmpty())
        return {};
    // mountinfo: "... <mount point> ... - cgroup2 ..."
    const QList<QByteArray> mounts = cgroupfiles::read(QStringLiteral("/proc/self/mountinfo")).split('\n');
    for (const QByteArray &m : mounts) {
        const int dash = m.indexOf(" - ");
        if (dash < 0 || !m.mid(dash + 3).startsWith("cgroup2 "))
            continue;
        const QList<QByteArray> fields = m.left(dash).split(' ');
        if (fields.size() < 5)
            continue;
        const QString dir = QString::fromLocal8Bit(fields.at(4)) + (relative == QLatin1String("/") ? QString() : relative);
        if (QFileInfo(dir).isDir())
            return dir;
    }
    return {};
}

QString &baseDir()
{
    static QString dir;
    return dir;
}

bool &cpuDelegated()
{
    static bool delegated = false;
    return delegated;
}

bool probe()
{
    const QString base = ownCgroupDir();
    if (base.isEmpty())
        return false;
    const QByteArray controllers = cgroupfiles::read(base + QStringLiteral("/cgroup.controllers"));
    if (!controllers.split(' ').contains("memory") && !controllers.trimmed().split(' ').contains("memory"))
        return false;
    if (!cgroupfiles::read(base + QStringLiteral("/cgroup.subtree_control")).contains("memory")
        && !cgroupfiles::write(base + QStringLiteral("/cgroup.subtree_control"), "+memory"))
        return false;
    const QString test = base + QStringLiteral("/funcdesk-probe-") + QString::number(::getpid());
    if (!QDir().mkdir(test))
        return false;
    const bool ok = cgroupfiles::write(test + QStringLiteral("/memory.max"), "134217728")
        && QFileInfo(test + QStringLiteral("/cgroup.procs")).isWritable();
    ::rmdir(QFile::encodeName(test).constData());
    if (ok) {
        baseDir() = base;
        // The cpu controller is optional: CPU scaling (cgroupcpu.h) uses it where it exists.
        cpuDelegated() = cgroupfiles::read(base + QStringLiteral("/cgroup.subtree_control")).contains("cpu")
            || (controllers.contains("cpu") && cgroupfiles::write(base + QStringLiteral("/cgroup.subtree_control"), "+cpu"));
    }
    return ok;
}

} // namespace

bool CgroupMemory::available()
{
    static std::once_flag once;
    static bool result = false;
    std::call_once(once, [] {
        result = qEnvironmentVariableIsEmpty("FUNCDESK_NO_CGROUP") && probe();
        qCDebug(lcEngine) << "cgroup v2 memory limits" << (result ? baseDir() : QStringLiteral("unavailable: RSS watchdog"));
    });
    return result;
}

bool CgroupMemory::cpuAvailable()
{
    return available() && cpuDelegated();
}

bool CgroupMemory::setCpuMax(double vcpus) const
{
    if (m_path.isEmpty() || !cpuAvailable())
        return false;
    return cgroupfiles::write(m_path + QStringLiteral("/cpu.max"),
                              QByteArray::number(cpuQuotaUs(vcpus)) + ' ' + QByteArray::number(kCpuPeriodUs));
}

Result<CgroupMemory> CgroupMemory::create(const QString &name, qint64 limitBytes)
{
    if (!available())
        return makeError(errc::Service, QStringLiteral("cgroup v2 memory controller unavailable"));
    CgroupMemory cg;
    const QString path = baseDir() + QStringLiteral("/funcdesk-") + name;
    if (!QDir().mkdir(path))
        return makeError(errc::Service, QStringLiteral("cannot create ") + path);
    cg.m_path = path;
    if (!cgroupfiles::write(path + QStringLiteral("/memory.max"), QByteArray::number(limitBytes)))
        return makeError(errc::Service, QStringLiteral("cannot set memory.max in ") + path);
    cgroupfiles::write(path + QStringLiteral("/memory.swap.max"), "0"); // Lambda has no swap
    const int fd = ::open(QFile::encodeName(path + QStringLiteral("/cgroup.procs")).constData(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError(errc::Service, QStringLiteral("cannot open cgroup.procs in ") + path);
    cg.m_procs.reset(fd);
    return cg;
}

CgroupMemory::CgroupMemory(CgroupMemory &&o) noexcept : m_path(std::exchange(o.m_path, {})), m_procs(std::move(o.m_procs)) {}

CgroupMemory &CgroupMemory::operator=(CgroupMemory &&o) noexcept
{
    if (this != &o) {
        CgroupMemory old(std::move(*this)); // removed when this scope ends
        m_path = std::exchange(o.m_path, {});
        m_procs = std::move(o.m_procs);
    }
    return *this;
}

CgroupMemory::~CgroupMemory()
{
    if (m_path.isEmpty())
        return;
    m_procs.reset();
    killAll();
    const QByteArray path = QFile::encodeName(m_path);
    // Killed processes leave the cgroup asynchronously; give them a moment.
    for (int i = 0; i < 50 && ::rmdir(path.constData()) != 0 && errno == EBUSY; ++i)
        ::usleep(1000);
}

qint64 CgroupMemory::peakKb() const
{
    QByteArray v = cgroupfiles::read(m_path + QStringLiteral("/memory.peak")).trimmed();
    if (v.isEmpty())
        v = cgroupfiles::read(m_path + QStringLiteral("/memory.current")).trimmed();
    return v.toLongLong() / 1024;
}

bool CgroupMemory::oomKilled() const
{
    const QByteArray events = cgroupfiles::read(m_path + QStringLiteral("/memory.events"));
    const int at = events.indexOf("oom_kill ");
    return at >= 0 && events.mid(at + 9).split('\n').first().toLongLong() > 0;
}

void CgroupMemory::killAll() const
{
    if (!m_path.isEmpty())
        cgroupfiles::write(m_path + QStringLiteral("/cgroup.kill"), "1");
}

} // namespace funcdesk::engine
