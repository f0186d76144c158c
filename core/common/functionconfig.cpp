#include "functionconfig.h"

namespace funcdesk {

QString runtimeName(Runtime r)
{
    switch (r) {
    case Runtime::Python3:
        return QStringLiteral("python3");
    case Runtime::NodeJs:
        return QStringLiteral("nodejs");
    case Runtime::Provided:
        return QStringLiteral("provided");
    }
    return {};
}

std::optional<Runtime> runtimeFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("python3") || n.startsWith(QLatin1String("python3.")))
        return Runtime::Python3;
    if (n == QLatin1String("nodejs") || (n.startsWith(QLatin1String("nodejs")) && n.endsWith(QLatin1String(".x"))))
        return Runtime::NodeJs;
    if (n == QLatin1String("provided") || n == QLatin1String("provided.al2") || n == QLatin1String("provided.al2023"))
        return Runtime::Provided;
    return std::nullopt;
}

} // namespace funcdesk
