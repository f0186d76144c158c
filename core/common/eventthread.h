#pragma once
// Threads that only poll descriptors and timers (the engine, the API server) run Qt's
// plain UNIX event dispatcher instead of the GLib one Qt picks by default: its wake-up
// from another thread is one eventfd write and a ppoll, where GLib's takes a context
// lock, a prepare/query/check round and, on every socket notifier change, a wake-up of
// its own. On the warm invoke path that difference is most of what the engine adds.
//
// Threading: call from the thread that owns `thread`, before anything else starts it.

class QThread;

namespace funcdesk {

// Starts `thread` with the plain dispatcher and returns once its event loop runs.
void startWithPlainDispatcher(QThread &thread);

} // namespace funcdesk
