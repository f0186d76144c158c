#include "cli/dataaccess.h"

#ifdef HAVE_FUNCDESK_STORE
#include "store/datadirlock.h"
#endif

namespace funcdesk::cli {

Result<DataAccess> openDataAccess(const CommandLine &cl, bool allowDirect)
{
    DataAccess access;
    access.dir = DataDir::resolve(cl.dataDir());
    if (!allowDirect || cl.isSet(QStringLiteral("endpoint"))) {
        access.viaApi = true;
        return access;
    }
#ifdef HAVE_FUNCDESK_STORE
    auto lock = store::DataDirLock::acquire(access.dir);
    if (!lock) {
        if (lock.error().type == QLatin1String(store::kDataDirInUse)) {
            access.viaApi = true;
            return access;
        }
        return lock.error();
    }
    access.lock = std::make_shared<store::DataDirLock>(std::move(*lock));
#endif
    return access;
}

} // namespace funcdesk::cli
