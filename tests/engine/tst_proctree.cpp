// TreeMemoryReader: the per-request memory sample keeps its /proc files open, so these
// check that a re-read sees the process as it is now, that a tree with children is
// measured whole, and that a process gone or replaced is handled.
#include "engine/proctree.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QTest>

using namespace funcdesk::engine;

namespace {

// A python3 that grows by `mb` (bytes written, so resident) each time it reads a line;
// with `fork` the growth happens in a child it forked first. Prints "ok" when done.
const char *kGrower = R"py(
import os, sys
fork = sys.argv[1] == "fork"
held = []
if fork:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(w)
        f = os.fdopen(r)
        for line in f:
            held.append(b"x" * (int(line) << 20))
            os.write(1, b"ok\n")
        os._exit(0)
    os.close(r)
    for line in sys.stdin:
        os.write(w, line.encode())
else:
    print("ok", flush=True)
    for line in sys.stdin:
        held.append(b"x" * (int(line) << 20))
        print("ok", flush=True)
)py";

// One line of the process's output (waiting up to 10 s for it to be complete).
QByteArray readLine(QProcess &p)
{
    QDeadlineTimer deadline(10000);
    while (!p.canReadLine() && !deadline.hasExpired()) {
        if (!p.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))) && p.state() != QProcess::Running)
            break;
    }
    return p.readLine().trimmed();
}

bool grow(QProcess &p, int mb)
{
    p.write(QByteArray::number(mb) + '\n');
    return readLine(p) == "ok";
}

} // namespace

class TestProcTree : public QObject
{
    Q_OBJECT
private slots:
    void rereadSeesGrowth()
    {
        QProcess p;
        p.start(QStringLiteral("python3"), {QStringLiteral("-c"), QString::fromLatin1(kGrower), QStringLiteral("single")});
        QVERIFY(p.waitForStarted());
        QCOMPARE(readLine(p), "ok");
        TreeMemoryReader reader;
        reader.reset(pid_t(p.processId()));
        const qint64 before = reader.read(false).rssKb;
        QVERIFY2(before > 1024 && before < 40 * 1024, qPrintable(QString::number(before)));
        QVERIFY(grow(p, 64));
        const qint64 after = reader.read(false).rssKb; // the same open files, read again
        QVERIFY2(after - before >= 60 * 1024, qPrintable(QStringLiteral("%1 -> %2 KB").arg(before).arg(after)));
        QCOMPARE(reader.read(false).rssKb / 1024, treeMemory(pid_t(p.processId()), false).rssKb / 1024);
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(reader.read(false).rssKb, 0); // gone: nothing, and no error
    }

    void childrenAreCounted()
    {
        QProcess p;
        p.start(QStringLiteral("python3"), {QStringLiteral("-c"), QString::fromLatin1(kGrower), QStringLiteral("fork")});
        QVERIFY(p.waitForStarted());
        TreeMemoryReader reader;
        reader.reset(pid_t(p.processId()));
        QVERIFY(grow(p, 64)); // in the child
        QTRY_VERIFY(processTree(pid_t(p.processId())).size() == 2);
        const qint64 kb = reader.read(false).rssKb;
        QVERIFY2(kb >= 64 * 1024, qPrintable(QString::number(kb)));
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(10000));
    }

    void resetFollowsANewRoot()
    {
        QProcess a;
        a.start(QStringLiteral("python3"), {QStringLiteral("-c"), QString::fromLatin1(kGrower), QStringLiteral("single")});
        QVERIFY(a.waitForStarted());
        QCOMPARE(readLine(a), "ok");
        QVERIFY(grow(a, 80));
        QProcess b;
        b.start(QStringLiteral("python3"), {QStringLiteral("-c"), QString::fromLatin1(kGrower), QStringLiteral("single")});
        QVERIFY(b.waitForStarted());
        QCOMPARE(readLine(b), "ok");
        TreeMemoryReader reader;
        reader.reset(pid_t(a.processId()));
        QVERIFY(reader.read(false).rssKb >= 80 * 1024);
        reader.reset(pid_t(b.processId()));
        QCOMPARE(reader.root(), pid_t(b.processId()));
        QVERIFY(reader.read(false).rssKb < 40 * 1024);
        a.closeWriteChannel();
        b.closeWriteChannel();
        QVERIFY(a.waitForFinished(10000) && b.waitForFinished(10000));
    }
};

QTEST_GUILESS_MAIN(TestProcTree)
#include "tst_proctree.moc"
