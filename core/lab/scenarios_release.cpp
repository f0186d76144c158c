// Scenarios about releasing code: a canary through a weighted alias.
#include "lab/labops.h"
#include "lab/scenarios_p.h"

namespace funcdesk::lab {

namespace {

const QByteArray kGoodRelease = QByteArrayLiteral("def lambda_handler(event, context):\n"
                                                  "    return {'release': 1}\n");
const QByteArray kBadRelease = QByteArrayLiteral("def lambda_handler(event, context):\n"
                                                 "    raise ValueError('release 2 has a bug')\n");

Status canary(LabHost &host, ScenarioResult &r)
{
    constexpr int kRequests = 200;
    constexpr double kWeight = 0.2;
    FunctionSpec spec;
    spec.name = kScenarioPrefix + QStringLiteral("canary");
    spec.files.insert(QStringLiteral("lambda_function.py"), kGoodRelease);
    auto config = host.deployFunction(spec);
    if (!config)
        return config.error();
    host.progress(QStringLiteral("Publishing version 1 (works) and version 2 (has a bug)"));
    auto v1 = host.publish(spec.name, QStringLiteral("release 1"));
    if (!v1)
        return v1.error();
    if (Status s = host.deployFiles(spec.name, {{QStringLiteral("lambda_function.py"), kBadRelease}}); !s)
        return s;
    auto v2 = host.publish(spec.name, QStringLiteral("release 2"));
    if (!v2)
        return v2.error();
    AliasConfig live;
    live.name = QStringLiteral("live");
    live.functionVersion = QString::number(*v1);
    live.additionalVersion = QString::number(*v2);
    live.additionalWeight = kWeight;
    if (Status s = host.setAlias(spec.name, live); !s)
        return s;

    host.progress(QStringLiteral("%1 requests through the alias live (%2 % to version %3)")
                      .arg(kRequests)
                      .arg(int(kWeight * 100))
                      .arg(*v2));
    int onCanary = 0;
    int canaryErrors = 0;
    int stableErrors = 0;
    for (int i = 0; i < kRequests && !host.cancelled(); ++i) {
        const engine::InvokeResult x = host.invokeQualified(spec.name, live.name, QByteArrayLiteral("{}"));
        const bool failed = x.record.status != InvocationStatus::Success;
        if (x.record.version == live.additionalVersion) {
            ++onCanary;
            canaryErrors += failed ? 1 : 0;
        } else {
            stableErrors += failed ? 1 : 0;
        }
    }
    const double share = double(onCanary) / kRequests;
    r.check(share >= 0.1 && share <= 0.3,
            QStringLiteral("About %1 % of the requests reach the canary; the rest stay on the stable version").arg(int(kWeight * 100)),
            QStringLiteral("%1 of %2 requests ran version %3 (%4 %)").arg(onCanary).arg(kRequests).arg(*v2).arg(share * 100, 0, 'f', 1));
    r.check(onCanary > 0 && canaryErrors == onCanary && stableErrors == 0,
            QStringLiteral("The bad release's errors are confined to its share: every canary request failed, no stable one did"),
            QStringLiteral("version %1: %2 of %3 failed; version %4: %5 failed")
                .arg(*v2)
                .arg(canaryErrors)
                .arg(onCanary)
                .arg(*v1)
                .arg(stableErrors));

    host.progress(QStringLiteral("Rolling back: the alias sends nothing to version %1").arg(*v2));
    live.additionalVersion.clear();
    live.additionalWeight = 0;
    if (Status s = host.setAlias(spec.name, live); !s)
        return s;
    int afterErrors = 0;
    for (int i = 0; i < 20; ++i)
        afterErrors += host.invokeQualified(spec.name, live.name, QByteArrayLiteral("{}")).record.status != InvocationStatus::Success;
    r.check(afterErrors == 0,
            QStringLiteral("Rolling back is moving the alias, not redeploying: the next requests all succeed"),
            QStringLiteral("%1 of 20 failed after the rollback").arg(afterErrors));
    r.figures = {{QStringLiteral("requests"), kRequests},
                 {QStringLiteral("weight"), kWeight},
                 {QStringLiteral("onCanary"), onCanary},
                 {QStringLiteral("canaryErrors"), canaryErrors},
                 {QStringLiteral("stableErrors"), stableErrors},
                 {QStringLiteral("errorsAfterRollback"), afterErrors}};
    return {};
}

} // namespace

QList<ScenarioDefinition> releaseScenarios()
{
    return {
        {{QStringLiteral("canary"), QStringLiteral("Canary release through a weighted alias"),
          QStringLiteral("Published versions never change, and an alias names the version callers get. An alias can send a "
                         "share of its requests to a second version: a canary. A bad release then fails only that share, "
                         "you see it in the second version's errors, and rolling back is moving the alias, in seconds, "
                         "without a deploy."),
          QStringLiteral("With 20 % routed to a broken version 2, about a fifth of the requests fail, all on version 2; "
                         "after the rollback none do."),
          false},
         canary},
    };
}

} // namespace funcdesk::lab
