#include "cgroupcpu.h"

#include "common/logging.h"
#include "engine/cgroupfiles_p.h"
#include "engine/cgroupmemory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cmath>
#include <mutex>

#include <fcntl.h>
#include <unistd.h>

namespace funcdesk::engine {

namespace {

// This process's directory in cgroup v1's cpu hierarchy, or empty: the mount whose super
// options name the cpu controller, joined with our path in it from /proc/self/cgroup.
QString ownV1CpuDir()
{
    QString relative;
    bool found = false;
    const QList<QByteArray> lines = cgroupfiles::read(QStringLiteral("/proc/self/cgroup")).split('\n');
    for (const QByteArray &line : lines) {
        const QList<QByteArray> f = line.split(':');
        if (f.size() >= 3 && f[1].split(',').contains("cpu")) {
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
        if (after.size() < 3 || after[0] != "cgroup" || !after[2].split(',').contains("cpu"))
            continue;
        const QList<QByteArray> fields = m.left(dash).split(' ');
        if (fields.size() < 5)
            continue;
        const QString dir = QString::fromLocal8Bit(fields.at(4)) + (relative == QLatin1String("/") ? QString() : relative);
        if (QFileInfo(dir + QStringLiteral("/cpu.cfs_quota_us")).exists())
            return dir;
    }
    return {};
}

QString &v1Base()
{
    static QString dir;
    return dir;
}

bool probeV1()
{
    const QString base = ownV1CpuDir();
    if (base.isEmpty())
        return false;
    const QString test = base + QStringLiteral("/funcdesk-cpu-probe-") + QString::number(::getpid());
    if (!QDir().mkdir(test))
        return false;
    const bool ok = cgroupfiles::write(test + QStringLiteral("/cpu.cfs_quota_us"), QByteArray::number(kCpuPeriodUs / 2))
        && QFileInfo(test + QStringLiteral("/cgroup.procs")).isWritable();
    ::rmdir(QFile::encodeName(test).constData());
    if (ok)
        v1Base() = base;
    return ok;
}

} // namespace

qint64 cpuQuotaUs(double vcpus)
{
    return std::max<qint64>(1000, qint64(std::llround(vcpus * double(kCpuPeriodUs))));
}

bool CgroupCpu::v1Available()
{
    static std::once_flag once;
    static bool result = false;
    std::call_once(once, [] {
        result = qEnvironmentVariableIsEmpty("FUNCDESK_NO_CGROUP") && probeV1();
        qCDebug(lcEngine) << "cgroup v1 cpu quota" << (result ? v1Base() : QStringLiteral("unavailable"));
    });
    return result;
}

CpuScaling cpuScalingMethod()
{
    if (CgroupMemory::available() && CgroupMemory::cpuAvailable())
        return CpuScaling::CgroupV2;
    if (CgroupCpu::v1Available())
        return CpuScaling::CgroupV1;
    return CpuScaling::DutyCycle;
}

QString cpuScalingName(CpuScaling method)
{
    switch (method) {
    case CpuScaling::CgroupV2:
        return QStringLiteral("cgroup v2 cpu.max");
    case CpuScaling::CgroupV1:
        return QStringLiteral("cgroup v1 cpu.cfs_quota_us");
    case CpuScaling::DutyCycle:
        return QStringLiteral("SIGSTOP/SIGCONT duty cycle");
    case CpuScaling::None:
        break;
    }
    return QStringLiteral("not available");
}

Result<CgroupCpu> CgroupCpu::create(const QString &name, double vcpus)
{
    if (!v1Available())
        return makeError(errc::Service, QStringLiteral("cgroup v1 cpu controller unavailable"));
    CgroupCpu cg;
    const QString path = v1Base() + QStringLiteral("/funcdesk-") + name;
    if (!QDir().mkdir(path))
        return makeError(errc::Service, QStringLiteral("cannot create ") + path);
    cg.m_path = path;
    if (!cgroupfiles::write(path + QStringLiteral("/cpu.cfs_period_us"), QByteArray::number(kCpuPeriodUs))
        || !cgroupfiles::write(path + QStringLiteral("/cpu.cfs_quota_us"), QByteArray::number(cpuQuotaUs(vcpus))))
        return makeError(errc::Service, QStringLiteral("cannot set the CPU quota in ") + path);
    const int fd = ::open(QFile::encodeName(path + QStringLiteral("/cgroup.procs")).constData(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError(errc::Service, QStringLiteral("cannot open cgroup.procs in ") + path);
    cg.m_procs.reset(fd);
    return cg;
}

CgroupCpu::CgroupCpu(CgroupCpu &&o) noexcept : m_path(std::exchange(o.m_path, {})), m_procs(std::move(o.m_procs)) {}

CgroupCpu &CgroupCpu::operator=(CgroupCpu &&o) noexcept
{
    if (this != &o) {
        CgroupCpu old(std::move(*this)); // removed when this scope ends
        m_path = std::exchange(o.m_path, {});
        m_procs = std::move(o.m_procs);
    }
    return *this;
}

CgroupCpu::~CgroupCpu()
{
    if (m_path.isEmpty())
        return;
    m_procs.reset();
    // v1 has no cgroup.kill: the environment killed its process group before this; a
    // killed process leaves the cgroup asynchronously, so give it a moment.
    const QByteArray path = QFile::encodeName(m_path);
    for (int i = 0; i < 50 && ::rmdir(path.constData()) != 0 && errno == EBUSY; ++i)
        ::usleep(1000);
}

qint64 CgroupCpu::throttledNs() const
{
    const QByteArray stat = cgroupfiles::read(m_path + QStringLiteral("/cpu.stat"));
    const int at = stat.indexOf("throttled_time ");
    return at >= 0 ? stat.mid(at + 15).split('\n').first().toLongLong() : 0;
}

qint64 CgroupCpu::throttledCount() const
{
    const QByteArray stat = cgroupfiles::read(m_path + QStringLiteral("/cpu.stat"));
    const int at = stat.indexOf("nr_throttled ");
    return at >= 0 ? stat.mid(at + 13).split('\n').first().toLongLong() : 0;
}

} // namespace funcdesk::engine
