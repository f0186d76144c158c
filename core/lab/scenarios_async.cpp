// Scenarios about Event (asynchronous) invocations: retries then a failure destination,
// at-least-once delivery made harmless by an idempotency key, and the bill of a
// synchronous chain against an asynchronous hand-off. Lambda waits about a
// minute before the first retry and two before the second; these lessons compress that
// to seconds for their own functions (LabHost::setAsyncRetryDelays) and say so.
#include "lab/labops.h"
#include "lab/scenarios_p.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace funcdesk::lab {

namespace {

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

QList<InvocationRecord> attemptsOf(const QList<InvocationRecord> &records, const QString &requestId)
{
    QList<InvocationRecord> out;
    for (const InvocationRecord &r : records) {
        if (r.requestId == requestId)
            out.append(r);
    }
    return out;
}

// Waits until `requestId` has `count` recorded attempts of `function` that ended (or the
// timeout passes); returns the attempts, oldest first.
Result<QList<InvocationRecord>> waitForAttempts(LabHost &host, const QString &function, const QString &requestId,
                                                qint64 sinceMs, int count, int timeoutMs)
{
    QList<InvocationRecord> attempts;
    std::optional<Error> failure;
    waitUntil(
        [&] {
            auto records = host.invocations(function, sinceMs, nowMs() + 1000);
            if (!records) {
                failure = records.error();
                return true;
            }
            attempts = attemptsOf(*records, requestId);
            return attempts.size() >= count;
        },
        timeoutMs);
    if (failure)
        return *failure;
    return attempts;
}

using engine::InvokeResult;

// Lessons where functions call functions need the API they call through.
Status needsLocalApi(const LabHost &host)
{
    if (!host.apiEndpoint().isEmpty())
        return {};
    return makeError(errc::Service, QStringLiteral("This lesson needs the local Lambda API, which is not listening "
                                                   "(see Settings, Local API)."));
}

QString seconds(qint64 ms) { return QString::number(double(ms) / 1000.0, 'f', 1) + QStringLiteral(" s"); }

Status asyncRetries(LabHost &host, ScenarioResult &r)
{
    const QString failures = kScenarioPrefix + QStringLiteral("async-failures");
    FunctionSpec destination;
    destination.name = failures;
    destination.files.insert(QStringLiteral("lambda_function.py"),
                             QByteArrayLiteral("import json\n\n"
                                               "def lambda_handler(event, context):\n"
                                               "    print('failed event:', json.dumps(event))\n"
                                               "    return {'stored': event['requestContext']['requestId']}\n"));
    if (auto d = host.deployFunction(destination); !d)
        return d.error();

    FunctionSpec spec;
    spec.name = kScenarioPrefix + QStringLiteral("async-retries");
    spec.files.insert(QStringLiteral("lambda_function.py"),
                      QByteArrayLiteral("def lambda_handler(event, context):\n"
                                        "    raise ConnectionError('the payment service did not answer')\n"));
    spec.configure = [failures](FunctionConfig &c) {
        c.async.maximumRetryAttempts = 2;
        c.async.onFailure = failures;
    };
    if (auto d = host.deployFunction(spec); !d)
        return d.error();
    static const QList<int> kDelays{1000, 2000};
    host.setAsyncRetryDelays(spec.name, kDelays);

    const qint64 since = nowMs() - 1000;
    host.progress(QStringLiteral("One Event invocation of a function that always fails"));
    auto requestId = host.invokeAsync(spec.name, QByteArrayLiteral("{\"order\": 42}"));
    if (!requestId)
        return requestId.error();
    host.progress(QStringLiteral("Lambda retries twice (after 1 s and 2 s here; about 1 and 2 minutes on Lambda)"));
    auto attempts = waitForAttempts(host, spec.name, *requestId, since, 3, 20000);
    if (!attempts)
        return attempts.error();
    host.progress(QStringLiteral("The failure goes to the destination"));
    int arrived = 0;
    waitUntil(
        [&] {
            auto records = host.invocations(failures, since, nowMs() + 1000);
            arrived = records ? int(records->size()) : 0;
            return arrived > 0;
        },
        10000);
    QList<store::Capture> delivered; // what the destination was sent (kept unless capture is off)
    if (auto c = host.captures(failures, since, nowMs() + 1000))
        delivered = *c;
    bool dead = false;
    waitUntil(
        [&] {
            auto letters = host.deadLetters(spec.name);
            dead = letters && std::any_of(letters->cbegin(), letters->cend(),
                                          [&](const store::AsyncEvent &e) { return e.requestId == *requestId; });
            return dead;
        },
        5000);
    host.setAsyncRetryDelays(spec.name, {});

    const QList<InvocationRecord> &a = *attempts;
    const bool allFailed = std::all_of(a.cbegin(), a.cend(), [](const InvocationRecord &x) { return x.status != InvocationStatus::Success; });
    const qint64 gap1 = a.size() >= 2 ? a.at(1).startMs - a.at(0).startMs : 0;
    const qint64 gap2 = a.size() >= 3 ? a.at(2).startMs - a.at(1).startMs : 0;
    r.figures = {{QStringLiteral("attempts"), int(a.size())},
                 {QStringLiteral("firstRetryAfterMs"), double(gap1)},
                 {QStringLiteral("secondRetryAfterMs"), double(gap2)},
                 {QStringLiteral("deadLettered"), dead}};
    r.check(a.size() == 3 && allFailed,
            QStringLiteral("The event is tried 3 times under one request id: the first attempt and 2 retries"),
            QStringLiteral("%1 attempts of request %2, %3").arg(a.size()).arg(*requestId, allFailed ? QStringLiteral("all failed") : QStringLiteral("not all failed")));
    // Each retry waits its delay after the previous attempt ended; attempts last milliseconds.
    r.check(a.size() == 3 && gap1 >= kDelays.at(0) && gap1 < kDelays.at(0) + 1500 && gap2 >= kDelays.at(1)
                && gap2 < kDelays.at(1) + 1500,
            QStringLiteral("The retries wait in between: 1 s, then 2 s (Lambda: about 1 and 2 minutes)"),
            QStringLiteral("retried after %1, then after %2").arg(seconds(gap1), seconds(gap2)));
    QJsonObject record;
    if (!delivered.isEmpty())
        record = QJsonDocument::fromJson(delivered.first().request).object();
    const QJsonObject context = record.value(QStringLiteral("requestContext")).toObject();
    const bool recordRight = context.value(QStringLiteral("requestId")).toString() == *requestId
        && context.value(QStringLiteral("condition")).toString() == QLatin1String("RetriesExhausted")
        && context.value(QStringLiteral("approximateInvokeCount")).toInt() == 3
        && record.value(QStringLiteral("requestPayload")).toObject().value(QStringLiteral("order")).toInt() == 42;
    r.check(recordRight && dead,
            QStringLiteral("Then the event goes to the on-failure destination with Lambda's invocation record "
                           "(condition RetriesExhausted, approximateInvokeCount 3, the original payload), and is on "
                           "the dead-letter list"),
            arrived == 0         ? QStringLiteral("nothing reached %1").arg(failures)
            : delivered.isEmpty() ? QStringLiteral("%1 was invoked, but its payload was not kept (Settings: keep payloads "
                                                   "for replay)")
                                        .arg(failures)
                                  : QStringLiteral("%1 got condition %2, approximateInvokeCount %3; %4")
                                      .arg(failures, context.value(QStringLiteral("condition")).toString())
                                      .arg(context.value(QStringLiteral("approximateInvokeCount")).toInt())
                                      .arg(dead ? QStringLiteral("dead-lettered") : QStringLiteral("not dead-lettered")));
    return {};
}

QByteArray invokeHelperPy(); // below, with the sync-chain lesson

// The ledger, standing in for a payment provider's database: a function with reserved
// concurrency 1, so one environment keeps its entries for the whole lesson. It records
// charges and counts attempts per request id.
QByteArray ledgerPy()
{
    return QByteArrayLiteral("charges = []\n"
                             "attempts = {}\n\n"
                             "def lambda_handler(event, context):\n"
                             "    op = event['op']\n"
                             "    if op == 'charge':\n"
                             "        charges.append({'order': event['order'], 'requestId': event['requestId']})\n"
                             "        return {'charged': True}\n"
                             "    if op == 'attempt':\n"
                             "        attempts[event['requestId']] = attempts.get(event['requestId'], 0) + 1\n"
                             "        return {'attempt': attempts[event['requestId']]}\n"
                             "    return {'charges': [c for c in charges if c['order'] == event['order']]}\n");
}

// A payment handler that charges (through the ledger) and then fails on its first
// attempt, as a call that times out after the work was done would. With IDEMPOTENT=1 it
// first looks the order up: the order id is its idempotency key.
QByteArray chargePy()
{
    return invokeHelperPy()
        + QByteArrayLiteral(
               "def ledger(request):\n"
               "    status, body = invoke(os.environ['LEDGER'], request, 'RequestResponse')\n"
               "    if status != 200:\n"
               "        raise RuntimeError('the ledger answered %d' % status)\n"
               "    return json.loads(body)\n\n"
               "def lambda_handler(event, context):\n"
               "    order = event['order']\n"
               "    if os.environ.get('IDEMPOTENT') == '1' and ledger({'op': 'find', 'order': order})['charges']:\n"
               "        return {'order': order, 'charged': False, 'reason': 'already charged'}\n"
               "    ledger({'op': 'charge', 'order': order, 'requestId': context.aws_request_id})\n"
               "    if ledger({'op': 'attempt', 'requestId': context.aws_request_id})['attempt'] == 1:\n"
               "        raise TimeoutError('the receipt service timed out after the card was charged')\n"
               "    return {'order': order, 'charged': True}\n");
}

Status atLeastOnce(LabHost &host, ScenarioResult &r)
{
    if (Status api = needsLocalApi(host); !api)
        return api;
    FunctionSpec ledgerSpec;
    ledgerSpec.name = kScenarioPrefix + QStringLiteral("ledger");
    ledgerSpec.files.insert(QStringLiteral("lambda_function.py"), ledgerPy());
    ledgerSpec.configure = [](FunctionConfig &c) { c.reservedConcurrency = 1; };
    if (auto d = host.deployFunction(ledgerSpec); !d)
        return d.error();
    static const QList<int> kDelays{500, 500};

    struct Run
    {
        int order;
        QString requestId;
        QList<InvocationRecord> attempts;
        int charges = 0;
    };
    auto chargesFor = [&](int order) {
        const InvokeResult x = invokeOnce(host.engine(), ledgerSpec.name,
                                          QStringLiteral("{\"op\": \"find\", \"order\": %1}").arg(order).toUtf8());
        return int(QJsonDocument::fromJson(x.response).object().value(QStringLiteral("charges")).toArray().size());
    };
    auto run = [&](const QString &name, bool idempotent, int order) -> Result<Run> {
        FunctionSpec spec;
        spec.name = name;
        spec.files.insert(QStringLiteral("lambda_function.py"), chargePy());
        spec.configure = [&](FunctionConfig &c) {
            c.timeoutSeconds = 10;
            c.environment.insert(QStringLiteral("LEDGER"), ledgerSpec.name);
            c.environment.insert(QStringLiteral("IDEMPOTENT"), idempotent ? QStringLiteral("1") : QStringLiteral("0"));
            c.async.maximumRetryAttempts = 2;
        };
        if (auto d = host.deployFunction(spec); !d)
            return d.error();
        host.setAsyncRetryDelays(name, kDelays);
        const qint64 since = nowMs() - 1000;
        host.progress(idempotent ? QStringLiteral("The same event, to a handler that checks the order id first")
                                 : QStringLiteral("An Event invocation that charges an order, then fails once"));
        auto id = host.invokeAsync(name, QStringLiteral("{\"order\": %1}").arg(order).toUtf8());
        if (!id)
            return id.error();
        Run out{order, *id, {}, 0};
        auto attempts = waitForAttempts(host, name, *id, since, 2, 15000);
        host.setAsyncRetryDelays(name, {});
        if (!attempts)
            return attempts.error();
        out.attempts = *attempts;
        out.charges = chargesFor(order);
        return out;
    };

    auto naive = run(kScenarioPrefix + QStringLiteral("at-least-once"), false, 1);
    if (!naive)
        return naive.error();
    auto safe = run(kScenarioPrefix + QStringLiteral("at-least-once-idempotent"), true, 2);
    if (!safe)
        return safe.error();

    auto describeAttempts = [](const Run &x) {
        QStringList parts;
        for (const InvocationRecord &a : x.attempts)
            parts << statusName(a.status);
        return QStringLiteral("%1 attempts (%2)").arg(x.attempts.size()).arg(parts.join(QStringLiteral(", ")));
    };
    auto failedThenSucceeded = [](const Run &x) {
        return x.attempts.size() == 2 && x.attempts.at(0).status != InvocationStatus::Success
            && x.attempts.at(1).status == InvocationStatus::Success;
    };
    r.figures = {{QStringLiteral("attemptsWithoutKey"), int(naive->attempts.size())},
                 {QStringLiteral("chargesWithoutKey"), naive->charges},
                 {QStringLiteral("attemptsWithKey"), int(safe->attempts.size())},
                 {QStringLiteral("chargesWithKey"), safe->charges}};
    r.check(failedThenSucceeded(*naive),
            QStringLiteral("The event failed after the work was done, so Lambda delivered it again: it ran twice"),
            describeAttempts(*naive) + QStringLiteral(" under request ") + naive->requestId);
    r.check(naive->charges == 2,
            QStringLiteral("Without an idempotency key the order is charged twice"),
            QStringLiteral("%1 charges for order %2").arg(naive->charges).arg(naive->order));
    r.check(failedThenSucceeded(*safe) && safe->charges == 1,
            QStringLiteral("With the order id as an idempotency key the retry finds the charge and skips it: charged once"),
            QStringLiteral("%1; %2 charge for order %3").arg(describeAttempts(*safe)).arg(safe->charges).arg(safe->order));
    return {};
}

// invoke(function, payload, invocation_type): Lambda's Invoke API signed with SigV4 from
// the standard library, as the AWS SDKs sign: on Lambda it reaches the real API; here the
// environment's AWS_ENDPOINT_URL_LAMBDA points at Funcdesk's. Answers (status, body).
QByteArray invokeHelperPy()
{
    return QByteArrayLiteral(
        "import datetime, hashlib, hmac, json, os, time, urllib.parse, urllib.request\n\n"
        "def _hmac(key, text):\n"
        "    return hmac.new(key, text.encode(), hashlib.sha256).digest()\n\n"
        "def invoke(function, payload, invocation_type):\n"
        "    region = os.environ['AWS_REGION']\n"
        "    endpoint = os.environ.get('AWS_ENDPOINT_URL_LAMBDA') or 'https://lambda.%s.amazonaws.com' % region\n"
        "    path = '/2015-03-31/functions/%s/invocations' % urllib.parse.quote(function)\n"
        "    body = json.dumps(payload).encode()\n"
        "    stamp = datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')\n"
        "    headers = {'host': urllib.parse.urlparse(endpoint).netloc, 'x-amz-date': stamp,\n"
        "               'x-amz-invocation-type': invocation_type}\n"
        "    if os.environ.get('AWS_SESSION_TOKEN'):\n"
        "        headers['x-amz-security-token'] = os.environ['AWS_SESSION_TOKEN']\n"
        "    names = sorted(headers)\n"
        "    canonical = '\\n'.join(['POST', path, '', ''.join('%s:%s\\n' % (n, headers[n]) for n in names),\n"
        "                           ';'.join(names), hashlib.sha256(body).hexdigest()])\n"
        "    scope = '%s/%s/lambda/aws4_request' % (stamp[:8], region)\n"
        "    to_sign = '\\n'.join(['AWS4-HMAC-SHA256', stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])\n"
        "    key = ('AWS4' + os.environ['AWS_SECRET_ACCESS_KEY']).encode()\n"
        "    for part in (stamp[:8], region, 'lambda', 'aws4_request'):\n"
        "        key = _hmac(key, part)\n"
        "    headers['authorization'] = 'AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s' % (\n"
        "        os.environ['AWS_ACCESS_KEY_ID'], scope, ';'.join(names),\n"
        "        hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest())\n"
        "    del headers['host']\n"
        "    request = urllib.request.Request(endpoint + path, data=body, headers=headers, method='POST')\n"
        "    with urllib.request.urlopen(request, timeout=30) as answer:\n"
        "        return answer.status, answer.read()\n\n");
}

QByteArray callerPy()
{
    return invokeHelperPy() + QByteArrayLiteral(
        "def lambda_handler(event, context):\n"
        "    mode = event.get('mode', 'sync')\n"
        "    started = time.time()\n"
        "    status, _ = invoke(os.environ['WORKER'], {'sleep': 0.5}, 'Event' if mode == 'async' else 'RequestResponse')\n"
        "    return {'mode': mode, 'status': status, 'waitedMs': round((time.time() - started) * 1000)}\n");
}

Status syncChain(LabHost &host, ScenarioResult &r)
{
    if (Status api = needsLocalApi(host); !api)
        return api;
    FunctionSpec worker = [] {
        FunctionSpec spec;
        spec.name = kScenarioPrefix + QStringLiteral("chain-worker");
        spec.files.insert(QStringLiteral("lambda_function.py"), sleeperPy());
        return spec;
    }();
    if (auto d = host.deployFunction(worker); !d)
        return d.error();
    FunctionSpec caller;
    caller.name = kScenarioPrefix + QStringLiteral("chain-caller");
    caller.files.insert(QStringLiteral("lambda_function.py"), callerPy());
    caller.configure = [&worker](FunctionConfig &c) {
        c.timeoutSeconds = 10;
        c.environment.insert(QStringLiteral("WORKER"), worker.name);
    };
    if (auto d = host.deployFunction(caller); !d)
        return d.error();

    host.progress(QStringLiteral("Warming both functions up"));
    const QByteArray sync = QByteArrayLiteral("{\"mode\": \"sync\"}");
    const QByteArray async = QByteArrayLiteral("{\"mode\": \"async\"}");
    if (const InvokeResult warm = invokeOnce(host.engine(), caller.name, sync); warm.record.status != InvocationStatus::Success)
        return makeError(errc::Service, QStringLiteral("the caller could not call the worker: %1 %2")
                                            .arg(warm.record.errorType, warm.record.errorMessage));
    host.progress(QStringLiteral("The caller invokes the worker and waits for its answer"));
    const qint64 syncSince = nowMs();
    const InvokeResult chained = invokeOnce(host.engine(), caller.name, sync);
    host.progress(QStringLiteral("The caller hands the worker an event and returns"));
    const qint64 asyncSince = nowMs();
    const InvokeResult handedOff = invokeOnce(host.engine(), caller.name, async);

    // The worker's invocations: the synchronous one came through the Invoke API, the
    // asynchronous one through the event queue.
    QList<InvocationRecord> syncWork;
    QList<InvocationRecord> asyncWork;
    waitUntil(
        [&] {
            auto records = host.invocations(worker.name, syncSince, nowMs() + 1000);
            if (!records)
                return true;
            syncWork.clear();
            asyncWork.clear();
            for (const InvocationRecord &x : *records) {
                if (x.trigger == TriggerKind::Async && x.startMs >= asyncSince)
                    asyncWork.append(x);
                else if (x.trigger == TriggerKind::Api && x.startMs < asyncSince)
                    syncWork.append(x);
            }
            return !syncWork.isEmpty() && !asyncWork.isEmpty();
        },
        10000);
    const qint64 callerSyncBilled = chained.record.billedDurationMs;
    const qint64 callerAsyncBilled = handedOff.record.billedDurationMs;
    const qint64 workSyncBilled = syncWork.isEmpty() ? 0 : syncWork.first().billedDurationMs;
    const qint64 workAsyncBilled = asyncWork.isEmpty() ? 0 : asyncWork.first().billedDurationMs;
    r.figures = {{QStringLiteral("syncCallerBilledMs"), double(callerSyncBilled)},
                 {QStringLiteral("syncWorkerBilledMs"), double(workSyncBilled)},
                 {QStringLiteral("asyncCallerBilledMs"), double(callerAsyncBilled)},
                 {QStringLiteral("asyncWorkerBilledMs"), double(workAsyncBilled)}};
    r.check(chained.record.status == InvocationStatus::Success && !syncWork.isEmpty() && workSyncBilled >= 500
                && callerSyncBilled >= workSyncBilled,
            QStringLiteral("Called synchronously, the caller is billed for the whole time it waits: the worker's "
                           "half second is paid twice"),
            QStringLiteral("caller billed %1 ms while the worker was billed %2 ms: %3 ms for %2 ms of work")
                .arg(callerSyncBilled)
                .arg(workSyncBilled)
                .arg(callerSyncBilled + workSyncBilled));
    r.check(handedOff.record.status == InvocationStatus::Success && !asyncWork.isEmpty() && workAsyncBilled >= 500
                && callerAsyncBilled < 250,
            QStringLiteral("Invoked asynchronously (an event), the worker still runs its half second, but the caller "
                           "returns at once and pays only for the hand-off"),
            QStringLiteral("caller billed %1 ms, worker %2 ms").arg(callerAsyncBilled).arg(workAsyncBilled));
    return {};
}

} // namespace

QList<ScenarioDefinition> asyncScenarios()
{
    return {
        {{QStringLiteral("async-retries"), QStringLiteral("Async retries and a failure destination"),
          QStringLiteral("An Event invocation is answered 202 at once and queued. If the function fails, Lambda retries "
                         "it twice, about 1 and then 2 minutes later (compressed to 1 s and 2 s here), under the same "
                         "request id. An event that still fails is not lost: it goes to the on-failure destination (or "
                         "a dead-letter queue) with a record of what happened, for you to inspect or send again."),
          QStringLiteral("3 attempts 1 s and 2 s apart, then the on-failure destination gets the invocation record."),
          false},
         asyncRetries},
        {{QStringLiteral("at-least-once"), QStringLiteral("At-least-once delivery and idempotency"),
          QStringLiteral("Lambda delivers an event at least once, not exactly once: a retry after a failure (and, "
                         "rarely, a duplicate) runs your handler again with the same event. A handler that did part "
                         "of its work before failing does it twice. An idempotency key, here the order id, checked "
                         "before the work (in a real function: a conditional write to a database), makes the second "
                         "run harmless."),
          QStringLiteral("Retried once: charged twice without a key, once with the order id as the key."), false},
         atLeastOnce},
        {{QStringLiteral("sync-chain"), QStringLiteral("A synchronous chain is billed twice"),
          QStringLiteral("A function that calls another and waits for the answer keeps running, and is billed, for "
                         "the whole wait: the work is paid once in the callee and again in the caller. Chains of "
                         "synchronous calls multiply cost and latency and add a timeout at every link. Handing the "
                         "work off as an event (or through a queue) lets the caller finish at once."),
          QStringLiteral("Sync: the caller is billed at least the worker's 500 ms; async: the caller bills a few ms."),
          false},
         syncChain},
    };
}

} // namespace funcdesk::lab
