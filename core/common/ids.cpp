#include "ids.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QUuid>

#include <atomic>

namespace funcdesk {

QString newRequestId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QString newEnvironmentId()
{
    static std::atomic<quint32> counter{0};
    const quint32 n = ++counter;
    // A random prefix keeps ids unique across runs too (log streams are persisted).
    static const QString prefix = QUuid::createUuid().toString(QUuid::Id128).left(8);
    return prefix + QString::number(n, 16).rightJustified(4, QLatin1Char('0'));
}

bool isValidFunctionName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    return re.match(name).hasMatch();
}

QString functionArn(const QString &name, const QString &qualifier)
{
    QString arn = QStringLiteral("arn:aws:lambda:") + QLatin1String(kRegion) + QLatin1Char(':')
        + QLatin1String(kAccountId) + QStringLiteral(":function:") + name;
    if (!qualifier.isEmpty())
        arn += QLatin1Char(':') + qualifier;
    return arn;
}

QString logGroupName(const QString &function)
{
    return QStringLiteral("/aws/lambda/") + function;
}

QString logStreamName(const QString &version, const QString &environmentId)
{
    return QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy/MM/dd")) + QStringLiteral("/[")
        + version + QStringLiteral("]") + environmentId;
}

} // namespace funcdesk
