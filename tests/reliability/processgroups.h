#pragma once
// Process groups seen from /proc, for tests that check an execution environment left no
// process behind. An environment is its own process group (core/engine/childprocess.h),
// so "nothing of it remains" is "no process has its group id".
//
// A test that calls becomeSubreaper() adopts the orphans of the processes it starts (the
// children a killed environment's runtime had forked), so reapGroup() can collect their
// zombies itself instead of leaving them to an init that may never reap (a container's
// pid 1 often does not).
//
// Threading: plain functions, any thread.

#include <QDir>
#include <QFile>
#include <QList>
#include <QString>

#include <cerrno>

#include <sys/prctl.h>
#include <sys/wait.h>

namespace reliability {

inline bool becomeSubreaper()
{
    return ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
}

// Pids whose process group is `pgid` (zombies included: they are still in /proc).
inline QList<int> processesInGroup(int pgid)
{
    QList<int> out;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &e : entries) {
        bool isPid = false;
        const int pid = e.toInt(&isPid);
        if (!isPid)
            continue;
        QFile stat(QStringLiteral("/proc/") + e + QStringLiteral("/stat"));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        const QByteArray line = stat.readAll();
        const qsizetype close = line.lastIndexOf(')');
        if (close < 0)
            continue;
        const QList<QByteArray> fields = line.mid(close + 2).split(' ');
        if (fields.size() > 2 && fields.at(2).toInt() == pgid)
            out.append(pid);
    }
    return out;
}

// Reaps the zombies of group `pgid` that this process adopted as a subreaper, then
// returns how many processes of the group still exist. The group's leader (pid == pgid)
// is left alone: reaping the runtime it started is the engine's job, and a leader it left
// unreaped must still count.
inline int reapGroup(int pgid)
{
    const QList<int> members = processesInGroup(pgid);
    for (const int pid : members) {
        if (pid != pgid)
            ::waitpid(pid, nullptr, WNOHANG);
    }
    return int(processesInGroup(pgid).size());
}

} // namespace reliability
