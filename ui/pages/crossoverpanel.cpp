#include "crossoverpanel.h"

#include "lab/crossover.h"
#include "settings/settings.h"
#include "ui/charts/labcharts.h"
#include "ui/pages/telemetry.h"
#include "ui/studio.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <cmath>

namespace funcdesk::ui {

CrossoverPanel::CrossoverPanel(Studio *studio, QWidget *parent)
    : QWidget(parent), m_studio(studio), m_function(new QComboBox(this)), m_instance(new QComboBox(this)),
      m_hourly(new QDoubleSpinBox(this)), m_chart(new CrossoverChart(this)), m_explanation(new QLabel(this))
{
    setObjectName(QStringLiteral("crossoverPanel"));
    m_function->setObjectName(QStringLiteral("crossoverFunction"));
    for (const lab::AlwaysOnInstance &i : lab::defaultInstances())
        m_instance->addItem(tr("%1 (%2 vCPU, %3 GB)").arg(i.name).arg(i.vcpus).arg(i.memoryGb), i.hourlyUsd);
    m_instance->setCurrentIndex(1);
    m_hourly->setDecimals(4);
    m_hourly->setRange(0.0001, 100);
    m_hourly->setPrefix(QStringLiteral("$"));
    m_hourly->setSuffix(tr(" / hour"));
    m_hourly->setToolTip(tr("EC2 us-east-1 on-demand list price; change it for reserved, spot or another region"));
    m_hourly->setValue(m_instance->currentData().toDouble());
    m_explanation->setWordWrap(true);
    m_explanation->setObjectName(QStringLiteral("crossoverExplanation"));
    m_chart->setMinimumHeight(220);

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Function:"), this));
    controls->addWidget(m_function, 1);
    controls->addWidget(new QLabel(tr("against"), this));
    controls->addWidget(m_instance, 1);
    controls->addWidget(m_hourly);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(m_chart, 1);
    layout->addWidget(m_explanation);

    connect(m_function, &QComboBox::currentIndexChanged, this, &CrossoverPanel::measure);
    connect(m_instance, &QComboBox::currentIndexChanged, this, [this] {
        m_hourly->setValue(m_instance->currentData().toDouble());
        redraw();
    });
    connect(m_hourly, &QDoubleSpinBox::valueChanged, this, &CrossoverPanel::redraw);
    m_explanation->setText(tr("Invoke a function to compare: the comparison uses its measured duration."));
}

void CrossoverPanel::setFunctions(const QStringList &functions, qint64 fromMs, qint64 toMs)
{
    m_fromMs = fromMs;
    m_toMs = toMs;
    const QString current = selectedFunction();
    QStringList sorted = functions;
    sorted.sort();
    QStringList shown;
    for (int i = 0; i < m_function->count(); ++i)
        shown << m_function->itemText(i);
    if (shown != sorted) {
        const QSignalBlocker block(m_function);
        m_function->clear();
        m_function->addItems(sorted);
        const int keep = m_function->findText(current);
        m_function->setCurrentIndex(keep >= 0 ? keep : 0);
    }
    measure();
}

QString CrossoverPanel::selectedFunction() const
{
    return m_function->currentText();
}

void CrossoverPanel::selectFunction(const QString &name)
{
    const int index = m_function->findText(name);
    if (index >= 0)
        m_function->setCurrentIndex(index);
}

QString CrossoverPanel::explanation() const
{
    return m_explanation->text();
}

void CrossoverPanel::measure()
{
    const QString function = selectedFunction();
    if (function.isEmpty())
        return;
    const quint64 asked = ++m_generation;
    // What it was billed per request, from the store's rollups (GB-s over invocations,
    // INIT included where billed), at the memory its manifest gives; for a function that
    // no longer exists, the memory its records imply.
    m_studio->listFunctions(this, [this, asked, function](Result<QList<FunctionSummary>> all) {
        if (asked != m_generation || !all)
            return;
        int memoryMb = 0;
        for (const FunctionSummary &f : std::as_const(*all))
            if (f.name == function)
                memoryMb = f.config.memoryMb;
        m_studio->series(store::SeriesQuery{function, QString(), m_fromMs, m_toMs, resolutionFor(m_toMs - m_fromMs)}, this,
                         [this, asked, memoryMb](Result<QList<store::SeriesPoint>> points) {
                             if (asked != m_generation || !points)
                                 return;
                             const RangeTotals t = totalsOf(*points);
                             if (t.invocations == 0 || t.gbSeconds <= 0)
                                 return;
                             m_avgMs = t.avgDurationMs;
                             const double gbSecondsEach = t.gbSeconds / double(t.invocations);
                             m_memoryMb = memoryMb > 0
                                 ? memoryMb
                                 : int(std::lround(gbSecondsEach * 1024 * 1000 / std::max(1.0, std::ceil(m_avgMs))));
                             m_billedMs = gbSecondsEach * 1024 * 1000 / double(m_memoryMb);
                             redraw();
                         });
    });
}

void CrossoverPanel::redraw()
{
    if (m_billedMs <= 0 || m_memoryMb <= 0)
        return;
    lab::AlwaysOnInstance instance = lab::defaultInstances().value(m_instance->currentIndex());
    instance.hourlyUsd = m_hourly->value();
    store::CostModel model;
    if (const Settings *s = m_studio->settings()) {
        model.pricePerMillionRequests = s->pricePerMillionRequests();
        model.pricePerGbSecondX86 = s->pricePerGbSecondX86();
        model.pricePerGbSecondArm = s->pricePerGbSecondArm();
    }
    m_chart->setModel(m_billedMs, m_memoryMb, instance, model);
    m_explanation->setText(m_chart->explanation()
                           + tr(" (Measured over the range: %1 ms average duration, %2 ms billed per request.)")
                                 .arg(m_avgMs, 0, 'f', 2)
                                 .arg(m_billedMs, 0, 'f', 2));
    Q_EMIT updated();
}

} // namespace funcdesk::ui
