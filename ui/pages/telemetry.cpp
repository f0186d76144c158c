#include "telemetry.h"

#include <QCoreApplication>
#include <QDateTime>

#include <algorithm>
#include <cmath>

namespace funcdesk::ui {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("funcdesk::ui::Telemetry", text);
}

// Drops trailing zeros of a fixed-point number ("1.50" -> "1.5", "2.0" -> "2").
QString trimmed(double v, int decimals)
{
    QString s = QString::number(v, 'f', decimals);
    if (s.contains(QLatin1Char('.'))) {
        while (s.endsWith(QLatin1Char('0')))
            s.chop(1);
        if (s.endsWith(QLatin1Char('.')))
            s.chop(1);
    }
    return s;
}
} // namespace

namespace {
constexpr qint64 kMinuteMs = 60 * 1000LL;
constexpr qint64 kHourMs = 60 * kMinuteMs;
} // namespace

QList<RangePreset> monitorRanges()
{
    return QList<RangePreset>{{tr("Live (5 min)"), 5 * kMinuteMs, true}} + storedRanges();
}

QList<RangePreset> storedRanges()
{
    return {{tr("Last hour"), kHourMs}, {tr("Last 24 hours"), 24 * kHourMs}, {tr("Last 7 days"), 7 * 24 * kHourMs}};
}

QList<RangePreset> totalsRanges()
{
    return storedRanges() << RangePreset{tr("All retained"), 0};
}

QList<RangePreset> logRanges()
{
    return QList<RangePreset>{{tr("Last 15 minutes"), 15 * kMinuteMs}} + storedRanges();
}

int resolutionFor(qint64 spanMs, int maxPoints)
{
    maxPoints = std::max(1, maxPoints);
    const qint64 seconds = std::max<qint64>(1, (spanMs + 999) / 1000);
    if (seconds <= maxPoints)
        return 1;
    // The store keeps 1 s or minute rollups; anything coarser is whole minutes.
    static constexpr int kMinutes[] = {1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440};
    for (int m : kMinutes)
        if (seconds / (m * 60LL) + 1 <= maxPoints)
            return m * 60;
    const qint64 days = seconds / (1440LL * 60 * maxPoints) + 1;
    return int(days * 1440 * 60);
}

QList<store::SeriesPoint> pointsFromLive(const metrics::Series &series)
{
    QList<store::SeriesPoint> points;
    points.reserve(qsizetype(series.points.size()));
    qint64 second = series.firstSecond;
    for (const metrics::SecondBucket &b : series.points) {
        store::SeriesPoint p;
        p.timestampMs = second * 1000;
        p.invocations = b.invocations;
        p.coldStarts = b.coldStarts;
        p.errors = b.errors;
        p.throttles = b.throttles;
        p.avgDurationMs = b.invocations > 0 ? b.durationSumMs / b.invocations : 0;
        p.maxDurationMs = b.durationMaxMs;
        p.avgInitDurationMs = b.coldStarts > 0 ? b.initSumMs / b.coldStarts : 0;
        p.gbSeconds = b.gbSeconds;
        p.costUsd = b.costUsd;
        p.peakConcurrency = b.peakConcurrency;
        points.append(p);
        ++second;
    }
    return points;
}

qint64 liveStartMs(const QList<store::SeriesPoint> &points, qint64 toMs, qint64 minSpanMs)
{
    const auto active = std::find_if(points.cbegin(), points.cend(), [](const store::SeriesPoint &p) {
        return p.invocations > 0 || p.throttles > 0 || p.peakConcurrency > 0;
    });
    qint64 start = toMs - minSpanMs;
    if (active != points.cend())
        start = std::min(start, active->timestampMs);
    if (!points.isEmpty())
        start = std::max(start, points.first().timestampMs);
    return start;
}

RangeTotals totalsOf(const QList<store::SeriesPoint> &points)
{
    RangeTotals t;
    double durationSum = 0;
    for (const store::SeriesPoint &p : points) {
        t.invocations += p.invocations;
        t.errors += p.errors;
        t.throttles += p.throttles;
        t.coldStarts += p.coldStarts;
        t.gbSeconds += p.gbSeconds;
        t.costUsd += p.costUsd;
        t.peakConcurrency = std::max(t.peakConcurrency, p.peakConcurrency);
        durationSum += p.avgDurationMs * double(p.invocations);
    }
    t.avgDurationMs = t.invocations > 0 ? durationSum / double(t.invocations) : 0;
    return t;
}

ChartSeries seriesOf(const QString &name, const QColor &color, const QList<store::SeriesPoint> &points,
                     const std::function<double(const store::SeriesPoint &)> &value, const PointFilter &include)
{
    ChartSeries s{name, color, {}, false};
    s.points.reserve(points.size());
    for (const store::SeriesPoint &p : points)
        if (!include || include(p))
            s.points.append(QPointF(double(p.timestampMs), value(p)));
    return s;
}

bool hasInvocations(const store::SeriesPoint &p)
{
    return p.invocations > 0;
}

bool hasColdStarts(const store::SeriesPoint &p)
{
    return p.coldStarts > 0;
}

namespace palette {
QColor invocations() { return QColor(0x1e, 0x88, 0xe5); }
QColor errors() { return QColor(0xe5, 0x39, 0x35); }
QColor throttles() { return QColor(0xfb, 0x8c, 0x00); }
QColor cold() { return QColor(0xf5, 0xa6, 0x23); }
QColor average() { return QColor(0x43, 0xa0, 0x47); }
QColor p50() { return QColor(0x1e, 0x88, 0xe5); }
QColor p99() { return QColor(0x8e, 0x24, 0xaa); }
QColor cost() { return QColor(0x00, 0x89, 0x7b); }
QColor concurrency() { return QColor(0x5c, 0x6b, 0xc0); }
} // namespace palette

QString formatCount(double n)
{
    const double a = std::abs(n);
    if (a < 1000)
        return trimmed(n, std::abs(n - std::round(n)) < 1e-9 ? 0 : 1);
    static const char *const kSuffix[] = {" k", " M", " G", " T"};
    double v = n / 1000;
    int i = 0;
    while (std::abs(v) >= 999.95 && i < 3) {
        v /= 1000;
        ++i;
    }
    return trimmed(v, std::abs(v) < 100 ? 1 : 0) + QLatin1String(kSuffix[i]);
}

QString formatMs(double ms)
{
    if (ms <= 0)
        return QStringLiteral("0 ms");
    if (ms < 1)
        return QString::number(ms, 'f', 2) + QStringLiteral(" ms");
    if (ms < 100)
        return trimmed(ms, 1) + QStringLiteral(" ms");
    if (ms < 1000)
        return QString::number(std::round(ms), 'f', 0) + QStringLiteral(" ms");
    if (ms < 60000)
        return trimmed(ms / 1000, 2) + QStringLiteral(" s");
    return trimmed(ms / 60000, 1) + QStringLiteral(" min");
}

QString formatUsd(double usd)
{
    if (usd <= 0)
        return QStringLiteral("$0");
    if (usd >= 0.01)
        return QLatin1Char('$') + QString::number(usd, 'f', 2);
    // Two significant digits: $0.000021, $0.0042.
    const int decimals = std::min(12, int(-std::floor(std::log10(usd))) + 1);
    return QLatin1Char('$') + trimmed(usd, decimals);
}

QString formatPercent(double ratio)
{
    const double pct = ratio * 100;
    if (pct <= 0)
        return QStringLiteral("0 %");
    if (pct < 0.1)
        return QStringLiteral("<0.1 %");
    return trimmed(pct, pct < 10 ? 1 : 0) + QStringLiteral(" %");
}

QString formatGbSeconds(double gbs)
{
    if (gbs <= 0)
        return QStringLiteral("0 GB-s");
    if (gbs >= 1000)
        return formatCount(gbs) + QStringLiteral(" GB-s");
    const int decimals = gbs >= 100 ? 0 : std::min(9, std::max(1, int(-std::floor(std::log10(gbs))) + 2));
    return trimmed(gbs, decimals) + QStringLiteral(" GB-s");
}

QString formatAge(qint64 ms)
{
    const qint64 s = std::max<qint64>(0, ms / 1000);
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    if (s < 86400)
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
}

QString formatTimestamp(qint64 ms, bool withDate)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms).toLocalTime();
    return t.toString(withDate ? QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz") : QStringLiteral("HH:mm:ss.zzz"));
}

QString formatMemoryMb(int mb)
{
    if (mb < 1024)
        return QStringLiteral("%1 MB").arg(mb);
    return trimmed(mb / 1024.0, 2) + QStringLiteral(" GB");
}

RangePreset customRange(qint64 fromMs, qint64 toMs)
{
    const QDateTime from = QDateTime::fromMSecsSinceEpoch(fromMs);
    const QDateTime to = QDateTime::fromMSecsSinceEpoch(toMs);
    const QString toFormat = from.date() == to.date() ? QStringLiteral("HH:mm") : QStringLiteral("MM-dd HH:mm");
    RangePreset r;
    r.label = from.toString(QStringLiteral("MM-dd HH:mm")) + QStringLiteral(" \u2013 ") + to.toString(toFormat);
    r.spanMs = std::max<qint64>(60'000, toMs - fromMs);
    r.fixedToMs = toMs;
    return r;
}

QColor palette::deploy() { return QColor(0x5c, 0x6b, 0xc0); }
QColor palette::publish() { return QColor(0x00, 0x89, 0x7b); }
QColor palette::alarm() { return QColor(0xc6, 0x28, 0x28); }
QColor palette::alarmOk() { return QColor(0x2e, 0x7d, 0x32); }

QList<ChartMarker> markersOf(const QList<ChangeEvent> &events, bool brief)
{
    QList<ChartMarker> out;
    for (const ChangeEvent &e : events) {
        ChartMarker m;
        m.ms = e.ms;
        m.detail = e.detail;
        switch (e.kind) {
        case ChangeEvent::Kind::Deploy:
            m.label = e.title;
            m.color = palette::deploy();
            break;
        case ChangeEvent::Kind::Publish:
            m.label = e.title;
            m.color = palette::publish();
            break;
        case ChangeEvent::Kind::AlarmState:
            if (e.state == QLatin1String("ALARM")) {
                m.label = QStringLiteral("\u26A0 ") + (brief ? e.state : e.title);
                m.color = palette::alarm();
            } else if (e.state == QLatin1String("OK")) {
                m.label = QStringLiteral("\u2713 ") + (brief ? e.state : e.title);
                m.color = palette::alarmOk();
            } else {
                m.label = QStringLiteral("? ") + (brief ? QStringLiteral("no data") : e.title);
                m.color = QColor(0x75, 0x75, 0x75);
            }
            break;
        }
        out.append(m);
    }
    return out;
}

} // namespace funcdesk::ui
