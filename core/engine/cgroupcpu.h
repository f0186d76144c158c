#pragma once
// CPU in proportion to memory, as Lambda allocates it: 1,769 MB of memory is one vCPU, so
// a 128 MB function gets 0.072 of a CPU and runs CPU-bound code about 14 times slower than
// at 1,769 MB. Without this a local power-tuning run shows no speed difference and
// teaches the wrong lesson.
//
// Methods, the first that works here:
//   - cgroup v2: cpu.max in the environment's memory cgroup (CgroupMemory::setCpuMax),
//     where the cpu controller is delegated along with memory;
//   - cgroup v1: a child of this process's cpu hierarchy with cpu.cfs_quota_us (this
//     class), where that hierarchy is writable;
//   - otherwise a duty cycle (Environment): the environment's process group is stopped
//     (SIGSTOP) and continued (SIGCONT) within each 100 ms period while it initialises or
//     serves, running memory/1769 of the period. Coarser than a quota (a multi-threaded
//     runtime can use more than one CPU in its share), but a CPU-bound single thread gets
//     the same fraction.
// FUNCDESK_NO_CGROUP (tests) skips the cgroup methods.
//
// Threading: method() is thread-safe (probed once); a CgroupCpu belongs to the engine
// thread. Ownership: owns its cgroup directory (removed on destruction, once the
// environment's processes are gone).

#include "common/result.h"
#include "engine/childprocess.h"

#include <QString>

namespace funcdesk::engine {

enum class CpuScaling { None,
                        CgroupV2,
                        CgroupV1,
                        DutyCycle };

// How CPU would be scaled on this machine, and its name for people ("cgroup v1
// cpu.cfs_quota_us", "SIGSTOP/SIGCONT duty cycle", ...; "not available" for None).
CpuScaling cpuScalingMethod();
QString cpuScalingName(CpuScaling method);

// Lambda's rule: memoryMb / 1769 vCPU.
constexpr double vcpusForMemory(int memoryMb) { return double(memoryMb) / 1769.0; }

class CgroupCpu
{
public:
    CgroupCpu() = default;
    CgroupCpu(CgroupCpu &&o) noexcept;
    CgroupCpu &operator=(CgroupCpu &&o) noexcept;
    CgroupCpu(const CgroupCpu &) = delete;
    CgroupCpu &operator=(const CgroupCpu &) = delete;
    ~CgroupCpu();

    // True where cgroup v1's cpu hierarchy lets this process create children.
    static bool v1Available();
    static Result<CgroupCpu> create(const QString &name, double vcpus);

    bool valid() const { return !m_path.isEmpty(); }
    // An O_WRONLY fd on cgroup.procs: the child writes "0" to it before exec to join.
    int procsFd() const { return m_procs.get(); }
    // How long, and how often, the quota held the cgroup's processes back (cpu.stat).
    qint64 throttledNs() const;
    qint64 throttledCount() const;

private:
    QString m_path;
    UniqueFd m_procs;
};

// The cpu.max (v2) or cpu.cfs_quota_us (v1) value for `vcpus` with a 100 ms period;
// at least 1 ms, as the kernel requires.
qint64 cpuQuotaUs(double vcpus);
inline constexpr qint64 kCpuPeriodUs = 100000;

} // namespace funcdesk::engine
