#pragma once
// The load generator: N invocations of a function with C of them in flight at once,
// with a progress bar, live figures and Cancel (no new invocations start; those in
// flight finish). Invocations carry the "load" trigger, so the Monitor and Environments
// pages show them like any other traffic. GUI thread only.

#include "engine/engine.h"

#include <QDialog>
#include <QElapsedTimer>

#include <vector>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace funcdesk::ui {

class Studio;

struct LoadFigures
{
    int started = 0;
    int completed = 0;
    int errors = 0;
    int throttles = 0;
    int coldStarts = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    double ratePerSecond = 0;
};

class LoadDialog : public QDialog
{
    Q_OBJECT
public:
    LoadDialog(Studio *studio, const QString &function, QWidget *parent = nullptr);

    void setPlan(int total, int concurrency, const QString &qualifier = QStringLiteral("$LATEST"));
    void setPayload(const QString &json);
    void start();
    void cancel();
    bool isRunning() const { return m_running; }
    LoadFigures figures() const;

Q_SIGNALS:
    void finished(const funcdesk::ui::LoadFigures &figures);

private:
    void launchMore();
    void onResult(const engine::InvokeResult &result);
    void updateLabels();

    Studio *m_studio;
    QString m_function;
    QSpinBox *m_total;
    QSpinBox *m_concurrency;
    QLineEdit *m_qualifier;
    QPlainTextEdit *m_payload;
    QProgressBar *m_progress;
    QLabel *m_figures;
    QPushButton *m_start;
    QPushButton *m_cancel;

    bool m_running = false;
    bool m_cancelled = false;
    int m_target = 0;
    int m_inFlight = 0;
    LoadFigures m_f;
    std::vector<double> m_durations;
    QElapsedTimer m_clock;
};

} // namespace funcdesk::ui
