#pragma once
// Reading and writing cgroup control files, shared by cgroupmemory.cpp and cgroupcpu.cpp
// (internal to funcdesk_engine). Writes go through one write(2): a control file takes
// a value per write, and QFile's buffering could split it.

#include <QByteArray>
#include <QFile>
#include <QString>

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

} // namespace funcdesk::engine::cgroupfiles
