// The trace header as requests carry it between functions (common/trace.h).
#include "common/trace.h"

#include <QTest>

using namespace funcdesk;

class TestTrace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesXRaysFormat()
    {
        const TraceHeader h = TraceHeader::parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
        QCOMPARE(h.root, QStringLiteral("1-5759e988-bd862e3fe1be46a994272793"));
        QCOMPARE(h.parent, QStringLiteral("53995c3f42cd8ad8"));
        QVERIFY(h.sampled);
        QCOMPARE(h.lineage, 0);
        // Lambda's lineage form (hash:count) and ours (count); unknown keys and spaces pass.
        QCOMPARE(TraceHeader::parse("Root=1-5759e988-bd862e3fe1be46a994272793; Lineage=a87bd80c:7;Self=x").lineage, 7);
        QCOMPARE(TraceHeader::parse("Root=1-5759e988-bd862e3fe1be46a994272793;Lineage=3").lineage, 3);
    }

    void refusesWhatIsNotATrace()
    {
        QVERIFY(!TraceHeader::parse("").isValid());
        QVERIFY(!TraceHeader::parse("Root=2-5759e988-bd862e3fe1be46a994272793").isValid());
        QVERIFY(!TraceHeader::parse("Root=1-5759e98-bd862e3fe1be46a9942727930").isValid());
        QVERIFY(!TraceHeader::parse("Root=1-5759e988-bd862e3fe1be46a99427279g").isValid());
        // A parent or lineage without a root means nothing.
        const TraceHeader h = TraceHeader::parse("Parent=53995c3f42cd8ad8;Lineage=9");
        QVERIFY(h.parent.isEmpty());
        QCOMPARE(h.lineage, 0);
        QVERIFY(TraceHeader::parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=xyz").parent.isEmpty());
    }

    void aCallContinuesItsCallersTrace()
    {
        const TraceContext root = TraceContext::begin({});
        QCOMPARE(root.traceId.size(), 35);
        QVERIFY(root.parentSpanId.isEmpty());
        QCOMPARE(root.lineage, 0);
        QCOMPARE(root.spanId.size(), 16);
        const QByteArray handedOn = root.downstreamHeader();
        QCOMPARE(handedOn, "Root=" + root.traceId.toLatin1() + ";Parent=" + root.spanId.toLatin1() + ";Sampled=0");
        const TraceContext child = TraceContext::begin(handedOn);
        QCOMPARE(child.traceId, root.traceId);
        QCOMPARE(child.parentSpanId, root.spanId);
        QVERIFY(child.spanId != root.spanId);
        QCOMPARE(child.lineage, 1);
        const TraceContext grandchild = TraceContext::begin(child.downstreamHeader());
        QCOMPARE(grandchild.lineage, 2);
        QVERIFY(child.downstreamHeader().endsWith(";Lineage=1"));
        // A traced client's request (a root, no parent) starts the chain at its lineage.
        QCOMPARE(TraceContext::begin(QByteArray("Root=" + root.traceId.toLatin1())).lineage, 0);
    }
};

QTEST_GUILESS_MAIN(TestTrace)
#include "tst_trace.moc"
