#pragma once
// Child processes for execution environments: fork/exec with a clean environment, its own
// process group, resource limits and an explicit fd map; SIGKILL of the whole group; reaping.
//
// Threading: a ChildProcess is owned by one thread (the engine thread for environments);
// spawn() is safe from any thread (everything the child needs is prepared before fork()).
// Ownership: ChildProcess owns the pid (it reaps it) and a pidfd; UniqueFd owns one fd.

#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>

#include <sys/types.h>

namespace funcdesk::engine {

// Move-only owner of a file descriptor.
class UniqueFd
{
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : m_fd(fd) {}
    UniqueFd(UniqueFd &&o) noexcept : m_fd(o.release()) {}
    UniqueFd &operator=(UniqueFd &&o) noexcept
    {
        if (this != &o)
            reset(o.release());
        return *this;
    }
    UniqueFd(const UniqueFd &) = delete;
    UniqueFd &operator=(const UniqueFd &) = delete;
    ~UniqueFd() { reset(); }

    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    int release()
    {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }
    void reset(int fd = -1);

private:
    int m_fd = -1;
};

// A pipe whose both ends are O_CLOEXEC; `nonBlockingRead` sets O_NONBLOCK on the read end only.
struct Pipe
{
    UniqueFd read;
    UniqueFd write;
    static Result<Pipe> create(bool nonBlockingRead = false, int sizeBytes = 0);
};

struct SpawnSpec
{
    QString program;                    // absolute path
    QStringList arguments;              // argv[1..]
    QMap<QString, QString> environment; // the complete environment (nothing is inherited)
    bool inheritEnvironment = false;    // true: ignore `environment`, pass the caller's
    QString workingDirectory;
    QList<QPair<int, int>> fds;  // (fd number in the child, fd in the parent); stdin is /dev/null unless mapped
    bool newProcessGroup = true; // setpgid(0, 0)
    long maxProcesses = 0;       // RLIMIT_NPROC, 0: unchanged
    bool noCoreDumps = true;     // RLIMIT_CORE 0
    int cgroupProcsFd = -1;      // cgroup.procs to join before exec (CgroupMemory), -1: none
    int cpuCgroupProcsFd = -1;   // the same in cgroup v1's cpu hierarchy (CgroupCpu), -1: none
    int pidsCgroupProcsFd = -1;  // the same in cgroup v1's pids hierarchy (CgroupPids), -1: none
};

class ChildProcess
{
public:
    ChildProcess() = default;
    ChildProcess(ChildProcess &&o) noexcept;
    ChildProcess &operator=(ChildProcess &&o) noexcept;
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;
    ~ChildProcess(); // kills the group and reaps if still running

    // Starts the program; fails (with the exec errno) if it could not be executed.
    static Result<ChildProcess> spawn(const SpawnSpec &spec);

    pid_t pid() const { return m_pid; }
    int pidFd() const { return m_pidFd.get(); } // readable once the child exited; -1 if unsupported
    bool running() const { return m_pid > 0 && !m_reaped; }

    void signalGroup(int sig) const; // the whole process group (or the pid alone without a group)
    // Reaps the child; true once reaped. `block`: wait for it.
    bool reap(bool block);
    void killAndReap();                         // SIGKILL to the group, then a blocking reap
    int waitStatus() const { return m_status; } // raw waitpid status, valid after reap

    // Lambda's words for how a runtime ended: "exit status 1", "signal: killed".
    QString exitDescription() const;

private:
    pid_t m_pid = -1;
    bool m_group = false;
    bool m_reaped = false;
    int m_status = 0;
    UniqueFd m_pidFd;
};

// Runs `program args` with the caller's environment and returns its stdout (trimmed).
// For one-time probes such as resolving an interpreter behind a version-manager shim.
Result<QByteArray> runAndCapture(const QString &program, const QStringList &arguments, int timeoutMs = 10000);

} // namespace funcdesk::engine
