#include "schedule.h"

#include <QRegularExpression>
#include <QStringList>

#include <vector>

namespace funcdesk {
namespace {

Error invalid(const QString &message)
{
    return makeError(errc::Validation, message);
}

const char *const kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                   "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const char *const kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct FieldDef
{
    const char *name;
    int min;
    int max;
    const char *const *names; // names[i] is value min + i; null when the field has none
    int nameCount;
};

const FieldDef kMinutes{"Minutes", 0, 59, nullptr, 0};
const FieldDef kHours{"Hours", 0, 23, nullptr, 0};
const FieldDef kDayOfMonth{"Day-of-month", 1, 31, nullptr, 0};
const FieldDef kMonth{"Month", 1, 12, kMonthNames, 12};
const FieldDef kDayOfWeek{"Day-of-week", 1, 7, kDayNames, 7};
const FieldDef kYear{"Year", CronSpec::kMinYear, CronSpec::kMaxYear, nullptr, 0};

QString fieldName(const FieldDef &f) { return QString::fromLatin1(f.name); }

Result<int> parseValue(const QString &token, const FieldDef &f)
{
    bool isNumber = false;
    const int n = token.toInt(&isNumber);
    if (isNumber) {
        if (n < f.min || n > f.max)
            return invalid(fieldName(f) + QStringLiteral(": value ") + token + QStringLiteral(" is out of range ")
                           + QString::number(f.min) + QLatin1Char('-') + QString::number(f.max));
        return n;
    }
    for (int i = 0; i < f.nameCount; ++i) {
        if (token == QLatin1String(f.names[i]))
            return f.min + i;
    }
    return invalid(fieldName(f) + QStringLiteral(": '") + token + QStringLiteral("' is not a valid value"));
}

// One comma-separated field of plain values, ranges, steps and `*` into allowed[value].
Status parseList(const QString &text, const FieldDef &f, std::vector<bool> &allowed)
{
    allowed.assign(size_t(f.max + 1), false);
    const QStringList items = text.split(QLatin1Char(','));
    for (const QString &item : items) {
        if (item.isEmpty())
            return invalid(fieldName(f) + QStringLiteral(": empty list item in '") + text + QLatin1Char('\''));
        QString base = item;
        int step = 1;
        bool stepped = false;
        const qsizetype slash = item.indexOf(QLatin1Char('/'));
        if (slash >= 0) {
            bool okStep = false;
            step = item.mid(slash + 1).toInt(&okStep);
            if (!okStep || step < 1 || step > f.max - f.min + 1)
                return invalid(fieldName(f) + QStringLiteral(": increment in '") + item
                               + QStringLiteral("' must be a number from 1 to ") + QString::number(f.max - f.min + 1));
            base = item.left(slash);
            stepped = true;
        }
        int first = f.min;
        int last = f.max;
        if (base == QLatin1String("*")) {
            // all values
        } else if (const qsizetype dash = base.indexOf(QLatin1Char('-')); dash > 0) {
            auto a = parseValue(base.left(dash), f);
            if (!a)
                return a.error();
            auto b = parseValue(base.mid(dash + 1), f);
            if (!b)
                return b.error();
            first = *a;
            last = *b;
        } else {
            auto a = parseValue(base, f);
            if (!a)
                return a.error();
            first = *a;
            last = stepped ? f.max : *a; // "5/15": from 5 to the end, every 15
        }
        // Ranges may wrap (22-2, FRI-MON): walk forward modulo the field's span.
        const int span = f.max - f.min + 1;
        const int count = (last - first + span) % span + 1;
        for (int i = 0; i < count; i += step)
            allowed[size_t(f.min + (first - f.min + i) % span)] = true;
    }
    return {};
}

template<size_t N>
void copyBits(const std::vector<bool> &allowed, std::bitset<N> &bits, int offset)
{
    for (size_t v = size_t(offset); v < allowed.size(); ++v) {
        if (allowed[v])
            bits.set(v - size_t(offset));
    }
}

template<size_t N>
Status parseInto(const QString &text, const FieldDef &f, std::bitset<N> &bits, int offset)
{
    std::vector<bool> allowed;
    if (Status s = parseList(text, f, allowed); !s)
        return s;
    copyBits(allowed, bits, offset);
    return {};
}

Status parseDayOfMonth(const QString &text, CronSpec &spec)
{
    if (text == QLatin1String("?")) {
        spec.dayOfMonthAny = true;
        return {};
    }
    if (text == QLatin1String("L")) {
        spec.lastDayOfMonth = true;
        return {};
    }
    if (text == QLatin1String("LW")) {
        spec.lastWeekdayOfMonth = true;
        return {};
    }
    if (text.endsWith(QLatin1Char('W'))) {
        bool isNumber = false;
        const int day = text.chopped(1).toInt(&isNumber);
        if (!isNumber || day < 1 || day > 31)
            return invalid(QStringLiteral("Day-of-month: W needs a single day from 1 to 31 before it (e.g. 15W), got '")
                           + text + QLatin1Char('\''));
        spec.nearestWeekdayTo = day;
        return {};
    }
    if (text.contains(QLatin1Char('L')) || text.contains(QLatin1Char('W')))
        return invalid(QStringLiteral("Day-of-month: L and W stand alone (L, LW or nW), got '") + text + QLatin1Char('\''));
    if (text.contains(QLatin1Char('#')))
        return invalid(QStringLiteral("Day-of-month: # is only allowed in Day-of-week"));
    return parseInto(text, kDayOfMonth, spec.daysOfMonth, 0);
}

Status parseDayOfWeek(const QString &text, CronSpec &spec)
{
    if (text == QLatin1String("?")) {
        spec.dayOfWeekAny = true;
        return {};
    }
    if (text == QLatin1String("L")) { // the last day of the week
        spec.daysOfWeek.set(7);
        return {};
    }
    if (text.contains(QLatin1Char('/')))
        return invalid(QStringLiteral("Day-of-week: the / increment is not allowed in this field"));
    if (text.contains(QLatin1Char('#'))) {
        if (text.contains(QLatin1Char(',')))
            return invalid(QStringLiteral("Day-of-week: only one expression is allowed with # (e.g. 3#2), got '")
                           + text + QLatin1Char('\''));
        const QStringList parts = text.split(QLatin1Char('#'));
        if (parts.size() != 2)
            return invalid(QStringLiteral("Day-of-week: expected day#n, got '") + text + QLatin1Char('\''));
        auto day = parseValue(parts.at(0), kDayOfWeek);
        if (!day)
            return day.error();
        bool isNumber = false;
        const int nth = parts.at(1).toInt(&isNumber);
        if (!isNumber || nth < 1 || nth > 5)
            return invalid(QStringLiteral("Day-of-week: the occurrence after # must be 1 to 5, got '") + parts.at(1)
                           + QLatin1Char('\''));
        spec.nthDayOfWeek = *day;
        spec.nthOccurrence = nth;
        return {};
    }
    if (text.endsWith(QLatin1Char('L'))) {
        if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('-')))
            return invalid(QStringLiteral("Day-of-week: nL (last day n of the month) stands alone, got '") + text
                           + QLatin1Char('\''));
        auto day = parseValue(text.chopped(1), kDayOfWeek);
        if (!day)
            return day.error();
        spec.lastDayOfWeekInMonth = *day;
        return {};
    }
    return parseInto(text, kDayOfWeek, spec.daysOfWeek, 0);
}

Result<Schedule> parseRate(const QString &inner, Schedule s)
{
    const QStringList parts = inner.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (parts.size() != 2)
        return invalid(QStringLiteral("rate expects 'value unit', e.g. rate(5 minutes), got 'rate(") + inner
                       + QStringLiteral(")'"));
    bool isNumber = false;
    const int value = parts.at(0).toInt(&isNumber);
    if (!isNumber || value < 1)
        return invalid(QStringLiteral("rate value must be a positive whole number, got '") + parts.at(0) + QLatin1Char('\''));
    const QString unit = parts.at(1);
    qint64 unitSeconds = 0;
    QString singular;
    if (unit == QLatin1String("minute") || unit == QLatin1String("minutes")) {
        unitSeconds = 60;
        singular = QStringLiteral("minute");
    } else if (unit == QLatin1String("hour") || unit == QLatin1String("hours")) {
        unitSeconds = 3600;
        singular = QStringLiteral("hour");
    } else if (unit == QLatin1String("day") || unit == QLatin1String("days")) {
        unitSeconds = 86400;
        singular = QStringLiteral("day");
    } else {
        return invalid(QStringLiteral("rate unit must be minute(s), hour(s) or day(s), got '") + unit + QLatin1Char('\''));
    }
    if (value == 1 && unit != singular)
        return invalid(QStringLiteral("rate(1 ...) takes the singular unit: rate(1 ") + singular + QStringLiteral(")"));
    if (value > 1 && unit == singular)
        return invalid(QStringLiteral("a rate value above 1 takes the plural unit: rate(") + QString::number(value)
                       + QLatin1Char(' ') + singular + QStringLiteral("s)"));
    s.kind = Schedule::Kind::Rate;
    s.rateValue = value;
    s.rateUnit = unit;
    s.periodSeconds = qint64(value) * unitSeconds;
    return s;
}

Result<Schedule> parseCron(const QString &inner, Schedule s)
{
    const QStringList fields = inner.toUpper().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (fields.size() != 6)
        return invalid(QStringLiteral("cron needs 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), got ")
                       + QString::number(fields.size()));
    CronSpec &c = s.cron;
    if (Status st = parseInto(fields.at(0), kMinutes, c.minutes, 0); !st)
        return st.error();
    if (Status st = parseInto(fields.at(1), kHours, c.hours, 0); !st)
        return st.error();
    if (Status st = parseDayOfMonth(fields.at(2), c); !st)
        return st.error();
    if (Status st = parseInto(fields.at(3), kMonth, c.months, 0); !st)
        return st.error();
    if (Status st = parseDayOfWeek(fields.at(4), c); !st)
        return st.error();
    if (Status st = parseInto(fields.at(5), kYear, c.years, CronSpec::kMinYear); !st)
        return st.error();
    if (c.dayOfMonthAny && c.dayOfWeekAny)
        return invalid(QStringLiteral("Day-of-month and Day-of-week can't both be ?"));
    if (!c.dayOfMonthAny && !c.dayOfWeekAny)
        return invalid(QStringLiteral("one of Day-of-month or Day-of-week must be ? (e.g. cron(0 10 * * ? *))"));
    s.kind = Schedule::Kind::Cron;
    return s;
}

// EventBridge numbering: 1 = SUN .. 7 = SAT (Qt: 1 = Mon .. 7 = Sun).
int eventBridgeDayOfWeek(const QDate &d) { return d.dayOfWeek() % 7 + 1; }

bool isWeekend(const QDate &d) { return d.dayOfWeek() >= 6; }

int lastWeekday(int y, int m)
{
    QDate d(y, m, QDate(y, m, 1).daysInMonth());
    while (isWeekend(d))
        d = d.addDays(-1);
    return d.day();
}

// The weekday nearest `day`, never leaving the month; 0 when the month has no such day.
int nearestWeekday(int y, int m, int day)
{
    const int dim = QDate(y, m, 1).daysInMonth();
    if (day > dim)
        return 0;
    const QDate d(y, m, day);
    if (d.dayOfWeek() == 6) // Saturday: Friday before, or Monday after on the 1st
        return day == 1 ? 3 : day - 1;
    if (d.dayOfWeek() == 7) // Sunday: Monday after, or Friday before on the last day
        return day == dim ? day - 2 : day + 1;
    return day;
}

bool dayMatches(const CronSpec &c, int y, int m, int d)
{
    const QDate date(y, m, d);
    const int dim = date.daysInMonth();
    if (c.dayOfWeekAny) {
        if (c.lastDayOfMonth)
            return d == dim;
        if (c.lastWeekdayOfMonth)
            return d == lastWeekday(y, m);
        if (c.nearestWeekdayTo)
            return d == nearestWeekday(y, m, c.nearestWeekdayTo);
        return c.daysOfMonth.test(size_t(d));
    }
    const int dow = eventBridgeDayOfWeek(date);
    if (c.lastDayOfWeekInMonth)
        return dow == c.lastDayOfWeekInMonth && d + 7 > dim;
    if (c.nthDayOfWeek)
        return dow == c.nthDayOfWeek && (d - 1) / 7 + 1 == c.nthOccurrence;
    return c.daysOfWeek.test(size_t(dow));
}

QDateTime nextCron(const CronSpec &c, const QDateTime &after)
{
    const QDateTime utc = after.toUTC();
    QDateTime start(utc.date(), QTime(utc.time().hour(), utc.time().minute()), Qt::UTC);
    start = start.addSecs(60);
    int y = start.date().year(), mo = start.date().month(), d = start.date().day();
    int h = start.time().hour(), mi = start.time().minute();
    if (y < CronSpec::kMinYear) {
        y = CronSpec::kMinYear;
        mo = d = 1;
        h = mi = 0;
    }
    for (;;) {
        // Normalise carries from the advances below.
        if (mi > 59) {
            mi = 0;
            ++h;
        }
        if (h > 23) {
            h = 0;
            ++d;
        }
        if (y <= CronSpec::kMaxYear && mo <= 12 && d > QDate(y, mo, 1).daysInMonth()) {
            d = 1;
            ++mo;
        }
        if (mo > 12) {
            mo = 1;
            ++y;
        }
        if (y > CronSpec::kMaxYear)
            return {};
        if (!c.years.test(size_t(y - CronSpec::kMinYear))) {
            ++y;
            mo = d = 1;
            h = mi = 0;
            continue;
        }
        if (!c.months.test(size_t(mo))) {
            ++mo;
            d = 1;
            h = mi = 0;
            continue;
        }
        if (!dayMatches(c, y, mo, d)) {
            ++d;
            h = mi = 0;
            continue;
        }
        if (!c.hours.test(size_t(h))) {
            ++h;
            mi = 0;
            continue;
        }
        if (!c.minutes.test(size_t(mi))) {
            ++mi;
            continue;
        }
        return QDateTime(QDate(y, mo, d), QTime(h, mi), Qt::UTC);
    }
}

QDateTime nextRate(const Schedule &s, const QDateTime &after)
{
    const qint64 anchorMs = s.anchor.isValid() ? s.anchor.toMSecsSinceEpoch() : 0;
    const qint64 periodMs = s.periodSeconds * 1000;
    const qint64 afterMs = after.toMSecsSinceEpoch();
    if (periodMs <= 0)
        return {};
    if (afterMs < anchorMs)
        return QDateTime::fromMSecsSinceEpoch(anchorMs, Qt::UTC);
    const qint64 k = (afterMs - anchorMs) / periodMs + 1;
    return QDateTime::fromMSecsSinceEpoch(anchorMs + k * periodMs, Qt::UTC);
}

QString ordinal(int n)
{
    static const char *const words[] = {"", "first", "second", "third", "fourth", "fifth"};
    return QString::fromLatin1(words[n]);
}

QString dayName(int eb) { return QString::fromLatin1(kDayNames[eb - 1]); }

} // namespace

Result<Schedule> parseSchedule(const QString &expression)
{
    Schedule s;
    s.expression = expression.trimmed();
    const QString &e = s.expression;
    if (!e.endsWith(QLatin1Char(')')))
        return invalid(QStringLiteral("expected rate(value unit) or cron(fields), got '") + e + QLatin1Char('\''));
    if (e.startsWith(QLatin1String("rate(")))
        return parseRate(e.mid(5).chopped(1).trimmed(), s);
    if (e.startsWith(QLatin1String("cron(")))
        return parseCron(e.mid(5).chopped(1).trimmed(), s);
    return invalid(QStringLiteral("expected rate(value unit) or cron(fields), got '") + e + QLatin1Char('\''));
}

QDateTime nextFireTime(const Schedule &schedule, const QDateTime &after)
{
    if (!after.isValid())
        return {};
    return schedule.kind == Schedule::Kind::Rate ? nextRate(schedule, after) : nextCron(schedule.cron, after);
}

QString describeSchedule(const Schedule &s)
{
    if (s.kind == Schedule::Kind::Rate) {
        const QString unit = s.rateUnit.endsWith(QLatin1Char('s')) ? s.rateUnit.chopped(1) : s.rateUnit;
        if (s.rateValue == 1)
            return QStringLiteral("every ") + unit;
        return QStringLiteral("every ") + QString::number(s.rateValue) + QLatin1Char(' ') + unit + QLatin1Char('s');
    }
    const CronSpec &c = s.cron;
    const QStringList f = s.expression.mid(5).chopped(1).toUpper().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QString text;
    if (c.minutes.count() == 1 && c.hours.count() == 1) {
        int h = 0, m = 0;
        while (!c.hours.test(size_t(h)))
            ++h;
        while (!c.minutes.test(size_t(m)))
            ++m;
        text = QStringLiteral("at %1:%2 UTC").arg(h, 2, 10, QLatin1Char('0')).arg(m, 2, 10, QLatin1Char('0'));
    } else if (c.minutes.all() && c.hours.all()) {
        text = QStringLiteral("every minute");
    } else {
        text = QStringLiteral("at minute ") + f.at(0) + QStringLiteral(" of hour ") + f.at(1) + QStringLiteral(" UTC");
    }
    if (c.dayOfWeekAny) {
        if (c.lastDayOfMonth)
            text += QStringLiteral(", on the last day of the month");
        else if (c.lastWeekdayOfMonth)
            text += QStringLiteral(", on the last weekday of the month");
        else if (c.nearestWeekdayTo)
            text += QStringLiteral(", on the weekday nearest day ") + QString::number(c.nearestWeekdayTo);
        else if (f.at(2) != QLatin1String("*"))
            text += QStringLiteral(", on day ") + f.at(2) + QStringLiteral(" of the month");
    } else if (c.lastDayOfWeekInMonth) {
        text += QStringLiteral(", on the last ") + dayName(c.lastDayOfWeekInMonth) + QStringLiteral(" of the month");
    } else if (c.nthDayOfWeek) {
        text += QStringLiteral(", on the ") + ordinal(c.nthOccurrence) + QLatin1Char(' ') + dayName(c.nthDayOfWeek)
            + QStringLiteral(" of the month");
    } else if (f.at(4) == QLatin1String("L")) {
        text += QStringLiteral(", on SAT");
    } else if (f.at(4) != QLatin1String("*")) {
        text += QStringLiteral(", on ") + f.at(4);
    }
    if (f.at(3) != QLatin1String("*"))
        text += QStringLiteral(", in ") + f.at(3);
    if (f.at(5) != QLatin1String("*"))
        text += QStringLiteral(", in year ") + f.at(5);
    return text;
}

} // namespace funcdesk
