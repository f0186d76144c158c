#pragma once
// Reading and writing cgroup control files, finding this process's place in a cgroup v1
// hierarchy and removing a cgroup once its processes are gone; shared by
// cgroupmemory.cpp, cgroupcpu.cpp and cgrouppids.cpp (internal to funcdesk_engine). Writes go through one write(2): a control file takes
// a value per write, and QFile's buffering could split it.

#include <QByteArray>
#include <QFile>
#include <QString>

#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

namespace funcdesk::engine::cgroupfiles {

inline QByteArray read(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline bool write(const QString &path, const QByteArray &data)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, data.constData(), size_t(data.size())) == data.size();
    ::close(fd);
    return ok;
}

// This process's directory in the cgroup v1 hierarchy of `controller` ("cpu", "pids"), or
// empty: the mount whose super options name the controller, joined with our path in it
// from /proc/self/cgroup. `marker` is a file the directory must have ("cpu.cfs_quota_us").
inline QString ownV1Dir(const QByteArray &controller, const QString &marker)
{
    QString relative;
    bool found = false;
    const QList<QByteArray> lines = read(QStringLiteral("/proc/self/cgroup")).split('\n');
    for (const QByteArray &line : lines) {
        const QList<QByteArray> f = line.split(':');
        if (f.size() >= 3 && f[1].split(',').contains(controller)) {
            relative = QString::fromLocal8Bit(line.mid(f[0].size() + f[1].size() + 2));
            found = true;
        }
    }
    if (!found)
        return {};
    const QList<QByteArray> mounts = read(QStringLiteral("/proc/self/mountinfo")).split('\n');
    for (const QByteArray &m : mounts) {
        const int dash = m.indexOf(" - ");
        if (dash < 0)
            continue;
        const QList<QByteArray> after = m.mid(dash + 3).split(' ');
        if (after.size() < 3 || after[0] != "cgroup" || !after[2].split(',').contains(controller))
            continue;
        const QList<QByteArray> fields = m.left(dash).split(' ');
        if (fields.size() < 5)
            continue;
        const QString dir = QString::fromLocal8Bit(fields.at(4)) + (relative == QLatin1String("/") ? QString() : relative);
        if (QFile::exists(dir + QLatin1Char('/') + marker))
            return dir;
    }
    return {};
}

// Removes a v1 cgroup directory. v1 has no cgroup.kill: the environment killed its process
// group before this, and a killed process leaves the cgroup asynchronously, so give it a
// moment.
inline void removeWhenEmpty(const QString &dir)
{
    const QByteArray path = QFile::encodeName(dir);
    for (int i = 0; i < 50 && ::rmdir(path.constData()) != 0 && errno == EBUSY; ++i)
        ::usleep(1000);
}

} // namespace funcdesk::engine::cgroupfiles
