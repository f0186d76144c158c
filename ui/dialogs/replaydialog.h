#pragma once
// Replay for one function (lab/replay.h): choose recorded invocations (a recent time
// range, an experiment, or request ids handed in from a list) and a version or alias to
// send their captured payloads to; the outcome is shown side by side (invocations,
// errors, latency percentiles) with each invocation whose status or response changed.
// Runs on Studio's lab thread; GUI thread only.

#include "lab/replay.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace funcdesk::ui {

class Studio;

class ReplayDialog : public QDialog
{
    Q_OBJECT
public:
    ReplayDialog(Studio *studio, const QString &function, QWidget *parent = nullptr);

    // Replays exactly these invocations (a selection made in a list) instead of a range.
    void setRequestIds(const QStringList &requestIds);
    void setTarget(const QString &qualifier); // selects it once the qualifiers are loaded
    void start();
    bool isRunning() const { return m_running; }
    const lab::ReplayResult &result() const { return m_result; }

Q_SIGNALS:
    void finished(bool ok);

private:
    void loadChoices();
    lab::ReplaySelection selection() const;
    void showResult();

    Studio *m_studio;
    QString m_function;
    QStringList m_requestIds;
    QString m_wantedTarget;
    QComboBox *m_source;
    QComboBox *m_target;
    QLabel *m_status;
    QTableWidget *m_sides;
    QTableWidget *m_changes;
    QPushButton *m_run;
    QPushButton *m_cancel;
    bool m_running = false;
    lab::ReplayResult m_result;
};

} // namespace funcdesk::ui
