#pragma once
// Shared by the lab tests that drive a real api::Service: experiments block, and the
// Service needs its (the test's) thread to turn the event loop meanwhile.

#include <QSignalSpy>
#include <QThread>

#include <functional>
#include <optional>

namespace labtest {

// Runs `work` on a worker thread while this thread turns its event loop; fatal after
// `timeoutMs`.
template<typename T>
T onWorker(const std::function<T()> &work, int timeoutMs = 180000)
{
    std::optional<T> result;
    QThread *worker = QThread::create([&] { result.emplace(work()); });
    QSignalSpy finished(worker, &QThread::finished);
    worker->start();
    if (!finished.wait(timeoutMs))
        qFatal("the experiment did not finish in %d s", timeoutMs / 1000);
    worker->wait();
    delete worker;
    return std::move(*result);
}

} // namespace labtest
