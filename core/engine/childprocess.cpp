#include "childprocess.h"

#include <QElapsedTimer>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace funcdesk::engine {

void UniqueFd::reset(int fd)
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = fd;
}

Result<Pipe> Pipe::create(bool nonBlockingRead, int sizeBytes)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return makeError(errc::Service, QStringLiteral("pipe2: ") + QString::fromLocal8Bit(std::strerror(errno)));
    Pipe p{UniqueFd(fds[0]), UniqueFd(fds[1])};
    if (nonBlockingRead)
        ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    if (sizeBytes > 0)
        ::fcntl(fds[1], F_SETPIPE_SZ, sizeBytes); // best effort: fewer wakeups for large payloads
    return p;
}

namespace {

// Everything the child touches after vfork() is prepared here, so the child only makes
// async-signal-safe system calls and writes no memory it shares with the engine.
struct PreparedSpawn
{
    QByteArray program;
    QByteArray workDir;
    std::vector<QByteArray> argStorage;
    std::vector<QByteArray> envStorage;
    std::vector<char *> argv;
    std::vector<char *> envp;
};

PreparedSpawn prepare(const SpawnSpec &spec)
{
    PreparedSpawn p;
    p.program = spec.program.toLocal8Bit();
    p.workDir = spec.workingDirectory.toLocal8Bit();
    p.argStorage.push_back(p.program);
    for (const QString &a : spec.arguments)
        p.argStorage.push_back(a.toLocal8Bit());
    for (QByteArray &a : p.argStorage)
        p.argv.push_back(a.data());
    p.argv.push_back(nullptr);
    if (!spec.inheritEnvironment) {
        for (auto it = spec.environment.cbegin(); it != spec.environment.cend(); ++it)
            p.envStorage.push_back(it.key().toLocal8Bit() + '=' + it.value().toLocal8Bit());
        for (QByteArray &e : p.envStorage)
            p.envp.push_back(e.data());
        p.envp.push_back(nullptr);
    }
    return p;
}

[[noreturn]] void childFail(int errFd, int err)
{
    [[maybe_unused]] ssize_t n = ::write(errFd, &err, sizeof err);
    ::_exit(127);
}

[[noreturn]] void runChild(const SpawnSpec &spec, const PreparedSpawn &p, int errFd)
{
    if (spec.newProcessGroup) {
        ::setpgid(0, 0);
        // An environment must not outlive the engine even when the app is killed
        // (SIGKILL, crash): the kernel kills it when the spawning (engine) thread ends.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    }
    if (spec.cgroupProcsFd >= 0 && ::write(spec.cgroupProcsFd, "0", 1) != 1)
        childFail(errFd, errno);
    if (spec.cpuCgroupProcsFd >= 0 && ::write(spec.cpuCgroupProcsFd, "0", 1) != 1)
        childFail(errFd, errno);
    if (spec.pidsCgroupProcsFd >= 0 && ::write(spec.pidsCgroupProcsFd, "0", 1) != 1)
        childFail(errFd, errno);
    // Handlers first (the engine's must never run here), then unblock what the parent
    // blocked around vfork().
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP)
            ::signal(sig, SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (spec.maxProcesses > 0) {
        const rlimit lim{rlim_t(spec.maxProcesses), rlim_t(spec.maxProcesses)};
        ::setrlimit(RLIMIT_NPROC, &lim);
    }
    if (spec.noCoreDumps) {
        const rlimit lim{0, 0};
        ::setrlimit(RLIMIT_CORE, &lim);
    }
    // Move every source fd out of the way first so that a target number never clobbers a
    // source that is still to be mapped.
    int moved[16];
    const int count = std::min<int>(spec.fds.size(), 16);
    for (int i = 0; i < count; ++i) {
        moved[i] = ::fcntl(spec.fds[i].second, F_DUPFD_CLOEXEC, 64);
        if (moved[i] < 0)
            childFail(errFd, errno);
    }
    bool mapped[3] = {false, false, false};
    int highest = 2;
    for (int i = 0; i < count; ++i) {
        const int target = spec.fds[i].first;
        if (::dup2(moved[i], target) < 0)
            childFail(errFd, errno);
        if (target < 3)
            mapped[target] = true;
        highest = std::max(highest, target);
    }
    // Unmapped stdin/stdout/stderr are /dev/null, never the engine's own.
    if (!mapped[0] || !mapped[1] || !mapped[2]) {
        const int null = ::open("/dev/null", O_RDWR);
        for (int fd = 0; fd < 3; ++fd) {
            if (!mapped[fd] && null >= 0 && null != fd)
                ::dup2(null, fd);
        }
        if (null > 2)
            ::close(null);
    }
    // Every other fd is closed (they are O_CLOEXEC too; this also covers fds opened by
    // libraries without it). The error pipe survives until exec through its CLOEXEC flag.
    if (errFd > highest + 1)
        ::close_range(unsigned(highest + 1), unsigned(errFd - 1), 0);
    ::close_range(unsigned(errFd + 1), ~0U, 0);
    if (!p.workDir.isEmpty() && ::chdir(p.workDir.constData()) != 0)
        childFail(errFd, errno);
    char **env = spec.inheritEnvironment ? environ : const_cast<char **>(p.envp.data());
    ::execve(p.program.constData(), const_cast<char **>(p.argv.data()), env);
    childFail(errFd, errno);
}

// Kept apart (and not inlined) so that vfork()'s child runs in a frame holding nothing
// the parent needs afterwards.
__attribute__((noinline)) pid_t startChild(const SpawnSpec &spec, const PreparedSpawn &p, int errFd)
{
    const pid_t pid = ::vfork();
    if (pid == 0)
        runChild(spec, p, errFd);
    return pid;
}

} // namespace

ChildProcess::ChildProcess(ChildProcess &&o) noexcept
    : m_pid(o.m_pid), m_group(o.m_group), m_reaped(o.m_reaped), m_status(o.m_status), m_pidFd(std::move(o.m_pidFd))
{
    o.m_pid = -1;
}

ChildProcess &ChildProcess::operator=(ChildProcess &&o) noexcept
{
    if (this != &o) {
        if (running())
            killAndReap();
        m_pid = o.m_pid;
        m_group = o.m_group;
        m_reaped = o.m_reaped;
        m_status = o.m_status;
        m_pidFd = std::move(o.m_pidFd);
        o.m_pid = -1;
    }
    return *this;
}

ChildProcess::~ChildProcess()
{
    if (running())
        killAndReap();
}

Result<ChildProcess> ChildProcess::spawn(const SpawnSpec &spec)
{
    if (spec.fds.size() > 16)
        return makeError(errc::Service, QStringLiteral("too many fds to map"));
    const PreparedSpawn prepared = prepare(spec);
    int errPipe[2];
    if (::pipe2(errPipe, O_CLOEXEC) != 0)
        return makeError(errc::Service, QStringLiteral("pipe2 failed"));
    // Keep the error pipe's write end above every fd number the child maps.
    const int errWrite = ::fcntl(errPipe[1], F_DUPFD_CLOEXEC, 64);
    ::close(errPipe[1]);
    UniqueFd errRead(errPipe[0]);
    if (errWrite < 0)
        return makeError(errc::Service, QStringLiteral("fcntl failed"));

    // vfork: no page-table copy of the engine's process (a large GUI process pays several
    // ms per fork()), the parent thread waits until exec. All signals are blocked around it
    // so that no handler of the engine runs in the child on the shared memory.
    sigset_t all, old;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &old);
    const pid_t pid = startChild(spec, prepared, errWrite);
    const int forkErrno = errno;
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (pid < 0) {
        ::close(errWrite);
        return makeError(errc::Service, QStringLiteral("vfork: ") + QString::fromLocal8Bit(std::strerror(forkErrno)));
    }

    ::close(errWrite);
    ChildProcess child;
    child.m_pid = pid;
    child.m_group = spec.newProcessGroup;
    if (spec.newProcessGroup)
        ::setpgid(pid, pid); // also from the parent: no window where a signal to the group misses
    // Wait for exec (the pipe closes) or its failure (errno arrives).
    int childErrno = 0;
    ssize_t n;
    do {
        n = ::read(errRead.get(), &childErrno, sizeof childErrno);
    } while (n < 0 && errno == EINTR);
    if (n == sizeof childErrno) {
        child.reap(true);
        // execve() answers EACCES for a directory, which reads as a permission problem:
        // say what is wrong with it.
        struct stat st;
        if (childErrno == EACCES && ::stat(prepared.program.constData(), &st) == 0 && S_ISDIR(st.st_mode))
            childErrno = EISDIR;
        return makeError(errc::RuntimeInvalidEntrypoint,
                         QStringLiteral("cannot execute ") + spec.program + QStringLiteral(": ")
                             + QString::fromLocal8Bit(std::strerror(childErrno)));
    }
    const int pidFd = int(::syscall(SYS_pidfd_open, pid, 0));
    if (pidFd >= 0) {
        ::fcntl(pidFd, F_SETFD, FD_CLOEXEC);
        child.m_pidFd.reset(pidFd);
    }
    return child;
}

void ChildProcess::signalGroup(int sig) const
{
    if (!running())
        return;
    if (m_group)
        ::kill(-m_pid, sig);
    else
        ::kill(m_pid, sig);
}

bool ChildProcess::reap(bool block)
{
    if (m_pid <= 0 || m_reaped)
        return true;
    int status = 0;
    pid_t r;
    do {
        r = ::waitpid(m_pid, &status, block ? 0 : WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == m_pid || (r < 0 && errno == ECHILD)) {
        m_reaped = true;
        m_status = status;
        m_pidFd.reset();
        return true;
    }
    return false;
}

void ChildProcess::killAndReap()
{
    if (!running())
        return;
    signalGroup(SIGKILL);
    if (m_group)
        ::kill(m_pid, SIGKILL); // in case it left its group
    reap(true);
}

QString ChildProcess::exitDescription() const
{
    if (WIFEXITED(m_status))
        return QStringLiteral("exit status ") + QString::number(WEXITSTATUS(m_status));
    if (WIFSIGNALED(m_status)) {
        const int sig = WTERMSIG(m_status);
        if (sig == SIGKILL)
            return QStringLiteral("signal: killed");
        if (sig == SIGSEGV)
            return QStringLiteral("signal: segmentation fault");
        if (sig == SIGABRT)
            return QStringLiteral("signal: aborted");
        return QStringLiteral("signal: ") + QString::fromLocal8Bit(::strsignal(sig)).toLower();
    }
    return QStringLiteral("exit status 0");
}

Result<QByteArray> runAndCapture(const QString &program, const QStringList &arguments, int timeoutMs)
{
    auto pipe = Pipe::create(true);
    if (!pipe)
        return pipe.error();
    SpawnSpec spec;
    spec.program = program;
    spec.arguments = arguments;
    spec.inheritEnvironment = true;
    spec.newProcessGroup = true;
    spec.fds = {{1, pipe->write.get()}};
    auto child = ChildProcess::spawn(spec);
    if (!child)
        return child.error();
    pipe->write.reset();
    QByteArray out;
    QElapsedTimer clock;
    clock.start();
    char buf[4096];
    for (;;) {
        const qint64 left = timeoutMs - clock.elapsed();
        if (left <= 0) {
            child->killAndReap();
            return makeError(errc::Service, program + QStringLiteral(" timed out"));
        }
        pollfd pfd{pipe->read.get(), POLLIN, 0};
        ::poll(&pfd, 1, int(left));
        const ssize_t n = ::read(pipe->read.get(), buf, sizeof buf);
        if (n > 0)
            out.append(buf, n);
        else if (n == 0)
            break;
        else if (errno != EAGAIN && errno != EINTR)
            break;
    }
    child->reap(true);
    if (!WIFEXITED(child->waitStatus()) || WEXITSTATUS(child->waitStatus()) != 0)
        return makeError(errc::Service, program + QStringLiteral(" failed: ") + child->exitDescription());
    return out.trimmed();
}

} // namespace funcdesk::engine
