#pragma once
// The data directory: --data-dir, else FUNCDESK_DATA_DIR, else
// QStandardPaths::AppDataLocation. Layout inside it is fixed here so every library agrees.

#include <QString>

namespace funcdesk {

struct DataDir
{
    QString root;

    static DataDir resolve(const QString &commandLineOverride = {});

    QString database() const { return root + QStringLiteral("/funcdesk.db"); }
    QString functions() const { return root + QStringLiteral("/functions"); }
    QString functionRepo(const QString &name) const { return functions() + QLatin1Char('/') + name; }
    QString versions() const { return root + QStringLiteral("/versions"); }
    QString run() const { return root + QStringLiteral("/run"); }
    // Dependency builds, one folder per cache key (versioning/build.h), and build logs.
    QString builds() const { return root + QStringLiteral("/builds"); }
    // Published layer versions: layers/<name>/<N>/ (content, read-only) and <N>.zip.
    QString layers() const { return root + QStringLiteral("/layers"); }
    QString lockFile() const { return root + QStringLiteral("/funcdesk.lock"); }
};

} // namespace funcdesk
