#pragma once
// Power tuning for one function (lab/tuningrun.h): its deployed code at several memory
// sizes with CPU scaled to memory, N invocations each, the fastest and slowest 20 %
// dropped, then duration and cost per invocation against memory (chart and table) with
// the cheapest, fastest and strategy's choice named, and Apply, which saves the chosen
// size to the function and deploys it. Runs on Studio's lab thread; GUI thread only.

#include "lab/tuningrun.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace funcdesk::ui {

class PowerTuningChart;
class Studio;

class PowerTuningDialog : public QDialog
{
    Q_OBJECT
public:
    PowerTuningDialog(Studio *studio, const QString &function, QWidget *parent = nullptr);

    void setMemorySizes(const QString &list); // "128,512,1024"
    void setInvocations(int perSize);
    void setPayload(const QString &json);
    void start();
    bool isRunning() const { return m_running; }
    const lab::TuningResult &result() const { return m_result; }
    void applyChoice(); // saves the chosen size to the function and deploys it

Q_SIGNALS:
    void finished(bool ok);
    void applied(int memoryMb);
    void statusMessage(const QString &message);

private:
    void showResult();

    Studio *m_studio;
    QString m_function;
    QLineEdit *m_sizes;
    QSpinBox *m_invocations;
    QComboBox *m_strategy;
    QDoubleSpinBox *m_weight;
    QCheckBox *m_parallel;
    QCheckBox *m_cold;
    QLineEdit *m_payload;
    QLabel *m_status;
    PowerTuningChart *m_chart;
    QTableWidget *m_table;
    QPushButton *m_run;
    QPushButton *m_cancel;
    QPushButton *m_apply;
    bool m_running = false;
    lab::TuningResult m_result;
};

} // namespace funcdesk::ui
