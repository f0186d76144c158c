#include "functionconfig.h"

#include "common/runtimes.h"

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
    if (n == QLatin1String("python3"))
        return Runtime::Python3;
    if (n == QLatin1String("nodejs"))
        return Runtime::NodeJs;
    if (n == QLatin1String("provided"))
        return Runtime::Provided;
    if (const RuntimeIdentifier *r = findRuntimeIdentifier(n))
        return r->runtime;
    return std::nullopt;
}

} // namespace funcdesk
