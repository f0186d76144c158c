#pragma once
// Work off the GUI thread, results back by value (threads talk in values): `work` runs on
// `pool`; `done` runs on the GUI thread with its result, and only if `receiver` still
// exists (results of a closed page are dropped, never delivered to a dangling object).

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <type_traits>
#include <utility>

namespace funcdesk::ui {

template<typename Work, typename Done>
void runAsync(QThreadPool *pool, QObject *receiver, Work &&work, Done &&done)
{
    using R = std::invoke_result_t<Work>;
    auto *watcher = new QFutureWatcher<R>(receiver);
    QObject::connect(watcher, &QFutureWatcherBase::finished, receiver,
                     [watcher, done = std::forward<Done>(done)]() mutable {
                         watcher->deleteLater();
                         if constexpr (std::is_void_v<R>)
                             done();
                         else
                             done(watcher->future().takeResult());
                     });
    watcher->setFuture(QtConcurrent::run(pool, std::forward<Work>(work)));
}

} // namespace funcdesk::ui
