#include "datadir.h"

#include <QStandardPaths>

namespace funcdesk {

DataDir DataDir::resolve(const QString &commandLineOverride)
{
    if (!commandLineOverride.isEmpty())
        return DataDir{commandLineOverride};
    const QString env = qEnvironmentVariable("FUNCDESK_DATA_DIR");
    if (!env.isEmpty())
        return DataDir{env};
    return DataDir{QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)};
}

} // namespace funcdesk
