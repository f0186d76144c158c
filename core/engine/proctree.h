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

// The first process below `root` (breadth first) whose name (/proc/<pid>/comm) is not
// `name`: in a sandbox, the runtime under bwrap's own processes. 0 while there is none.
pid_t firstDescendantNotNamed(pid_t root, const char *name);

} // namespace funcdesk::engine
