#pragma once
// Runs a load plan against the engine and reports what it measured.
//
// Threading:
//   - The LoadRunner object belongs to the thread that created it (the GUI or the CLI's main
//     thread), which needs an event loop. start(), cancel(), isRunning() and samples() are
//     called there, and progress() / finished() are emitted there.
//   - It owns a thread of its own ("funcdesk-load") where a pacer object keeps the
//     schedule: a precise QTimer wakes it for the next intended send time and it sends
//     every request that is due. Nothing else runs on that thread, so a busy owner thread
//     (a GUI repaint, a slow slot) does not delay sends.
//   - Engine::invoke is asynchronous: the answer's callback runs on the engine thread,
//     where it only stamps the time and posts the result to the pacer. The pacer owns all
//     run state; no lock guards it.
//
// Open loop (concurrency == 0, the default): every request goes at its intended time
// whatever happened to earlier ones; a slow or hung answer never delays the next send.
// Closed loop (concurrency N > 0): N requests are kept in flight until the duration ends,
// each sent the moment a previous one is answered; the shape is ignored and latency is the
// service time (intended = sent: a closed loop has no schedule to fall behind).
//
// At the end the runner waits for every request in flight (the engine bounds each by the
// function's timeout); cancel() stops sending and finishes at once, leaving the requests
// still in flight out of the latency figures (their LoadSample::doneUs stays -1).
//
// The engine must outlive the runner.

#include "common/invocationrecord.h"
#include "common/result.h"
#include "lab/loadplan.h"
#include "lab/loadsummary.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QThread>

namespace funcdesk::engine {
class Engine;
}

namespace funcdesk::lab {

struct LoadRunOptions
{
    QString function;
    QString version = QStringLiteral("$LATEST"); // a registered version
    QString alias;                               // recorded only: the qualifier resolved to `version`
    QByteArray payload = QByteArrayLiteral("{}");
    TriggerKind trigger = TriggerKind::LoadGenerator;
    LoadShape shape; // open loop only
    double durationSeconds = 10;
    quint64 seed = 1;    // Poisson arrivals
    int concurrency = 0; // 0: open loop; N > 0: closed loop with N in flight
};

class LoadRunnerPacer;

class LoadRunner : public QObject
{
    Q_OBJECT
public:
    explicit LoadRunner(engine::Engine *engine, QObject *parent = nullptr);
    ~LoadRunner() override; // cancels a run and joins the pacer thread; never waits for answers

    // Starts a run. Errors (errc::InvalidParameterValue): no function, a bad duration,
    // concurrency or shape; errc::ResourceConflict: a run is already going.
    Status start(const LoadRunOptions &options);
    bool isRunning() const;

    // Every request of the last finished run, in send order. Empty while running.
    QList<LoadSample> samples() const;

public Q_SLOTS:
    void cancel(); // stop sending; finished() follows with what was measured so far

Q_SIGNALS:
    // At most about ten a second, and once at the end. total is 0 in a closed loop, where
    // the number of requests is not known in advance.
    void progress(int sent, int completed, int total);
    void finished(const funcdesk::lab::LoadSummary &summary);

private:
    friend class LoadRunnerPacer;
    void runFinished(LoadRunnerPacer *pacer, const LoadSummary &summary, const QList<LoadSample> &samples);

    engine::Engine *m_engine;
    QThread m_thread;
    LoadRunnerPacer *m_pacer = nullptr; // lives on m_thread; deleted there
    QList<LoadSample> m_samples;
};

} // namespace funcdesk::lab
