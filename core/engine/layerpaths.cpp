#include "engine/layerpaths.h"

#include <QDir>
#include <QStringList>

namespace funcdesk::engine {

namespace {

void prepend(QMap<QString, QString> &env, const QString &key, const QStringList &ours)
{
    if (ours.isEmpty())
        return;
    const QString theirs = env.value(key);
    env.insert(key, ours.join(QLatin1Char(':')) + (theirs.isEmpty() ? QString() : QLatin1Char(':') + theirs));
}

} // namespace

void addLayerPaths(QMap<QString, QString> &env, const FunctionConfig &config, const QStringList &runtimeVersions)
{
    if (config.optDir.isEmpty())
        return;
    const QString opt = config.optDir;
    if (config.runtime == Runtime::Python3) {
        QStringList paths;
        if (!runtimeVersions.isEmpty()) {
            for (const QString &v : runtimeVersions)
                paths << opt + QStringLiteral("/python/lib/python") + v + QStringLiteral("/site-packages");
        } else {
            const QStringList found = QDir(opt + QStringLiteral("/python/lib")).entryList({QStringLiteral("python3*")}, QDir::Dirs);
            for (const QString &f : found)
                paths << opt + QStringLiteral("/python/lib/") + f + QStringLiteral("/site-packages");
        }
        paths << opt + QStringLiteral("/python");
        prepend(env, QStringLiteral("PYTHONPATH"), paths);
    } else if (config.runtime == Runtime::NodeJs) {
        QStringList paths;
        for (const QString &v : runtimeVersions)
            paths << opt + QStringLiteral("/nodejs/node") + v + QStringLiteral("/node_modules");
        paths << opt + QStringLiteral("/nodejs/node_modules");
        prepend(env, QStringLiteral("NODE_PATH"), paths);
    }
    const QString path = env.value(QStringLiteral("PATH"));
    env.insert(QStringLiteral("PATH"), (path.isEmpty() ? QString() : path + QLatin1Char(':')) + opt + QStringLiteral("/bin"));
    prepend(env, QStringLiteral("LD_LIBRARY_PATH"),
            {config.codeDir, config.codeDir + QStringLiteral("/lib"), opt + QStringLiteral("/lib")});
}

} // namespace funcdesk::engine
