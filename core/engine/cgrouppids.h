#pragma once
// A cap on an environment's processes that binds root too: a cgroup v1 pids hierarchy
// child with pids.max. RLIMIT_NPROC (childprocess.h) counts a user's processes and does
// nothing for root, so without this, as root, a fork bomb is stopped only by the timeout.
// Past the cap fork() fails with EAGAIN inside the function, as Lambda's own limit
// (1,024 processes and threads) makes it fail.
//
// Threading: available() is thread-safe (probed once); a CgroupPids belongs to the
// engine thread. Ownership: owns its cgroup directory (removed on destruction, once the
// environment's processes are gone). FUNCDESK_NO_CGROUP (tests) turns it off.

#include "common/result.h"
#include "engine/childprocess.h"

#include <QString>

namespace funcdesk::engine {

class CgroupPids
{
public:
    CgroupPids() = default;
    CgroupPids(CgroupPids &&o) noexcept;
    CgroupPids &operator=(CgroupPids &&o) noexcept;
    CgroupPids(const CgroupPids &) = delete;
    CgroupPids &operator=(const CgroupPids &) = delete;
    ~CgroupPids();

    // True where this process may create children in cgroup v1's pids hierarchy.
    static bool available();
    static Result<CgroupPids> create(const QString &name, int maxProcesses);

    bool valid() const { return !m_path.isEmpty(); }
    // An O_WRONLY fd on cgroup.procs: the child writes "0" to it before exec to join.
    int procsFd() const { return m_procs.get(); }
    qint64 current() const;  // pids.current
    qint64 refusals() const; // forks refused at the cap (pids.events "max")

private:
    QString m_path;
    UniqueFd m_procs;
};

} // namespace funcdesk::engine
