// A full disk under a running Funcdesk (the Service the GUI and `funcdesk serve` share):
// a deploy fails with a clear error and leaves the deployed code running, the telemetry
// writer reports "database or disk is full" while invocations keep being answered, and
// once space returns records are written again, the next deploy works, the store passes
// PRAGMA integrity_check and the function's repository reads in full.
//
// The data dir is on an 8 MB tmpfs mounted in a mount namespace of this process's own
// (so it disappears with the process even if cleanup never runs). Mounting needs root
// (CAP_SYS_ADMIN); elsewhere the test is skipped, saying why.

#include "serveprocess.h"
#include "storechecks.h"

#include "api/service.h"
#include "store/queries.h"
#include "store/writer.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <cstring>

#include <sched.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

using namespace reliability;
using namespace funcdesk;

namespace {

QByteArray chattySource(int generation)
{
    // Every invocation can write `lines` KB of log, so the store has to grow.
    return QByteArrayLiteral("GENERATION = ") + QByteArray::number(generation)
        + QByteArrayLiteral("\ndef handler(event, context):\n"
                            "    for _ in range(event.get('lines', 0)):\n"
                            "        print('x' * 1023)\n"
                            "    return {'generation': GENERATION, 'n': event.get('n')}\n");
}

QByteArray codeZip(int generation)
{
    return zipBase64({{QStringLiteral("app.py"), chattySource(generation)},
                      {QStringLiteral("function.json"),
                       QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\",\"timeout\":10}")}});
}

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

qint64 freeBytes(const QString &path)
{
    struct statvfs s;
    if (::statvfs(QFile::encodeName(path).constData(), &s) != 0)
        return -1;
    return qint64(s.f_bavail) * qint64(s.f_frsize);
}

template<typename T>
QString describe(const Result<T> &r)
{
    return r ? QString() : r.error().toString();
}

} // namespace

class TestDiskFull : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_mount;
    bool m_mounted = false;

    engine::InvokeRequest request(int n, int lines = 0) const
    {
        engine::InvokeRequest r;
        r.function = QStringLiteral("chatty");
        r.payload = QByteArrayLiteral("{\"n\":") + QByteArray::number(n) + QByteArrayLiteral(",\"lines\":")
            + QByteArray::number(lines) + '}';
        return r;
    }

    // Fills the file system at m_mount: writes until ENOSPC.
    bool fill(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return false;
        const QByteArray chunk(64 * 1024, 'f');
        while (f.write(chunk) == chunk.size() && f.flush()) {
        }
        const QByteArray byte(1, 'f'); // the last partial block
        while (f.write(byte) == 1 && f.flush()) {
        }
        return freeBytes(m_mount) == 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        if (::geteuid() != 0)
            QSKIP("mounting a small tmpfs for the data dir needs root");
        // A mount namespace of this process's own: the tmpfs never shows outside it.
        if (::unshare(CLONE_NEWNS) != 0)
            QSKIP(qPrintable(QStringLiteral("cannot make a mount namespace: ") + errnoText()));
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
            QSKIP(qPrintable(QStringLiteral("cannot make mounts private: ") + errnoText()));
        m_mount = m_tmp.filePath(QStringLiteral("disk"));
        QVERIFY(QDir().mkpath(m_mount));
        if (::mount("tmpfs", QFile::encodeName(m_mount).constData(), "tmpfs", MS_NOSUID | MS_NODEV, "size=8m,mode=0700") != 0)
            QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs: ") + errnoText()));
        m_mounted = true;
    }

    void writesFailClearlyAndRecover()
    {
        const DataDir dataDir{m_mount + QStringLiteral("/data")};
        api::ServiceOptions options;
        options.api.port = 0;
        options.runSchedules = false;
        auto started = api::Service::start(dataDir, options);
        QVERIFY2(started, qPrintable(describe(started)));
        std::unique_ptr<api::Service> service = std::move(*started);
        QSignalSpy ready(service.get(), &api::Service::ready);
        QVERIFY(ready.count() > 0 || ready.wait(30000));
        ApiClient client(QStringLiteral("http://") + service->apiAddress(), api::readLocalToken(dataDir));
        store::Writer *writer = service->writer();

        const QJsonObject create{{QStringLiteral("FunctionName"), QStringLiteral("chatty")},
                                 {QStringLiteral("Runtime"), QStringLiteral("python3.12")},
                                 {QStringLiteral("Code"), QJsonObject{{QStringLiteral("ZipFile"), QString::fromLatin1(codeZip(1))}}}};
        Reply r = client.call("POST", QStringLiteral("/2015-03-31/functions"), QJsonDocument(create).toJson(QJsonDocument::Compact));
        QVERIFY2(r.status == 201, r.body.constData());
        engine::InvokeResult first = service->engine()->invokeAndWait(request(1));
        QCOMPARE(first.record.status, InvocationStatus::Success);
        QVERIFY(writer->flush().ok());

        // The disk fills up.
        const QString filler = m_mount + QStringLiteral("/filler");
        QVERIFY2(fill(filler), qPrintable(QStringLiteral("%1 bytes still free").arg(freeBytes(m_mount))));

        // A deploy fails, saying why, and the deployed code keeps running.
        const QJsonObject update{{QStringLiteral("ZipFile"), QString::fromLatin1(codeZip(2))}};
        const QByteArray updateBody = QJsonDocument(update).toJson(QJsonDocument::Compact);
        r = client.call("PUT", QStringLiteral("/2015-03-31/functions/chatty/code"), updateBody);
        QVERIFY2(r.status >= 400, r.body.constData());
        QVERIFY2(r.json().value(QStringLiteral("Message")).toString().contains(QStringLiteral("No space left on device")),
                 r.body.constData());
        qInfo("deploy on a full disk: HTTP %d %s", r.status, r.body.constData());
        engine::InvokeResult during = service->engine()->invokeAndWait(request(2));
        QCOMPARE(during.record.status, InvocationStatus::Success);
        QCOMPARE(QJsonDocument::fromJson(during.response).object().value(QStringLiteral("generation")).toInt(), 1);

        // The writer cannot commit: it says so, and invocations are still answered.
        const qint64 committedBefore = writer->stats().committedRecords;
        Status flushed;
        for (int i = 0; i < 40 && flushed.ok(); ++i) {
            const engine::InvokeResult busy = service->engine()->invokeAndWait(request(100 + i, 64));
            QCOMPARE(busy.record.status, InvocationStatus::Success);
            QCOMPARE(QJsonDocument::fromJson(busy.response).object().value(QStringLiteral("n")).toInt(), 100 + i);
            flushed = writer->flush();
        }
        QVERIFY2(!flushed.ok(), "the store kept accepting writes on a full disk");
        QVERIFY2(flushed.error().message.contains(QStringLiteral("database or disk is full")), qPrintable(flushed.error().toString()));
        QVERIFY(writer->stats().lastError.contains(QStringLiteral("database or disk is full")));
        QVERIFY(writer->stats().droppedRecords > 0); // what could not be kept is counted
        const qint64 committedWhileFull = writer->stats().committedRecords;
        qInfo("writer on a full disk: %s (%lld records committed before, %lld after filling)",
              qPrintable(flushed.error().toString()), committedBefore, committedWhileFull);

        // Space returns: records are written again, and so is the next deploy.
        QVERIFY(QFile::remove(filler));
        const engine::InvokeResult after = service->engine()->invokeAndWait(request(3));
        QCOMPARE(after.record.status, InvocationStatus::Success);
        QVERIFY2(writer->flush().ok(), qPrintable(writer->stats().lastError));
        QVERIFY(writer->stats().committedRecords > committedWhileFull);
        {
            auto conn = store::Connection::open(dataDir.database(), {.readOnly = true, .migrate = false});
            QVERIFY2(conn, qPrintable(describe(conn)));
            for (const QString &id : {first.record.requestId, after.record.requestId}) {
                const auto record = store::invocationByRequestId(*conn, id);
                QVERIFY2(record && record->has_value(), qPrintable(id));
                QCOMPARE((*record)->status, InvocationStatus::Success);
            }
        }
        r = client.call("PUT", QStringLiteral("/2015-03-31/functions/chatty/code"), updateBody);
        QVERIFY2(r.status == 200, r.body.constData());
        const engine::InvokeResult deployed = service->engine()->invokeAndWait(request(4));
        QCOMPARE(QJsonDocument::fromJson(deployed.response).object().value(QStringLiteral("generation")).toInt(), 2);

        service.reset();
        QCOMPARE(integrityCheck(dataDir.database()), QStringLiteral("ok"));
        const QStringList problems = gitConsistencyProblems(dataDir.functionRepo(QStringLiteral("chatty")));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));
    }

    void cleanupTestCase()
    {
        if (m_mounted)
            QCOMPARE(::umount2(QFile::encodeName(m_mount).constData(), MNT_DETACH), 0);
    }
};

QTEST_GUILESS_MAIN(TestDiskFull)
#include "tst_diskfull.moc"
