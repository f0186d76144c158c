#include "lab/labops.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QSet>
#include <QThread>
#include <QWaitCondition>

namespace funcdesk::lab {

engine::InvokeResult invokeOnce(engine::Engine *engine, const QString &function, const QByteArray &payload,
                                const QString &version)
{
    engine::InvokeRequest r;
    r.function = function;
    r.version = version;
    r.payload = payload;
    r.trigger = TriggerKind::Manual;
    return engine->invokeAndWait(std::move(r));
}

QList<engine::InvokeResult> invokeTogether(engine::Engine *engine, const QString &function, int count,
                                           const QByteArray &payload, const QString &version)
{
    QMutex mutex;
    QWaitCondition allDone;
    QList<engine::InvokeResult> results;
    for (int i = 0; i < count; ++i) {
        engine::InvokeRequest r;
        r.function = function;
        r.version = version;
        r.payload = payload;
        r.trigger = TriggerKind::LoadGenerator;
        // `done` runs on the engine thread; this thread waits below until all are in.
        engine->invoke(std::move(r), [&](engine::InvokeResult result) {
            QMutexLocker lock(&mutex);
            results.append(std::move(result));
            if (results.size() == count)
                allDone.wakeAll();
        });
    }
    QMutexLocker lock(&mutex);
    while (results.size() < count)
        allDone.wait(&mutex);
    return results;
}

bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QThread::msleep(20);
    }
    return true;
}

QList<engine::EnvironmentInfo> environmentsOf(engine::Engine *engine, const QString &function)
{
    QList<engine::EnvironmentInfo> out;
    const QList<engine::EnvironmentInfo> all = engine->environments();
    for (const engine::EnvironmentInfo &e : all) {
        if (e.function == function && e.state != engine::EnvironmentState::Retired)
            out.append(e);
    }
    return out;
}

int countCold(const QList<engine::InvokeResult> &results)
{
    return int(std::count_if(results.cbegin(), results.cend(), [](const engine::InvokeResult &r) { return r.record.cold; }));
}

int countStatus(const QList<engine::InvokeResult> &results, InvocationStatus status)
{
    return int(std::count_if(results.cbegin(), results.cend(),
                             [status](const engine::InvokeResult &r) { return r.record.status == status; }));
}

int countEnvironments(const QList<engine::InvokeResult> &results)
{
    QSet<QString> ids;
    for (const engine::InvokeResult &r : results) {
        if (!r.record.environmentId.isEmpty())
            ids.insert(r.record.environmentId);
    }
    return int(ids.size());
}

} // namespace funcdesk::lab
