// Experiments in the store: a run is recorded at its start, finished with its summary,
// found by the time windows it overlaps (a running one overlaps every later window), and
// by function.
#include "store/experiments.h"
#include "store/sqlite.h"
#include "tempdb.h"

#include <QTest>

using namespace funcdesk;
using namespace funcdesk::store;

namespace {

Experiment make(const QString &kind, const QString &function, qint64 startedMs)
{
    Experiment e;
    e.kind = kind;
    e.function = function;
    e.label = kind + QStringLiteral(" on ") + function;
    e.parameters.insert(QStringLiteral("rate"), 200);
    e.startedMs = startedMs;
    return e;
}

} // namespace

class TestExperiments : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void beginFinishAndReadBack()
    {
        test::TempDb db;
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        auto id = beginExperiment(*conn, make(QStringLiteral("load"), QStringLiteral("f"), 1000));
        QVERIFY(id);
        auto running = experiment(*conn, *id);
        QVERIFY(running);
        QCOMPARE(running->kind, QStringLiteral("load"));
        QCOMPARE(running->label, QStringLiteral("load on f"));
        QCOMPARE(running->parameters.value(QStringLiteral("rate")).toInt(), 200);
        QCOMPARE(running->endedMs, qint64(0));
        QVERIFY(running->summary.isEmpty());

        QJsonObject summary;
        summary.insert(QStringLiteral("p99Ms"), 12.5);
        QVERIFY(finishExperiment(*conn, *id, 5000, summary));
        auto done = experiment(*conn, *id);
        QVERIFY(done);
        QCOMPARE(done->endedMs, qint64(5000));
        QCOMPARE(done->summary.value(QStringLiteral("p99Ms")).toDouble(), 12.5);
    }

    void windowsAndFunctions()
    {
        test::TempDb db;
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        auto a = beginExperiment(*conn, make(QStringLiteral("load"), QStringLiteral("f"), 1000));
        auto b = beginExperiment(*conn, make(QStringLiteral("tune"), QStringLiteral("g"), 3000));
        auto c = beginExperiment(*conn, make(QStringLiteral("scenario"), QStringLiteral("f"), 9000)); // still running
        QVERIFY(a && b && c);
        QVERIFY(finishExperiment(*conn, *a, 2000, {}));
        QVERIFY(finishExperiment(*conn, *b, 4000, {}));

        auto all = experiments(*conn, 0, 100000);
        QVERIFY(all);
        QCOMPARE(all->size(), 3);
        QCOMPARE(all->at(0).id, *a); // oldest first
        QCOMPARE(all->at(2).id, *c);

        auto middle = experiments(*conn, 1500, 3500); // overlaps a's end and b's start
        QVERIFY(middle);
        QCOMPARE(middle->size(), 2);
        auto late = experiments(*conn, 50000, 60000); // only the running one
        QVERIFY(late);
        QCOMPARE(late->size(), 1);
        QCOMPARE(late->first().id, *c);
        auto ofF = experiments(*conn, 0, 100000, QStringLiteral("f"));
        QVERIFY(ofF);
        QCOMPARE(ofF->size(), 2);
        auto before = experiments(*conn, 0, 999);
        QVERIFY(before);
        QVERIFY(before->isEmpty());
    }

    void badInputIsRefused()
    {
        test::TempDb db;
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        auto noKind = beginExperiment(*conn, make(QString(), QStringLiteral("f"), 1));
        QVERIFY(!noKind);
        QCOMPARE(noKind.error().type, errc::InvalidParameterValue);
        const Status missing = finishExperiment(*conn, 42, 2, {});
        QVERIFY(!missing);
        QCOMPARE(missing.error().type, errc::ResourceNotFound);
        QCOMPARE(experiment(*conn, 42).error().type, errc::ResourceNotFound);
    }
};

QTEST_GUILESS_MAIN(TestExperiments)
#include "tst_experiments.moc"
