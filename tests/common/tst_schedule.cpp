// Schedule expressions: parsing, next fire times (UTC) and error messages, all table-driven.
// Expected times were worked out from the calendar (2026-01-01 is a Thursday).

#include "common/schedule.h"

#include <QTest>

using namespace funcdesk;

namespace {

QDateTime utc(const char *iso)
{
    QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs);
    t.setTimeSpec(Qt::UTC);
    return t;
}

} // namespace

class TestSchedule : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nextFire_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QDateTime>("after");
        QTest::addColumn<QDateTime>("expected"); // invalid: never fires again

        auto row = [](const char *name, const char *expr, const char *after, const char *expected) {
            QTest::newRow(name) << QString::fromLatin1(expr) << utc(after)
                                << (expected ? utc(expected) : QDateTime());
        };
        // rate: anchored at the Unix epoch, strictly after
        row("rate 5 min mid-interval", "rate(5 minutes)", "2026-01-01T00:02:30", "2026-01-01T00:05:00");
        row("rate 5 min on boundary", "rate(5 minutes)", "2026-01-01T00:05:00", "2026-01-01T00:10:00");
        row("rate 1 minute with ms", "rate(1 minute)", "2026-01-01T12:00:00.500", "2026-01-01T12:01:00");
        row("rate 1 hour", "rate(1 hour)", "2026-03-01T10:59:59", "2026-03-01T11:00:00");
        row("rate 2 days on boundary", "rate(2 days)", "2026-01-01T00:00:00", "2026-01-03T00:00:00");
        row("rate 2 days mid", "rate(2 days)", "2026-01-02T12:00:00", "2026-01-03T00:00:00");
        // plain values, strictly after
        row("daily same time", "cron(0 10 * * ? *)", "2026-01-01T10:00:00", "2026-01-02T10:00:00");
        row("daily later today", "cron(15 12 * * ? *)", "2026-01-01T00:00:00", "2026-01-01T12:15:00");
        row("seconds truncated", "cron(15 12 * * ? *)", "2026-01-01T12:14:59", "2026-01-01T12:15:00");
        // steps, lists, ranges
        row("star step", "cron(0/15 * * * ? *)", "2026-01-01T10:07:00", "2026-01-01T10:15:00");
        row("offset step wraps hour", "cron(1/10 * * * ? *)", "2026-01-01T10:52:00", "2026-01-01T11:01:00");
        row("range step months", "cron(0 0 1 1-12/3 ? *)", "2026-02-01T00:00:00", "2026-04-01T00:00:00");
        row("dom step reaches 31", "cron(0 0 1/10 * ? *)", "2026-01-21T00:00:00", "2026-01-31T00:00:00");
        row("list hours", "cron(0 10,15 * * ? *)", "2026-01-01T10:30:00", "2026-01-01T15:00:00");
        row("wrapping hour range", "cron(0 22-2 * * ? *)", "2026-01-01T02:30:00", "2026-01-01T22:00:00");
        row("weekdays skip weekend", "cron(0 18 ? * MON-FRI *)", "2026-01-02T18:00:00", "2026-01-05T18:00:00");
        row("wrapping day range", "cron(0 0 ? * FRI-MON *)", "2026-01-06T00:00:00", "2026-01-09T00:00:00");
        row("star day-of-week, ? day-of-month", "cron(30 23 ? * * *)", "2026-01-31T23:30:00", "2026-02-01T23:30:00");
        row("SUN is 1", "cron(0 0 ? * 1 *)", "2026-01-01T00:00:00", "2026-01-04T00:00:00");
        row("lower-case names", "cron(0 12 ? * sun *)", "2026-01-01T00:00:00", "2026-01-04T12:00:00");
        row("month names", "cron(0 0 1 JAN,JUL ? *)", "2026-02-01T00:00:00", "2026-07-01T00:00:00");
        // month and year ends, leap years
        row("first of next month", "cron(0 8 1 * ? *)", "2026-01-31T09:00:00", "2026-02-01T08:00:00");
        row("year rollover", "cron(0 0 * * ? *)", "2026-12-31T00:00:00", "2027-01-01T00:00:00");
        row("31st skips 30-day month", "cron(0 0 31 * ? *)", "2026-04-01T00:00:00", "2026-05-31T00:00:00");
        row("feb 29 waits for leap year", "cron(0 0 29 2 ? *)", "2026-01-01T00:00:00", "2028-02-29T00:00:00");
        row("2100 is not a leap year", "cron(0 0 29 2 ? *)", "2096-03-01T00:00:00", "2104-02-29T00:00:00");
        // L in Day-of-month
        row("L february", "cron(0 0 L * ? *)", "2026-02-01T00:00:00", "2026-02-28T00:00:00");
        row("L february leap", "cron(0 0 L * ? *)", "2028-02-01T00:00:00", "2028-02-29T00:00:00");
        row("L after a 30-day month end", "cron(0 0 L * ? *)", "2026-04-30T00:00:00", "2026-05-31T00:00:00");
        // W and LW
        row("15W on sunday -> monday", "cron(0 9 15W * ? *)", "2026-02-01T00:00:00", "2026-02-16T09:00:00");
        row("15W on saturday -> friday", "cron(0 9 15W * ? *)", "2026-08-01T00:00:00", "2026-08-14T09:00:00");
        row("1W on saturday -> monday 3rd", "cron(0 0 1W * ? *)", "2026-07-02T00:00:00", "2026-08-03T00:00:00");
        row("1W on sunday -> monday 2nd", "cron(0 0 1W * ? *)", "2026-01-05T00:00:00", "2026-02-02T00:00:00");
        row("31W on sunday -> friday 29th", "cron(0 0 31W * ? *)", "2026-05-01T00:00:00", "2026-05-29T00:00:00");
        row("31W skips 30-day month", "cron(0 0 31W * ? *)", "2026-06-01T00:00:00", "2026-07-31T00:00:00");
        row("LW saturday end", "cron(0 0 LW * ? *)", "2026-01-01T00:00:00", "2026-01-30T00:00:00");
        row("LW sunday end", "cron(0 0 LW * ? *)", "2026-05-01T00:00:00", "2026-05-29T00:00:00");
        // L and # in Day-of-week
        row("L alone is saturday", "cron(0 0 ? * L *)", "2026-01-01T00:00:00", "2026-01-03T00:00:00");
        row("6L last friday", "cron(0 0 ? * 6L *)", "2026-01-01T00:00:00", "2026-01-30T00:00:00");
        row("FRIL last friday by name", "cron(0 0 ? * FRIL *)", "2026-01-31T00:00:00", "2026-02-27T00:00:00");
        row("3#2 second tuesday", "cron(0 0 ? * 3#2 *)", "2026-01-01T00:00:00", "2026-01-13T00:00:00");
        row("2#5 skips months without", "cron(0 0 ? * 2#5 *)", "2026-01-01T00:00:00", "2026-03-30T00:00:00");
        // year field
        row("single year ahead", "cron(0 0 1 1 ? 2030)", "2026-06-01T00:00:00", "2030-01-01T00:00:00");
        row("single year exhausted", "cron(0 0 1 1 ? 2030)", "2030-01-01T00:00:00", nullptr);
        row("year step", "cron(0 0 1 1 ? 2026/2)", "2026-01-01T00:00:00", "2028-01-01T00:00:00");
        row("last minute of 2199", "cron(59 23 31 12 ? 2199)", "2199-12-31T23:58:00", "2199-12-31T23:59:00");
        row("past 2199", "cron(59 23 31 12 ? 2199)", "2199-12-31T23:59:00", nullptr);
        row("before 1970", "cron(0 0 1 1 ? 1970)", "1960-05-05T00:00:00", "1970-01-01T00:00:00");
    }
    void nextFire()
    {
        QFETCH(QString, expression);
        QFETCH(QDateTime, after);
        QFETCH(QDateTime, expected);
        auto s = parseSchedule(expression);
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().toString()));
        const QDateTime next = nextFireTime(*s, after);
        QCOMPARE(next.isValid(), expected.isValid());
        if (expected.isValid()) {
            QCOMPARE(next.toUTC(), expected);
            QCOMPARE(next.timeSpec(), Qt::UTC);
        }
    }

    void afterInAnotherOffsetIsComparedInUtc()
    {
        auto s = parseSchedule(QStringLiteral("cron(0 10 * * ? *)"));
        QVERIFY(s.ok());
        // 11:00 at UTC+1 is 10:00 UTC: that fire time is not strictly after it.
        const QDateTime after(QDate(2026, 1, 1), QTime(11, 0), Qt::OffsetFromUTC, 3600);
        QCOMPARE(nextFireTime(*s, after), utc("2026-01-02T10:00:00"));
        QVERIFY(!nextFireTime(*s, QDateTime()).isValid());
    }

    void rateAnchor()
    {
        auto s = parseSchedule(QStringLiteral("rate(10 minutes)"));
        QVERIFY(s.ok());
        s->anchor = utc("2026-01-01T00:03:00");
        QCOMPARE(nextFireTime(*s, utc("2026-01-01T00:00:00")), utc("2026-01-01T00:03:00"));
        QCOMPARE(nextFireTime(*s, utc("2026-01-01T00:03:00")), utc("2026-01-01T00:13:00"));
        QCOMPARE(s->periodSeconds, qint64(600));
    }

    void invalid_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("message"); // a fragment the message must contain

        auto row = [](const char *expr, const char *fragment) {
            QTest::newRow(expr) << QString::fromLatin1(expr) << QString::fromLatin1(fragment);
        };
        row("", "expected rate(value unit) or cron(fields)");
        row("daily", "expected rate(value unit) or cron(fields)");
        row("at(2026-01-01T00:00:00)", "expected rate(value unit) or cron(fields)");
        row("rate(5 minute)", "a rate value above 1 takes the plural unit: rate(5 minutes)");
        row("rate(1 minutes)", "rate(1 ...) takes the singular unit: rate(1 minute)");
        row("rate(1 hours)", "rate(1 ...) takes the singular unit: rate(1 hour)");
        row("rate(2 day)", "takes the plural unit: rate(2 days)");
        row("rate(0 minutes)", "rate value must be a positive whole number, got '0'");
        row("rate(-5 minutes)", "rate value must be a positive whole number");
        row("rate(five minutes)", "rate value must be a positive whole number, got 'five'");
        row("rate(5 seconds)", "rate unit must be minute(s), hour(s) or day(s), got 'seconds'");
        row("rate(5)", "rate expects 'value unit'");
        row("cron(0 10 * * *)", "cron needs 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), got 5");
        row("cron(0 10 * * ? * *)", "cron needs 6 fields");
        row("cron(60 * * * ? *)", "Minutes: value 60 is out of range 0-59");
        row("cron(0 24 * * ? *)", "Hours: value 24 is out of range 0-23");
        row("cron(0 0 32 * ? *)", "Day-of-month: value 32 is out of range 1-31");
        row("cron(0 0 0 * ? *)", "Day-of-month: value 0 is out of range 1-31");
        row("cron(0 0 * 13 ? *)", "Month: value 13 is out of range 1-12");
        row("cron(0 0 * FOO ? *)", "Month: 'FOO' is not a valid value");
        row("cron(0 0 ? * 8 *)", "Day-of-week: value 8 is out of range 1-7");
        row("cron(0 0 ? * 0 *)", "Day-of-week: value 0 is out of range 1-7");
        row("cron(0 0 1 1 ? 1969)", "Year: value 1969 is out of range 1970-2199");
        row("cron(0 0 1 1 ? 2200)", "Year: value 2200 is out of range 1970-2199");
        row("cron(0 0 * * * *)", "one of Day-of-month or Day-of-week must be ?");
        row("cron(0 0 1 * MON *)", "one of Day-of-month or Day-of-week must be ?");
        row("cron(0 0 ? * ? *)", "Day-of-month and Day-of-week can't both be ?");
        row("cron(0 0 ? * 3#1,6#3 *)", "Day-of-week: only one expression is allowed with #");
        row("cron(0 0 ? * 3#6 *)", "Day-of-week: the occurrence after # must be 1 to 5, got '6'");
        row("cron(0 0 ? * 1,6L *)", "Day-of-week: nL (last day n of the month) stands alone");
        row("cron(0 0 ? * 2/2 *)", "Day-of-week: the / increment is not allowed");
        row("cron(0 0 1,L * ? *)", "Day-of-month: L and W stand alone");
        row("cron(0 0 32W * ? *)", "Day-of-month: W needs a single day from 1 to 31");
        row("cron(0 0 1#2 * ? *)", "Day-of-month: # is only allowed in Day-of-week");
        row("cron(0/0 * * * ? *)", "Minutes: increment in '0/0' must be a number from 1 to 60");
        row("cron(1,,2 * * * ? *)", "Minutes: empty list item");
        row("cron(0 5-x * * ? *)", "Hours: 'X' is not a valid value");
    }
    void invalid()
    {
        QFETCH(QString, expression);
        QFETCH(QString, message);
        auto s = parseSchedule(expression);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().type, QStringLiteral("ValidationException"));
        QVERIFY2(s.error().message.contains(message), qPrintable(s.error().message));
    }

    void describe_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("description");
        auto row = [](const char *expr, const char *text) {
            QTest::newRow(expr) << QString::fromLatin1(expr) << QString::fromLatin1(text);
        };
        row("rate(1 minute)", "every minute");
        row("rate(5 minutes)", "every 5 minutes");
        row("cron(15 10 ? * MON-FRI *)", "at 10:15 UTC, on MON-FRI");
        row("cron(0 0 L * ? *)", "at 00:00 UTC, on the last day of the month");
        row("cron(0 8 ? * 3#2 *)", "at 08:00 UTC, on the second TUE of the month");
        row("cron(0/5 8-17 * * ? 2027)", "at minute 0/5 of hour 8-17 UTC, in year 2027");
    }
    void describe()
    {
        QFETCH(QString, expression);
        QFETCH(QString, description);
        auto s = parseSchedule(expression);
        QVERIFY(s.ok());
        QCOMPARE(describeSchedule(*s), description);
    }
};

QTEST_GUILESS_MAIN(TestSchedule)
#include "tst_schedule.moc"
