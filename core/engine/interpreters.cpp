#include "interpreters.h"

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
            return makeError(QStringLiteral("InvalidParameterValueException"), configured + QStringLiteral(" is not executable"));
        return Interpreter{fi.absoluteFilePath(), {}};
    }
    const bool python = runtime == Runtime::Python3;
    const QString command = python ? QStringLiteral("python3") : QStringLiteral("node");
    const QString found = QStandardPaths::findExecutable(command);
    if (found.isEmpty())
        return makeError(QStringLiteral("InvalidParameterValueException"), command + QStringLiteral(" was not found on PATH"));
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
    QStringList candidates;
    if (QCoreApplication::instance()) {
        const QString app = QCoreApplication::applicationDirPath();
        candidates << app + QStringLiteral("/../share/funcdesk/runtimes") << app + QStringLiteral("/runtimes");
    }
    candidates << QStringLiteral(FUNCDESK_ENGINE_SOURCE_RUNTIMES);
    for (const QString &c : std::as_const(candidates)) {
        if (QFileInfo::exists(c + QStringLiteral("/python/bootstrap.py")))
            return QFileInfo(c).canonicalFilePath();
    }
    return QStringLiteral(FUNCDESK_ENGINE_SOURCE_RUNTIMES);
}

} // namespace funcdesk::engine
