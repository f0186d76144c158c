#pragma once
// One running Funcdesk per data dir: an exclusive flock on <root>/funcdesk.lock that
// holds the owner's pid. The kernel drops the lock when the process dies, so a stale
// file never blocks. A second instance gets an Error ("DataDirInUse") naming the pid
// and executable (from /proc) of the holder.
//
// Threading: owned by whoever composes the app (main thread); move-only. The lock is
// released when the object is destroyed.

#include "common/datadir.h"
#include "common/result.h"

namespace funcdesk::store {

class DataDirLock
{
public:
    // Creates the root folder if needed, then takes the lock without waiting.
    static Result<DataDirLock> acquire(const DataDir &dir);

    DataDirLock() = default;
    DataDirLock(DataDirLock &&other) noexcept;
    DataDirLock &operator=(DataDirLock &&other) noexcept;
    DataDirLock(const DataDirLock &) = delete;
    DataDirLock &operator=(const DataDirLock &) = delete;
    ~DataDirLock();

    bool isLocked() const { return m_fd >= 0; }
    QString path() const { return m_path; }

private:
    DataDirLock(int fd, QString path) : m_fd(fd), m_path(std::move(path)) {}
    void release();
    int m_fd = -1;
    QString m_path;
};

} // namespace funcdesk::store
