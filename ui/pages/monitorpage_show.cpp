// What the Monitor shows once data arrives: the charts from the points of the range, the
// strip's totals, the slowest invocations, or the hint when the range is empty.
#include "monitorpage.h"

#include "ui/charts/timeserieschart.h"
#include "ui/studio.h"
#include "ui/pages/pageheader.h"
#include "ui/pages/summarystrip.h"
#include "ui/pages/telemetry.h"
#include "ui/widgets/emptystate.h"

#include <QDateTime>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QTreeWidget>

#include <algorithm>
#include <functional>

namespace funcdesk::ui {

void MonitorPage::showPoints(const QList<store::SeriesPoint> &points, qint64 fromMs, qint64 toMs, bool live)
{
    const RangeTotals totals = totalsOf(points);
    showTotals(totals);
    if (totals.empty()) {
        setEmptyText(live ? tr("No invocations in the last 5 minutes.\nInvoke the function from the Test tab, "
                               "or pick a longer range.")
                          : tr("No invocations in this range.\nInvoke the function from the Test tab."));
        return;
    }
    m_stack->showContent();
    using P = store::SeriesPoint;
    // Invocations stacked: warm at the bottom, cold starts on top of them.
    ChartSeries warm = seriesOf(tr("Warm"), palette::invocations(), points,
                                [](const P &p) { return double(p.invocations - p.coldStarts); });
    warm.area = true;
    ChartSeries cold = seriesOf(tr("Cold"), palette::cold(), points, [](const P &p) { return double(p.coldStarts); });
    cold.area = true;
    cold.stackedOn = warm.name;
    m_counts->setSeries({warm, cold,
                         seriesOf(tr("Errors"), palette::errors(), points, [](const P &p) { return double(p.errors); }),
                         seriesOf(tr("Throttles"), palette::throttles(), points, [](const P &p) { return double(p.throttles); })},
                        fromMs, toMs);
    // Percentiles are not kept live: live, p50 and p99 come from the store's last answer
    // (up to 5 s behind the ring buffer's average and max).
    const QList<P> &percentiles = live ? m_livePercentiles : points;
    m_duration->setSeries({seriesOf(
                               tr("Average"), palette::average(), points, [](const P &p) { return p.avgDurationMs; }, hasInvocations),
                           seriesOf(
                               tr("p50"), palette::p50(), percentiles, [](const P &p) { return p.p50Ms; }, hasInvocations),
                           seriesOf(
                               tr("p99"), palette::p99(), percentiles, [](const P &p) { return p.p99Ms; }, hasInvocations),
                           seriesOf(
                               tr("Max"), palette::errors().lighter(130), points, [](const P &p) { return p.maxDurationMs; }, hasInvocations)},
                          fromMs, toMs);
    m_cold->setSeries({seriesOf(tr("Cold starts"), palette::cold(), points, [](const P &p) { return double(p.coldStarts); })},
                      fromMs, toMs);
    m_init->setSeries({seriesOf(
                          tr("Init duration"), palette::cold().darker(130), points, [](const P &p) { return p.avgInitDurationMs; }, hasColdStarts)},
                      fromMs, toMs);
    m_concurrency->setSeries({seriesOf(tr("Peak concurrency"), palette::concurrency(), points,
                                       [](const P &p) { return double(p.peakConcurrency); })},
                             fromMs, toMs);
    m_cost->setSeries({seriesOf(tr("Cost"), palette::cost(), points, [](const P &p) { return p.costUsd; })}, fromMs, toMs);
    requestExperiments(fromMs, toMs);
}

QList<TimeSeriesChart *> MonitorPage::charts() const
{
    return {m_counts, m_duration, m_cold, m_init, m_concurrency, m_cost};
}

// The experiments run on this function in the range, shaded on every chart.
void MonitorPage::requestExperiments(qint64 fromMs, qint64 toMs)
{
    const QString function = m_function;
    m_studio->experiments(fromMs, toMs, function, this, [this, function](Result<QList<store::Experiment>> found) {
        if (!found || function != m_function)
            return;
        m_experiments = std::move(*found);
        QList<ChartInterval> intervals;
        for (const store::Experiment &e : std::as_const(m_experiments))
            intervals.append(ChartInterval{e.id, e.startedMs, e.endedMs, e.label});
        for (TimeSeriesChart *chart : charts())
            chart->setIntervals(intervals);
    });
    // Deploys, publishes and this function's alarms changing state, marked on every chart.
    m_studio->changeEvents(function, fromMs, toMs, this, [this, function](Result<QList<ChangeEvent>> events) {
        if (!events || function != m_function)
            return;
        const QList<ChartMarker> markers = markersOf(*events, true);
        for (TimeSeriesChart *chart : charts())
            chart->setMarkers(markers);
    });
}

void MonitorPage::showExperiment(qint64 id)
{
    for (const store::Experiment &e : std::as_const(m_experiments)) {
        if (e.id != id)
            continue;
        QString text = tr("<b>%1</b> (%2)<br>%3 – %4<br><br>")
                           .arg(e.label.toHtmlEscaped(), e.kind,
                                QDateTime::fromMSecsSinceEpoch(e.startedMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                                e.endedMs > 0 ? QDateTime::fromMSecsSinceEpoch(e.endedMs).toString(QStringLiteral("HH:mm:ss"))
                                              : tr("running"));
        // The summary's figures, one a line; nested objects (latency, checks) flattened.
        const std::function<void(const QString &, const QJsonValue &)> add = [&](const QString &key, const QJsonValue &v) {
            if (v.isObject()) {
                const QJsonObject o = v.toObject();
                for (auto it = o.begin(); it != o.end(); ++it)
                    add(key.isEmpty() ? it.key() : key + QLatin1Char('.') + it.key(), it.value());
            } else if (!v.isArray()) {
                text += QStringLiteral("%1: <b>%2</b><br>").arg(key.toHtmlEscaped(), v.toVariant().toString().toHtmlEscaped());
            }
        };
        add(QString(), e.summary);
        QMessageBox box(QMessageBox::Information, tr("Experiment"), text, QMessageBox::Close, this);
        box.setTextFormat(Qt::RichText);
        box.exec();
        return;
    }
}

void MonitorPage::showTotals(const RangeTotals &t)
{
    SummaryStrip *strip = summaryStrip();
    strip->setValue(QStringLiteral("invocations"), formatCount(double(t.invocations)));
    strip->setValue(QStringLiteral("errorRate"), formatPercent(t.errorRate()), t.errors > 0 ? palette::errors() : QColor());
    strip->setValue(QStringLiteral("cold"),
                    t.coldStarts > 0 ? tr("%1 (%2)").arg(formatCount(double(t.coldStarts)), formatPercent(t.coldShare()))
                                     : QStringLiteral("0"));
    strip->setValue(QStringLiteral("throttles"), formatCount(double(t.throttles)),
                    t.throttles > 0 ? palette::throttles() : QColor());
    strip->setValue(QStringLiteral("gbs"), formatGbSeconds(t.gbSeconds));
    strip->setValue(QStringLiteral("cost"), formatUsd(t.costUsd));
}

void MonitorPage::showSlowest(QList<InvocationRecord> records)
{
    std::sort(records.begin(), records.end(),
              [](const InvocationRecord &a, const InvocationRecord &b) { return a.durationMs > b.durationMs; });
    if (records.size() > kSlowestShown)
        records.resize(kSlowestShown);
    m_slowest->clear();
    QList<QTreeWidgetItem *> items;
    for (const InvocationRecord &rec : std::as_const(records)) {
        auto *item = new QTreeWidgetItem;
        item->setText(StartedCol, formatTimestamp(rec.startMs, header()->range().spanMs > 3600 * 1000LL));
        item->setText(DurationCol, formatMs(rec.durationMs));
        item->setText(InitCol, rec.cold ? formatMs(rec.initDurationMs) : QString());
        item->setText(MemoryCol, tr("%1 / %2").arg(formatMemoryMb(rec.maxMemoryUsedMb), formatMemoryMb(rec.memorySizeMb)));
        item->setText(StatusCol, statusName(rec.status));
        item->setText(TriggerCol, triggerName(rec.trigger));
        item->setText(RequestCol, rec.requestId);
        item->setData(RequestCol, Qt::UserRole, rec.requestId);
        if (rec.status != InvocationStatus::Success)
            item->setForeground(StatusCol, palette::errors());
        for (int c : {DurationCol, InitCol, MemoryCol})
            item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
        items.append(item);
    }
    m_slowest->addTopLevelItems(items);
    m_slowest->setVisible(!items.isEmpty());
    m_slowestLabel->setText(items.isEmpty()
                                ? tr("No invocation records in this range yet.")
                                : tr("Slowest of the latest %1 invocations in the range (double-click for logs)")
                                      .arg(kSlowestScanned));
    for (int c = StartedCol; c < RequestCol; ++c)
        m_slowest->resizeColumnToContents(c);
}

void MonitorPage::setEmptyText(const QString &text)
{
    m_stack->showHint(text);
}

} // namespace funcdesk::ui
