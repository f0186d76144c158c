// One running instance per data dir: a second process gets an error naming the pid and
// executable of the first, and the lock is free again once the holder is gone.
#include "store/datadirlock.h"
#include "tempdb.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::store;

namespace {

// Starts the helper holding the lock on `root`; returns its pid from "locked <pid>".
qint64 startHolder(QProcess &p, const QString &root)
{
    p.start(QStringLiteral(STORE_HELPER), {QStringLiteral("lock"), root});
    if (!p.waitForStarted())
        return 0;
    QByteArray out;
    while (!out.contains('\n') && p.waitForReadyRead(10000))
        out += p.readAllStandardOutput();
    if (!out.startsWith("locked "))
        return 0;
    return out.mid(7).trimmed().toLongLong();
}

} // namespace

class TestDataDirLock : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void secondProcessIsToldWhoHoldsIt()
    {
        test::TempDb dir;
        QProcess holder;
        const qint64 pid = startHolder(holder, dir.root());
        QVERIFY(pid > 0);
        QCOMPARE(pid, holder.processId());

        auto second = DataDirLock::acquire(dir.dataDir());
        QVERIFY(!second);
        QCOMPARE(second.error().type, errc::DataDirInUse);
        const QString msg = second.error().message;
        QVERIFY2(msg.contains(QStringLiteral("process %1 ").arg(pid)), qPrintable(msg));
        QVERIFY2(msg.contains(QFileInfo(QStringLiteral(STORE_HELPER)).canonicalFilePath()), qPrintable(msg));
        QVERIFY2(msg.contains(dir.root()), qPrintable(msg));

        // Holder exits (stdin closed): the lock is free again.
        holder.closeWriteChannel();
        QVERIFY(holder.waitForFinished());
        auto third = DataDirLock::acquire(dir.dataDir());
        QVERIFY2(third, qPrintable(third ? QString() : third.error().toString()));
        QVERIFY(third->isLocked());
    }

    void holderKilledReleasesTheLock()
    {
        test::TempDb dir;
        QProcess holder;
        QVERIFY(startHolder(holder, dir.root()) > 0);
        holder.kill();
        QVERIFY(holder.waitForFinished());
        auto lock = DataDirLock::acquire(dir.dataDir()); // stale file, no stale lock
        QVERIFY(lock);
    }

    void lockFileNamesUsAndOtherProcessesAreRefused()
    {
        test::TempDb dir;
        auto lock = DataDirLock::acquire(dir.dataDir());
        QVERIFY(lock);
        QFile f(dir.dataDir().lockFile());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().trimmed().toLongLong(), QCoreApplication::applicationPid());

        QProcess other;
        other.start(QStringLiteral(STORE_HELPER), {QStringLiteral("lock"), dir.root()});
        QVERIFY(other.waitForFinished());
        QCOMPARE(other.exitCode(), 1);
        const QString out = QString::fromUtf8(other.readAllStandardOutput());
        QVERIFY2(out.contains(QStringLiteral("process %1 ").arg(QCoreApplication::applicationPid())), qPrintable(out));

        // Moving the lock keeps it held; destroying it releases it.
        DataDirLock moved = std::move(*lock);
        QVERIFY(moved.isLocked());
        QVERIFY(!DataDirLock::acquire(dir.dataDir()));
        moved = DataDirLock();
        QVERIFY(DataDirLock::acquire(dir.dataDir()));
    }

    void createsMissingRoot()
    {
        test::TempDb dir;
        const DataDir nested{dir.root() + QStringLiteral("/a/b")};
        auto lock = DataDirLock::acquire(nested);
        QVERIFY(lock);
        QVERIFY(QFile::exists(nested.lockFile()));
    }
};

QTEST_GUILESS_MAIN(TestDataDirLock)
#include "tst_datadirlock.moc"
