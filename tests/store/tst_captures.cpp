// Captured exchanges for replay: the writer keeps a request's payload (and the response
// when it fits) in a per-function ring of `perFunction` rows, oldest overwritten first;
// payloads over the size cap, replays and throttles are not kept; a new writer on the same
// database continues the ring where the last one stopped.
#include "store/captures.h"
#include "store/sqlite.h"
#include "store/writer.h"
#include "tempdb.h"

#include <QTest>

using namespace funcdesk;
using namespace funcdesk::store;

namespace {

InvocationRecord record(const QString &function, int n, TriggerKind trigger = TriggerKind::Manual)
{
    InvocationRecord r;
    r.requestId = QStringLiteral("req-%1-%2").arg(function).arg(n);
    r.function = function;
    r.version = QStringLiteral("$LATEST");
    r.trigger = trigger;
    r.startMs = 1'700'000'000'000 + n * 1000;
    r.durationMs = 1.5 + n;
    r.memorySizeMb = 128;
    return r;
}

QByteArray payload(int n) { return QStringLiteral("{\"n\": %1}").arg(n).toUtf8(); }

std::unique_ptr<Writer> startWriter(const QString &path, CaptureOptions capture)
{
    WriterOptions o;
    o.databasePath = path;
    o.capture = capture;
    o.pruning = false;
    auto w = Writer::start(o);
    if (!w)
        qFatal("writer: %s", qPrintable(w.error().toString()));
    return std::move(*w);
}

QStringList ids(const QList<Capture> &captures)
{
    QStringList out;
    for (const Capture &c : captures)
        out << c.requestId;
    return out;
}

QStringList expected(const char *csv) { return QString::fromLatin1(csv).split(QLatin1Char(',')); }

} // namespace

class TestCaptures : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keepsRequestAndResponse()
    {
        test::TempDb db;
        auto w = startWriter(db.path(), {});
        InvocationRecord r = record(QStringLiteral("f"), 1);
        r.status = InvocationStatus::Error;
        r.errorType = QStringLiteral("ValueError");
        w->recordInvocation(r);
        w->recordExchange(r, payload(1), QByteArrayLiteral("{\"errorType\":\"ValueError\"}"));
        QVERIFY(w->flush());
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        auto got = captures(*conn, QStringLiteral("f"), 0, std::numeric_limits<qint64>::max());
        QVERIFY(got);
        QCOMPARE(got->size(), 1);
        const Capture &c = got->first();
        QCOMPARE(c.requestId, r.requestId);
        QCOMPARE(c.request, payload(1));
        QCOMPARE(c.response, QByteArrayLiteral("{\"errorType\":\"ValueError\"}"));
        QVERIFY(c.responseKept);
        QCOMPARE(c.status, InvocationStatus::Error);
        QCOMPARE(c.errorType, QStringLiteral("ValueError"));
        QCOMPARE(c.durationMs, 2.5);
        QCOMPARE(c.startMs, r.startMs);
    }

    void ringKeepsTheNewestPerFunction()
    {
        test::TempDb db;
        auto w = startWriter(db.path(), {.enabled = true, .maxBytes = 1024, .perFunction = 5});
        for (int n = 1; n <= 12; ++n) {
            w->recordExchange(record(QStringLiteral("a"), n), payload(n), "{}");
            if (n <= 3)
                w->recordExchange(record(QStringLiteral("b"), n), payload(n), "{}");
            if (n % 4 == 0)
                QVERIFY(w->flush()); // across batches as well as within one
        }
        QVERIFY(w->flush());
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        auto a = captures(*conn, QStringLiteral("a"), 0, std::numeric_limits<qint64>::max());
        QVERIFY(a);
        QCOMPARE(ids(*a), expected("req-a-8,req-a-9,req-a-10,req-a-11,req-a-12"));
        QCOMPARE(captureCount(*conn, QStringLiteral("b")).valueOr(-1), 3); // other functions keep theirs
    }

    void newWriterContinuesTheRing()
    {
        test::TempDb db;
        {
            auto w = startWriter(db.path(), {.enabled = true, .maxBytes = 1024, .perFunction = 4});
            for (int n = 1; n <= 6; ++n)
                w->recordExchange(record(QStringLiteral("f"), n), payload(n), "{}");
        }
        {
            auto w = startWriter(db.path(), {.enabled = true, .maxBytes = 1024, .perFunction = 4});
            for (int n = 7; n <= 8; ++n)
                w->recordExchange(record(QStringLiteral("f"), n), payload(n), "{}");
        }
        {
            auto conn = Connection::open(db.path());
            QVERIFY(conn);
            auto got = captures(*conn, QStringLiteral("f"), 0, std::numeric_limits<qint64>::max());
            QVERIFY(got);
            QCOMPARE(ids(*got), expected("req-f-5,req-f-6,req-f-7,req-f-8"));
        }
        {
            // A smaller ring keeps the newest that fit, then goes on overwriting the oldest.
            auto w = startWriter(db.path(), {.enabled = true, .maxBytes = 1024, .perFunction = 2});
            w->recordExchange(record(QStringLiteral("f"), 9), payload(9), "{}");
        }
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        auto got = captures(*conn, QStringLiteral("f"), 0, std::numeric_limits<qint64>::max());
        QVERIFY(got);
        QCOMPARE(ids(*got), expected("req-f-8,req-f-9"));
    }

    void capsAndExclusions()
    {
        test::TempDb db;
        auto w = startWriter(db.path(), {.enabled = true, .maxBytes = 16, .perFunction = 100});
        w->recordExchange(record(QStringLiteral("f"), 1), QByteArray(17, 'x'), "{}");           // request too large
        w->recordExchange(record(QStringLiteral("f"), 2), payload(2), QByteArray(17, 'y'));     // response too large
        w->recordExchange(record(QStringLiteral("f"), 3, TriggerKind::Replay), payload(3), "{}"); // a replay
        InvocationRecord throttled = record(QStringLiteral("f"), 4);
        throttled.status = InvocationStatus::Throttled;
        w->recordExchange(throttled, payload(4), "{}");
        w->recordExchange(record(QStringLiteral("f"), 5), QByteArray(""), QByteArray("")); // empty payloads are payloads
        QVERIFY(w->flush());
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        auto got = captures(*conn, QStringLiteral("f"), 0, std::numeric_limits<qint64>::max());
        QVERIFY(got);
        QCOMPARE(ids(*got), expected("req-f-2,req-f-5"));
        QCOMPARE(got->at(0).request, payload(2));
        QVERIFY(!got->at(0).responseKept);
        QVERIFY(got->at(0).response.isNull());
        QVERIFY(got->at(1).responseKept);
        QVERIFY(got->at(1).request.isEmpty() && !got->at(1).request.isNull());

        auto off = startWriter(db.path(), {.enabled = false});
        off->recordExchange(record(QStringLiteral("g"), 1), payload(1), "{}");
        QVERIFY(off->flush());
        QCOMPARE(captureCount(*conn, QStringLiteral("g")).valueOr(-1), 0);
    }

    void highRatesAreSampledPerSecond()
    {
        test::TempDb db;
        auto w = startWriter(db.path(), {.enabled = true, .maxBytes = 1024, .perFunction = 100, .perSecond = 3});
        // Ten invocations in each of two seconds, of two functions.
        for (int n = 0; n < 20; ++n) {
            for (const QString &f : {QStringLiteral("a"), QStringLiteral("b")}) {
                InvocationRecord r = record(f, n);
                r.startMs = 1'700'000'000'000 + (n / 10) * 1000 + n % 10;
                w->recordExchange(r, payload(n), "{}");
            }
        }
        QVERIFY(w->flush());
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        auto a = captures(*conn, QStringLiteral("a"), 0, std::numeric_limits<qint64>::max());
        QVERIFY(a);
        QCOMPARE(ids(*a), expected("req-a-0,req-a-1,req-a-2,req-a-10,req-a-11,req-a-12"));
        QCOMPARE(captureCount(*conn, QStringLiteral("b")).valueOr(-1), 6);
    }

    void selectByTimeAndId()
    {
        test::TempDb db;
        auto w = startWriter(db.path(), {});
        for (int n = 1; n <= 5; ++n)
            w->recordExchange(record(QStringLiteral("f"), n), payload(n), "{}");
        QVERIFY(w->flush());
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        const qint64 t0 = record(QStringLiteral("f"), 0).startMs;
        auto middle = captures(*conn, QStringLiteral("f"), t0 + 2000, t0 + 4000);
        QVERIFY(middle);
        QCOMPARE(ids(*middle), expected("req-f-2,req-f-3,req-f-4"));
        auto chosen = capturesById(*conn, QStringLiteral("f"), expected("req-f-5,req-f-1,req-f-missing"));
        QVERIFY(chosen);
        QCOMPARE(ids(*chosen), expected("req-f-1,req-f-5"));
    }
};

QTEST_GUILESS_MAIN(TestCaptures)
#include "tst_captures.moc"
