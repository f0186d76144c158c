#include "proctree.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace funcdesk::engine {

namespace {

// Reads a small /proc file into buf (NUL-terminated); returns the length or -1.
ssize_t readSmall(const char *path, char *buf, size_t size)
{
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    const ssize_t n = ::read(fd, buf, size - 1);
    ::close(fd);
    if (n < 0)
        return -1;
    buf[n] = 0;
    return n;
}

const long kPageKb = ::sysconf(_SC_PAGESIZE) / 1024;

} // namespace

std::vector<pid_t> processTree(pid_t root)
{
    std::vector<pid_t> out{root};
    char path[64];
    char buf[4096];
    for (size_t i = 0; i < out.size() && out.size() < 4096; ++i) {
        std::snprintf(path, sizeof path, "/proc/%d/task/%d/children", int(out[i]), int(out[i]));
        if (readSmall(path, buf, sizeof buf) <= 0)
            continue;
        char *p = buf;
        while (*p) {
            char *end = nullptr;
            const long child = std::strtol(p, &end, 10);
            if (end == p)
                break;
            out.push_back(pid_t(child));
            p = end;
        }
    }
    return out;
}

TreeMemory treeMemory(pid_t root, bool withPeak)
{
    TreeMemory m;
    char path[64];
    char buf[4096];
    const std::vector<pid_t> tree = processTree(root);
    static const bool hasPss = ::access("/proc/self/smaps_rollup", R_OK) == 0; // Linux 4.14+
    if (tree.size() > 1 && hasPss) {
        // Forked processes share their parent's pages until they write them; summing RSS
        // would count those pages once per process (twenty forked interpreters would read
        // as twenty times the memory). PSS splits each shared page among its sharers, so
        // the sum counts it once, as a cgroup does. The kernel walks the page tables for
        // it, which is why a single process (the usual case) reads statm instead.
        for (const pid_t pid : tree) {
            std::snprintf(path, sizeof path, "/proc/%d/smaps_rollup", int(pid));
            if (readSmall(path, buf, sizeof buf) <= 0)
                continue; // gone meanwhile
            if (const char *pss = std::strstr(buf, "\nPss:"))
                m.rssKb += std::strtol(pss + 5, nullptr, 10);
        }
        m.hwmKb = m.rssKb;
        if (withPeak) { // the tree's peak is at least the root's own
            std::snprintf(path, sizeof path, "/proc/%d/status", int(root));
            if (readSmall(path, buf, sizeof buf) > 0) {
                if (const char *hwm = std::strstr(buf, "VmHWM:"))
                    m.hwmKb = std::max(m.hwmKb, qint64(std::strtol(hwm + 6, nullptr, 10)));
            }
        }
        return m;
    }
    for (const pid_t pid : tree) {
        if (!withPeak) {
            std::snprintf(path, sizeof path, "/proc/%d/statm", int(pid));
            if (readSmall(path, buf, sizeof buf) <= 0)
                continue;
            long size = 0, resident = 0;
            if (std::sscanf(buf, "%ld %ld", &size, &resident) == 2)
                m.rssKb += resident * kPageKb;
            continue;
        }
        std::snprintf(path, sizeof path, "/proc/%d/status", int(pid));
        if (readSmall(path, buf, sizeof buf) <= 0)
            continue;
        if (const char *hwm = std::strstr(buf, "VmHWM:"))
            m.hwmKb += std::strtol(hwm + 6, nullptr, 10);
        if (const char *rss = std::strstr(buf, "VmRSS:"))
            m.rssKb += std::strtol(rss + 6, nullptr, 10);
    }
    m.hwmKb = std::max(m.hwmKb, m.rssKb);
    return m;
}

TreeMemoryReader::~TreeMemoryReader()
{
    reset();
}

void TreeMemoryReader::reset(pid_t root)
{
    for (int *fd : {&m_childrenFd, &m_statmFd}) {
        if (*fd >= 0)
            ::close(*fd);
        *fd = -1;
    }
    m_root = root;
}

TreeMemory TreeMemoryReader::read(bool withPeak)
{
    if (m_root <= 0)
        return {};
    if (withPeak)
        return treeMemory(m_root, true);
    char buf[256];
    if (m_childrenFd < 0) {
        std::snprintf(buf, sizeof buf, "/proc/%d/task/%d/children", int(m_root), int(m_root));
        m_childrenFd = ::open(buf, O_RDONLY | O_CLOEXEC);
        std::snprintf(buf, sizeof buf, "/proc/%d/statm", int(m_root));
        m_statmFd = ::open(buf, O_RDONLY | O_CLOEXEC);
    }
    if (m_childrenFd < 0 || m_statmFd < 0 || ::pread(m_childrenFd, buf, sizeof buf, 0) != 0)
        return treeMemory(m_root, false); // children (or no /proc files): the whole tree
    const ssize_t n = ::pread(m_statmFd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return {};
    buf[n] = 0;
    TreeMemory m;
    long size = 0, resident = 0;
    if (std::sscanf(buf, "%ld %ld", &size, &resident) == 2)
        m.rssKb = resident * kPageKb;
    m.hwmKb = m.rssKb;
    return m;
}

pid_t firstDescendantNotNamed(pid_t root, const char *name)
{
    char path[64];
    char comm[64];
    const std::vector<pid_t> tree = processTree(root);
    for (size_t i = 1; i < tree.size(); ++i) {
        std::snprintf(path, sizeof path, "/proc/%d/comm", int(tree[i]));
        const long n = readSmall(path, comm, sizeof comm);
        if (n <= 0)
            continue;
        comm[std::strcspn(comm, "\n")] = '\0';
        if (std::strcmp(comm, name) != 0)
            return tree[i];
    }
    return 0;
}

} // namespace funcdesk::engine
