#include "scratchrepo.h"

#include "versioning/treefiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace funcdesk::test {

ScratchRepo::ScratchRepo()
    : m_dataDir{m_dir.path()}, m_store(m_dataDir, QStringLiteral("Test Author"), QStringLiteral("test@example.invalid"))
{
}

ScratchRepo::~ScratchRepo()
{
    // Exports are read-only; make them removable before QTemporaryDir cleans up.
    (void)treefiles::removeTree(m_dataDir.versions());
}

QByteArray ScratchRepo::handlerSource(const QByteArray &marker)
{
    return QByteArrayLiteral("def lambda_handler(event, context):\n    return {\"marker\": \"") + marker
        + QByteArrayLiteral("\"}\n");
}

Result<QString> ScratchRepo::createPython(const QString &name, const QByteArray &marker)
{
    SourceFiles files;
    files.insert(QStringLiteral("lambda_function.py"), SourceFile(handlerSource(marker)));
    return m_store.create(name, Runtime::Python3, files);
}

QString ScratchRepo::draftPath(const QString &name, const QString &relative) const
{
    return m_dataDir.functionRepo(name) + QLatin1Char('/') + relative;
}

bool ScratchRepo::writeDraft(const QString &name, const QString &relative, const QByteArray &content) const
{
    return writeFile(draftPath(name, relative), content);
}

bool ScratchRepo::writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(content) == content.size();
}

QByteArray ScratchRepo::readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace funcdesk::test
