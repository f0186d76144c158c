#pragma once
// Schedule expressions as EventBridge writes them:
//   rate(1 minute) / rate(5 minutes) / rate(1 hour) / rate(2 days)
//   cron(Minutes Hours Day-of-month Month Day-of-week Year)
// All times are UTC. Plain value type: parse once on any thread, copy freely, and ask
// nextFireTime() from any thread (it is a pure function).
//
// Cron fields and wildcards (EventBridge's table):
//   Minutes      0-59                , - * /
//   Hours        0-23                , - * /
//   Day-of-month 1-31                , - * ? / L W
//   Month        1-12 or JAN-DEC     , - * /
//   Day-of-week  1-7 or SUN-SAT      , - * ? L #     (1 = SUN ... 7 = SAT)
//   Year         1970-2199           , - * /
// Exactly one of Day-of-month / Day-of-week is `?`. Day-of-month also takes `L` (last day),
// `nW` (weekday nearest day n, never leaving the month) and `LW` (last weekday). Day-of-week
// takes `L` alone (Saturday, the last day of the week), `nL` (last day n of the month) and
// `n#k` (k-th day n of the month; a month without a k-th one is skipped); `#` and `nL` stand
// alone, never in a list. Ranges may wrap (FRI-MON, 22-2).
//
// Rate schedules have no wall-clock phase in EventBridge (they start when the rule is
// created). Here they fire at anchor + k * period; the anchor defaults to the Unix epoch,
// so rate(5 minutes) fires at :00, :05, ... and rate(1 day) at midnight UTC.

#include "common/result.h"

#include <QDateTime>
#include <QString>

#include <bitset>

namespace funcdesk {

struct CronSpec
{
    // Bit i set: value (field minimum + i) allowed. Years are stored as year - 1970.
    std::bitset<60> minutes;
    std::bitset<24> hours;
    std::bitset<32> daysOfMonth; // bit d: day d (1..31)
    std::bitset<13> months;      // bit m: month m (1..12)
    std::bitset<8> daysOfWeek;   // bit d: day d (1 = SUN .. 7 = SAT)
    std::bitset<230> years;      // bit y: year 1970 + y

    bool dayOfMonthAny = false;      // `?` in Day-of-month: Day-of-week decides
    bool dayOfWeekAny = false;       // `?` in Day-of-week: Day-of-month decides
    bool lastDayOfMonth = false;     // L
    bool lastWeekdayOfMonth = false; // LW
    int nearestWeekdayTo = 0;        // nW: 1..31, 0 when unused
    int lastDayOfWeekInMonth = 0;    // nL: 1..7, 0 when unused
    int nthDayOfWeek = 0;            // n#k: n (1..7), 0 when unused
    int nthOccurrence = 0;           // n#k: k (1..5)

    static constexpr int kMinYear = 1970;
    static constexpr int kMaxYear = 2199;
};

struct Schedule
{
    enum class Kind { Rate,
                      Cron };
    Kind kind = Kind::Rate;
    QString expression; // as given, trimmed

    // Rate
    int rateValue = 0;
    QString rateUnit; // "minute(s)", "hour(s)", "day(s)" as written
    qint64 periodSeconds = 0;
    QDateTime anchor; // invalid: the Unix epoch

    // Cron
    CronSpec cron;
};

// Errors have type "ValidationException" and a message naming the field and the problem.
Result<Schedule> parseSchedule(const QString &expression);

// The first fire time strictly after `after` (UTC, whole minutes for cron). Invalid
// QDateTime when the schedule never fires again (year field exhausted).
QDateTime nextFireTime(const Schedule &schedule, const QDateTime &after);

// A short English description: "every 5 minutes", "at 10:15 UTC on Mon-Fri", ...
QString describeSchedule(const Schedule &schedule);

} // namespace funcdesk
