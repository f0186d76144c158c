// Two versions of the function on one chart: the choices (the latest versions in pairs,
// and each alias with weighted routing, whose two targets share its traffic), and the
// overlay, read from the store's rollups per version on the page's refresh.
#include "monitorpage.h"

#include "ui/charts/timeserieschart.h"
#include "ui/pages/telemetry.h"
#include "ui/studio.h"

#include <QComboBox>

namespace funcdesk::ui {

namespace {
QString versionName(const QString &v) { return v == QLatin1String("$LATEST") ? v : QStringLiteral("v") + v; }
} // namespace

void MonitorPage::loadComparisons()
{
    const QString function = m_function;
    // A reload for the same function (a version was published) keeps the pair chosen.
    const QString keep = function == m_compareFunction ? m_compareBox->currentData().toString() : QString();
    m_compareFunction = function;
    {
        const QSignalBlocker block(m_compareBox);
        m_compareBox->clear();
        m_compareBox->addItem(tr("No comparison"), QString());
    }
    m_compareBox->setEnabled(false);
    if (function.isEmpty())
        return;
    m_studio->versions(function, this, [this, function, keep](Result<QList<VersionInfo>> versions) {
        if (function != m_function || !versions)
            return;
        m_studio->aliases(function, this, [this, function, keep, versions = *versions](Result<QList<AliasConfig>> aliases) {
            if (function != m_function)
                return;
            const QSignalBlocker block(m_compareBox);
            if (aliases) {
                for (const AliasConfig &a : *aliases) {
                    if (a.additionalVersion.isEmpty())
                        continue;
                    m_compareBox->addItem(tr("alias %1: %2 vs %3").arg(a.name, versionName(a.functionVersion), versionName(a.additionalVersion)),
                                          QString(a.functionVersion + QLatin1Char('\n') + a.additionalVersion));
                }
            }
            // The newest first: each version against the one before it, and the newest against $LATEST.
            QList<int> numbers;
            for (const VersionInfo &v : versions)
                numbers << v.number;
            std::sort(numbers.begin(), numbers.end(), std::greater<>());
            if (!numbers.isEmpty())
                m_compareBox->addItem(tr("v%1 vs $LATEST").arg(numbers.first()),
                                      QString(QString::number(numbers.first()) + QStringLiteral("\n$LATEST")));
            for (qsizetype i = 0; i + 1 < numbers.size() && i < 5; ++i)
                m_compareBox->addItem(tr("v%1 vs v%2").arg(numbers.at(i + 1)).arg(numbers.at(i)),
                                      QString(QString::number(numbers.at(i + 1)) + QLatin1Char('\n') + QString::number(numbers.at(i))));
            m_compareBox->setEnabled(m_compareBox->count() > 1);
            if (const int index = m_compareBox->findData(keep); index > 0)
                m_compareBox->setCurrentIndex(index);
        });
    });
}

void MonitorPage::compareVersions(const QString &a, const QString &b)
{
    if (a.isEmpty() || b.isEmpty()) {
        m_compareBox->setCurrentIndex(0); // no comparison
        return;
    }
    const QString data = a + QLatin1Char('\n') + b;
    int index = m_compareBox->findData(data);
    if (index < 0) {
        m_compareBox->addItem(tr("%1 vs %2").arg(versionName(a), versionName(b)), data);
        index = m_compareBox->count() - 1;
    }
    m_compareBox->setEnabled(true);
    m_compareBox->setCurrentIndex(index);
}

void MonitorPage::requestCompare(qint64 fromMs, qint64 toMs, int resolutionSeconds)
{
    const QStringList pair = m_compareBox->currentData().toString().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (pair.size() != 2 || m_function.isEmpty()) {
        m_compare->setVisible(false);
        return;
    }
    m_compare->setVisible(true);
    const quint64 asked = generation();
    auto results = std::make_shared<QList<QList<store::SeriesPoint>>>(2);
    auto arrived = std::make_shared<int>(0);
    for (int i = 0; i < 2; ++i) {
        const store::SeriesQuery query{m_function, pair.at(i), fromMs, toMs, resolutionSeconds};
        m_studio->series(query, this, [=, this](Result<QList<store::SeriesPoint>> r) {
            if (!isCurrent(asked))
                return;
            if (r)
                (*results)[i] = std::move(*r);
            if (++*arrived < 2 || m_compareBox->currentData().toString().split(QLatin1Char('\n')) != pair)
                return;
            using P = store::SeriesPoint;
            QList<ChartSeries> series;
            const QColor colors[2][2] = {{palette::p50(), palette::p99()}, {palette::cost(), palette::errors()}};
            QStringList title;
            for (int v = 0; v < 2; ++v) {
                const QString name = versionName(pair.at(v));
                series << seriesOf(tr("p50 %1").arg(name), colors[v][0], results->at(v), [](const P &p) { return p.p50Ms; }, hasInvocations)
                       << seriesOf(tr("p99 %1").arg(name), colors[v][1], results->at(v), [](const P &p) { return p.p99Ms; }, hasInvocations);
                const RangeTotals t = totalsOf(results->at(v));
                title << tr("%1: %2 invocations, %3 errors").arg(name, formatCount(double(t.invocations)), formatPercent(t.errorRate()));
            }
            m_compare->chart()->setTitle(tr("Versions compared: duration (%1)").arg(title.join(QStringLiteral("; "))));
            m_compare->setSeries(series, fromMs, toMs);
        });
    }
}

} // namespace funcdesk::ui
