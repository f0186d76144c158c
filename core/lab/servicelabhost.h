#pragma once
// LabHost over a running api::Service: functions are created and deployed with a
// VersionStore on the Service's data dir and registered through the Service (as any
// deploy from the GUI or the API is), invocations go to the Service's engine, and
// experiments are rows in the data dir's database.
//
// Threading: construct anywhere; call the LabHost methods on one worker thread while the
// Service's thread runs its event loop (refreshes are posted to it). `progress` is called
// on the worker thread.

#include "common/datadir.h"
#include "lab/labhost.h"

#include <QMetaObject>

#include <atomic>
#include <functional>
#include <memory>

namespace funcdesk::api {
class Service;
}

namespace funcdesk::lab {

class ServiceLabHost final : public LabHost
{
public:
    ServiceLabHost(api::Service *service, std::function<void(const QString &)> progress = {},
                   const std::atomic<bool> *cancel = nullptr);

    Result<FunctionConfig> deployFunction(const FunctionSpec &spec) override;
    ~ServiceLabHost() override;

    Status deleteFunction(const QString &name) override;
    QStringList functionNames() override;
    Status deployFiles(const QString &name, const QMap<QString, QByteArray> &files) override;
    Result<int> publish(const QString &name, const QString &description) override;
    Status setAlias(const QString &name, const AliasConfig &alias) override;
    engine::InvokeResult invokeQualified(const QString &name, const QString &qualifier, const QByteArray &payload,
                                         TriggerKind trigger = TriggerKind::Manual) override;
    Result<QString> invokeAsync(const QString &name, const QByteArray &payload) override;
    void setAsyncRetryDelays(const QString &name, const QList<int> &delaysMs) override;
    Result<QList<InvocationRecord>> invocations(const QString &name, qint64 fromMs, qint64 toMs) override;
    Result<QList<store::AsyncEvent>> deadLetters(const QString &name) override;
    Result<QList<store::Capture>> captures(const QString &name, qint64 fromMs, qint64 toMs,
                                           const QStringList &requestIds = {}) override;
    Result<store::Experiment> experiment(qint64 id) override;
    QString apiEndpoint() const override;
    engine::Engine *engine() override;
    Result<qint64> beginExperiment(const store::Experiment &experiment) override;
    Status finishExperiment(qint64 id, const QJsonObject &summary) override;
    void progress(const QString &step) override;
    bool cancelled() const override;

private:
    void refresh(const QString &name);
    // Refreshes and waits until the Service has taken the change (its functionChanged).
    bool refreshAndWait(const QString &name);
    bool waitForLatest(const QString &name);
    bool engineRuns(const QString &name, const std::function<bool(const FunctionConfig &)> &matches);

    api::Service *m_service;
    DataDir m_dataDir;
    std::function<void(const QString &)> m_progress;
    const std::atomic<bool> *m_cancel;
    std::shared_ptr<std::atomic<int>> m_changes = std::make_shared<std::atomic<int>>(0); // functionChanged count
    QMetaObject::Connection m_changed;
};

} // namespace funcdesk::lab
