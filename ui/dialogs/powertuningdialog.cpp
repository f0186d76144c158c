#include "powertuningdialog.h"

#include "ui/charts/labcharts.h"
#include "ui/models/eventtemplates.h"
#include "ui/studio.h"
#include "ui/theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace funcdesk::ui {

PowerTuningDialog::PowerTuningDialog(Studio *studio, const QString &function, QWidget *parent)
    : QDialog(parent), m_studio(studio), m_function(function), m_sizes(new QLineEdit(this)), m_invocations(new QSpinBox(this)),
      m_strategy(new QComboBox(this)), m_weight(new QDoubleSpinBox(this)), m_parallel(new QCheckBox(tr("All at once per size"), this)),
      m_cold(new QCheckBox(tr("Cold starts only"), this)), m_payload(new QLineEdit(QStringLiteral("{}"), this)),
      m_status(new QLabel(this)), m_chart(new PowerTuningChart(this)), m_table(new QTableWidget(this)),
      m_run(new QPushButton(tr("Run"), this)), m_cancel(new QPushButton(tr("Cancel"), this)),
      m_apply(new QPushButton(tr("Apply"), this))
{
    setWindowTitle(tr("Power tuning: %1").arg(function));
    setObjectName(QStringLiteral("powerTuningDialog"));
    QStringList sizes;
    for (int mb : lab::defaultMemorySizes())
        sizes << QString::number(mb);
    m_sizes->setText(sizes.join(QLatin1Char(',')));
    m_invocations->setRange(1, 1000);
    m_invocations->setValue(10);
    m_strategy->addItem(tr("Balanced"), QStringLiteral("balanced"));
    m_strategy->addItem(tr("Cost"), QStringLiteral("cost"));
    m_strategy->addItem(tr("Speed"), QStringLiteral("speed"));
    m_weight->setRange(0, 1);
    m_weight->setSingleStep(0.1);
    m_weight->setValue(0.5);
    m_weight->setToolTip(tr("Balanced: the weight of cost against speed (0 = speed only, 1 = cost only)"));
    m_status->setWordWrap(true);
    const QString method = studio->cpuScalingMethod();
    m_status->setText(method.isEmpty() ? tr("CPU not scaled on this machine: every size would run at full speed, so "
                                            "durations will not show what memory buys on Lambda.")
                                       : tr("Each size runs with the CPU Lambda gives it (memory / 1,769 vCPU), through %1; "
                                            "the function's history is not touched.")
                                             .arg(method));
    m_table->setColumnCount(5);
    m_table->setHorizontalHeaderLabels({tr("Memory"), tr("Avg duration"), tr("Cost / invocation"), tr("Samples"), QString()});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_chart->setMinimumHeight(260);

    auto *strategyRow = new QHBoxLayout;
    strategyRow->addWidget(m_strategy);
    strategyRow->addWidget(new QLabel(tr("weight of cost:"), this));
    strategyRow->addWidget(m_weight);
    auto *options = new QHBoxLayout;
    options->addWidget(m_parallel);
    options->addWidget(m_cold);
    options->addStretch();
    auto *form = new QFormLayout;
    form->addRow(tr("Memory sizes (MB):"), m_sizes);
    form->addRow(tr("Invocations per size:"), m_invocations);
    form->addRow(tr("Strategy:"), strategyRow);
    form->addRow(tr("Event (JSON):"), m_payload);
    form->addRow(QString(), options);
    auto *results = new QSplitter(Qt::Horizontal, this);
    results->addWidget(m_chart);
    results->addWidget(m_table);
    results->setSizes({520, 440});
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addStretch();
    buttons->addWidget(m_apply);
    auto *close = new QPushButton(tr("Close"), this);
    buttons->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(results, 1);
    layout->addLayout(buttons);
    resize(980, 640);

    m_run->setDefault(true);
    m_cancel->setEnabled(false);
    m_apply->setEnabled(false);
    connect(m_run, &QPushButton::clicked, this, &PowerTuningDialog::start);
    connect(m_cancel, &QPushButton::clicked, m_studio, &Studio::cancelExperiment);
    connect(m_apply, &QPushButton::clicked, this, &PowerTuningDialog::applyChoice);
    connect(close, &QPushButton::clicked, this, &QDialog::accept);
}

void PowerTuningDialog::setMemorySizes(const QString &list) { m_sizes->setText(list); }
void PowerTuningDialog::setInvocations(int perSize) { m_invocations->setValue(perSize); }
void PowerTuningDialog::setPayload(const QString &json) { m_payload->setText(json.simplified()); }

void PowerTuningDialog::start()
{
    if (m_running)
        return;
    auto sizes = lab::parseMemoryList(m_sizes->text());
    const JsonCheck json = checkJson(m_payload->text());
    if (!sizes || !json.ok) {
        m_status->setText(
            errorHtml(palette(), !sizes ? sizes.error().message : tr("The event is not valid JSON: %1").arg(json.message)));
        return;
    }
    lab::TuningOptions options;
    options.function = m_function;
    options.memorySizes = *sizes;
    options.invocationsPerSize = m_invocations->value();
    options.payload = m_payload->text().toUtf8();
    options.parallel = m_parallel->isChecked();
    options.coldOnly = m_cold->isChecked();
    options.strategy = *lab::parseStrategy(m_strategy->currentData().toString());
    options.balancedWeight = m_weight->value();
    m_running = true;
    m_run->setEnabled(false);
    m_cancel->setEnabled(true);
    m_apply->setEnabled(false);
    m_studio->runPowerTuning(
        options, this, [this](const QString &step) { m_status->setText(step); },
        [this](Result<lab::TuningResult> r) {
            m_running = false;
            m_run->setEnabled(true);
            m_cancel->setEnabled(false);
            if (!r) {
                m_status->setText(errorHtml(palette(), r.error().message));
                Q_EMIT finished(false);
                return;
            }
            m_result = *r;
            showResult();
            Q_EMIT finished(true);
        });
}

void PowerTuningDialog::showResult()
{
    m_chart->setResult(m_result);
    m_table->setRowCount(int(m_result.results.size()));
    for (int row = 0; row < m_result.results.size(); ++row) {
        const lab::PowerResult &p = m_result.results.at(row);
        QStringList marks;
        if (p.memoryMb == m_result.chosenMemoryMb)
            marks << tr("chosen");
        if (p.memoryMb == m_result.cheapestMemoryMb)
            marks << tr("cheapest");
        if (p.memoryMb == m_result.fastestMemoryMb)
            marks << tr("fastest");
        const QStringList cells{tr("%1 MB").arg(p.memoryMb), tr("%1 ms").arg(p.avgDurationMs, 0, 'f', 1),
                                QStringLiteral("$%1").arg(p.avgCostUsd, 0, 'e', 3), QString::number(p.samples),
                                marks.join(QStringLiteral(", "))};
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            item->setTextAlignment(column == 4 ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(row, column, item);
        }
    }
    m_table->resizeColumnsToContents();
    m_status->setText(tr("%1 choice: <b>%2 MB</b>. CPU: %3.%4")
                          .arg(m_strategy->currentText())
                          .arg(m_result.chosenMemoryMb)
                          .arg(m_result.cpuScaling,
                               m_result.errors ? tr(" %1 invocations failed and are left out.").arg(m_result.errors) : QString()));
    m_apply->setText(tr("Apply %1 MB").arg(m_result.chosenMemoryMb));
    m_apply->setEnabled(m_result.chosenMemoryMb > 0);
}

void PowerTuningDialog::applyChoice()
{
    const int memoryMb = m_result.chosenMemoryMb;
    if (memoryMb <= 0)
        return;
    m_apply->setEnabled(false);
    // The deployed manifest with the new size, saved to the draft and deployed: the same
    // path as the Configuration page's Save and deploy.
    m_studio->listFunctions(this, [this, memoryMb](Result<QList<FunctionSummary>> all) {
        if (!all)
            return;
        for (const FunctionSummary &f : std::as_const(*all)) {
            if (f.name != m_function)
                continue;
            FunctionConfig config = f.config;
            config.memoryMb = memoryMb;
            m_studio->saveConfig(config, this, [this, memoryMb](Result<bool> saved) {
                if (!saved) {
                    Q_EMIT statusMessage(saved.error().message);
                    return;
                }
                m_studio->deploy(m_function, tr("Memory %1 MB (power tuning)").arg(memoryMb), this,
                                 [this, memoryMb](Result<QString> deployed) {
                                     if (!deployed && deployed.error().type != errc::NothingToDeploy) {
                                         Q_EMIT statusMessage(deployed.error().message);
                                         return;
                                     }
                                     Q_EMIT statusMessage(tr("%1 now runs with %2 MB").arg(m_function).arg(memoryMb));
                                     Q_EMIT applied(memoryMb);
                                 });
            });
        }
    });
}

} // namespace funcdesk::ui
