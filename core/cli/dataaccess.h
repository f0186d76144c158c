#pragma once
// How a command reaches a data dir: directly (versioning + store on the files) when no
// engine holds it, or over a running engine's API when one does (or when --endpoint was
// given explicitly). Working directly, the command holds the data dir's lock for its whole
// run, so an engine cannot start underneath it.
//
// Threading: main thread of the command.

#include "cli/commandline.h"
#include "common/datadir.h"
#include "common/result.h"

#include <memory>

namespace funcdesk::cli {

struct DataAccess
{
    DataDir dir;
    bool viaApi = false;
    std::shared_ptr<void> lock; // the held data dir lock when direct; empty over the API
};

// `allowDirect`: false for commands that need the engine anyway.
Result<DataAccess> openDataAccess(const CommandLine &cl, bool allowDirect = true);

} // namespace funcdesk::cli
