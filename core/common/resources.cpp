#include "resources.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#ifndef FUNCDESK_RESOURCES_SOURCE_DIR
#define FUNCDESK_RESOURCES_SOURCE_DIR ""
#endif

namespace funcdesk {

QString resourcesDir()
{
    static const QString dir = [] {
        const QString env = qEnvironmentVariable("FUNCDESK_RESOURCES");
        if (!env.isEmpty() && QFileInfo(env).isDir())
            return QDir(env).absolutePath();
        if (QCoreApplication::instance()) {
            const QString installed = QCoreApplication::applicationDirPath() + QStringLiteral("/../share/funcdesk");
            if (QFileInfo(installed + QStringLiteral("/runtimes")).isDir())
                return QDir(installed).absolutePath();
        }
        return QString::fromUtf8(FUNCDESK_RESOURCES_SOURCE_DIR);
    }();
    return dir;
}

QString resourcePath(const QString &relative)
{
    return resourcesDir() + QLatin1Char('/') + relative;
}

} // namespace funcdesk
