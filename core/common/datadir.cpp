#include "datadir.h"

#include <QDir>
#include <QStandardPaths>

namespace funcdesk {

DataDir DataDir::resolve(const QString &commandLineOverride)
{
    // Absolute, so paths handed to environments (code, scratch) stay right after they
    // change directory: `--data-dir data` once made every function fail to import.
    if (!commandLineOverride.isEmpty())
        return DataDir{QDir(commandLineOverride).absolutePath()};
    const QString env = qEnvironmentVariable("FUNCDESK_DATA_DIR");
    if (!env.isEmpty())
        return DataDir{QDir(env).absolutePath()};
    return DataDir{QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)};
}

} // namespace funcdesk
