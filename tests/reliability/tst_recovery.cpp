// `funcdesk serve` killed with SIGKILL under load, then started again on the same data
// dir. Under load: Event invocations (each answered 202), synchronous invocations and
// deploys (UpdateFunctionCode, some publishing a version) in flight. After the restart:
//   - PRAGMA integrity_check is ok on the store;
//   - every event answered 202 ran (its invocation record exists), or runs after the
//     restart; only the last flush interval's records may be missing, of events the
//     queue had already marked done;
//   - every function's git repository passes a full read (storechecks.h), $LATEST runs
//     the deployed (HEAD) commit, no deploy answered 200 is lost, and the next deploy works;
//   - of the synchronous invocations the client saw answered, only those answered within
//     the writer's last flush interval (200 ms) plus a margin before the kill may lack
//     their record;
//   - no execution environment outlived the killed engine.

#include "serveprocess.h"
#include "storechecks.h"

#include "store/asyncevents.h"
#include "store/queries.h"
#include "store/sqlite.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>

using namespace reliability;

namespace {

// The writer's flushIntervalMs in `funcdesk serve` (store::WriterOptions' default), and
// what a batch in progress at the kill may add to it.
constexpr qint64 kFlushIntervalMs = 200;
constexpr qint64 kFlushMarginMs = 300;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QByteArray manifest(const QByteArray &extra = {})
{
    return QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\",\"memorySize\":128,\"timeout\":10") + extra + '}';
}

QByteArray generationSource(int generation)
{
    return QByteArrayLiteral("GENERATION = ") + QByteArray::number(generation)
        + QByteArrayLiteral("\ndef handler(event, context):\n    return {'generation': GENERATION}\n");
}

QByteArray createBody(const QString &name, const QMap<QString, QByteArray> &files)
{
    const QJsonObject body{{QStringLiteral("FunctionName"), name},
                           {QStringLiteral("Runtime"), QStringLiteral("python3.12")},
                           {QStringLiteral("Code"), QJsonObject{{QStringLiteral("ZipFile"), QString::fromLatin1(zipBase64(files))}}}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray deployBody(int generation, bool publish)
{
    const QMap<QString, QByteArray> files{{QStringLiteral("app.py"), generationSource(generation)},
                                          {QStringLiteral("function.json"), manifest()}};
    const QJsonObject body{{QStringLiteral("ZipFile"), QString::fromLatin1(zipBase64(files))}, {QStringLiteral("Publish"), publish}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

const QList<QPair<QByteArray, QByteArray>> kEvent{{QByteArrayLiteral("X-Amz-Invocation-Type"), QByteArrayLiteral("Event")}};

QString invocationsPath(const QString &function)
{
    return QStringLiteral("/2015-03-31/functions/") + function + QStringLiteral("/invocations");
}

// The generation of app.py in the HEAD commit of a function's repository (-1: unreadable).
int headGeneration(const QString &repoPath)
{
    git_libgit2_init();
    int generation = -1;
    git_repository *repo = nullptr;
    if (git_repository_open(&repo, QFile::encodeName(repoPath).constData()) == 0) {
        git_object *blob = nullptr;
        if (git_revparse_single(&blob, repo, "HEAD:app.py") == 0) {
            const QByteArray source(static_cast<const char *>(git_blob_rawcontent(reinterpret_cast<git_blob *>(blob))),
                                    qsizetype(git_blob_rawsize(reinterpret_cast<git_blob *>(blob))));
            const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("^GENERATION = (\\d+)")).match(QString::fromUtf8(source));
            if (m.hasMatch())
                generation = m.captured(1).toInt();
            git_object_free(blob);
        }
        git_repository_free(repo);
    }
    git_libgit2_shutdown();
    return generation;
}

// Processes whose working directory is inside `dir` (an environment runs in its code dir).
QStringList processesWorkingIn(const QString &dir)
{
    QStringList out;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &e : entries) {
        bool isPid = false;
        e.toInt(&isPid);
        if (!isPid)
            continue;
        const QString cwd = QFile::symLinkTarget(QStringLiteral("/proc/") + e + QStringLiteral("/cwd"));
        if (cwd.startsWith(dir + QLatin1Char('/')))
            out << e + QLatin1Char(' ') + cwd;
    }
    return out;
}

// A result's error text, or nothing when it succeeded (QVERIFY2 evaluates its message).
template<typename T>
QString describe(const funcdesk::Result<T> &r)
{
    return r ? QString() : r.error().toString();
}

struct Answered
{
    QString requestId;
    qint64 answeredMs = 0;
};

} // namespace

class TestRecovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(kFuncdeskBinary), qPrintable(kFuncdeskBinary)); }

    void killedUnderLoadRecovers()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString data = QDir(tmp.path()).canonicalPath() + QStringLiteral("/data");
        const funcdesk::DataDir dataDir{data};

        auto serve = std::make_unique<ServeProcess>(data);
        QVERIFY2(serve->start(), serve->standardError().constData());
        auto api = std::make_unique<ApiClient>(serve->endpoint(), serve->token());

        // work: answers synchronous calls; events: takes a while, so events queue up;
        // deployed: its code changes with every deploy.
        const QMap<QString, QByteArray> work{{QStringLiteral("app.py"), "def handler(event, context):\n    return {'n': event.get('n')}\n"},
                                             {QStringLiteral("function.json"), manifest()}};
        const QMap<QString, QByteArray> events{{QStringLiteral("app.py"), "import time\ndef handler(event, context):\n    time.sleep(0.1)\n    return event\n"},
                                               {QStringLiteral("function.json"), manifest()}};
        const QMap<QString, QByteArray> deployed{{QStringLiteral("app.py"), generationSource(0)},
                                                 {QStringLiteral("function.json"), manifest()}};
        for (const auto &[name, files] : {std::pair{QStringLiteral("work"), work}, std::pair{QStringLiteral("events"), events},
                                          std::pair{QStringLiteral("deployed"), deployed}}) {
            const Reply r = api->call("POST", QStringLiteral("/2015-03-31/functions"), createBody(name, files));
            QVERIFY2(r.status == 201, r.body.constData());
        }
        QCOMPARE(api->call("POST", invocationsPath(QStringLiteral("work")), "{\"n\":0}").json().value(QStringLiteral("n")).toInt(), 0);

        // Deploy bodies made ahead: zipping is not what is measured.
        const int generations = 200;
        QList<QByteArray> deployBodies{QByteArray()};
        for (int g = 1; g <= generations; ++g)
            deployBodies << deployBody(g, g % 3 == 0);

        QList<Answered> syncAnswered;
        QStringList eventsAccepted;
        int lastDeployed = 0; // highest generation answered 200
        int deploysSent = 0;
        int deploysInFlight = 0;
        int syncInFlight = 0;
        int n = 0;
        auto sendSync = [&] {
            ++syncInFlight;
            api->send("POST", invocationsPath(QStringLiteral("work")), "{\"n\":" + QByteArray::number(++n) + '}', {},
                      [&syncAnswered, &syncInFlight](const Reply &r) {
                          --syncInFlight;
                          if (r.status == 200)
                              syncAnswered.append({QString::fromLatin1(r.requestId), nowMs()});
                      });
        };
        auto sendEvent = [&] {
            api->send("POST", invocationsPath(QStringLiteral("events")), "{\"e\":" + QByteArray::number(++n) + '}', kEvent,
                      [&eventsAccepted](const Reply &r) {
                          if (r.status == 202)
                              eventsAccepted << QString::fromLatin1(r.requestId);
                      });
        };
        auto sendDeploy = [&] {
            if (deploysSent >= generations)
                return;
            const int g = ++deploysSent;
            ++deploysInFlight;
            api->send("PUT", QStringLiteral("/2015-03-31/functions/deployed/code"), deployBodies.at(g), {},
                      [&lastDeployed, &deploysInFlight, g](const Reply &r) {
                          --deploysInFlight;
                          if (r.status == 200)
                              lastDeployed = std::max(lastDeployed, g);
                      });
        };

        // Steady load: synchronous calls kept 3 deep, an event every tick, a deploy in
        // flight most of the time.
        QTimer tick;
        tick.setInterval(10);
        connect(&tick, &QTimer::timeout, this, [&] {
            while (syncInFlight < 3)
                sendSync();
            sendEvent();
            if (deploysInFlight == 0)
                sendDeploy();
        });
        tick.start();
        // At least 1.5 s of it, and enough answered to judge the recovery by (a loaded
        // machine, or sandboxed cold starts after each deploy, take longer to get there).
        QTest::qWait(1500);
        QTRY_VERIFY_WITH_TIMEOUT(syncAnswered.size() > 50 && lastDeployed >= 3, 30000);
        // A burst of events the dispatcher cannot have finished, and a deploy, then the kill
        // while they (and the steady load) are in flight.
        const int acceptedBeforeBurst = int(eventsAccepted.size());
        sendDeploy();
        for (int i = 0; i < 60; ++i)
            sendEvent();
        QTRY_VERIFY_WITH_TIMEOUT(eventsAccepted.size() >= acceptedBeforeBurst + 40, 20000);
        tick.stop();
        const qint64 killMs = nowMs();
        serve->process().kill(); // SIGKILL
        QVERIFY(serve->process().waitForFinished(30000));
        QCOMPARE(serve->process().exitStatus(), QProcess::CrashExit);
        const QList<Answered> answeredBeforeKill = syncAnswered;
        const QStringList accepted = eventsAccepted;
        const int deployedBeforeKill = lastDeployed;
        const int deploysSentBeforeKill = deploysSent;
        api.reset();
        serve.reset();
        qInfo("before the kill: %d synchronous answers, %d events accepted, %d deploys answered of %d sent",
              int(answeredBeforeKill.size()), int(accepted.size()), deployedBeforeKill, deploysSentBeforeKill);
        QVERIFY(answeredBeforeKill.size() > 50);
        QVERIFY(deployedBeforeKill >= 3);

        // No environment outlived its engine (the kernel kills them with the engine thread).
        QTRY_COMPARE_WITH_TIMEOUT(processesWorkingIn(data), QStringList(), 5000);

        // The database the kill left is sound, and some events were still queued.
        QCOMPARE(integrityCheck(dataDir.database()), QStringLiteral("ok"));
        {
            auto conn = funcdesk::store::Connection::open(dataDir.database(), {.readOnly = true, .migrate = false});
            QVERIFY2(conn, qPrintable(describe(conn)));
            const auto queued = funcdesk::store::listPendingAsyncEvents(*conn);
            QVERIFY(queued);
            QVERIFY2(!queued->isEmpty(), "the kill found no event still queued: the restart path is not exercised");
            qInfo("queued at the kill: %d events", int(queued->size()));
        }

        // Restart on the same data dir.
        serve = std::make_unique<ServeProcess>(data);
        QVERIFY2(serve->start(), serve->standardError().constData());
        api = std::make_unique<ApiClient>(serve->endpoint(), serve->token());
        QCOMPARE(integrityCheck(dataDir.database()), QStringLiteral("ok"));

        auto conn = funcdesk::store::Connection::open(dataDir.database(), {.readOnly = true, .migrate = false});
        QVERIFY2(conn, qPrintable(describe(conn)));
        auto recorded = [&conn](const QString &requestId) {
            const auto r = funcdesk::store::invocationByRequestId(*conn, requestId);
            return r && r->has_value();
        };

        // Every accepted event ran or runs now. One without a record must have been marked
        // done by the queue within the writer's last flush interval before the kill.
        QStringList waiting = accepted;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 60000) {
            waiting.erase(std::remove_if(waiting.begin(), waiting.end(), recorded), waiting.end());
            auto stillQueued = funcdesk::store::listPendingAsyncEvents(*conn);
            QVERIFY(stillQueued);
            if (waiting.isEmpty() || stillQueued->isEmpty())
                break;
            QTest::qWait(200);
        }
        auto statement = conn->prepare("SELECT status, updated_ms FROM async_events WHERE request_id = ?1");
        QVERIFY(statement);
        for (const QString &id : std::as_const(waiting)) {
            statement->reset();
            statement->bind(1, id);
            auto row = statement->step();
            QVERIFY2(row && *row, qPrintable(QStringLiteral("event %1 was answered 202 but is not in the queue").arg(id)));
            const QString status = statement->text(0);
            const qint64 updatedMs = statement->int64(1);
            QVERIFY2(status == QLatin1String("done") && updatedMs >= killMs - kFlushIntervalMs - kFlushMarginMs,
                     qPrintable(QStringLiteral("event %1 has no invocation record (queue status %2, %3 ms before the kill)")
                                    .arg(id, status)
                                    .arg(killMs - updatedMs)));
        }
        qInfo("events without a record (done within the last flush interval): %d", int(waiting.size()));

        // Synchronous invocations: only the last flush interval may be missing.
        int lostInWindow = 0;
        for (const Answered &a : answeredBeforeKill) {
            if (recorded(a.requestId))
                continue;
            QVERIFY2(a.answeredMs >= killMs - kFlushIntervalMs - kFlushMarginMs,
                     qPrintable(QStringLiteral("%1 was answered %2 ms before the kill and has no record").arg(a.requestId).arg(killMs - a.answeredMs)));
            ++lostInWindow;
        }
        qInfo("synchronous invocations answered in the last %lld ms without a record: %d", kFlushIntervalMs + kFlushMarginMs, lostInWindow);

        // Every repository reads in full; no answered deploy is lost; $LATEST runs HEAD.
        const QStringList repos = QDir(dataDir.functions()).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QCOMPARE(repos, (QStringList{QStringLiteral("deployed"), QStringLiteral("events"), QStringLiteral("work")}));
        for (const QString &name : repos) {
            int commits = 0;
            const QStringList problems = gitConsistencyProblems(dataDir.functionRepo(name), &commits);
            QVERIFY2(problems.isEmpty(), qPrintable(name + QStringLiteral(": ") + problems.join(QStringLiteral("; "))));
            QVERIFY(commits >= 1);
        }
        const int head = headGeneration(dataDir.functionRepo(QStringLiteral("deployed")));
        QVERIFY2(head >= deployedBeforeKill && head <= deploysSentBeforeKill,
                 qPrintable(QStringLiteral("HEAD is generation %1; answered %2, sent %3").arg(head).arg(deployedBeforeKill).arg(deploysSentBeforeKill)));
        Reply r = api->call("POST", invocationsPath(QStringLiteral("deployed")), "{}");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("generation")).toInt(), head);

        const int next = deploysSentBeforeKill + 1;
        r = api->call("PUT", QStringLiteral("/2015-03-31/functions/deployed/code"), deployBody(next, true));
        QVERIFY2(r.status == 200, r.body.constData());
        r = api->call("POST", invocationsPath(QStringLiteral("deployed")), "{}");
        QCOMPARE(r.json().value(QStringLiteral("generation")).toInt(), next);

        // It serves, and stops cleanly.
        r = api->call("POST", invocationsPath(QStringLiteral("work")), "{\"n\":7}");
        QCOMPARE(r.json().value(QStringLiteral("n")).toInt(), 7);
        conn = funcdesk::store::Connection(); // before the engine's final checkpoint
        serve->process().terminate();
        QVERIFY(serve->process().waitForFinished(30000));
        QCOMPARE(serve->process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(serve->process().exitCode(), 0);
        QCOMPARE(integrityCheck(dataDir.database()), QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TestRecovery)
#include "tst_recovery.moc"
