// Schedule expressions (common/schedule.h), as a manifest's triggers.schedules or the GUI
// hand them over: parse, then ask the next fire times and the description of what parsed.
// Invariants: fire times strictly increase, cron ones fall on whole minutes.
#include "common/schedule.h"
#include "fuzzsupport.h"

#include <QTimeZone>

using namespace funcdesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::init();
    const QString expression = QString::fromUtf8(fuzz::bytes(data, size));
    const Result<Schedule> s = parseSchedule(expression);
    if (!s.ok()) {
        if (s.error().message.isEmpty())
            fuzz::fail("schedule error without a message", expression.toUtf8());
        return 0;
    }
    (void)describeSchedule(*s);
    // Fixed starting points (deterministic): a leap day, the turn of a year, the edge of the range.
    static const QDateTime starts[] = {
        QDateTime(QDate(2024, 2, 28), QTime(23, 59, 30), QTimeZone::utc()),
        QDateTime(QDate(2025, 12, 31), QTime(23, 59), QTimeZone::utc()),
        QDateTime(QDate(2199, 12, 31), QTime(23, 0), QTimeZone::utc()),
    };
    for (const QDateTime &start : starts) {
        QDateTime t = start;
        for (int i = 0; i < 4; ++i) {
            const QDateTime next = nextFireTime(*s, t);
            if (!next.isValid())
                break;
            if (next <= t)
                fuzz::fail("nextFireTime did not move forward", expression.toUtf8());
            if (s->kind == Schedule::Kind::Cron && next.time().second() != 0)
                fuzz::fail("cron fire time not on a whole minute", expression.toUtf8());
            t = next;
        }
    }
    return 0;
}
