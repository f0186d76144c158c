// Studio: experiments for the Learn page. They run on the lab pool's one thread with a
// ServiceLabHost over the Studio's Service; progress and results come back by value.
#include "studio.h"
#include "studio_p.h"

#include "lab/servicelabhost.h"
#include "store/sqlite.h"
#include "ui/async.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QRandomGenerator>

namespace funcdesk::ui {

namespace {

// A progress callback for the lab thread that reaches `receiver` on the GUI thread.
std::function<void(const QString &)> progressTo(QObject *receiver, std::function<void(QString)> progress)
{
    QPointer<QObject> guard(receiver);
    return [guard, progress = std::move(progress)](const QString &step) {
        if (!progress)
            return;
        QMetaObject::invokeMethod(
            guard.data(), [guard, progress, step] { if (guard) progress(step); }, Qt::QueuedConnection);
    };
}

} // namespace

// Runs `experiment(host)` on the lab thread with a host over the Service that reports
// progress to `receiver` and stops when cancelExperiment() is called; `done` gets the
// result on the GUI thread while `receiver` lives.
struct Lab
{
    QThreadPool *pool;
    std::atomic<bool> *cancel;
    api::Service *service;
};

template<typename Experiment, typename Done>
void runOnLab(Lab lab, QObject *receiver, std::function<void(QString)> progress, Experiment experiment, Done done)
{
    *lab.cancel = false;
    api::Service *service = lab.service;
    const std::atomic<bool> *cancel = lab.cancel;
    auto report = progressTo(receiver, std::move(progress));
    runAsync(
        lab.pool, receiver,
        [service, cancel, report, experiment = std::move(experiment)] {
            lab::ServiceLabHost host(service, report, cancel);
            return experiment(host);
        },
        std::move(done));
}

void Studio::runScenario(const QString &id, QObject *receiver, std::function<void(QString)> progress,
                         std::function<void(lab::ScenarioResult)> done)
{
    runOnLab(
        Lab{&d->labPool, &d->labCancel, d->service.get()}, receiver, std::move(progress), [id](lab::LabHost &host) { return lab::runScenario(id, host); },
        std::move(done));
}

void Studio::resetScenarios(QObject *receiver, std::function<void(QString)> progress, Callback<bool> done)
{
    runOnLab(
        Lab{&d->labPool, &d->labCancel, d->service.get()}, receiver, std::move(progress),
        [](lab::LabHost &host) -> Result<bool> {
            if (Status s = lab::resetScenarios(host); !s)
                return s.error();
            return true;
        },
        std::move(done));
}

void Studio::runPowerTuning(const lab::TuningOptions &options, QObject *receiver, std::function<void(QString)> progress,
                            Callback<lab::TuningResult> done)
{
    runOnLab(
        Lab{&d->labPool, &d->labCancel, d->service.get()}, receiver, std::move(progress), [options](lab::LabHost &host) { return lab::runPowerTuning(host, options); },
        std::move(done));
}

void Studio::runReplay(const lab::ReplayOptions &options, QObject *receiver, std::function<void(QString)> progress,
                       Callback<lab::ReplayResult> done)
{
    runOnLab(
        Lab{&d->labPool, &d->labCancel, d->service.get()}, receiver, std::move(progress),
        [options](lab::LabHost &host) { return lab::runReplay(host, options); }, std::move(done));
}

void Studio::cancelExperiment()
{
    d->labCancel = true;
}

void Studio::experiments(qint64 fromMs, qint64 toMs, const QString &function, QObject *receiver,
                         Callback<QList<store::Experiment>> done)
{
    const QString path = d->dataDir.database();
    runAsync(
        &d->storePool, receiver,
        [path, fromMs, toMs, function]() -> Result<QList<store::Experiment>> {
            store::OpenOptions readOnly;
            readOnly.readOnly = true;
            auto conn = store::threadConnection(path, readOnly);
            if (!conn)
                return conn.error();
            return store::experiments(**conn, fromMs, toMs, function);
        },
        std::move(done));
}

bool Studio::takeFirstStart()
{
    const QString marker = d->dataDir.root + QStringLiteral("/tour-offered");
    if (!d->firstStart || QFileInfo::exists(marker))
        return false;
    QFile(marker).open(QIODevice::WriteOnly); // once per data dir, even if the tour is closed at once
    return true;
}

QString Studio::cpuScalingMethod() const
{
    return engine::Engine::cpuScalingMethod();
}

lab::LoadRunner *Studio::createLoadRunner(QObject *parent)
{
    return new lab::LoadRunner(d->service->engine(), parent);
}

void Studio::resolveQualifier(const QString &function, const QString &qualifier, QObject *receiver,
                              Callback<ResolvedQualifier> done)
{
    VersionStore *versions = d->versions.get();
    runAsync(
        &d->gitPool, receiver,
        [versions, function, qualifier] {
            return versions->resolveQualifier(function, qualifier, QRandomGenerator::global()->generateDouble());
        },
        std::move(done));
}

// Experiment rows: two short writes on the store pool (each thread has its own write
// connection besides its read-only one), never queued behind a running scenario.
void Studio::beginExperiment(const store::Experiment &experiment, QObject *receiver, Callback<qint64> done)
{
    const QString path = d->dataDir.database();
    runAsync(
        &d->storePool, receiver,
        [path, experiment]() -> Result<qint64> {
            auto conn = store::threadConnection(path);
            if (!conn)
                return conn.error();
            return store::beginExperiment(**conn, experiment);
        },
        std::move(done));
}

void Studio::finishExperiment(qint64 id, const QJsonObject &summary)
{
    const QString path = d->dataDir.database();
    QThreadPool *pool = &d->storePool;
    pool->start([path, id, summary] {
        if (auto conn = store::threadConnection(path))
            (void)store::finishExperiment(**conn, id, QDateTime::currentMSecsSinceEpoch(), summary);
    });
}

} // namespace funcdesk::ui
