#pragma once
// Fires schedule triggers (rate(...) / cron(...) as EventBridge writes them): each enabled
// schedule of a function's $LATEST gets an asynchronous invocation with EventBridge's
// "Scheduled Event" payload at every next fire time (core/common/schedule.h). Missed fire
// times (the app was closed, the machine slept) are not replayed: one fire, then the next
// time after now.
//
// EventBridge invokes Lambda asynchronously, so the Service's sink is the AsyncDispatcher:
// the event is written to SQLite first and runs with the function's async config (retries
// on function errors, maximum event age, destinations, the dead-letter list). The
// invocations carry TriggerKind::Schedule.
//
// Threading: lives on the API thread with the FunctionCatalog and the AsyncDispatcher.

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>

namespace funcdesk::api {

class FunctionCatalog;
struct AsyncInvocation;

class ScheduleRunner : public QObject
{
    Q_OBJECT
public:
    using Sink = std::function<void(const AsyncInvocation &)>;

    ScheduleRunner(FunctionCatalog *catalog, Sink sink, QObject *parent = nullptr);

    // Re-reads every function's schedules (call after functions changed) and arms the timer.
    void reload(const QDateTime &now = QDateTime::currentDateTimeUtc());
    // Fires everything due at `now` and re-arms. Returns how many invocations were sent.
    int fireDue(const QDateTime &now = QDateTime::currentDateTimeUtc());
    // Next fire time of one schedule (function, index among its schedule triggers).
    QDateTime nextFire(const QString &function, int index) const;
    int scheduleCount() const { return int(m_entries.size()); }
    void stop(); // forgets every schedule

    static QByteArray scheduledEvent(const QString &function, int index, const QDateTime &time);

private:
    struct Entry
    {
        QString function;
        int index = 0;
        QString expression;
        QDateTime next;
    };
    void arm();

    FunctionCatalog *m_catalog;
    Sink m_sink;
    QList<Entry> m_entries;
    QTimer m_timer;
};

} // namespace funcdesk::api
