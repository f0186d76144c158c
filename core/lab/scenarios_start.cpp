// Scenarios about starting and scaling: cold and warm starts, bursts, reserved
// concurrency, timeouts, provisioned concurrency.
#include "lab/labops.h"
#include "lab/scenarios_p.h"
#include "store/costmodel.h"

#include <QDateTime>
#include <QThread>

#include <cmath>

namespace funcdesk::lab {

namespace {

using engine::InvokeResult;

QString ms(double v) { return QString::number(v, 'f', v < 10 ? 1 : 0) + QStringLiteral(" ms"); }

FunctionSpec sleeper(const QString &id, std::function<void(FunctionConfig &)> configure = {})
{
    FunctionSpec spec;
    spec.name = kScenarioPrefix + id;
    spec.files.insert(QStringLiteral("lambda_function.py"), sleeperPy());
    spec.configure = [configure](FunctionConfig &c) {
        c.timeoutSeconds = 10;
        if (configure)
            configure(c);
    };
    return spec;
}

Status coldStart(LabHost &host, ScenarioResult &r)
{
    FunctionSpec spec;
    spec.name = kScenarioPrefix + QStringLiteral("cold-start");
    spec.templateId = QStringLiteral("slow-init");
    auto config = host.deployFunction(spec);
    if (!config)
        return config.error();
    host.progress(QStringLiteral("First request: no environment exists yet"));
    const InvokeResult first = invokeOnce(host.engine(), spec.name);
    host.progress(QStringLiteral("Second request: the environment is still there"));
    const InvokeResult second = invokeOnce(host.engine(), spec.name);
    const auto &a = first.record;
    const auto &b = second.record;
    // Billed as the store's cost model bills (INIT included on cold starts, as Lambda has
    // billed it since August 2025; a setting turns it off).
    const store::CostModel model;
    const qint64 coldBilled = model.billedDurationMs(a);
    const qint64 warmBilled = model.billedDurationMs(b);
    r.figures = {{QStringLiteral("initDurationMs"), a.initDurationMs},
                 {QStringLiteral("coldDurationMs"), a.durationMs},
                 {QStringLiteral("coldBilledMs"), double(coldBilled)},
                 {QStringLiteral("warmDurationMs"), b.durationMs},
                 {QStringLiteral("warmBilledMs"), double(warmBilled)}};
    r.check(a.status == InvocationStatus::Success && a.cold && a.initDurationMs >= 900,
            QStringLiteral("The first request is a cold start: its Init Duration includes the second the module spends at import"),
            a.cold ? QStringLiteral("cold start, Init Duration %1").arg(ms(a.initDurationMs)) : QStringLiteral("warm (no cold start)"));
    r.check(b.status == InvocationStatus::Success && !b.cold && b.initDurationMs == 0 && b.environmentId == a.environmentId,
            QStringLiteral("The second request is warm: the same environment, no Init Duration"),
            QStringLiteral("%1, %2 environment, Init Duration %3")
                .arg(b.cold ? QStringLiteral("cold") : QStringLiteral("warm"),
                     b.environmentId == a.environmentId ? QStringLiteral("the same") : QStringLiteral("another"),
                     ms(b.initDurationMs)));
    r.check(double(coldBilled) >= a.initDurationMs && warmBilled < coldBilled,
            QStringLiteral("The cold start's bill includes its INIT phase; the warm one's does not"),
            QStringLiteral("billed %1 ms cold, %2 ms warm").arg(coldBilled).arg(warmBilled));
    return {};
}

Status keepAlive(LabHost &host, ScenarioResult &r)
{
    static constexpr int kKeepAliveSeconds = 3;
    const FunctionSpec spec = sleeper(QStringLiteral("keep-alive"));
    auto config = host.deployFunction(spec);
    if (!config)
        return config.error();
    // Lambda's keep-alive is minutes and not configurable: the lesson runs the deployed code
    // as a temporary engine version with a 3 s one (never in the function's history).
    FunctionConfig shortLived = *config;
    shortLived.version = QStringLiteral("keep-alive-%1s").arg(kKeepAliveSeconds);
    shortLived.keepAliveSeconds = kKeepAliveSeconds;
    if (Status s = host.engine()->registerFunction(shortLived); !s)
        return s;
    const QByteArray quick = QByteArrayLiteral("{\"sleep\": 0}");
    host.progress(QStringLiteral("A first request, then another a second later"));
    const InvokeResult first = invokeOnce(host.engine(), spec.name, quick, shortLived.version);
    QThread::msleep(1000);
    const InvokeResult second = invokeOnce(host.engine(), spec.name, quick, shortLived.version);
    const qint64 idleFrom = QDateTime::currentMSecsSinceEpoch();
    host.progress(QStringLiteral("No traffic: waiting for the idle environment to be removed (keep-alive %1 s)").arg(kKeepAliveSeconds));
    const bool scaledToZero = waitUntil([&] { return environmentsOf(host.engine(), spec.name).isEmpty(); }, 15000);
    const qint64 idleMs = QDateTime::currentMSecsSinceEpoch() - idleFrom;
    host.progress(QStringLiteral("A request after the scale to zero"));
    const InvokeResult after = invokeOnce(host.engine(), spec.name, quick, shortLived.version);
    host.engine()->unregisterFunction(spec.name, shortLived.version);
    r.figures = {{QStringLiteral("keepAliveSeconds"), kKeepAliveSeconds},
                 {QStringLiteral("idleBeforeRemovedMs"), double(idleMs)},
                 {QStringLiteral("coldStarts"), int(first.record.cold) + int(second.record.cold) + int(after.record.cold)}};
    r.check(first.record.cold && !second.record.cold && second.record.environmentId == first.record.environmentId,
            QStringLiteral("Within the keep-alive the environment is reused: the second request is warm"),
            QStringLiteral("%1, then %2 in %3 environment")
                .arg(first.record.cold ? QStringLiteral("cold") : QStringLiteral("warm"),
                     second.record.cold ? QStringLiteral("cold") : QStringLiteral("warm"),
                     second.record.environmentId == first.record.environmentId ? QStringLiteral("the same")
                                                                                : QStringLiteral("another")));
    // The engine sweeps idle environments every quarter keep-alive, so removal comes within
    // 1.25 keep-alives; the slack covers a loaded machine.
    r.check(scaledToZero && idleMs >= kKeepAliveSeconds * 1000 - 100 && idleMs <= kKeepAliveSeconds * 1000 * 2,
            QStringLiteral("With no traffic the environment is removed after the keep-alive: the function scales to zero "
                           "and costs nothing"),
            scaledToZero ? QStringLiteral("removed after %1 idle").arg(ms(double(idleMs)))
                         : QStringLiteral("still there after %1").arg(ms(double(idleMs))));
    r.check(after.record.status == InvocationStatus::Success && after.record.cold
                && after.record.environmentId != second.record.environmentId,
            QStringLiteral("The next request after that starts cold in a new environment"),
            after.record.cold ? QStringLiteral("cold start, Init Duration %1").arg(ms(after.record.initDurationMs))
                              : QStringLiteral("warm"));
    return {};
}

Status burst(LabHost &host, ScenarioResult &r)
{
    constexpr int kBurst = 5;
    const FunctionSpec spec = sleeper(QStringLiteral("burst"));
    auto config = host.deployFunction(spec);
    if (!config)
        return config.error();
    const QByteArray halfSecond = QByteArrayLiteral("{\"sleep\": 0.5}");
    host.progress(QStringLiteral("%1 requests at the same moment, each taking 0.5 s").arg(kBurst));
    const QList<InvokeResult> first = invokeTogether(host.engine(), spec.name, kBurst, halfSecond);
    host.progress(QStringLiteral("The same burst again"));
    const QList<InvokeResult> again = invokeTogether(host.engine(), spec.name, kBurst, halfSecond);
    const int cold = countCold(first);
    const int environments = countEnvironments(first);
    r.figures = {{QStringLiteral("burst"), kBurst},
                 {QStringLiteral("coldStarts"), cold},
                 {QStringLiteral("environments"), environments},
                 {QStringLiteral("coldStartsSecondBurst"), countCold(again)}};
    r.check(cold == kBurst && environments == kBurst && countStatus(first, InvocationStatus::Success) == kBurst,
            QStringLiteral("%1 concurrent requests need %1 environments, each with its own cold start "
                           "(concurrency = request rate x duration)")
                .arg(kBurst),
            QStringLiteral("%1 cold starts in %2 environments").arg(cold).arg(environments));
    r.check(countCold(again) == 0 && countStatus(again, InvocationStatus::Success) == kBurst,
            QStringLiteral("The next burst finds the environments warm: no cold start"),
            QStringLiteral("%1 cold starts").arg(countCold(again)));
    return {};
}

Status throttling(LabHost &host, ScenarioResult &r)
{
    constexpr int kRequests = 5;
    static constexpr int kReserved = 2;
    const FunctionSpec spec = sleeper(QStringLiteral("throttling"), [](FunctionConfig &c) { c.reservedConcurrency = kReserved; });
    auto config = host.deployFunction(spec);
    if (!config)
        return config.error();
    host.progress(QStringLiteral("%1 requests at once against a reserved concurrency of %2").arg(kRequests).arg(kReserved));
    const QList<InvokeResult> results = invokeTogether(host.engine(), spec.name, kRequests, QByteArrayLiteral("{\"sleep\": 1}"));
    const int ok = countStatus(results, InvocationStatus::Success);
    const int throttled = countStatus(results, InvocationStatus::Throttled);
    const bool rightError = std::all_of(results.cbegin(), results.cend(), [](const InvokeResult &x) {
        return x.record.status != InvocationStatus::Throttled || x.record.errorType == errc::TooManyRequests;
    });
    r.figures = {{QStringLiteral("requests"), kRequests},
                 {QStringLiteral("reservedConcurrency"), kReserved},
                 {QStringLiteral("succeeded"), ok},
                 {QStringLiteral("throttled"), throttled}};
    r.check(ok == kReserved && throttled == kRequests - kReserved && rightError,
            QStringLiteral("Only %1 run at once; the other %2 are throttled at once with TooManyRequestsException "
                           "(HTTP 429), not queued")
                .arg(kReserved)
                .arg(kRequests - kReserved),
            QStringLiteral("%1 succeeded, %2 throttled").arg(ok).arg(throttled));
    return {};
}

Status timeouts(LabHost &host, ScenarioResult &r)
{
    const FunctionSpec spec = sleeper(QStringLiteral("timeout"), [](FunctionConfig &c) { c.timeoutSeconds = 1; });
    auto config = host.deployFunction(spec);
    if (!config)
        return config.error();
    host.progress(QStringLiteral("A warm-up request, then one that would sleep 10 s under a 1 s timeout"));
    const InvokeResult warm = invokeOnce(host.engine(), spec.name, QByteArrayLiteral("{\"sleep\": 0}"));
    const InvokeResult stuck = invokeOnce(host.engine(), spec.name, QByteArrayLiteral("{\"sleep\": 10}"));
    host.progress(QStringLiteral("The next request"));
    const InvokeResult after = invokeOnce(host.engine(), spec.name, QByteArrayLiteral("{\"sleep\": 0}"));
    const auto &s = stuck.record;
    r.figures = {{QStringLiteral("timeoutSeconds"), 1},
                 {QStringLiteral("stuckDurationMs"), s.durationMs},
                 {QStringLiteral("stuckBilledMs"), double(s.billedDurationMs)}};
    r.check(warm.record.status == InvocationStatus::Success && s.status == InvocationStatus::Timeout
                && s.errorMessage.contains(QStringLiteral("Task timed out after 1.00 seconds")),
            QStringLiteral("The stuck request ends at the timeout with \"Task timed out after 1.00 seconds\""),
            QStringLiteral("%1: %2").arg(statusName(s.status), s.errorMessage));
    r.check(s.billedDurationMs >= 1000 && s.billedDurationMs <= 1100,
            QStringLiteral("It is billed for the full second it was allowed, although it did nothing useful"),
            QStringLiteral("billed %1 ms").arg(s.billedDurationMs));
    r.check(after.record.cold && after.record.environmentId != s.environmentId,
            QStringLiteral("The timed-out environment is discarded: the next request is a cold start"),
            after.record.cold ? QStringLiteral("cold start in a new environment") : QStringLiteral("warm"));
    return {};
}

Status provisioned(LabHost &host, ScenarioResult &r)
{
    static constexpr int kProvisioned = 2;
    FunctionSpec spec;
    spec.name = kScenarioPrefix + QStringLiteral("provisioned");
    spec.templateId = QStringLiteral("slow-init");
    spec.configure = [](FunctionConfig &c) { c.provisionedConcurrency = kProvisioned; };
    auto config = host.deployFunction(spec);
    if (!config)
        return config.error();
    host.progress(QStringLiteral("Waiting for %1 provisioned environments to initialise").arg(kProvisioned));
    const bool ready = waitUntil(
        [&] {
            const QList<engine::EnvironmentInfo> envs = environmentsOf(host.engine(), spec.name);
            return std::count_if(envs.cbegin(), envs.cend(), [](const engine::EnvironmentInfo &e) {
                       return e.provisioned && e.state == engine::EnvironmentState::Idle;
                   })
                >= kProvisioned;
        },
        20000);
    if (!ready)
        return makeError(errc::Service, QStringLiteral("the provisioned environments did not become ready in 20 s"));
    host.progress(QStringLiteral("%1 requests at once").arg(kProvisioned));
    const QList<InvokeResult> results = invokeTogether(host.engine(), spec.name, kProvisioned);
    double slowest = 0;
    for (const InvokeResult &x : results)
        slowest = std::max(slowest, x.record.durationMs + x.record.initDurationMs);
    // Lambda's us-east-1 price for keeping provisioned concurrency, per GB-second.
    constexpr double kProvisionedPerGbSecond = 0.0000041667;
    const double hourly = kProvisioned * (config->memoryMb / 1024.0) * 3600 * kProvisionedPerGbSecond;
    r.figures = {{QStringLiteral("provisioned"), kProvisioned},
                 {QStringLiteral("coldStarts"), countCold(results)},
                 {QStringLiteral("slowestMs"), slowest},
                 {QStringLiteral("provisionedUsdPerHour"), hourly}};
    r.check(countCold(results) == 0 && countStatus(results, InvocationStatus::Success) == kProvisioned && slowest < 900,
            QStringLiteral("Both requests find an initialised environment: no cold start, no second of init to wait for"),
            QStringLiteral("%1 cold starts, slowest request %2; keeping %3 x %4 MB provisioned costs $%5 an hour on Lambda, "
                           "used or not")
                .arg(countCold(results))
                .arg(ms(slowest))
                .arg(kProvisioned)
                .arg(config->memoryMb)
                .arg(hourly, 0, 'f', 4));
    return {};
}

} // namespace

QByteArray sleeperPy()
{
    return QByteArrayLiteral("import time\n\n"
                             "def lambda_handler(event, context):\n"
                             "    seconds = float(event.get('sleep', 0.5)) if isinstance(event, dict) else 0.5\n"
                             "    time.sleep(seconds)\n"
                             "    return {'slept': seconds}\n");
}

QList<ScenarioDefinition> startScenarios()
{
    return {
        {{QStringLiteral("cold-start"), QStringLiteral("Cold and warm starts"),
          QStringLiteral("A function runs in an execution environment: a process with your code loaded. The first request "
                         "has to create one and run your module's top-level code (the INIT phase): a cold start. The "
                         "environment then stays for later requests, which skip all of that. Work done at import is "
                         "paid once per environment, and Lambda bills it."),
          QStringLiteral("The first request is cold with about a second of init; the second is warm."), false},
         coldStart},
        {{QStringLiteral("keep-alive"), QStringLiteral("Keep-alive and scale to zero"),
          QStringLiteral("After a request, Lambda keeps the environment for a while in case another comes; then it "
                         "removes it. AWS does not promise how long (minutes, in practice). With no traffic a function "
                         "scales to zero: nothing runs and nothing is billed, and the next request pays a cold start "
                         "again. This lesson uses a 3-second keep-alive so you can watch it happen."),
          QStringLiteral("Warm within the keep-alive; removed after 3 s idle; cold again after that."), false},
         keepAlive},
        {{QStringLiteral("burst"), QStringLiteral("A burst creates many environments"),
          QStringLiteral("An environment serves one request at a time. Requests that arrive together each need their own "
                         "environment, so a burst of 5 means 5 cold starts; concurrency is request rate times duration. "
                         "Afterwards the environments stay warm for the next burst."),
          QStringLiteral("5 concurrent requests: 5 environments and 5 cold starts; the next burst: none."), false},
         burst},
        {{QStringLiteral("throttling"), QStringLiteral("Reserved concurrency and throttling"),
          QStringLiteral("Reserved concurrency caps how many environments a function may have. A request beyond the cap "
                         "is not queued: a synchronous caller gets 429 TooManyRequestsException at once and must retry. "
                         "Caps protect what a function calls (a database) and the rest of the account."),
          QStringLiteral("With a reserved concurrency of 2, 2 of 5 simultaneous requests run and 3 are throttled."), false},
         throttling},
        {{QStringLiteral("timeout"), QStringLiteral("Timeouts: a stuck function and its bill"),
          QStringLiteral("Every function has a timeout. When a request runs past it, the environment is stopped, the caller "
                         "gets \"Task timed out\", and you pay for the whole time allowed. The environment is thrown away, "
                         "so the next request starts cold."),
          QStringLiteral("A 10 s sleep under a 1 s timeout: a timeout error, 1,000 ms billed, and a cold start next."), false},
         timeouts},
        {{QStringLiteral("provisioned"), QStringLiteral("Provisioned concurrency removes cold starts"),
          QStringLiteral("Provisioned concurrency initialises environments before traffic arrives and keeps them ready. "
                         "Requests up to that number never wait for INIT, but the environments are billed for every second "
                         "they are kept, whether or not requests come."),
          QStringLiteral("2 provisioned environments serve 2 simultaneous requests without a cold start."), false},
         provisioned},
    };
}

} // namespace funcdesk::lab
