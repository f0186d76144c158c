// Schedules: parsing and next-fire-time cost. The engine's scheduler asks nextFireTime()
// once per fire per schedule, so these bound its bookkeeping, not its accuracy.

#include "bench.h"

#include "common/schedule.h"

#include <QDateTime>

namespace {

double usPer(int n, double startUs) { return (funcdesk::bench::nowUs() - startUs) / n; }

} // namespace

FUNCDESK_BENCHMARK("schedule")
{
    using namespace funcdesk;
    const QString expressions[] = {QStringLiteral("rate(5 minutes)"), QStringLiteral("cron(0/15 8-17 ? * MON-FRI *)"),
                                   QStringLiteral("cron(0 9 15W * ? *)"), QStringLiteral("cron(0 0 ? * 6L *)")};
    const int parses = 20000;
    double t0 = bench::nowUs();
    int ok = 0;
    for (int i = 0; i < parses; ++i)
        ok += parseSchedule(expressions[i % 4]).ok() ? 1 : 0;
    reporter.add(QStringLiteral("schedule_parse"), usPer(parses, t0), QStringLiteral("us"), QStringLiteral("<= 20 us"));

    // Walk a sparse and a dense cron forward: each step is one nextFireTime() call.
    const struct
    {
        const char *name;
        const char *expr;
    } walks[] = {{"schedule_next_dense", "cron(0/15 8-17 ? * MON-FRI *)"},
                 {"schedule_next_sparse", "cron(0 0 29 2 ? *)"},
                 {"schedule_next_nth_weekday", "cron(30 6 ? * 2#5 *)"}};
    for (const auto &w : walks) {
        const Schedule s = *parseSchedule(QString::fromLatin1(w.expr));
        QDateTime t(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
        const int steps = 2000;
        t0 = bench::nowUs();
        for (int i = 0; i < steps && t.isValid(); ++i)
            t = nextFireTime(s, t);
        reporter.add(QString::fromLatin1(w.name), usPer(steps, t0), QStringLiteral("us"), QStringLiteral("<= 200 us"));
    }
    if (ok != parses)
        reporter.add(QStringLiteral("schedule_parse_failures"), parses - ok, QStringLiteral("count"), QStringLiteral("== 0"));
}
