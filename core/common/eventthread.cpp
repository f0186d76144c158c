#include "common/eventthread.h"

#include <QObject>
#include <QThread>

namespace funcdesk {

void startWithPlainDispatcher(QThread &thread)
{
    // Qt reads QT_NO_GLIB when a thread creates its dispatcher, at start.
    const bool set = qEnvironmentVariableIsEmpty("QT_NO_GLIB");
    if (set)
        qputenv("QT_NO_GLIB", "1");
    auto *probe = new QObject;
    probe->moveToThread(&thread);
    thread.start();
    QMetaObject::invokeMethod(
        probe, [probe] { probe->deleteLater(); }, Qt::BlockingQueuedConnection); // the dispatcher exists now
    if (set)
        qunsetenv("QT_NO_GLIB");
}

} // namespace funcdesk
