#pragma once
// Test fixture: a throw-away data dir (QTemporaryDir) with a VersionStore on it, plus
// small file helpers. One per test function; everything is removed on destruction,
// read-only exports included.
//
// Threading: the test's thread only.

#include "common/datadir.h"
#include "versioning/versionstore.h"

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>

namespace funcdesk::test {

class ScratchRepo
{
public:
    ScratchRepo();
    ~ScratchRepo();
    ScratchRepo(const ScratchRepo &) = delete;
    ScratchRepo &operator=(const ScratchRepo &) = delete;

    bool isValid() const { return m_dir.isValid(); }
    QString root() const { return m_dir.path(); }
    const DataDir &dataDir() const { return m_dataDir; }
    VersionStore &store() { return m_store; }

    // Creates `name` (python3) with a handler file whose body returns `marker`.
    Result<QString> createPython(const QString &name, const QByteArray &marker = QByteArrayLiteral("v1"));

    // Files of a function's draft, by path relative to its repository.
    QString draftPath(const QString &name, const QString &relative) const;
    bool writeDraft(const QString &name, const QString &relative, const QByteArray &content) const;

    static bool writeFile(const QString &path, const QByteArray &content);
    static QByteArray readFile(const QString &path);
    static QByteArray handlerSource(const QByteArray &marker);

private:
    QTemporaryDir m_dir;
    DataDir m_dataDir;
    VersionStore m_store;
};

} // namespace funcdesk::test
