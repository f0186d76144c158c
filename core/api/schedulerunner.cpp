#include "schedulerunner.h"

#include "api/apiserver.h"
#include "api/functioncatalog.h"
#include "common/ids.h"
#include "common/logging.h"
#include "common/schedule.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace funcdesk::api {

ScheduleRunner::ScheduleRunner(FunctionCatalog *catalog, Sink sink, QObject *parent)
    : QObject(parent), m_catalog(catalog), m_sink(std::move(sink)), m_timer(this)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] { fireDue(); });
}

void ScheduleRunner::reload(const QDateTime &now)
{
    QList<Entry> entries;
    const QStringList names = m_catalog->names();
    for (const QString &name : names) {
        const FunctionConfig cfg = m_catalog->latest(name);
        int index = 0;
        for (const Trigger &t : cfg.triggers) {
            if (t.kind != Trigger::Kind::Schedule)
                continue;
            const int i = index++;
            if (!t.enabled)
                continue;
            const Result<Schedule> s = parseSchedule(t.expression);
            if (!s.ok()) {
                qCWarning(lcApi) << "schedule of" << name << "ignored:" << s.error().toString();
                continue;
            }
            // Keep the pending fire time of an unchanged schedule.
            QDateTime next;
            for (const Entry &old : std::as_const(m_entries)) {
                if (old.function == name && old.index == i && old.expression == t.expression)
                    next = old.next;
            }
            if (!next.isValid())
                next = nextFireTime(*s, now);
            if (next.isValid())
                entries.append(Entry{name, i, t.expression, next});
        }
    }
    m_entries = entries;
    arm();
}

int ScheduleRunner::fireDue(const QDateTime &now)
{
    int fired = 0;
    for (Entry &e : m_entries) {
        if (!e.next.isValid() || e.next > now)
            continue;
        m_sink(AsyncInvocation{newRequestId(), e.function, QStringLiteral("$LATEST"), scheduledEvent(e.function, e.index, e.next),
                               TriggerKind::Schedule});
        ++fired;
        const Result<Schedule> s = parseSchedule(e.expression);
        // Missed fire times (the app was closed) are not replayed: the next one is after now.
        e.next = s.ok() ? nextFireTime(*s, now) : QDateTime();
    }
    arm();
    return fired;
}

void ScheduleRunner::stop()
{
    m_entries.clear();
    m_timer.stop();
}

QDateTime ScheduleRunner::nextFire(const QString &function, int index) const
{
    for (const Entry &e : m_entries) {
        if (e.function == function && e.index == index)
            return e.next;
    }
    return {};
}

void ScheduleRunner::arm()
{
    QDateTime earliest;
    for (const Entry &e : std::as_const(m_entries)) {
        if (e.next.isValid() && (!earliest.isValid() || e.next < earliest))
            earliest = e.next;
    }
    if (!earliest.isValid()) {
        m_timer.stop();
        return;
    }
    const qint64 wait = qMax<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(earliest));
    m_timer.start(int(qMin<qint64>(wait, 60'000))); // re-checks at least every minute (clock changes)
}

QByteArray ScheduleRunner::scheduledEvent(const QString &function, int index, const QDateTime &time)
{
    const QString rule = QStringLiteral("arn:aws:events:") + QLatin1String(kRegion) + QLatin1Char(':') + QLatin1String(kAccountId)
        + QStringLiteral(":rule/") + function + QStringLiteral("-schedule-") + QString::number(index);
    const QJsonObject event{
        {QStringLiteral("version"), QStringLiteral("0")},
        {QStringLiteral("id"), newRequestId()},
        {QStringLiteral("detail-type"), QStringLiteral("Scheduled Event")},
        {QStringLiteral("source"), QStringLiteral("aws.events")},
        {QStringLiteral("account"), QLatin1String(kAccountId)},
        {QStringLiteral("time"), time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"))},
        {QStringLiteral("region"), QLatin1String(kRegion)},
        {QStringLiteral("resources"), QJsonArray{rule}},
        {QStringLiteral("detail"), QJsonObject()},
    };
    return QJsonDocument(event).toJson(QJsonDocument::Compact);
}

} // namespace funcdesk::api
