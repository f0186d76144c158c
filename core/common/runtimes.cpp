#include "runtimes.h"

namespace funcdesk {

const QList<RuntimeIdentifier> &runtimeIdentifiers()
{
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html (supported and
    // deprecated runtimes that still run); dates are Lambda's deprecation dates.
    static const QList<RuntimeIdentifier> table{
        {QStringLiteral("python3.14"), Runtime::Python3, QStringLiteral("3.14"), QDate(2029, 6, 30)},
        {QStringLiteral("python3.13"), Runtime::Python3, QStringLiteral("3.13"), QDate(2029, 6, 30)},
        {QStringLiteral("python3.12"), Runtime::Python3, QStringLiteral("3.12"), QDate(2028, 10, 31)},
        {QStringLiteral("python3.11"), Runtime::Python3, QStringLiteral("3.11"), QDate(2026, 6, 30)},
        {QStringLiteral("python3.10"), Runtime::Python3, QStringLiteral("3.10"), QDate(2026, 6, 30)},
        {QStringLiteral("python3.9"), Runtime::Python3, QStringLiteral("3.9"), QDate(2025, 12, 15)},
        {QStringLiteral("python3.8"), Runtime::Python3, QStringLiteral("3.8"), QDate(2024, 10, 14)},
        {QStringLiteral("nodejs24.x"), Runtime::NodeJs, QStringLiteral("24"), QDate(2028, 4, 30)},
        {QStringLiteral("nodejs22.x"), Runtime::NodeJs, QStringLiteral("22"), QDate(2027, 4, 30)},
        {QStringLiteral("nodejs20.x"), Runtime::NodeJs, QStringLiteral("20"), QDate(2026, 4, 30)},
        {QStringLiteral("nodejs18.x"), Runtime::NodeJs, QStringLiteral("18"), QDate(2025, 9, 1)},
        {QStringLiteral("nodejs16.x"), Runtime::NodeJs, QStringLiteral("16"), QDate(2024, 6, 12)},
        {QStringLiteral("provided.al2023"), Runtime::Provided, QString(), QDate(2029, 6, 30)},
        {QStringLiteral("provided.al2"), Runtime::Provided, QString(), QDate(2026, 6, 30)},
    };
    return table;
}

const RuntimeIdentifier *findRuntimeIdentifier(const QString &id)
{
    for (const RuntimeIdentifier &r : runtimeIdentifiers()) {
        if (r.id == id)
            return &r;
    }
    return nullptr;
}

QString defaultRuntimeIdentifier(Runtime runtime)
{
    for (const RuntimeIdentifier &r : runtimeIdentifiers()) {
        if (r.runtime == runtime)
            return r.id;
    }
    return {};
}

QString runtimeIdentifier(const FunctionConfig &config)
{
    return config.runtimeId.isEmpty() ? defaultRuntimeIdentifier(config.runtime) : config.runtimeId;
}

QString runtimeDeprecationWarning(const QString &id, const QDate &today)
{
    const RuntimeIdentifier *r = findRuntimeIdentifier(id);
    if (!r || today < r->deprecated)
        return {};
    return QStringLiteral("%1 is deprecated on Lambda since %2: AWS no longer accepts it for new functions. Use %3.")
        .arg(id, r->deprecated.toString(Qt::ISODate), defaultRuntimeIdentifier(r->runtime));
}

QString interpreterMismatch(const QString &id, const QString &localVersion)
{
    const RuntimeIdentifier *r = findRuntimeIdentifier(id);
    if (!r || r->languageVersion.isEmpty() || localVersion.isEmpty() || r->languageVersion == localVersion)
        return {};
    return QStringLiteral("%1 runs on the local %2 %3").arg(id, r->runtime == Runtime::Python3 ? QStringLiteral("python3") : QStringLiteral("node"), localVersion);
}

} // namespace funcdesk
