#pragma once
// Studio's private state, shared by studio.cpp and studio_lab.cpp. GUI thread, except
// where a member says otherwise.

#include "studio.h"

#include "api/service.h"
#include "store/costmodel.h"
#include "versioning/folderwatch.h"
#include "versioning/versionstore.h"

#include <QHash>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <mutex>

namespace funcdesk::ui {

struct Studio::Private
{
    DataDir dataDir;
    Settings *settings = nullptr;
    std::unique_ptr<api::Service> service; // engine, writer, API server, async, schedules
    std::unique_ptr<VersionStore> versions;
    metrics::LiveMetrics live{600};
    store::CostModel costModel;
    QThreadPool gitPool;
    QThreadPool storePool;
    QThreadPool labPool;                // experiments: one at a time, each for seconds
    std::atomic<bool> labCancel{false}; // read on the lab thread

    // Written on the engine thread, read on the GUI thread; the mutex is held only to
    // copy or append.
    mutable std::mutex envMutex;
    QHash<QString, engine::EnvironmentInfo> environments; // live (not retired)
    QHash<QString, int> busyPerFunction;
    QList<engine::EnvironmentInfo> pendingChanges;
    QTimer drainTimer;
    bool firstStart = false; // the window opened a data dir it had never opened (examples seeded)
    QHash<QString, FolderWatch *> links; // function -> its linked folder's watch (children of the Studio)
};

} // namespace funcdesk::ui
