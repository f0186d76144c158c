#pragma once
// A throwaway data dir for one test: a QTemporaryDir laid out as a Funcdesk data dir,
// removed when the TempDb goes out of scope. Owned by the test's thread.
//
//   TempDb db;
//   QVERIFY(db.isValid());
//   auto conn = store::Connection::open(db.path());

#include "common/datadir.h"

#include <QString>
#include <QDir>
#include <QTemporaryDir>

namespace funcdesk::test {

class TempDb
{
public:
    TempDb();
    bool isValid() const { return m_dir.isValid(); }
    DataDir dataDir() const { return DataDir{m_dir.path()}; }
    QString root() const { return m_dir.path(); }
    QString path() const { return dataDir().database(); } // <root>/funcdesk.db (not created)
    // Another file in the same folder, e.g. for a second database.
    QString filePath(const QString &name) const { return m_dir.filePath(name); }
    // Writes `bytes` to path() (for corrupt-file tests).
    bool writeFile(const QByteArray &bytes) const;

private:
    QTemporaryDir m_dir;
};

} // namespace funcdesk::test
