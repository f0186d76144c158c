#pragma once
// Shared value logic of the telemetry pages (Monitor, Dashboard, Cost): time range
// presets and their bucket widths, live ring-buffer seconds turned into the same points
// the store returns, range totals, chart series built from points, and numbers
// formatted for humans. Pure functions over plain values; GUI thread (no Widgets here).

#include "metrics/livemetrics.h"
#include "ui/studio.h"
#include "store/queries.h"
#include "ui/charts/timeserieschart.h"

#include <QList>
#include <QString>

#include <functional>

namespace funcdesk::ui {

// A time range the user picks in a page header: the last `spanMs` up to now (0: all that
// is retained). Live ranges read LiveMetrics' ring buffer; the others read the store.
// The one range type of every page; each page offers one of the lists below.
struct RangePreset
{
    QString label;
    qint64 spanMs = 0;
    bool live = false;
    qint64 fixedToMs = 0; // a custom range ends here (and starts spanMs before); 0: now
    qint64 endMs(qint64 nowMs) const { return fixedToMs > 0 ? fixedToMs : nowMs; }
    qint64 startMs(qint64 nowMs) const { return spanMs > 0 ? endMs(nowMs) - spanMs : 0; }
};
// A custom range [fromMs, toMs], labelled with its bounds ("12-07 01:00 – 02:30").
RangePreset customRange(qint64 fromMs, qint64 toMs);
QList<RangePreset> monitorRanges(); // Live (5 min), last hour, 24 hours, 7 days
QList<RangePreset> storedRanges();  // last hour, 24 hours, 7 days
QList<RangePreset> totalsRanges();  // last hour, 24 hours, 7 days, all retained
QList<RangePreset> logRanges();     // last 15 minutes, hour, 24 hours, 7 days

// Bucket width for a store series over `spanMs`: 1 s for spans up to `maxPoints` seconds,
// else the smallest of 60 s, 2, 5, 10, 15, 30, 60 min, ... keeping points <= maxPoints.
int resolutionFor(qint64 spanMs, int maxPoints = 1500);

// One point per live second, oldest first. Percentiles are not kept live: p50/p90/p99
// stay 0 (the summary strip gets them from the store).
QList<store::SeriesPoint> pointsFromLive(const metrics::Series &series);

// Where a live chart's time axis starts: at the first second with any activity, so right
// after start the chart is not five mostly empty minutes; it grows to the whole window as
// time passes. At least `minSpanMs` before `toMs` (a few seconds would stretch across the
// width and rescale every second), at most the first point given.
qint64 liveStartMs(const QList<store::SeriesPoint> &points, qint64 toMs, qint64 minSpanMs = 30'000);

struct RangeTotals
{
    qint64 invocations = 0;
    qint64 errors = 0;
    qint64 throttles = 0;
    qint64 coldStarts = 0;
    double gbSeconds = 0;
    double costUsd = 0;
    int peakConcurrency = 0;
    double avgDurationMs = 0; // weighted by invocations
    double errorRate() const { return invocations > 0 ? double(errors) / double(invocations) : 0; }
    double coldShare() const { return invocations > 0 ? double(coldStarts) / double(invocations) : 0; }
    bool empty() const { return invocations == 0 && throttles == 0; }
};
RangeTotals totalsOf(const QList<store::SeriesPoint> &points);

// A chart series from one field of each point (x = bucket start, ms). With `include`,
// only the points it accepts: durations of buckets without invocations are unknown, not 0.
using PointFilter = std::function<bool(const store::SeriesPoint &)>;
ChartSeries seriesOf(const QString &name, const QColor &color, const QList<store::SeriesPoint> &points,
                     const std::function<double(const store::SeriesPoint &)> &value, const PointFilter &include = {});
bool hasInvocations(const store::SeriesPoint &p); // a PointFilter
bool hasColdStarts(const store::SeriesPoint &p);  // a PointFilter

// Deploys, publishes and alarm state changes as chart markers (hover names the commit,
// the version or the alarm's reason). `brief`: alarm flags say only the new state (one
// function's charts, where the alarm's name is in the tooltip).
QList<ChartMarker> markersOf(const QList<ChangeEvent> &events, bool brief = false);

// Consistent colors across pages.
namespace palette {
QColor invocations();
QColor errors();
QColor throttles();
QColor cold();
QColor average();
QColor p50();
QColor p99();
QColor cost();
QColor concurrency();
QColor deploy();
QColor publish();
QColor alarm();
QColor alarmOk();
} // namespace palette

// Numbers for humans.
QString formatCount(double n);                     // 999, 1.2 k, 34 k, 5.6 M
QString formatMs(double ms);                       // 0.42 ms, 3.4 ms, 120 ms, 1.25 s, 2.5 min
QString formatUsd(double usd);                     // $0, $0.000021, $0.0042, $1.23
QString formatPercent(double ratio);               // 0 %, <0.1 %, 2.5 %, 100 %
QString formatGbSeconds(double gbs);               // 0 GB-s, 0.0123 GB-s, 12.3 GB-s, 1.2 k GB-s
QString formatAge(qint64 ms);                      // 12 s, 3 min 05 s, 2 h 10 min, 3 d 4 h
QString formatTimestamp(qint64 ms, bool withDate); // local time "HH:mm:ss.zzz", with "yyyy-MM-dd " in front
QString formatMemoryMb(int mb);                    // 128 MB, 1.5 GB

} // namespace funcdesk::ui
