#include "invocationrecord.h"

#include <array>
#include <utility>

namespace funcdesk {

namespace {
constexpr std::array<std::pair<InvocationStatus, const char *>, 6> kStatusNames{{
    {InvocationStatus::Success, "success"},
    {InvocationStatus::Error, "error"},
    {InvocationStatus::Timeout, "timeout"},
    {InvocationStatus::OutOfMemory, "oom"},
    {InvocationStatus::Crash, "crash"},
    {InvocationStatus::Throttled, "throttled"},
}};
constexpr std::array<std::pair<TriggerKind, const char *>, 8> kTriggerNames{{
    {TriggerKind::Manual, "manual"},
    {TriggerKind::Api, "api"},
    {TriggerKind::FunctionUrl, "url"},
    {TriggerKind::Schedule, "schedule"},
    {TriggerKind::Async, "async"},
    {TriggerKind::LoadGenerator, "load"},
    {TriggerKind::Replay, "replay"},
    {TriggerKind::Queue, "queue"},
}};
} // namespace

QString statusName(InvocationStatus s)
{
    for (const auto &[value, name] : kStatusNames)
        if (value == s)
            return QLatin1String(name);
    return {};
}

InvocationStatus statusFromName(const QString &name)
{
    for (const auto &[value, n] : kStatusNames)
        if (name == QLatin1String(n))
            return value;
    return InvocationStatus::Error;
}

QString triggerName(TriggerKind t)
{
    for (const auto &[value, name] : kTriggerNames)
        if (value == t)
            return QLatin1String(name);
    return {};
}

TriggerKind triggerFromName(const QString &name)
{
    for (const auto &[value, n] : kTriggerNames)
        if (name == QLatin1String(n))
            return value;
    return TriggerKind::Manual;
}

} // namespace funcdesk
