// Telemetry pages: the GUI-thread work of one refresh, without painting. A Monitor live
// tick turns 300 seconds of LiveMetrics into points and six charts' series; a log tail
// tick appends 100 new lines to a full 5,000-row LogModel (dedupe and trim included).
// Both run on the GUI thread every second, so they must stay far below a 16 ms frame.
#include "bench.h"

#include "metrics/livemetrics.h"
#include "ui/models/logmodel.h"
#include "ui/pages/telemetry.h"

#include <QDateTime>

using namespace funcdesk;
using namespace funcdesk::ui;
using funcdesk::bench::nowUs;

FUNCDESK_BENCHMARK("ui.monitor_live_refresh")
{
    metrics::LiveMetrics live;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    InvocationRecord r;
    r.function = QStringLiteral("hello");
    r.memorySizeMb = 128;
    for (int i = 0; i < 300'000; ++i) { // 1,000 invocations/s over the live window
        r.startMs = now - 300'000 + i;
        r.durationMs = 1 + i % 17;
        r.cold = i % 1000 == 0;
        r.status = i % 50 == 0 ? InvocationStatus::Error : InvocationStatus::Success;
        live.record(r);
    }
    std::vector<double> us;
    qsizetype sink = 0;
    for (int run = 0; run < 200; ++run) {
        const double t0 = nowUs();
        const metrics::Series s = live.snapshot(r.function, 300, now / 1000);
        const QList<store::SeriesPoint> points = pointsFromLive(s);
        const RangeTotals totals = totalsOf(points);
        using P = store::SeriesPoint;
        const QList<ChartSeries> series{
            seriesOf(QString(), {}, points, [](const P &p) { return double(p.invocations); }),
            seriesOf(QString(), {}, points, [](const P &p) { return double(p.errors); }),
            seriesOf(QString(), {}, points, [](const P &p) { return double(p.throttles); }),
            seriesOf(
                QString(), {}, points, [](const P &p) { return p.avgDurationMs; }, hasInvocations),
            seriesOf(
                QString(), {}, points, [](const P &p) { return p.maxDurationMs; }, hasInvocations),
            seriesOf(QString(), {}, points, [](const P &p) { return double(p.coldStarts); }),
            seriesOf(
                QString(), {}, points, [](const P &p) { return p.avgInitDurationMs; }, hasColdStarts),
            seriesOf(QString(), {}, points, [](const P &p) { return double(p.peakConcurrency); }),
            seriesOf(QString(), {}, points, [](const P &p) { return p.costUsd; })};
        us.push_back(nowUs() - t0);
        sink += series.size() + totals.invocations;
    }
    Q_UNUSED(sink);
    reporter.add(QStringLiteral("ui.monitor_live_refresh_p50"), bench::percentile(us, 50), QStringLiteral("us"),
                 QStringLiteral("<= 2000 us"));
    reporter.add(QStringLiteral("ui.monitor_live_refresh_p99"), bench::percentile(us, 99), QStringLiteral("us"),
                 QStringLiteral("<= 5000 us"));
}

FUNCDESK_BENCHMARK("ui.log_tail_append")
{
    LogModel model;
    qint64 t = 1'700'000'000'000;
    auto batch = [&](int n) {
        QList<LogLine> lines;
        for (int i = 0; i < n; ++i, ++t)
            lines.append(LogLine{t, QStringLiteral("0f5c2a9e-7d1b-4c1e-9a53-%1").arg(t % 1000, 12, 10, QLatin1Char('0')),
                                 QStringLiteral("hello"), QStringLiteral("env"), QStringLiteral("handled order %1").arg(t)});
        return lines;
    };
    model.setLines(batch(LogModel::kDefaultMaxRows));
    std::vector<double> us;
    for (int run = 0; run < 200; ++run) {
        QList<LogLine> next = batch(100);
        next.prepend(model.lines().last()); // the tail re-reads the newest shown line
        const double t0 = nowUs();
        model.appendLines(std::move(next));
        us.push_back(nowUs() - t0);
    }
    reporter.add(QStringLiteral("ui.log_tail_append_100_p50"), bench::percentile(us, 50), QStringLiteral("us"),
                 QStringLiteral("<= 1000 us"));
    reporter.add(QStringLiteral("ui.log_tail_append_100_p99"), bench::percentile(us, 99), QStringLiteral("us"),
                 QStringLiteral("<= 3000 us"));
}
