#pragma once
// Creating or editing an alarm rule, in CloudWatch's terms: metric (of one function or of
// all), statistic, comparison and threshold, period, "M out of N" datapoints and how
// missing data counts. The rule is checked as it is typed (metrics::validateAlarmRule);
// OK stays disabled while it is wrong, with the reason under the form. GUI thread only.

#include "metrics/alarms.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace funcdesk::ui {

class AlarmDialog : public QDialog
{
    Q_OBJECT
public:
    // `functions`: the names offered besides "All functions"; `rule` prefills (editing keeps the name).
    AlarmDialog(const QStringList &functions, const metrics::AlarmRule &rule, bool editing, QWidget *parent = nullptr);

    metrics::AlarmRule rule() const;
    QString problem() const; // empty when the rule is valid

private:
    void metricChanged();
    void validate();

    QLineEdit *m_name;
    QComboBox *m_metric;
    QComboBox *m_function;
    QComboBox *m_statistic;
    QComboBox *m_comparison;
    QDoubleSpinBox *m_threshold;
    QComboBox *m_period;
    QSpinBox *m_evaluationPeriods;
    QSpinBox *m_datapoints;
    QComboBox *m_missing;
    QLineEdit *m_description;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};

} // namespace funcdesk::ui
