#include "cli/dataaccess.h"

#include "store/datadirlock.h"

namespace funcdesk::cli {

Result<DataAccess> openDataAccess(const CommandLine &cl, bool allowDirect)
{
    DataAccess access;
    access.dir = DataDir::resolve(cl.dataDir());
    if (!allowDirect || cl.isSet(QStringLiteral("endpoint"))) {
        access.viaApi = true;
        return access;
    }
    auto lock = store::DataDirLock::acquire(access.dir);
    if (!lock) {
        if (lock.error().type == errc::DataDirInUse) {
            access.viaApi = true;
            return access;
        }
        return lock.error();
    }
    access.lock = std::make_shared<store::DataDirLock>(std::move(*lock));
    return access;
}

} // namespace funcdesk::cli
