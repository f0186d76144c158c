#pragma once
// Helpers shared by the engine tests: function fixtures in temporary dirs, concurrent
// invocations, fd and child-process counts, and the runtime tests' engine and functions.

#include "engine/engine.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QMutex>
#include <QTemporaryDir>
#include <QTest>

#include <dirent.h>

#include <functional>
#include <memory>

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

// A function name of the current data row's own, for a data-driven test whose rows each
// register their own code (a name is registered once).
inline QString rowFunctionName(const QString &prefix)
{
    return prefix + QString::number(qHash(QString::fromLatin1(QTest::currentDataTag())));
}

// What the runtime tests (tst_runtime_python, tst_runtime_node) share, inherited after
// QObject: an engine running one real interpreter, with its run dir and every function's
// code in one temporary dir that outlives it.
class RuntimeFixture
{
protected:
    explicit RuntimeFixture(Runtime runtime) : m_runtime(runtime) {}

    // From initTestCase, once m_dir is known to be valid.
    void startEngine()
    {
        EngineOptions o;
        o.runDir = m_dir.path() + QStringLiteral("/run");
        m_engine = std::make_unique<Engine>(o);
    }

    // A function whose code is `files` (path in its code dir -> content), written to a dir
    // of its own, and registered for the fixture's runtime; `tweak` adjusts its config
    // before that.
    Status add(const QString &name, const QMap<QString, QByteArray> &files, const QString &handler,
               const std::function<void(FunctionConfig &)> &tweak = {})
    {
        FunctionConfig c;
        c.name = name;
        c.runtime = m_runtime;
        c.handler = handler;
        c.codeDir = m_dir.path() + QStringLiteral("/code/") + name;
        for (auto it = files.cbegin(); it != files.cend(); ++it)
            writeFile(c.codeDir + QLatin1Char('/') + it.key(), it.value());
        if (tweak)
            tweak(c);
        return m_engine->registerFunction(c);
    }

    QTemporaryDir m_dir;
    std::unique_ptr<Engine> m_engine; // declared after m_dir: stopped before the dir goes

private:
    Runtime m_runtime;
};

} // namespace enginetest
