// Alarm evaluation cost: one AlarmMonitor tick over 100 rules (every metric, 10 s and
// 1 min periods, 1 to 10 evaluation periods, one function or all) on a store holding an
// hour of traffic of 20 functions at 5 invocations/s each (360 k records through the
// writer, so the rollups are the writer's own). The tick runs on the API thread every 5 s;
// it must stay a small share of that.

#include "bench.h"

#include "api/alarmmonitor.h"
#include "store/alarms.h"
#include "store/sqlite.h"
#include "store/writer.h"

#include <QDateTime>
#include <QTemporaryDir>

using namespace funcdesk;
using namespace funcdesk::bench;

FUNCDESK_BENCHMARK("alarms evaluation")
{
    QTemporaryDir dir;
    store::WriterOptions options;
    options.databasePath = dir.filePath(QStringLiteral("alarms.db"));
    options.pruning = false;
    auto writer = store::Writer::start(options);
    if (!writer) {
        qWarning("alarms bench: %s", qPrintable(writer.error().toString()));
        return;
    }
    constexpr int kFunctions = 20;
    constexpr int kSeconds = 3600;
    constexpr int kPerSecond = 5;
    const qint64 start = (QDateTime::currentMSecsSinceEpoch() / 60000 - 61) * 60000;
    int n = 0;
    for (int s = 0; s < kSeconds; ++s) {
        for (int f = 0; f < kFunctions; ++f) {
            for (int k = 0; k < kPerSecond; ++k, ++n) {
                InvocationRecord r;
                r.requestId = QStringLiteral("req-%1").arg(n);
                r.function = QStringLiteral("fn-%1").arg(f);
                r.version = QStringLiteral("$LATEST");
                r.trigger = TriggerKind::LoadGenerator;
                r.startMs = start + s * 1000LL + k * 200;
                r.durationMs = 1 + (n % 97) * 0.5;
                r.billedDurationMs = qint64(r.durationMs) + 1;
                r.memorySizeMb = 128;
                r.maxMemoryUsedMb = 40;
                r.status = n % 50 == 0 ? InvocationStatus::Error : InvocationStatus::Success;
                r.cold = n % 1000 == 0;
                (*writer)->recordInvocation(r);
            }
        }
    }
    if (auto s = (*writer)->flush(); !s) {
        qWarning("alarms bench: %s", qPrintable(s.error().toString()));
        return;
    }
    auto conn = store::Connection::open(options.databasePath);
    if (!conn)
        return;
    const QStringList metricNames{QStringLiteral("Invocations"), QStringLiteral("Errors"), QStringLiteral("ErrorRate"),
                                  QStringLiteral("Throttles"), QStringLiteral("Duration"), QStringLiteral("ColdStarts"),
                                  QStringLiteral("ConcurrentExecutions"), QStringLiteral("Cost")};
    for (int i = 0; i < 100; ++i) {
        metrics::AlarmRule rule;
        rule.name = QStringLiteral("rule-%1").arg(i);
        rule.metric = metricNames.at(i % metricNames.size());
        rule.statistic = rule.metric == QLatin1String("Duration") ? QStringLiteral("p99") : QString();
        rule.function = i % 5 == 0 ? QString() : QStringLiteral("fn-%1").arg(i % kFunctions);
        rule.periodSeconds = i % 2 == 0 ? 10 : 60;
        rule.evaluationPeriods = 1 + i % 10;
        rule.threshold = 1;
        store::AlarmRow row;
        row.name = rule.name;
        row.function = rule.function;
        row.metric = rule.metric;
        row.rule = metrics::alarmRuleToJson(rule);
        if (auto s = store::putAlarm(*conn, row, start); !s)
            return;
    }
    api::AlarmMonitor monitor(options.databasePath, 0);
    const qint64 now = start + kSeconds * 1000LL + api::AlarmMonitor::kSettleMs;
    std::vector<double> times;
    for (int run = 0; run < 9; ++run) {
        const double t0 = nowUs();
        auto changed = monitor.evaluate(now + run * 10);
        times.push_back((nowUs() - t0) / 1000.0);
        if (!changed)
            qWarning("alarms bench: %s", qPrintable(changed.error().toString()));
        else if (run == 0 && *changed != 100) // every rule leaves INSUFFICIENT_DATA on data it can read
            qWarning("alarms bench: %d of 100 rules changed state on the first tick", *changed);
    }
    reporter.add(QStringLiteral("alarms.tick_100_rules_ms"), percentile(times, 50), QStringLiteral("ms"),
                 QStringLiteral("a small share of the 5 s tick"));
    reporter.add(QStringLiteral("alarms.per_rule_us"), percentile(times, 50) * 1000.0 / 100, QStringLiteral("us"));
}
