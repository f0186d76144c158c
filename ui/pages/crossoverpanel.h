#pragma once
// Serverless against always-on, for one function: its monthly Lambda cost at a steady
// request rate (from its measured average duration over the Cost page's range, and its
// memory) beside an always-on instance's, with the crossover marked and said in one
// sentence. The instance list is lab::defaultInstances(); the hourly price is editable,
// since list prices change and reserved or spot prices differ.
//
// Threading: GUI thread only; figures arrive by Studio callbacks with `this` as receiver.

#include "store/costmodel.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;

namespace funcdesk::ui {

class CrossoverChart;
class Studio;

class CrossoverPanel : public QWidget
{
    Q_OBJECT
public:
    explicit CrossoverPanel(Studio *studio, QWidget *parent = nullptr);

    // The functions to offer (those invoked in the range) and the range to measure over.
    void setFunctions(const QStringList &functions, qint64 fromMs, qint64 toMs);
    QString selectedFunction() const;
    void selectFunction(const QString &name);
    QString explanation() const;
    CrossoverChart *chart() const { return m_chart; }

Q_SIGNALS:
    void updated(); // the chart shows the selected function's figures

private:
    void measure();
    void redraw();

    Studio *m_studio;
    QComboBox *m_function;
    QComboBox *m_instance;
    QDoubleSpinBox *m_hourly;
    CrossoverChart *m_chart;
    QLabel *m_explanation;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    double m_avgMs = 0;
    double m_billedMs = 0;
    int m_memoryMb = 0;
    quint64 m_generation = 0;
};

} // namespace funcdesk::ui
