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

QString &v1Base()
{
    static QString dir;
    return dir;
}

bool probeV1()
{
    const QString base = cgroupfiles::ownV1Dir("cpu", QStringLiteral("cpu.cfs_quota_us"));
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
    cgroupfiles::removeWhenEmpty(m_path);
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
