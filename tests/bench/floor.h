#pragma once
// What the machine costs under any round trip, measured in the same run as the figures
// it bounds, and what the kernel saw per request:
//  - crossCpuPipeRoundTripUs(): a byte to a process waiting on the other CPU and back;
//  - KernelCounters: system calls (the raw_syscalls tracepoint, where tracefs is readable)
//    and context switches of a set of threads, read before and after a measured loop.

#include "bench.h"

#include <QDir>
#include <QFile>

#include <linux/perf_event.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

namespace funcdesk::bench {

// The machine's floor under a warm round trip: a byte sent to a process waiting on
// another CPU and back (two wake-ups of a blocked task, as the engine's round trip has
// four: caller -> engine thread -> runtime -> engine thread -> caller). On a VM this is
// the cost of waking an idle virtual CPU, which no code in the path controls.
inline double crossCpuPipeRoundTripUs(int samples)
{
    int there[2];
    int back[2];
    if (::pipe(there) != 0 || ::pipe(back) != 0)
        return 0;
    const auto pin = [](int cpu) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        return ::sched_setaffinity(0, sizeof set, &set) == 0;
    };
    cpu_set_t original;
    ::sched_getaffinity(0, sizeof original, &original);
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(there[1]); // so the parent closing its end ends the loop
        ::close(back[0]);
        pin(1);
        char c;
        while (::read(there[0], &c, 1) == 1 && ::write(back[1], &c, 1) == 1) {
        }
        ::_exit(0);
    }
    ::close(there[0]);
    ::close(back[1]);
    pin(0);
    std::vector<double> rtt;
    char c = 'x';
    for (int i = 0; i < samples; ++i) {
        const double t0 = nowUs();
        if (::write(there[1], &c, 1) != 1 || ::read(back[0], &c, 1) != 1)
            break;
        rtt.push_back(nowUs() - t0);
    }
    ::close(there[1]);
    ::close(back[0]);
    ::waitpid(child, nullptr, 0);
    ::sched_setaffinity(0, sizeof original, &original);
    return percentile(rtt, 50);
}

// The threads of a process (/proc/<pid>/task).
inline std::vector<pid_t> threadsOf(pid_t pid)
{
    std::vector<pid_t> tids;
    const QStringList names = QDir(QStringLiteral("/proc/%1/task").arg(pid)).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &n : names)
        tids.push_back(pid_t(n.toInt()));
    return tids;
}

// Direct children of a process, over all its threads.
inline std::vector<pid_t> childrenOf(pid_t pid)
{
    std::vector<pid_t> out;
    for (pid_t tid : threadsOf(pid)) {
        QFile f(QStringLiteral("/proc/%1/task/%2/children").arg(pid).arg(tid));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &p : f.readAll().split(' ')) {
            if (!p.trimmed().isEmpty())
                out.push_back(pid_t(p.trimmed().toInt()));
        }
    }
    return out;
}

class KernelCounters
{
public:
    // Counts for every thread of `pids` that exists now (threads started later are missed:
    // open after the warm-up), except `skipTid` (a client thread that is not the path).
    explicit KernelCounters(const std::vector<pid_t> &pids, pid_t skipTid = 0)
    {
        const long id = syscallTracepointId();
        for (pid_t pid : pids) {
            for (pid_t tid : threadsOf(pid)) {
                if (tid == skipTid)
                    continue;
                if (id >= 0)
                    m_syscallFds.push_back(open(tid, PERF_TYPE_TRACEPOINT, quint64(id)));
                m_switchFds.push_back(open(tid, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES));
            }
        }
    }
    ~KernelCounters()
    {
        for (int fd : m_syscallFds)
            if (fd >= 0)
                ::close(fd);
        for (int fd : m_switchFds)
            if (fd >= 0)
                ::close(fd);
    }
    KernelCounters(const KernelCounters &) = delete;
    KernelCounters &operator=(const KernelCounters &) = delete;

    // -1 when the counter could not be opened (no tracefs, perf_event_paranoid).
    double syscalls() const { return sum(m_syscallFds); }
    double contextSwitches() const { return sum(m_switchFds); }

private:
    static long syscallTracepointId()
    {
        for (const char *path : {"/sys/kernel/tracing/events/raw_syscalls/sys_enter/id",
                                 "/sys/kernel/debug/tracing/events/raw_syscalls/sys_enter/id"}) {
            QFile f(QString::fromLatin1(path));
            if (f.open(QIODevice::ReadOnly))
                return f.readAll().trimmed().toLong();
        }
        return -1;
    }
    static int open(pid_t tid, quint32 type, quint64 config)
    {
        perf_event_attr attr{};
        attr.size = sizeof attr;
        attr.type = type;
        attr.config = config;
        attr.exclude_hv = 1;
        return int(::syscall(SYS_perf_event_open, &attr, tid, -1, -1, 0));
    }
    static double sum(const std::vector<int> &fds)
    {
        if (fds.empty())
            return -1;
        double total = 0;
        for (int fd : fds) {
            quint64 v = 0;
            if (fd < 0 || ::read(fd, &v, sizeof v) != ssize_t(sizeof v))
                return -1;
            total += double(v);
        }
        return total;
    }
    std::vector<int> m_syscallFds;
    std::vector<int> m_switchFds;
};

} // namespace funcdesk::bench
