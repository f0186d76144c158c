#pragma once
// Memory limits through cgroup v2, where this process may create child cgroups with the
// memory controller (a delegated subtree). One cgroup per execution environment: the
// kernel enforces memory.max (the runtime is OOM-killed), memory.peak is Max Memory Used.
// Where that is not possible (cgroup v1, no delegation, no write access) available() is
// false and the engine's RSS watchdog enforces the limit instead.
//
// Threading: available() is thread-safe (probed once); a CgroupMemory belongs to the
// engine thread. Ownership: owns the cgroup directory (killed and removed on destruction).

#include "common/result.h"
#include "engine/childprocess.h"

#include <QString>

namespace funcdesk::engine {

class CgroupMemory
{
public:
    CgroupMemory() = default;
    CgroupMemory(CgroupMemory &&o) noexcept;
    CgroupMemory &operator=(CgroupMemory &&o) noexcept;
    CgroupMemory(const CgroupMemory &) = delete;
    CgroupMemory &operator=(const CgroupMemory &) = delete;
    ~CgroupMemory();

    static bool available();
    // Whether the cpu controller is delegated too, so setCpuMax() works (cgroupcpu.h).
    static bool cpuAvailable();
    static Result<CgroupMemory> create(const QString &name, qint64 limitBytes);

    bool valid() const { return !m_path.isEmpty(); }
    // An O_WRONLY fd on cgroup.procs: the child writes "0" to it before exec to join.
    int procsFd() const { return m_procs.get(); }
    qint64 peakKb() const;              // memory.peak (memory.current on kernels without it)
    bool oomKilled() const;             // memory.events: oom_kill > 0
    void killAll() const;               // cgroup.kill
    bool setCpuMax(double vcpus) const; // cpu.max; false where the cpu controller is not delegated

private:
    QString m_path;
    UniqueFd m_procs;
};

} // namespace funcdesk::engine
