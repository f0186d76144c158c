#pragma once
// Turns SIGINT / SIGTERM into a Qt signal on the main thread (self-pipe + QSocketNotifier),
// so `funcdesk serve` shuts down cleanly through its event loop instead of dying in a
// signal handler. The previous handlers are restored on destruction.
//
// Threading: construct on the main thread; at most one instance per process.

#include <QObject>

#include <memory>

class QSocketNotifier;

namespace funcdesk::cli {

class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

    bool isValid() const { return m_notifier != nullptr; }

Q_SIGNALS:
    void terminationRequested(int signal);

private:
    void readSignal();
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace funcdesk::cli
