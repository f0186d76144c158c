#include "store/datadirlock.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace funcdesk::store {

namespace {

QString describeHolder(int fd)
{
    char buf[32] = {};
    const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    const qint64 pid = n > 0 ? QByteArray(buf, int(n)).trimmed().toLongLong() : 0;
    if (pid <= 0)
        return QStringLiteral("another process (pid unknown)");
    const QString exe = QFileInfo(QStringLiteral("/proc/%1/exe").arg(pid)).symLinkTarget();
    return QStringLiteral("process %1 (%2)").arg(pid).arg(exe.isEmpty() ? QStringLiteral("executable unknown") : exe);
}

} // namespace

Result<DataDirLock> DataDirLock::acquire(const DataDir &dir)
{
    if (!QDir().mkpath(dir.root))
        return makeError(errc::StoreError, QStringLiteral("cannot create data dir %1").arg(dir.root));
    const QString path = dir.lockFile();
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return makeError(errc::StoreError,
                         QStringLiteral("cannot open %1: %2").arg(path, QString::fromLocal8Bit(strerror(errno))));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        const QString holder = err == EWOULDBLOCK ? describeHolder(fd) : QString::fromLocal8Bit(strerror(err));
        ::close(fd);
        return makeError(errc::DataDirInUse,
                         QStringLiteral("data dir %1 is in use by %2").arg(dir.root, holder));
    }
    const QByteArray pid = QByteArray::number(qint64(::getpid())) + '\n';
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.constData(), size_t(pid.size()), 0) != pid.size()) {
        const QString msg = QString::fromLocal8Bit(strerror(errno));
        ::close(fd);
        return makeError(errc::StoreError, QStringLiteral("cannot write %1: %2").arg(path, msg));
    }
    return DataDirLock(fd, path);
}

DataDirLock::DataDirLock(DataDirLock &&other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_path(std::move(other.m_path))
{
}

DataDirLock &DataDirLock::operator=(DataDirLock &&other) noexcept
{
    if (this != &other) {
        release();
        m_fd = std::exchange(other.m_fd, -1);
        m_path = std::move(other.m_path);
    }
    return *this;
}

DataDirLock::~DataDirLock() { release(); }

void DataDirLock::release()
{
    if (m_fd >= 0) {
        // Empty the pid first so a reader never names a process that let go.
        [[maybe_unused]] const int rc = ::ftruncate(m_fd, 0);
        ::close(m_fd); // closing the last descriptor drops the flock
        m_fd = -1;
    }
}

} // namespace funcdesk::store
