// The telemetry pages' table models, fed with plain values: QAbstractItemModelTester
// checks the model contract on every change; the tests check what each column shows,
// that refreshes keep rows in place, and the log model's tail rules (dedupe, cap).
#include "ui/models/environmentmodel.h"
#include "ui/models/functiontotalsmodel.h"
#include "ui/models/logmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::ui;
using engine::EnvironmentInfo;
using engine::EnvironmentState;

namespace {
EnvironmentInfo env(const QString &id, qint64 createdMs, EnvironmentState state = EnvironmentState::Idle)
{
    EnvironmentInfo e;
    e.id = id;
    e.function = QStringLiteral("hello");
    e.version = QStringLiteral("$LATEST");
    e.state = state;
    e.pid = 4242;
    e.createdMs = createdMs;
    e.stateSinceMs = createdMs;
    e.invocations = 1234;
    e.maxMemoryUsedMb = 48;
    return e;
}

LogLine line(qint64 ms, const QString &text, const QString &requestId = QStringLiteral("req-1"))
{
    return LogLine{ms, requestId, QStringLiteral("hello"), QStringLiteral("env-1"), text};
}

QStringList texts(const LogModel &m)
{
    QStringList out;
    for (const LogLine &l : m.lines())
        out << l.text;
    return out;
}
} // namespace

class TestModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void environmentColumns_data();
    void environmentColumns();
    void environmentRefreshKeepsRows();
    void environmentOrderIsByCreation();
    void logSetLinesSortsByTime();
    void logAppendDropsShownAndOlder();
    void logAppendCapsRows();
    void logRoles();
    void totalsColumns_data();
    void totalsColumns();
    void totalsRefresh();
};

void TestModels::environmentColumns_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("display");
    QTest::addColumn<QVariant>("sort");
    QTest::newRow("id") << int(EnvironmentModel::IdColumn) << QStringLiteral("env-a") << QVariant(QStringLiteral("env-a"));
    QTest::newRow("function") << int(EnvironmentModel::FunctionColumn) << QStringLiteral("hello") << QVariant(QStringLiteral("hello"));
    QTest::newRow("version") << int(EnvironmentModel::VersionColumn) << QStringLiteral("$LATEST") << QVariant(QStringLiteral("$LATEST"));
    QTest::newRow("state") << int(EnvironmentModel::StateColumn) << engine::environmentStateName(EnvironmentState::Busy)
                           << QVariant(int(EnvironmentState::Busy));
    QTest::newRow("provisioned") << int(EnvironmentModel::ProvisionedColumn) << QStringLiteral("no") << QVariant(false);
    QTest::newRow("pid") << int(EnvironmentModel::PidColumn) << QStringLiteral("4242") << QVariant(qint64(4242));
    QTest::newRow("invocations") << int(EnvironmentModel::InvocationsColumn) << QStringLiteral("1.2 k") << QVariant(1234);
    QTest::newRow("memory") << int(EnvironmentModel::MaxMemoryColumn) << QStringLiteral("48 MB") << QVariant(48);
    QTest::newRow("age") << int(EnvironmentModel::AgeColumn) << QStringLiteral("2 min 05 s") << QVariant(qint64(125000));
}

void TestModels::environmentColumns()
{
    QFETCH(int, column);
    QFETCH(QString, display);
    QFETCH(QVariant, sort);
    EnvironmentModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setEnvironments({env(QStringLiteral("env-a"), 1'000'000, EnvironmentState::Busy)}, 1'125'000);
    QCOMPARE(model.columnCount(), int(EnvironmentModel::ColumnCount));
    QCOMPARE(model.rowCount(), 1);
    const QModelIndex idx = model.index(0, column);
    QCOMPARE(idx.data().toString(), display);
    QCOMPARE(idx.data(EnvironmentModel::SortRole), sort);
    QVERIFY(!model.headerData(column, Qt::Horizontal).toString().isEmpty());
    QCOMPARE(idx.data(EnvironmentModel::IdRole).toString(), QStringLiteral("env-a"));
    QCOMPARE(idx.data(EnvironmentModel::StateRole).toInt(), int(EnvironmentState::Busy));
}

void TestModels::environmentRefreshKeepsRows()
{
    EnvironmentModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setEnvironments({env(QStringLiteral("a"), 1000), env(QStringLiteral("b"), 2000)}, 5000);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    auto busy = env(QStringLiteral("b"), 2000, EnvironmentState::Busy);
    model.setEnvironments({env(QStringLiteral("a"), 1000), busy}, 6000);
    QCOMPARE(reset.count(), 0); // same environments: updated in place, selection survives
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.index(1, EnvironmentModel::StateColumn).data(EnvironmentModel::StateRole).toInt(),
             int(EnvironmentState::Busy));
    QCOMPARE(model.index(0, EnvironmentModel::AgeColumn).data(EnvironmentModel::SortRole).toLongLong(), 5000);

    model.setEnvironments({env(QStringLiteral("b"), 2000)}, 7000); // "a" retired
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowOf(QStringLiteral("b")), 0);
    QCOMPARE(model.rowOf(QStringLiteral("a")), -1);
    model.setEnvironments({}, 8000);
    QCOMPARE(model.rowCount(), 0);
}

void TestModels::environmentOrderIsByCreation()
{
    EnvironmentModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setEnvironments({env(QStringLiteral("late"), 3000), env(QStringLiteral("early"), 1000),
                           env(QStringLiteral("mid"), 2000)},
                          4000);
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("early"));
    QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("mid"));
    QCOMPARE(model.index(2, 0).data().toString(), QStringLiteral("late"));
}

void TestModels::logSetLinesSortsByTime()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // searchLogs answers newest first (one millisecond's lines in reverse too); the table
    // shows oldest at the top, like a terminal, and one millisecond's lines in print order.
    model.setLines({line(300, QStringLiteral("c")), line(200, QStringLiteral("b2")), line(200, QStringLiteral("b")),
                    line(100, QStringLiteral("a"))});
    QCOMPARE(texts(model), (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("b2"), QStringLiteral("c")}));
    QCOMPARE(model.newestMs(), 300);
    QCOMPARE(model.columnCount(), int(LogModel::ColumnCount));
    QCOMPARE(model.index(0, LogModel::MessageColumn).data().toString(), QStringLiteral("a"));
    QCOMPARE(model.index(0, LogModel::RequestIdColumn).data().toString(), QStringLiteral("req-1"));
    QCOMPARE(model.index(0, LogModel::FunctionColumn).data().toString(), QStringLiteral("hello"));
    QVERIFY(!model.index(0, LogModel::TimeColumn).data().toString().isEmpty());
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.newestMs(), 0);
}

void TestModels::logAppendDropsShownAndOlder()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLines({line(100, QStringLiteral("a")), line(200, QStringLiteral("b"))});
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    // The tail re-queries from the newest shown ms: "b" comes back and must not repeat;
    // a line older than the newest shown is not appended out of order.
    const int added = model.appendLines({line(250, QStringLiteral("d")), line(200, QStringLiteral("c")),
                                         line(200, QStringLiteral("b")), line(50, QStringLiteral("old"))});
    QCOMPARE(added, 2);
    QCOMPARE(texts(model), (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")}));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(model.appendLines({line(250, QStringLiteral("d"))}), 0);
    // Two identical lines in one answer are one line.
    QCOMPARE(model.appendLines({line(300, QStringLiteral("e")), line(300, QStringLiteral("e"))}), 1);
    // Into an empty model everything goes.
    LogModel empty;
    QCOMPARE(empty.appendLines({line(5, QStringLiteral("x")), line(1, QStringLiteral("y"))}), 2); // newest first
    QCOMPARE(texts(empty), (QStringList{QStringLiteral("y"), QStringLiteral("x")}));
}

void TestModels::logAppendCapsRows()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMaxRows(5);
    QList<LogLine> first;
    for (int i = 0; i < 4; ++i)
        first << line(i, QString::number(i));
    model.setLines(first);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QList<LogLine> more;
    for (int i = 4; i < 8; ++i)
        more << line(i, QString::number(i));
    QCOMPARE(model.appendLines(more), 4);
    QCOMPARE(model.rowCount(), 5); // the oldest go from the top
    QCOMPARE(removed.count(), 1);
    QCOMPARE(texts(model), (QStringList{QStringLiteral("3"), QStringLiteral("4"), QStringLiteral("5"), QStringLiteral("6"), QStringLiteral("7")}));
    QList<LogLine> many;
    for (int i = 100; i < 120; ++i)
        many << line(i, QString::number(i));
    model.setLines(many);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.lines().first().text, QStringLiteral("115"));
    QCOMPARE(LogModel().maxRows(), 5000);
}

void TestModels::logRoles()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLines({line(1234, QStringLiteral("START RequestId: r Version: $LATEST"), QStringLiteral("r")),
                    line(1300, QStringLiteral("between requests"), QString())});
    const QModelIndex first = model.index(0, LogModel::MessageColumn);
    QCOMPARE(first.data(LogModel::TimestampRole).toLongLong(), 1234);
    QCOMPARE(first.data(LogModel::RequestIdRole).toString(), QStringLiteral("r"));
    QCOMPARE(first.data(LogModel::FunctionRole).toString(), QStringLiteral("hello"));
    QCOMPARE(first.data(LogModel::EnvironmentRole).toString(), QStringLiteral("env-1"));
    QVERIFY(first.data(Qt::ForegroundRole).isValid()); // frame lines are dimmed
    QVERIFY(model.index(1, LogModel::RequestIdColumn).data(LogModel::RequestIdRole).toString().isEmpty());
    QVERIFY(model.roleNames().contains(LogModel::RequestIdRole));
    // REPORT lines carry tabs: shown as spaces, kept raw in TextRole.
    model.setLines({line(1, QStringLiteral("REPORT RequestId: r\tDuration: 1.00 ms"))});
    QCOMPARE(model.index(0, LogModel::MessageColumn).data().toString(), QStringLiteral("REPORT RequestId: r  Duration: 1.00 ms"));
    QCOMPARE(model.index(0, LogModel::MessageColumn).data(LogModel::TextRole).toString(),
             QStringLiteral("REPORT RequestId: r\tDuration: 1.00 ms"));
}

void TestModels::totalsColumns_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("display");
    QTest::addColumn<QVariant>("sort");
    QTest::newRow("function") << int(FunctionTotalsModel::FunctionColumn) << QStringLiteral("api") << QVariant(QStringLiteral("api"));
    QTest::newRow("invocations") << int(FunctionTotalsModel::InvocationsColumn) << QStringLiteral("25 k") << QVariant(qint64(25000));
    QTest::newRow("errors") << int(FunctionTotalsModel::ErrorsColumn) << QStringLiteral("500") << QVariant(qint64(500));
    QTest::newRow("error rate") << int(FunctionTotalsModel::ErrorRateColumn) << QStringLiteral("2 %") << QVariant(0.02);
    QTest::newRow("throttles") << int(FunctionTotalsModel::ThrottlesColumn) << QStringLiteral("3") << QVariant(qint64(3));
    QTest::newRow("cost") << int(FunctionTotalsModel::CostColumn) << QStringLiteral("$0.000021") << QVariant(0.000021);
}

void TestModels::totalsColumns()
{
    QFETCH(int, column);
    QFETCH(QString, display);
    QFETCH(QVariant, sort);
    FunctionTotalsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setTotals({store::FunctionTotals{QStringLiteral("api"), 25000, 500, 3, 0.000021, 1'700'000'000'000}});
    QCOMPARE(model.index(0, column).data().toString(), display);
    QCOMPARE(model.index(0, column).data(FunctionTotalsModel::SortRole), sort);
    QCOMPARE(model.index(0, column).data(FunctionTotalsModel::FunctionRole).toString(), QStringLiteral("api"));
}

void TestModels::totalsRefresh()
{
    FunctionTotalsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setTotals({store::FunctionTotals{QStringLiteral("b"), 10, 0, 0, 0.5, 0},
                     store::FunctionTotals{QStringLiteral("a"), 5, 1, 0, 0.25, 0}});
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("a"));
    QCOMPARE(model.totalInvocations(), 15);
    QCOMPARE(model.totalCostUsd(), 0.75);
    QCOMPARE(model.index(1, FunctionTotalsModel::LastInvokedColumn).data().toString(), QStringLiteral("never"));
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setTotals({store::FunctionTotals{QStringLiteral("a"), 6, 1, 0, 0.3, 0},
                     store::FunctionTotals{QStringLiteral("b"), 11, 0, 0, 0.5, 0}});
    QCOMPARE(reset.count(), 0);
    QCOMPARE(model.index(0, FunctionTotalsModel::InvocationsColumn).data(FunctionTotalsModel::SortRole).toLongLong(), 6);
    model.setTotals({store::FunctionTotals{QStringLiteral("c"), 1, 0, 0, 0, 0}});
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), 1);
}

QTEST_MAIN(TestModels)
#include "tst_models.moc"
