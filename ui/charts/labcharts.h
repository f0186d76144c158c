#pragma once
// Charts of experiment results, drawn from the numbers the experiment measured:
//   - PowerTuningChart: average duration and cost per invocation against memory size,
//     on two value axes, with the cheapest, fastest and chosen sizes named in the title;
//   - CrossoverChart: monthly cost against a steady request rate, for Lambda (a line)
//     and an always-on instance (a step per extra instance), with the crossover marked.
// Colours come from the application palette, so both read in light and dark mode.
// GUI thread only.

#include "lab/crossover.h"
#include "lab/tuningrun.h"

#include <QChartView>

class QLineSeries;
class QScatterSeries;
class QValueAxis;
class QLogValueAxis;

namespace funcdesk::ui {

class PowerTuningChart : public QChartView
{
    Q_OBJECT
public:
    explicit PowerTuningChart(QWidget *parent = nullptr);
    void setResult(const lab::TuningResult &result);
    int pointCount() const;

private:
    QLineSeries *m_duration;
    QLineSeries *m_cost;
    QValueAxis *m_memory;
    QValueAxis *m_ms;
    QValueAxis *m_usd;
};

class CrossoverChart : public QChartView
{
    Q_OBJECT
public:
    explicit CrossoverChart(QWidget *parent = nullptr);
    // The function's measured billed duration and memory against `instance`.
    void setModel(double billedMs, int memoryMb, const lab::AlwaysOnInstance &instance, const store::CostModel &model);
    double crossoverRate() const { return m_crossover; }
    QString explanation() const { return m_explanation; } // one sentence for a label beside the chart

private:
    QLineSeries *m_lambda;
    QLineSeries *m_server;
    QScatterSeries *m_marker;
    QLogValueAxis *m_rate;
    QLogValueAxis *m_usd;
    double m_crossover = 0;
    QString m_explanation;
};

} // namespace funcdesk::ui
