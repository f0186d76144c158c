#pragma once
// Memory of an environment's process tree, read from /proc (no cgroup needed).
// Threading: free functions, any thread. Each call reads a few small /proc files.

#include <QtGlobal>

#include <sys/types.h>

#include <vector>

namespace funcdesk::engine {

// pid and all its descendants (through /proc/<pid>/task/<pid>/children).
std::vector<pid_t> processTree(pid_t root);

// One process: its RSS (and VmHWM). Several (a function that forked): their PSS summed,
// so pages they share are counted once.
struct TreeMemory
{
    qint64 rssKb = 0; // current resident set, summed over the tree
    qint64 hwmKb = 0; // peak resident set (VmHWM), summed over the tree
};

// rss only (fast: /proc/<pid>/statm) unless withPeak (reads /proc/<pid>/status).
TreeMemory treeMemory(pid_t root, bool withPeak);

// treeMemory() for one environment, sampled after every request: keeps the root's
// /proc/<pid>/task/<pid>/children and /proc/<pid>/statm open and re-reads them with
// pread (the kernel regenerates a /proc file read from offset 0), so a single-process
// runtime costs two system calls per sample instead of six. A tree with children takes
// treeMemory()'s path. Threading: one thread at a time.
class TreeMemoryReader
{
public:
    TreeMemoryReader() = default;
    ~TreeMemoryReader();
    TreeMemoryReader(const TreeMemoryReader &) = delete;
    TreeMemoryReader &operator=(const TreeMemoryReader &) = delete;

    pid_t root() const { return m_root; }
    void reset(pid_t root = 0); // closes the files; the next read() opens root's
    TreeMemory read(bool withPeak);

private:
    pid_t m_root = 0;
    int m_childrenFd = -1;
    int m_statmFd = -1;
};

// The first process below `root` (breadth first) whose name (/proc/<pid>/comm) is not
// `name`: in a sandbox, the runtime under bwrap's own processes. 0 while there is none.
pid_t firstDescendantNotNamed(pid_t root, const char *name);

} // namespace funcdesk::engine
