// Replay: captured payloads go to another version or alias, the outcomes are compared
// with the recorded ones, and the run is recorded; on a real Service with real python3.
// Response comparison is by JSON value where both sides parse.
#include "labtestkit.h"

#include "api/service.h"
#include "lab/replay.h"
#include "lab/servicelabhost.h"
#include "store/experiments.h"
#include "store/sqlite.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <optional>

using namespace funcdesk;

namespace {

QByteArray handler(bool changed)
{
    if (!changed)
        return QByteArrayLiteral("def lambda_handler(event, context):\n"
                                 "    return {'n': event['n'], 'double': event['n'] * 2}\n");
    return QByteArrayLiteral("def lambda_handler(event, context):\n"
                             "    if event['n'] == 3:\n"
                             "        raise ValueError('three is not allowed any more')\n"
                             "    factor = 2 if event['n'] < 5 else 3\n"
                             "    return {'double': event['n'] * factor, 'n': event['n']}\n"); // keys reordered: still equal
}

QByteArray payloadOf(int n) { return QStringLiteral("{\"n\": %1}").arg(n).toUtf8(); }

} // namespace

class TestReplay : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<api::Service> m_service;
    QStringList m_requestIds; // the recorded invocations, in order

    template<typename T>
    T onWorker(const std::function<T()> &work)
    {
        return labtest::onWorker<T>(work, 120000);
    }

private Q_SLOTS:
    void sameResponseComparesJsonValues_data()
    {
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<bool>("same");
        QTest::newRow("identical bytes") << QByteArray("not json") << QByteArray("not json") << true;
        QTest::newRow("different text") << QByteArray("not json") << QByteArray("not json!") << false;
        QTest::newRow("key order and spaces") << QByteArray("{\"a\":1,\"b\":[1,2]}") << QByteArray("{ \"b\": [1, 2], \"a\": 1 }") << true;
        QTest::newRow("a value differs") << QByteArray("{\"a\":1}") << QByteArray("{\"a\":2}") << false;
        QTest::newRow("array order matters") << QByteArray("[1,2]") << QByteArray("[2,1]") << false;
        QTest::newRow("scalars") << QByteArray("\"ok\"") << QByteArray(" \"ok\" ") << true;
        QTest::newRow("number forms") << QByteArray("1") << QByteArray("1.0") << true;
        QTest::newRow("json vs not") << QByteArray("{}") << QByteArray("") << false;
    }
    void sameResponseComparesJsonValues()
    {
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(bool, same);
        QCOMPARE(lab::sameResponse(a, b), same);
        QCOMPARE(lab::sameResponse(b, a), same);
    }

    void summaryCountsBothSides()
    {
        lab::ReplayResult r;
        for (int i = 0; i < 10; ++i) {
            lab::ReplayItem item;
            item.recordedDurationMs = 10 + i;    // 10..19
            item.replayedDurationMs = 100 + i;   // 100..109
            item.recordedStatus = InvocationStatus::Success;
            item.replayedStatus = i == 0 ? InvocationStatus::Timeout : InvocationStatus::Success;
            item.compared = i < 8;
            item.differs = i < 3;
            r.items.append(item);
        }
        lab::summarize(r);
        QCOMPARE(r.recorded.count, 10);
        QCOMPARE(r.recorded.errors, 0);
        QCOMPARE(r.replayed.errors, 1);
        QCOMPARE(r.recorded.p50Ms, 14.0); // nearest rank
        QCOMPARE(r.replayed.p90Ms, 108.0);
        QCOMPARE(r.replayed.maxMs, 109.0);
        QCOMPARE(r.compared, 8);
        QCOMPARE(r.differing, 3);
        QCOMPARE(r.statusChanged, 1);
        const lab::ReplayResult back = lab::replayResultFromJson(lab::toJson(r));
        QCOMPARE(back.replayed.p90Ms, 108.0);
        QCOMPARE(back.differing, 3);
    }

    void initTestCase()
    {
        api::ServiceOptions options;
        options.startApi = false;
        options.runSchedules = false;
        auto service = api::Service::start(DataDir{m_dir.path()}, options);
        QVERIFY2(service.ok(), qPrintable(service.ok() ? QString() : service.error().toString()));
        m_service = std::move(*service);
        QSignalSpy ready(m_service.get(), &api::Service::ready);
        QVERIFY(ready.wait(30000));

        // Version 1 serves six recorded invocations; then $LATEST changes.
        lab::ServiceLabHost host(m_service.get());
        const QString error = onWorker<QString>([&]() -> QString {
            lab::FunctionSpec spec;
            spec.name = QStringLiteral("orders");
            spec.files.insert(QStringLiteral("lambda_function.py"), handler(false));
            if (auto d = host.deployFunction(spec); !d)
                return d.error().toString();
            if (auto v = host.publish(spec.name, QStringLiteral("v1")); !v || *v != 1)
                return QStringLiteral("publish failed");
            for (int n = 1; n <= 6; ++n) {
                const engine::InvokeResult x = host.invokeQualified(spec.name, QStringLiteral("1"), payloadOf(n));
                if (x.record.status != InvocationStatus::Success)
                    return QStringLiteral("invocation %1: %2").arg(n).arg(x.record.errorMessage);
                m_requestIds << x.record.requestId;
            }
            if (Status s = host.deployFiles(spec.name, {{QStringLiteral("lambda_function.py"), handler(true)}}); !s)
                return s.error().toString();
            return {};
        });
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void replaysTheSamePayloadsToTheOtherVersion()
    {
        lab::ServiceLabHost host(m_service.get());
        lab::ReplayOptions options;
        options.selection.function = QStringLiteral("orders");
        options.target = QStringLiteral("$LATEST");
        auto result = onWorker<Result<lab::ReplayResult>>([&] { return lab::runReplay(host, options); });
        QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
        const lab::ReplayResult &r = *result;
        QCOMPARE(r.items.size(), 6);
        for (int i = 0; i < 6; ++i) {
            const lab::ReplayItem &item = r.items.at(i);
            QCOMPARE(item.requestId, m_requestIds.at(i));
            QCOMPARE(item.payload, payloadOf(i + 1)); // the very payload that was sent
            QCOMPARE(item.recordedVersion, QStringLiteral("1"));
            QCOMPARE(item.replayedVersion, QStringLiteral("$LATEST"));
            QVERIFY(item.compared);
        }
        // n=3 now fails; n=5 and n=6 answer differently; n=1,2,4 answer the same JSON.
        QCOMPARE(r.statusChanged, 1);
        QCOMPARE(r.items.at(2).replayedStatus, InvocationStatus::Error);
        QCOMPARE(r.differing, 3);
        QVERIFY(!r.items.at(0).differs && !r.items.at(3).differs);
        QVERIFY(r.items.at(4).differs && r.items.at(5).differs);
        QCOMPARE(r.recorded.errors, 0);
        QCOMPARE(r.replayed.errors, 1);
        QVERIFY(r.replayed.p50Ms > 0);

        // Recorded as an experiment; the replays themselves are recorded with the Replay
        // trigger but not captured (the selection is unchanged).
        auto conn = store::Connection::open(DataDir{m_dir.path()}.database());
        QVERIFY(conn);
        auto e = store::experiment(*conn, r.experimentId);
        QVERIFY(e);
        QCOMPARE(e->kind, QStringLiteral("replay"));
        QCOMPARE(lab::replayResultFromJson(e->summary).differing, 3);
        QCOMPARE(store::captureCount(*conn, QStringLiteral("orders")).valueOr(-1), 6);
        auto records = onWorker<Result<QList<InvocationRecord>>>(
            [&] { return host.invocations(QStringLiteral("orders"), 0, QDateTime::currentMSecsSinceEpoch() + 1000); });
        QVERIFY(records);
        const auto replays = std::count_if(records->cbegin(), records->cend(),
                                           [](const InvocationRecord &x) { return x.trigger == TriggerKind::Replay; });
        QCOMPARE(int(replays), 6);
    }

    void theSameVersionAnswersTheSame()
    {
        lab::ServiceLabHost host(m_service.get());
        lab::ReplayOptions options;
        options.selection.function = QStringLiteral("orders");
        options.selection.requestIds = {m_requestIds.at(1), m_requestIds.at(4)};
        options.target = QStringLiteral("1");
        auto result = onWorker<Result<lab::ReplayResult>>([&] { return lab::runReplay(host, options); });
        QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
        QCOMPARE(result->items.size(), 2);
        QCOMPARE(result->items.at(0).payload, payloadOf(2));
        QCOMPARE(result->items.at(1).payload, payloadOf(5));
        QCOMPARE(result->differing, 0);
        QCOMPARE(result->statusChanged, 0);
    }

    void anEmptySelectionSaysWhy()
    {
        lab::ServiceLabHost host(m_service.get());
        lab::ReplayOptions options;
        options.selection.function = QStringLiteral("orders");
        options.selection.requestIds = {QStringLiteral("no-such-request")};
        auto result = onWorker<Result<lab::ReplayResult>>([&] { return lab::runReplay(host, options); });
        QVERIFY(!result);
        QCOMPARE(result.error().type, QString(errc::ResourceNotFound));
        QVERIFY(result.error().message.contains(QStringLiteral("No captured payloads")));
    }

    void cleanupTestCase() { m_service.reset(); }
};

QTEST_GUILESS_MAIN(TestReplay)
#include "tst_replay.moc"
