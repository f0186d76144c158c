#include "interpreters.h"

#include "common/resources.h"
#include "engine/childprocess.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QStandardPaths>

namespace funcdesk::engine {

Result<Interpreter> resolveInterpreter(Runtime runtime, const QString &configured)
{
    if (!configured.isEmpty()) {
        const QFileInfo fi(configured);
        if (!fi.isExecutable())
            return makeError(errc::InvalidParameterValue, configured + QStringLiteral(" is not executable"));
        return Interpreter{fi.absoluteFilePath(), {}};
    }
    const bool python = runtime == Runtime::Python3;
    const QString command = python ? QStringLiteral("python3") : QStringLiteral("node");
    const QString found = QStandardPaths::findExecutable(command);
    if (found.isEmpty())
        return makeError(errc::InvalidParameterValue, command + QStringLiteral(" was not found on PATH"));
    const QStringList probe = python
        ? QStringList{QStringLiteral("-c"), QStringLiteral("import sys;print(sys.executable);print('%d.%d'%sys.version_info[:2])")}
        : QStringList{QStringLiteral("-p"), QStringLiteral("process.execPath+'\\n'+process.versions.node.split('.')[0]")};
    auto out = runAndCapture(found, probe);
    if (!out)
        return Interpreter{found, {}};
    const QList<QByteArray> lines = out->split('\n');
    Interpreter i{found, {}};
    if (!lines.value(0).trimmed().isEmpty() && QFileInfo(QString::fromLocal8Bit(lines.value(0).trimmed())).isExecutable())
        i.path = QString::fromLocal8Bit(lines.value(0).trimmed());
    i.version = QString::fromLatin1(lines.value(1).trimmed());
    return i;
}

QString findShimDir(const QString &configured)
{
    if (!configured.isEmpty())
        return configured;
    // The same lookup as every other resource ($FUNCDESK_RESOURCES, the installed share
    // dir, the source tree), so one variable redirects templates and shims alike.
    const QString dir = resourcePath(QStringLiteral("runtimes"));
    const QString canonical = QFileInfo(dir).canonicalFilePath();
    return canonical.isEmpty() ? dir : canonical;
}

} // namespace funcdesk::engine
