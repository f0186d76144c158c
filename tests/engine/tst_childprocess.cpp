// Spawning, fd mapping, environment, process groups and exit descriptions.

#include "engine/childprocess.h"

#include <QTest>

#include <csignal>

#include <sys/resource.h>
#include <unistd.h>

using namespace funcdesk::engine;

class TestChildProcess : public QObject
{
    Q_OBJECT

    static QByteArray readAll(int fd)
    {
        QByteArray out;
        char buf[4096];
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n <= 0)
                break;
            out.append(buf, n);
        }
        return out;
    }

    static QByteArray run(const QString &script, const QMap<QString, QString> &env = {}, long nproc = 0)
    {
        auto pipe = Pipe::create();
        if (!pipe)
            return {};
        SpawnSpec spec;
        spec.program = QStringLiteral("/bin/sh");
        spec.arguments = {QStringLiteral("-c"), script};
        spec.environment = env;
        spec.fds = {{1, pipe->write.get()}};
        spec.maxProcesses = nproc;
        auto child = ChildProcess::spawn(spec);
        if (!child)
            return child.error().message.toUtf8();
        pipe->write.reset();
        const QByteArray out = readAll(pipe->read.get());
        child->reap(true);
        return out;
    }

private Q_SLOTS:
    void exitDescriptions_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("description");
        QTest::newRow("exit 0") << "exit 0"
                                << "exit status 0";
        QTest::newRow("exit 1") << "exit 1"
                                << "exit status 1";
        QTest::newRow("killed") << "kill -9 $$"
                                << "signal: killed";
        QTest::newRow("segv") << "kill -11 $$"
                              << "signal: segmentation fault";
    }

    void exitDescriptions()
    {
        QFETCH(QString, script);
        QFETCH(QString, description);
        SpawnSpec spec;
        spec.program = QStringLiteral("/bin/sh");
        spec.arguments = {QStringLiteral("-c"), script};
        auto child = ChildProcess::spawn(spec);
        QVERIFY(child.ok());
        QVERIFY(child->reap(true));
        QCOMPARE(child->exitDescription(), description);
    }

    void environmentIsExactlyTheOneGiven()
    {
        qputenv("FUNCDESK_CHILD_SECRET", "x");
        const QByteArray out = run(QStringLiteral("env | sort"), {{QStringLiteral("A"), QStringLiteral("1")}});
        qunsetenv("FUNCDESK_CHILD_SECRET");
        QVERIFY(out.contains("A=1\n"));
        QVERIFY(!out.contains("FUNCDESK_CHILD_SECRET"));
        QVERIFY(!out.contains("HOME="));
    }

    void onlyMappedFdsAreOpen()
    {
        // Open an inheritable fd in the parent: it must not reach the child.
        int leaky[2];
        QVERIFY(::pipe(leaky) == 0);
        const QByteArray out = run(QStringLiteral("ls /proc/self/fd | sort -n | tr '\\n' ' '"));
        ::close(leaky[0]);
        ::close(leaky[1]);
        // 0 and 2 are /dev/null, 1 the pipe, 3 is ls's own directory fd.
        QCOMPARE(out, QByteArray("0 1 2 3 "));
    }

    void limitsAndProcessGroup()
    {
        const QByteArray out = run(QStringLiteral("awk '/Max core/{print $5} /Max processes/{print $3}' /proc/$$/limits; cut -d' ' -f5 /proc/$$/stat; echo $$"), {{QStringLiteral("PATH"), qEnvironmentVariable("PATH")}}, 77);
        const QList<QByteArray> lines = out.trimmed().split('\n');
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines.at(0), QByteArray("0"));
        QCOMPARE(lines.at(1), QByteArray("77"));
        QCOMPARE(lines.at(2), lines.at(3)); // its own process group
    }

    void killingTheGroupTakesGrandchildren()
    {
        auto pipe = Pipe::create();
        QVERIFY(pipe.ok());
        SpawnSpec spec;
        spec.program = QStringLiteral("/bin/sh");
        spec.arguments = {QStringLiteral("-c"), QStringLiteral("sleep 600 & echo $!; wait")};
        spec.environment = {{QStringLiteral("PATH"), qEnvironmentVariable("PATH")}};
        spec.fds = {{1, pipe->write.get()}};
        auto child = ChildProcess::spawn(spec);
        QVERIFY(child.ok());
        pipe->write.reset();
        char buf[64] = {};
        QVERIFY(::read(pipe->read.get(), buf, sizeof buf - 1) > 0);
        const pid_t grandchild = pid_t(QByteArray(buf).trimmed().toInt());
        QVERIFY(grandchild > 0);
        QVERIFY(child->pidFd() >= 0);
        child->killAndReap();
        QCOMPARE(child->exitDescription(), QStringLiteral("signal: killed"));
        QTRY_VERIFY(::kill(grandchild, 0) != 0);
    }

    void execFailureIsAnError()
    {
        SpawnSpec spec;
        spec.program = QStringLiteral("/nonexistent/bootstrap");
        auto child = ChildProcess::spawn(spec);
        QVERIFY(!child.ok());
        QCOMPARE(child.error().type, QStringLiteral("Runtime.InvalidEntrypoint"));
    }

    void runAndCaptureReadsStdout()
    {
        auto out = runAndCapture(QStringLiteral("/bin/echo"), {QStringLiteral("hello")});
        QVERIFY(out.ok());
        QCOMPARE(*out, QByteArray("hello"));
        QVERIFY(!runAndCapture(QStringLiteral("/bin/false"), {}).ok());
    }
};

QTEST_GUILESS_MAIN(TestChildProcess)
#include "tst_childprocess.moc"
