#include "errordocs.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace funcdesk::engine {

QByteArray errorDocument(const QString &errorType, const QString &errorMessage)
{
    QJsonObject o{{QStringLiteral("errorMessage"), errorMessage}};
    if (!errorType.isEmpty())
        o.insert(QStringLiteral("errorType"), errorType);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString errorMessageOf(const QByteArray &document)
{
    const QJsonDocument doc = QJsonDocument::fromJson(document);
    if (!doc.isObject())
        return QString::fromUtf8(document.left(1024));
    return doc.object().value(QStringLiteral("errorMessage")).toString();
}

QString runtimeExitedMessage(const QString &requestId, const QString &exitDescription)
{
    return QStringLiteral("RequestId: ") + requestId + QStringLiteral(" Error: Runtime exited with error: ")
        + exitDescription;
}

QString timeoutMessage(const QString &requestId, double seconds)
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) + QLatin1Char(' ') + requestId
        + QStringLiteral(" Task timed out after ") + QString::number(seconds, 'f', 2) + QStringLiteral(" seconds");
}

QString responseTooLargeMessage()
{
    return QStringLiteral("Response payload size exceeded maximum allowed payload size (6291556 bytes).");
}

QByteArray throttleDocument(const QString &reason)
{
    const QJsonObject o{{QStringLiteral("Reason"), reason},
                        {QStringLiteral("Type"), QStringLiteral("User")},
                        {QStringLiteral("message"), QStringLiteral("Rate Exceeded.")}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray serviceErrorDocument(const QString &message)
{
    const QJsonObject o{{QStringLiteral("Type"), QStringLiteral("User")}, {QStringLiteral("message"), message}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace funcdesk::engine
