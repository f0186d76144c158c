#pragma once
// The Learn page: guided scenarios (lab/scenario.h). Each shows what serverless does and
// why it matters, runs a real experiment on the engine with live progress, and checks its
// own outcome on the recorded numbers ("5 cold starts for 5 concurrent requests"). Results
// are experiments in the store, so they are still here after a restart. Scenarios that
// produce a curve (memory against speed and cost, pay-per-use against always-on) show it.
// GUI thread only; the experiments run on Studio's lab thread.

#include "lab/scenario.h"

#include <QHash>
#include <QWidget>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace funcdesk::ui {

class CrossoverChart;
class PowerTuningChart;
class Studio;

class LearnPage : public QWidget
{
    Q_OBJECT
public:
    explicit LearnPage(Studio *studio, QWidget *parent = nullptr);

    void selectScenario(const QString &id);
    QString selectedScenario() const;
    void runSelected();
    void resetScenarios();
    bool isRunning() const { return m_running; }
    // The shown result as plain text (tests, accessibility).
    QString resultText() const;

Q_SIGNALS:
    void statusMessage(const QString &message);
    void scenarioFinished(const QString &id, bool passed);

private:
    QWidget *buildDetail();
    void loadRecordedResults();
    void showScenario();
    void showResult(const lab::ScenarioResult &result);
    void setRunning(bool running);
    void updateListMarks();

    Studio *m_studio;
    QListWidget *m_list;
    QLabel *m_title;
    QLabel *m_lesson;
    QLabel *m_expectation;
    QLabel *m_progress;
    QProgressBar *m_busy;
    QPushButton *m_run;
    QPushButton *m_cancel;
    QPushButton *m_reset;
    QLabel *m_result;
    QStackedWidget *m_charts;
    PowerTuningChart *m_tuningChart;
    CrossoverChart *m_crossoverChart;
    QLabel *m_chartNote;
    QHash<QString, lab::ScenarioResult> m_results; // the latest per scenario
    bool m_running = false;
};

} // namespace funcdesk::ui
