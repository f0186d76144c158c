// The per-minute tops (TopsTracker, tops.h): for every function and minute,
// invocation_tops holds the kTopsPerMinute slowest and the kTopsPerMinute most expensive
// invocations, ranked as the queries rank them (higher value first, then the lower
// invocation id), whatever order the records arrive in and however many batches they
// take; a minute no longer in memory is reloaded rather than overwritten, a failed
// transaction's contenders are forgotten, and a minute nothing changed is left alone.
#include "store/sqlite.h"
#include "store/tops.h"
#include "tempdb.h"

#include <QTest>

#include <cmath>
#include <functional>
#include <limits>

using namespace funcdesk;
using namespace funcdesk::store;

namespace {

// A whole minute (epoch ms), so that the offsets below name minutes of their own.
constexpr qint64 kBaseMs = 1'700'000'040'000;
static_assert(kBaseMs % 60'000 == 0, "the base is a whole minute");
constexpr qint64 kBaseMinute = kBaseMs / 60'000;

struct Add
{
    qint64 id = 0;
    qint64 startMs = 0; // after kBaseMs
    double durationMs = 0;
    double costUsd = 0;
    QString function = QStringLiteral("fn");
};

Add inv(qint64 id, qint64 startMs, double durationMs, double costUsd, const QString &function = QStringLiteral("fn"))
{
    return Add{id, startMs, durationMs, costUsd, function};
}

using Batch = QList<Add>;
using Batches = QList<Batch>;
using ValueOf = std::function<double(qint64 id)>;

// One line of the expected table: "<function> m<minute> <duration|cost>: id=value ...",
// ids in rank order.
QString line(const QString &function, qint64 minute, RankBy by, const QList<qint64> &ids, const ValueOf &valueOf)
{
    QStringList parts;
    for (qint64 id : ids)
        parts << QStringLiteral("%1=%2").arg(id).arg(QString::number(valueOf(id)));
    return QStringLiteral("%1 m%2 %3: ").arg(function).arg(minute).arg(by == RankBy::Duration ? QStringLiteral("duration") : QStringLiteral("cost"))
        + parts.join(QLatin1Char(' '));
}

QList<qint64> idsFrom(qint64 first, qint64 last) // first to last, either way
{
    QList<qint64> ids;
    for (qint64 id = first;; id += first <= last ? 1 : -1) {
        ids << id;
        if (id == last)
            return ids;
    }
}

// invocation_tops as lines like line()'s, ranked as the queries rank.
QStringList table(Connection &conn)
{
    auto stmt = conn.prepare("SELECT function, minute, rank_by, value, invocation_id FROM invocation_tops "
                             "ORDER BY function, minute, rank_by, value DESC, invocation_id");
    if (!stmt)
        return {stmt.error().toString()};
    QStringList lines;
    QString current;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return {row.error().toString()};
        if (!*row)
            break;
        const QString head = QStringLiteral("%1 m%2 %3:").arg(stmt->text(0)).arg(stmt->int64(1) - kBaseMinute).arg(stmt->int64(2) == int(RankBy::Duration) ? QStringLiteral("duration") : QStringLiteral("cost"));
        if (head != current) {
            lines << head;
            current = head;
        }
        lines.last() += QStringLiteral(" %1=%2").arg(stmt->int64(4)).arg(QString::number(stmt->real(3)));
    }
    return lines;
}

// Each batch is written in its own committed transaction, as the writer does.
void addAndWrite(Connection &conn, TopsTracker &tops, const Batch &batch)
{
    auto tx = Transaction::begin(conn);
    QVERIFY(tx);
    for (const Add &a : batch)
        tops.add(a.function, kBaseMs + a.startMs, a.durationMs, a.costUsd, a.id);
    QVERIFY(tops.write(conn));
    QVERIFY(tx->commit());
}

} // namespace

Q_DECLARE_METATYPE(Add)

class TestTops : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void topsPerFunctionAndMinute_data()
    {
        QTest::addColumn<Batches>("batches");
        QTest::addColumn<QStringList>("expected");
        const QString fn = QStringLiteral("fn");
        const auto byId = [](qint64 id) { return double(id); };

        QTest::newRow("one invocation") << Batches{{inv(1, 0, 5, 1e-6)}}
                                        << QStringList{QStringLiteral("fn m0 duration: 1=5"), QStringLiteral("fn m0 cost: 1=1e-06")};
        QTest::newRow("highest first")
            << Batches{{inv(1, 0, 3, 4e-6), inv(2, 10, 9, 1e-6), inv(3, 20, 1, 3e-6), inv(4, 30, 5, 2e-6)}}
            << QStringList{QStringLiteral("fn m0 duration: 2=9 4=5 1=3 3=1"),
                           QStringLiteral("fn m0 cost: 1=4e-06 3=3e-06 4=2e-06 2=1e-06")};
        QTest::newRow("ties: the lower id first")
            << Batches{{inv(5, 0, 2, 1e-6), inv(3, 10, 2, 1e-6), inv(4, 20, 2, 1e-6)}}
            << QStringList{QStringLiteral("fn m0 duration: 3=2 4=2 5=2"), QStringLiteral("fn m0 cost: 3=1e-06 4=1e-06 5=1e-06")};

        // 40 in a scrambled order (7 and 40 are coprime): the slowest are the highest ids,
        // the most expensive the lowest.
        const auto costDown = [](qint64 id) { return double(41 - id) * 1e-6; };
        Batch forty;
        for (qint64 i = 0; i < 40; ++i) {
            const qint64 id = i * 7 % 40 + 1;
            forty << inv(id, i * 100, byId(id), costDown(id));
        }
        QTest::newRow("the top 25 of 40")
            << Batches{forty}
            << QStringList{line(fn, 0, RankBy::Duration, idsFrom(40, 16), byId), line(fn, 0, RankBy::Cost, idsFrom(1, 25), costDown)};

        // Ties at the 25th place keep the lowest ids, also when the higher ids came first
        // and are already kept: the slowest 20 are distinct, the next 10 tie; every cost ties.
        const auto tail = [](qint64 id) { return id <= 20 ? double(100 - id) : 5.0; };
        const auto noOpCost = [](qint64) { return 2.1e-9; };
        Batch tying;
        for (qint64 id = 30; id >= 1; --id)
            tying << inv(id, (30 - id) * 100, tail(id), noOpCost(id));
        QTest::newRow("ties at the cut")
            << Batches{tying}
            << QStringList{line(fn, 0, RankBy::Duration, idsFrom(1, 25), tail), line(fn, 0, RankBy::Cost, idsFrom(1, 25), noOpCost)};

        QTest::newRow("a minute ends at 59,999 ms")
            << Batches{{inv(1, 59'999, 1, 1e-6), inv(2, 60'000, 2, 2e-6), inv(3, 119'999, 3, 3e-6)}}
            << QStringList{QStringLiteral("fn m0 duration: 1=1"), QStringLiteral("fn m0 cost: 1=1e-06"),
                           QStringLiteral("fn m1 duration: 3=3 2=2"), QStringLiteral("fn m1 cost: 3=3e-06 2=2e-06")};

        // A busy function's 26 slower, dearer invocations do not push out another's one.
        Batch twoFunctions{inv(100, 500, 1, 1e-9)};
        for (qint64 id = 1; id <= 26; ++id)
            twoFunctions << inv(id, id * 10, byId(id), byId(id), QStringLiteral("busy"));
        QTest::newRow("functions apart")
            << Batches{twoFunctions}
            << QStringList{line(QStringLiteral("busy"), 0, RankBy::Duration, idsFrom(26, 2), byId),
                           line(QStringLiteral("busy"), 0, RankBy::Cost, idsFrom(26, 2), byId),
                           QStringLiteral("fn m0 duration: 100=1"), QStringLiteral("fn m0 cost: 100=1e-09")};

        const auto micro = [](qint64 id) { return double(id) * 1e-6; };
        Batch first20, next10;
        for (qint64 id = 1; id <= 20; ++id)
            first20 << inv(id, id * 100, byId(id), micro(id));
        for (qint64 id = 21; id <= 30; ++id)
            next10 << inv(id, id * 100, byId(id), micro(id));
        QTest::newRow("batches add up")
            << Batches{first20, next10}
            << QStringList{line(fn, 0, RankBy::Duration, idsFrom(30, 6), byId), line(fn, 0, RankBy::Cost, idsFrom(30, 6), micro)};

        // Minute 20's write drops minute 0 from memory (more than 10 minutes behind); a late
        // record for minute 0 (a 15-minute invocation finishing now) is ranked against the
        // rows already stored, not against an empty minute.
        Batch full;
        for (qint64 id = 1; id <= 25; ++id)
            full << inv(id, id * 100, byId(id), micro(id));
        const Batch minute20{inv(50, 20 * 60'000, 7, 7e-6)};
        const QStringList minute20Lines{QStringLiteral("fn m20 duration: 50=7"), QStringLiteral("fn m20 cost: 50=7e-06")};
        const auto late = [&](qint64 id) { return id == 99 ? 100.0 : byId(id); };
        const auto lateCost = [&](qint64 id) { return id == 99 ? 1.0 : micro(id); };
        QTest::newRow("a late contender joins the stored tops")
            << Batches{full, minute20, {inv(99, 30'000, late(99), lateCost(99))}}
            << QStringList{line(fn, 0, RankBy::Duration, QList<qint64>{99} + idsFrom(25, 2), late),
                           line(fn, 0, RankBy::Cost, QList<qint64>{99} + idsFrom(25, 2), lateCost)}
                + minute20Lines;
        QTest::newRow("a late non-contender changes nothing")
            << Batches{full, minute20, {inv(98, 30'000, 0.5, 0)}}
            << QStringList{line(fn, 0, RankBy::Duration, idsFrom(25, 1), byId), line(fn, 0, RankBy::Cost, idsFrom(25, 1), micro)}
                + minute20Lines;

        // SQLite stores NaN as NULL, which the NOT NULL value column refuses.
        QTest::newRow("a broken measurement counts as 0")
            << Batches{{inv(1, 0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()),
                        inv(2, 10, 1, 1e-6)}}
            << QStringList{QStringLiteral("fn m0 duration: 2=1 1=0"), QStringLiteral("fn m0 cost: 2=1e-06 1=0")};
    }

    void topsPerFunctionAndMinute()
    {
        QFETCH(Batches, batches);
        QFETCH(QStringList, expected);
        test::TempDb db;
        QVERIFY(db.isValid());
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        TopsTracker tops;
        for (const Batch &batch : batches) {
            addAndWrite(*conn, tops, batch);
            if (QTest::currentTestFailed())
                return;
        }
        QCOMPARE(table(*conn), expected);
    }

    // After a failed transaction the writer calls reset(): the rolled-back invocation must
    // not come back with the next write of its minute.
    void resetForgetsARolledBackContender()
    {
        test::TempDb db;
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        TopsTracker tops;
        addAndWrite(*conn, tops, {inv(1, 0, 1, 1e-6), inv(2, 10, 2, 2e-6), inv(3, 20, 3, 3e-6)});
        {
            auto tx = Transaction::begin(*conn);
            QVERIFY(tx);
            tops.add(QStringLiteral("fn"), kBaseMs + 30, 10, 10e-6, 4);
            QVERIFY(tops.write(*conn));
        } // rolled back
        tops.reset();
        addAndWrite(*conn, tops, {inv(5, 40, 0.5, 0.5e-6)});
        QCOMPARE(table(*conn), (QStringList{QStringLiteral("fn m0 duration: 3=3 2=2 1=1 5=0.5"), QStringLiteral("fn m0 cost: 3=3e-06 2=2e-06 1=1e-06 5=5e-07")}));
    }

    // Only a minute whose tops changed is rewritten (the writer's cost): a stored value
    // marked by hand survives a later record that ranks below the cut or ties with it.
    void unchangedMinutesAreNotRewritten_data()
    {
        QTest::addColumn<double>("durationMs");
        QTest::addColumn<double>("costUsd");
        QTest::addColumn<bool>("rewritten");
        QTest::newRow("below the cut") << 0.5 << 0.0 << false;
        QTest::newRow("tying with the 25th, a higher id") << 1.0 << 1e-6 << false;
        QTest::newRow("the slowest") << 1000.0 << 0.0 << true;
        QTest::newRow("the most expensive") << 0.5 << 1.0 << true;
    }

    void unchangedMinutesAreNotRewritten()
    {
        QFETCH(double, durationMs);
        QFETCH(double, costUsd);
        QFETCH(bool, rewritten);
        test::TempDb db;
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        TopsTracker tops;
        Batch full;
        for (qint64 id = 1; id <= 25; ++id)
            full << inv(id, id * 100, double(id), double(id) * 1e-6);
        addAndWrite(*conn, tops, full);
        QVERIFY(conn->exec("UPDATE invocation_tops SET value = -1 WHERE invocation_id = 25"));
        addAndWrite(*conn, tops, {inv(26, 3000, durationMs, costUsd), inv(27, 60'000, 1, 1e-6)});
        // id 25's two rows (its duration and its cost) carry the mark until rewritten
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM invocation_tops WHERE value = -1"), qint64(rewritten ? 0 : 2));
        const QByteArray nextMinute = "SELECT count(*) FROM invocation_tops WHERE minute = " + QByteArray::number(kBaseMinute + 1);
        QCOMPARE(*conn->queryInt(nextMinute.constData()), qint64(2)); // the other minute was written all the same
    }
};

QTEST_GUILESS_MAIN(TestTops)
#include "tst_tops.moc"
