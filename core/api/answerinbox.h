#pragma once
// Hands work from other threads (the engine answering invocations) to one QObject's
// thread in batches: a single queued wake-up runs everything that arrived meanwhile, so
// under load the server thread wakes once per batch instead of once per answer.
//
// Threading: post() from any thread; the functions run on the target's thread. The
// target calls detach() in its destructor; later posts are dropped.

#include <QMetaObject>
#include <QObject>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace funcdesk::api {

class AnswerInbox : public std::enable_shared_from_this<AnswerInbox>
{
public:
    static std::shared_ptr<AnswerInbox> create(QObject *target)
    {
        return std::shared_ptr<AnswerInbox>(new AnswerInbox(target));
    }

    void post(std::function<void()> fn)
    {
        std::lock_guard lock(m_mutex);
        if (!m_target)
            return;
        m_items.push_back(std::move(fn));
        if (m_scheduled)
            return;
        m_scheduled = true;
        // Posting under the lock: detach() cannot complete while the target is used here.
        QMetaObject::invokeMethod(
            m_target, [self = shared_from_this()] { self->drain(); }, Qt::QueuedConnection);
    }

    void detach()
    {
        std::lock_guard lock(m_mutex);
        m_target = nullptr;
        m_items.clear();
    }

private:
    explicit AnswerInbox(QObject *target) : m_target(target) {}

    void drain()
    {
        std::vector<std::function<void()>> items;
        {
            std::lock_guard lock(m_mutex);
            items.swap(m_items);
            m_scheduled = false;
        }
        for (auto &fn : items)
            fn();
    }

    std::mutex m_mutex;
    QObject *m_target;
    bool m_scheduled = false;
    std::vector<std::function<void()>> m_items;
};

} // namespace funcdesk::api
