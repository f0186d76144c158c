#include "tempdb.h"

#include <QFile>

namespace funcdesk::test {

TempDb::TempDb() : m_dir(QDir::tempPath() + QStringLiteral("/funcdesk-test-XXXXXX")) {}

bool TempDb::writeFile(const QByteArray &bytes) const
{
    QFile f(path());
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return f.write(bytes) == bytes.size();
}

} // namespace funcdesk::test
