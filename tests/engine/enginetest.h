#pragma once
// Helpers shared by the engine tests: function fixtures in temporary dirs, concurrent
// invocations, fd and child-process counts.

#include "engine/engine.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QTemporaryDir>
#include <QTest>

#include <dirent.h>

namespace enginetest {

using namespace funcdesk;
using namespace funcdesk::engine;

inline void writeFile(const QString &path, const QByteArray &content, bool executable = false)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
    f.close();
    if (executable)
        f.setPermissions(f.permissions() | QFileDevice::ExeOwner | QFileDevice::ExeUser);
}

inline QJsonObject json(const QByteArray &doc)
{
    return QJsonDocument::fromJson(doc).object();
}

inline int openFdCount()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).size());
}

// Children of any thread of this process.
inline QStringList childPids()
{
    QStringList out;
    const QStringList tasks = QDir(QStringLiteral("/proc/self/task")).entryList(QDir::NoDotAndDotDot | QDir::Dirs);
    for (const QString &t : tasks) {
        QFile f(QStringLiteral("/proc/self/task/") + t + QStringLiteral("/children"));
        if (f.open(QIODevice::ReadOnly))
            out += QString::fromLatin1(f.readAll()).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    }
    return out;
}

// Collects results of asynchronous invocations (callbacks run on the engine thread).
class Collector
{
public:
    std::function<void(InvokeResult)> callback()
    {
        return [this](InvokeResult r) {
            QMutexLocker lock(&m_mutex);
            m_results.append(std::move(r));
        };
    }
    int count() const
    {
        QMutexLocker lock(&m_mutex);
        return int(m_results.size());
    }
    QList<InvokeResult> results() const
    {
        QMutexLocker lock(&m_mutex);
        return m_results;
    }

private:
    mutable QMutex m_mutex;
    QList<InvokeResult> m_results;
};

inline InvokeRequest request(const QString &function, const QByteArray &payload = QByteArrayLiteral("{}"))
{
    InvokeRequest r;
    r.function = function;
    r.payload = payload;
    return r;
}

} // namespace enginetest
