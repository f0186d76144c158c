#include "lab/loadrunner.h"

#include "engine/engine.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <memory>

namespace funcdesk::lab {

namespace {

constexpr int kProgressIntervalMs = 100; // "at most about ten a second"
constexpr int kMaxConcurrency = 10'000;  // a closed loop beyond this only measures throttles

Error invalid(const QString &message)
{
    return makeError(errc::InvalidParameterValue, message);
}

} // namespace

// Keeps one run's schedule and state; lives on the runner's thread, where every member
// function runs. No Q_OBJECT: it needs neither signals nor slots, only an event loop.
class LoadRunnerPacer : public QObject
{
public:
    // What an answer's callback (engine thread) hands the pacer.
    struct Answer
    {
        qsizetype index;
        qint64 doneUs;
        InvocationStatus status;
        bool cold;
        bool throttled;
    };
    // The engine callbacks' way to the pacer. The pacer clears it (under the lock) when it
    // is destroyed, so an answer that outlives a cancelled run goes nowhere.
    struct Mailbox
    {
        QMutex mutex;
        LoadRunnerPacer *pacer = nullptr;
    };

    LoadRunnerPacer(engine::Engine *engine, const LoadRunOptions &options, LoadRunner *runner)
        : m_engine(engine), m_options(options), m_runner(runner), m_mailbox(std::make_shared<Mailbox>())
    {
        m_mailbox->pacer = this;
        m_sendTimer.setSingleShot(true);
        m_sendTimer.setTimerType(Qt::PreciseTimer);
        m_progressTimer.setInterval(kProgressIntervalMs);
    }

    ~LoadRunnerPacer() override
    {
        QMutexLocker lock(&m_mailbox->mutex);
        m_mailbox->pacer = nullptr;
    }

    void start()
    {
        if (!closedLoop())
            m_plan = intendedSendTimesUs(m_options.shape, m_options.durationSeconds, m_options.seed);
        m_samples.reserve(closedLoop() ? 1024 : m_plan.size());
        connect(&m_progressTimer, &QTimer::timeout, this, [this] { reportProgress(false); });
        m_sending = true;
        m_clock.start();
        m_progressTimer.start();
        if (closedLoop()) {
            connect(&m_sendTimer, &QTimer::timeout, this, [this] {
                m_sending = false;
                maybeFinish();
            });
            m_sendTimer.start(int(std::ceil(m_options.durationSeconds * 1000)));
            topUp();
        } else {
            connect(&m_sendTimer, &QTimer::timeout, this, [this] { sendDue(); });
            sendDue();
        }
    }

    void cancel()
    {
        if (!m_finished)
            finish(true);
    }

    void answered(const Answer &a)
    {
        if (m_finished)
            return; // a cancelled run's straggler
        LoadSample &s = m_samples[a.index];
        s.doneUs = a.doneUs;
        s.status = a.status;
        s.coldStart = a.cold;
        s.throttled = a.throttled;
        --m_inFlight;
        ++m_completed;
        if (closedLoop())
            topUp();
        maybeFinish();
    }

private:
    bool closedLoop() const { return m_options.concurrency > 0; }
    qint64 nowUs() const { return m_clock.nsecsElapsed() / 1000; }
    int total() const { return closedLoop() ? 0 : int(m_plan.size()); }

    // Open loop: send everything due, then sleep until the next intended time. Nothing here
    // looks at answers, which is what keeps the loop open.
    void sendDue()
    {
        while (m_sending && m_next < m_plan.size()) {
            const qint64 due = m_plan.at(m_next);
            const qint64 now = nowUs();
            if (due > now) {
                // Round up: a timer that fires early would only find nothing due and re-arm.
                m_sendTimer.start(int((due - now + 999) / 1000));
                return;
            }
            ++m_next;
            send(due, nowUs());
        }
        m_sending = false;
        maybeFinish();
    }

    // Closed loop: refill to N in flight while the duration lasts.
    void topUp()
    {
        const qint64 endUs = qint64(m_options.durationSeconds * 1e6);
        for (qint64 now = nowUs(); m_sending && m_inFlight < m_options.concurrency && now < endUs; now = nowUs())
            send(now, now);
    }

    void send(qint64 intendedUs, qint64 sentUs)
    {
        LoadSample s;
        s.intendedUs = intendedUs;
        s.sentUs = sentUs;
        const qsizetype index = m_samples.size();
        m_samples.append(s);
        ++m_inFlight;
        engine::InvokeRequest req;
        req.function = m_options.function;
        req.version = m_options.version;
        req.alias = m_options.alias;
        req.payload = m_options.payload;
        req.trigger = m_options.trigger;
        // Runs on the engine thread (or at once here, after Engine::stop()): stamp the time
        // where the answer is, then queue the rest to the pacer.
        m_engine->invoke(std::move(req), [mailbox = m_mailbox, clock = m_clock, index](engine::InvokeResult r) {
            const Answer a{index, clock.nsecsElapsed() / 1000, r.record.status, r.record.cold, r.throttled};
            QMutexLocker lock(&mailbox->mutex);
            if (LoadRunnerPacer *p = mailbox->pacer)
                QMetaObject::invokeMethod(
                    p, [p, a] { p->answered(a); }, Qt::QueuedConnection);
        });
    }

    void maybeFinish()
    {
        if (!m_finished && !m_sending && m_inFlight == 0)
            finish(false);
    }

    void reportProgress(bool force)
    {
        const int sent = int(m_samples.size());
        if (!force && sent == m_lastSent && m_completed == m_lastCompleted)
            return;
        m_lastSent = sent;
        m_lastCompleted = m_completed;
        QMetaObject::invokeMethod(
            m_runner, [runner = m_runner, sent, completed = m_completed, total = total()] {
                Q_EMIT runner->progress(sent, completed, total);
            },
            Qt::QueuedConnection);
    }

    void finish(bool cancelled)
    {
        m_finished = true;
        m_sending = false;
        m_sendTimer.stop();
        m_progressTimer.stop();
        reportProgress(true);
        // Rates are over the sending window: the planned duration, or as far as a
        // cancelled run got.
        const double planned = m_options.durationSeconds;
        const double window = cancelled ? std::min(planned, double(nowUs()) / 1e6) : planned;
        const double target = closedLoop() ? 0 : double(m_plan.size()) / planned;
        const LoadSummary summary = summarize(m_samples, window, target);
        QMetaObject::invokeMethod(
            m_runner, [runner = m_runner, self = this, summary, samples = m_samples] {
                runner->runFinished(self, summary, samples);
            },
            Qt::QueuedConnection);
    }

    engine::Engine *m_engine;
    const LoadRunOptions m_options;
    LoadRunner *m_runner; // outlives this: its destructor joins the thread first
    std::shared_ptr<Mailbox> m_mailbox;
    QElapsedTimer m_clock;
    QTimer m_sendTimer{this}; // children, so moveToThread() takes them along
    QTimer m_progressTimer{this};
    QList<qint64> m_plan;
    QList<LoadSample> m_samples; // in send order; answers fill them in by index
    qsizetype m_next = 0;
    int m_inFlight = 0;
    int m_completed = 0;
    bool m_sending = false; // false once all is sent, the duration is over, or cancelled
    bool m_finished = false;
    int m_lastSent = -1;
    int m_lastCompleted = -1;
};

LoadRunner::LoadRunner(engine::Engine *engine, QObject *parent) : QObject(parent), m_engine(engine)
{
    qRegisterMetaType<funcdesk::lab::LoadSummary>();
    m_thread.setObjectName(QStringLiteral("funcdesk-load"));
}

LoadRunner::~LoadRunner()
{
    // The pacer is deleted on its thread as that thread finishes (the connection made in
    // start()); answers still in flight then find its mailbox empty.
    m_thread.quit();
    m_thread.wait();
}

Status LoadRunner::start(const LoadRunOptions &options)
{
    if (isRunning())
        return makeError(errc::ResourceConflict, QStringLiteral("A load run is already going."));
    if (!m_engine)
        return invalid(QStringLiteral("The load runner has no engine."));
    if (options.function.isEmpty())
        return invalid(QStringLiteral("Name the function to load."));
    if (!std::isfinite(options.durationSeconds) || options.durationSeconds <= 0
        || options.durationSeconds > kMaxDurationSeconds)
        return invalid(QStringLiteral("The duration must be longer than zero and at most 24 hours."));
    if (options.concurrency < 0 || options.concurrency > kMaxConcurrency)
        return invalid(QStringLiteral("The concurrency must be between 0 (open loop) and ")
                       + QString::number(kMaxConcurrency) + QStringLiteral("."));
    if (options.concurrency == 0) {
        if (const Status valid = validateShape(options.shape, options.durationSeconds); !valid)
            return valid;
    }
    m_samples.clear();
    if (!m_thread.isRunning())
        m_thread.start();
    m_pacer = new LoadRunnerPacer(m_engine, options, this);
    m_pacer->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_pacer, &QObject::deleteLater);
    QMetaObject::invokeMethod(
        m_pacer, [p = m_pacer] { p->start(); }, Qt::QueuedConnection);
    return {};
}

bool LoadRunner::isRunning() const
{
    return m_pacer != nullptr;
}

QList<LoadSample> LoadRunner::samples() const
{
    return m_samples;
}

void LoadRunner::cancel()
{
    // m_pacer is only deleted after runFinished() has cleared it, so it is alive here.
    if (m_pacer)
        QMetaObject::invokeMethod(
            m_pacer, [p = m_pacer] { p->cancel(); }, Qt::QueuedConnection);
}

void LoadRunner::runFinished(LoadRunnerPacer *pacer, const LoadSummary &summary, const QList<LoadSample> &samples)
{
    if (pacer != m_pacer)
        return;
    m_samples = samples;
    m_pacer->deleteLater(); // on its own thread
    m_pacer = nullptr;
    Q_EMIT finished(summary);
}

} // namespace funcdesk::lab
