#pragma once
// The load generator (lab/loadrunner.h) for one function. Open loop: requests arrive at a
// rate with a shape (constant, ramp, steps, spike, Poisson) for a duration, whatever the
// function does, and latency is measured from each request's intended send time. Closed
// loop: a fixed number in flight. Live progress, Cancel (sending stops; what is in flight
// is left out), and a summary that is recorded as an experiment. Invocations carry the
// "load" trigger, so the Monitor and Environments pages show them live. GUI thread only.

#include "lab/loadsummary.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace funcdesk::lab {
class LoadRunner;
}

namespace funcdesk::ui {

class Studio;

class LoadDialog : public QDialog
{
    Q_OBJECT
public:
    LoadDialog(Studio *studio, const QString &function, QWidget *parent = nullptr);

    // Open loop: `rate` requests/s shaped by `shape` (the command line's syntax: "constant",
    // "ramp:0..500", "steps:100,200", "spike:50..500@10s+5s", "poisson") for `seconds`.
    void setOpenLoop(double rate, double seconds, const QString &shape = QStringLiteral("constant"));
    // Closed loop: `concurrency` in flight for `seconds`.
    void setClosedLoop(int concurrency, double seconds);
    void setQualifier(const QString &qualifier);
    void setPayload(const QString &json);
    void start();
    void cancel();
    bool isRunning() const { return m_running; }
    lab::LoadSummary summary() const { return m_summary; }
    int sent() const { return m_sent; }
    QString errorText() const; // why the last start was refused, empty otherwise

Q_SIGNALS:
    void finished(const funcdesk::lab::LoadSummary &summary);

private:
    void buildForm();
    void startResolved(const QString &version, const QString &alias);
    void showProgress(int sent, int completed, int total);
    void showSummary();
    void setRunning(bool running);
    void fail(const QString &message);

    Studio *m_studio;
    QString m_function;
    lab::LoadRunner *m_runner;
    QComboBox *m_mode;
    QDoubleSpinBox *m_rate;
    QComboBox *m_shape;
    QLineEdit *m_shapeSpec;
    QSpinBox *m_concurrency;
    QDoubleSpinBox *m_seconds;
    QLineEdit *m_qualifier;
    QPlainTextEdit *m_payload;
    QProgressBar *m_progress;
    QLabel *m_figures;
    QPushButton *m_start;
    QPushButton *m_cancel;

    bool m_running = false;
    int m_sent = 0;
    qint64 m_experimentId = 0;
    lab::LoadSummary m_summary;
    QString m_error;
};

} // namespace funcdesk::ui
