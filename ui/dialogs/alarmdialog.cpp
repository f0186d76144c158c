#include "alarmdialog.h"

#include "ui/theme.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace funcdesk::ui {

using namespace metrics;

AlarmDialog::AlarmDialog(const QStringList &functions, const AlarmRule &rule, bool editing, QWidget *parent)
    : QDialog(parent),
      m_name(new QLineEdit(rule.name)),
      m_metric(new QComboBox),
      m_function(new QComboBox),
      m_statistic(new QComboBox),
      m_comparison(new QComboBox),
      m_threshold(new QDoubleSpinBox),
      m_period(new QComboBox),
      m_evaluationPeriods(new QSpinBox),
      m_datapoints(new QSpinBox),
      m_missing(new QComboBox),
      m_description(new QLineEdit(rule.description)),
      m_problem(new QLabel),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel))
{
    setWindowTitle(editing ? tr("Edit alarm") : tr("New alarm"));
    m_name->setReadOnly(editing);
    m_name->setPlaceholderText(tr("checkout-errors"));
    for (const MetricDefinition &d : metricDefinitions())
        if (d.scope == MetricScope::Function)
            m_metric->addItem(d.name, d.name);
    m_metric->setCurrentIndex(std::max(0, m_metric->findData(rule.metric)));
    m_function->addItem(tr("All functions"), QString());
    for (const QString &f : functions)
        m_function->addItem(f, f);
    m_function->setCurrentIndex(std::max(0, m_function->findData(rule.function)));
    for (Comparison c : {Comparison::GreaterThan, Comparison::GreaterThanOrEqual, Comparison::LessThan, Comparison::LessThanOrEqual})
        m_comparison->addItem(comparisonSymbol(c) + QStringLiteral("  ") + comparisonWords(c), int(c));
    m_comparison->setCurrentIndex(m_comparison->findData(int(rule.comparison)));
    m_threshold->setRange(-1e12, 1e12);
    m_threshold->setDecimals(6);
    m_threshold->setValue(rule.threshold);
    for (int s : {10, 30, 60, 300, 900, 3600})
        m_period->addItem(s < 60 ? tr("%1 seconds").arg(s) : s < 3600 ? tr("%1 minutes").arg(s / 60) : tr("1 hour"), s);
    m_period->setCurrentIndex(std::max(0, m_period->findData(rule.periodSeconds)));
    m_evaluationPeriods->setRange(1, 100);
    m_evaluationPeriods->setValue(rule.evaluationPeriods);
    m_datapoints->setRange(1, 100);
    m_datapoints->setValue(rule.effectiveDatapointsToAlarm());
    const std::pair<TreatMissingData, QString> treatments[] = {
        {TreatMissingData::Missing, tr("missing: INSUFFICIENT_DATA when every period is empty")},
        {TreatMissingData::NotBreaching, tr("notBreaching: an empty period is good")},
        {TreatMissingData::Breaching, tr("breaching: an empty period is bad")},
        {TreatMissingData::Ignore, tr("ignore: keep the state while periods are empty")}};
    for (const auto &[t, text] : treatments)
        m_missing->addItem(text, int(t));
    m_missing->setCurrentIndex(m_missing->findData(int(rule.treatMissingData)));

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Metric:"), m_metric);
    form->addRow(tr("&Of:"), m_function);
    form->addRow(tr("&Statistic:"), m_statistic);
    auto *condition = new QHBoxLayout;
    condition->addWidget(m_comparison, 1);
    condition->addWidget(m_threshold, 1);
    form->addRow(tr("&Is:"), condition);
    form->addRow(tr("&Period:"), m_period);
    auto *mOfN = new QHBoxLayout;
    mOfN->addWidget(m_datapoints);
    mOfN->addWidget(new QLabel(tr("out of the last")));
    mOfN->addWidget(m_evaluationPeriods);
    mOfN->addWidget(new QLabel(tr("periods")));
    mOfN->addStretch(1);
    form->addRow(tr("&Datapoints to alarm:"), mOfN);
    form->addRow(tr("Missing &data:"), m_missing);
    form->addRow(tr("D&escription:"), m_description);
    m_problem->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    metricChanged();
    if (!rule.statistic.isEmpty())
        m_statistic->setCurrentIndex(std::max(0, m_statistic->findText(rule.statistic)));
    connect(m_metric, &QComboBox::currentIndexChanged, this, [this] {
        metricChanged();
        validate();
    });
    for (QComboBox *box : {m_function, m_statistic, m_comparison, m_period, m_missing})
        connect(box, &QComboBox::currentIndexChanged, this, &AlarmDialog::validate);
    connect(m_name, &QLineEdit::textChanged, this, &AlarmDialog::validate);
    connect(m_threshold, &QDoubleSpinBox::valueChanged, this, &AlarmDialog::validate);
    connect(m_evaluationPeriods, &QSpinBox::valueChanged, this, &AlarmDialog::validate);
    connect(m_datapoints, &QSpinBox::valueChanged, this, &AlarmDialog::validate);
    validate();
}

void AlarmDialog::metricChanged()
{
    const MetricDefinition *def = metricDefinition(m_metric->currentData().toString());
    m_statistic->clear();
    if (def)
        m_statistic->addItems(def->statistics);
    m_statistic->setEnabled(m_statistic->count() > 1);
    if (def)
        m_threshold->setSuffix(def->unit == QLatin1String("Count") ? QString() : QLatin1Char(' ') + def->unit);
}

AlarmRule AlarmDialog::rule() const
{
    AlarmRule r;
    r.name = m_name->text().trimmed();
    r.description = m_description->text().trimmed();
    r.metric = m_metric->currentData().toString();
    r.function = m_function->currentData().toString();
    r.statistic = m_statistic->currentText();
    r.comparison = Comparison(m_comparison->currentData().toInt());
    r.threshold = m_threshold->value();
    r.periodSeconds = m_period->currentData().toInt();
    r.evaluationPeriods = m_evaluationPeriods->value();
    r.datapointsToAlarm = m_datapoints->value();
    r.treatMissingData = TreatMissingData(m_missing->currentData().toInt());
    return r;
}

QString AlarmDialog::problem() const
{
    const Status s = validateAlarmRule(rule());
    return s.ok() ? QString() : s.error().message;
}

void AlarmDialog::validate()
{
    const QString p = problem();
    m_problem->setText(p.isEmpty() ? QString() : errorHtml(palette(), p));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(p.isEmpty());
}

} // namespace funcdesk::ui
