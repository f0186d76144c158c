// Studio's alarm calls: store reads and writes on the store pool, results back by value.

#include "studio_p.h"

#include "store/sqlite.h"
#include "ui/async.h"

#include <QDateTime>
#include <QPointer>

namespace funcdesk::ui {

namespace {
template<typename T, typename Query>
void alarmQuery(QThreadPool *pool, const QString &db, QObject *receiver, Query query, Studio::Callback<T> done,
                bool readOnly)
{
    runAsync(
        pool, receiver,
        [db, query, readOnly]() -> Result<T> {
            store::OpenOptions options;
            options.readOnly = readOnly;
            auto conn = store::threadConnection(db, options);
            if (!conn.ok())
                return conn.error();
            return query(**conn);
        },
        std::move(done));
}
} // namespace

void Studio::alarms(QObject *receiver, Callback<QList<store::AlarmRow>> done)
{
    alarmQuery<QList<store::AlarmRow>>(
        &d->storePool, d->dataDir.database(), receiver, [](store::Connection &c) { return store::listAlarms(c); },
        std::move(done), true);
}

void Studio::alarmHistory(const store::AlarmHistoryQuery &query, QObject *receiver,
                          Callback<QList<store::AlarmHistoryRow>> done)
{
    alarmQuery<QList<store::AlarmHistoryRow>>(
        &d->storePool, d->dataDir.database(), receiver,
        [query](store::Connection &c) { return store::alarmHistory(c, query); }, std::move(done), true);
}

void Studio::putAlarm(const metrics::AlarmRule &rule, QObject *receiver, Callback<bool> done)
{
    if (Status s = metrics::validateAlarmRule(rule); !s) {
        QMetaObject::invokeMethod(
            receiver, [done, s] { done(s.error()); }, Qt::QueuedConnection);
        return;
    }
    QPointer<Studio> self(this);
    alarmQuery<bool>(
        &d->storePool, d->dataDir.database(), receiver,
        [rule](store::Connection &c) -> Result<bool> {
            store::AlarmRow row;
            row.name = rule.name;
            row.function = rule.function;
            row.metric = rule.metric;
            row.rule = metrics::alarmRuleToJson(rule);
            if (Status s = store::putAlarm(c, row, QDateTime::currentMSecsSinceEpoch()); !s)
                return s.error();
            return true;
        },
        Callback<bool>([self, done](Result<bool> r) {
            if (r.ok() && self)
                self->d->service->evaluateAlarms(QDateTime::currentMSecsSinceEpoch());
            done(std::move(r));
        }),
        false);
}

void Studio::deleteAlarm(const QString &name, QObject *receiver, Callback<bool> done)
{
    alarmQuery<bool>(
        &d->storePool, d->dataDir.database(), receiver,
        [name](store::Connection &c) -> Result<bool> {
            if (Status s = store::deleteAlarm(c, name, QDateTime::currentMSecsSinceEpoch()); !s)
                return s.error();
            return true;
        },
        std::move(done), false);
}

} // namespace funcdesk::ui

namespace funcdesk::ui {

void Studio::changeEvents(const QString &function, qint64 fromMs, qint64 toMs, QObject *receiver,
                          Callback<QList<ChangeEvent>> done)
{
    VersionStore *versions = d->versions.get();
    const QString db = d->dataDir.database();
    runAsync(
        &d->gitPool, receiver,
        [=]() -> Result<QList<ChangeEvent>> {
            QList<ChangeEvent> out;
            const QStringList functions = function.isEmpty() ? versions->functionNames() : QStringList{function};
            const bool named = function.isEmpty();
            for (const QString &f : functions) {
                const QString prefix = named ? f + QLatin1Char(' ') : QString();
                if (auto deploys = versions->history(f, 200)) {
                    for (const DeployInfo &d : *deploys) {
                        const qint64 ms = d.time.toMSecsSinceEpoch();
                        if (ms < fromMs || ms > toMs)
                            continue;
                        out.append(ChangeEvent{ChangeEvent::Kind::Deploy, ms, f, prefix + QStringLiteral("deploy ") + d.commitId.left(7),
                                               QStringLiteral("Deployed %1%2: %3").arg(prefix, d.commitId.left(12), d.message.trimmed()), {}});
                    }
                }
                if (auto published = versions->versions(f)) {
                    for (const VersionInfo &v : *published) {
                        const qint64 ms = v.created.toMSecsSinceEpoch();
                        if (ms < fromMs || ms > toMs)
                            continue;
                        out.append(ChangeEvent{ChangeEvent::Kind::Publish, ms, f, prefix + QStringLiteral("v%1").arg(v.number),
                                               QStringLiteral("Published %1version %2 from commit %3%4")
                                                   .arg(prefix)
                                                   .arg(v.number)
                                                   .arg(v.commitId.left(12),
                                                        v.description.isEmpty() ? QString() : QStringLiteral(": ") + v.description),
                                               {}});
                    }
                }
            }
            store::OpenOptions ro;
            ro.readOnly = true;
            auto conn = store::threadConnection(db, ro);
            if (!conn)
                return conn.error();
            auto alarms = store::listAlarms(**conn);
            if (!alarms)
                return alarms.error();
            QHash<QString, QString> functionOf;
            for (const store::AlarmRow &a : *alarms)
                functionOf.insert(a.name, a.function);
            store::AlarmHistoryQuery q;
            q.type = QStringLiteral("StateUpdate");
            q.fromMs = fromMs;
            q.toMs = toMs + 1;
            q.limit = 500;
            auto history = store::alarmHistory(**conn, q);
            if (!history)
                return history.error();
            for (const store::AlarmHistoryRow &h : *history) {
                if (!function.isEmpty()) {
                    const auto it = functionOf.constFind(h.alarm);
                    if (it == functionOf.cend() || !(it->isEmpty() || *it == function))
                        continue;
                }
                out.append(ChangeEvent{ChangeEvent::Kind::AlarmState, h.timestampMs, functionOf.value(h.alarm), h.alarm,
                                       QStringLiteral("%1: %2\n%3").arg(h.alarm, h.summary, h.reason), h.newState});
            }
            std::sort(out.begin(), out.end(), [](const ChangeEvent &a, const ChangeEvent &b) { return a.ms < b.ms; });
            return out;
        },
        std::move(done));
}

} // namespace funcdesk::ui
