// Trace spans to an OpenTelemetry collector: the OTLP/JSON encoding, and a real Service
// posting a traced invocation's span to a receiver listening on loopback.
#include "apitestkit.h"

#include "api/httpserver.h"
#include "api/otlpexporter.h"
#include "api/service.h"
#include "versioning/versionstore.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::api;

namespace {

QJsonObject firstSpan(const QByteArray &body)
{
    const QJsonObject doc = QJsonDocument::fromJson(body).object();
    return doc.value(QStringLiteral("resourceSpans")).toArray().first().toObject().value(QStringLiteral("scopeSpans")).toArray().first()
        .toObject().value(QStringLiteral("spans")).toArray().first().toObject();
}

QString attributeOf(const QJsonObject &span, const QString &key)
{
    for (const QJsonValue &a : span.value(QStringLiteral("attributes")).toArray()) {
        if (a.toObject().value(QStringLiteral("key")).toString() == key) {
            const QJsonObject v = a.toObject().value(QStringLiteral("value")).toObject();
            return v.contains(QStringLiteral("stringValue")) ? v.value(QStringLiteral("stringValue")).toString()
                                                             : QString::fromUtf8(QJsonDocument(v).toJson(QJsonDocument::Compact));
        }
    }
    return {};
}

} // namespace

class TestOtlpExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void encodesSpansAsOtlpJson()
    {
        InvocationRecord r;
        r.requestId = QStringLiteral("01a24e4b-2aae-7de3-896a-032e744c4f07");
        r.function = QStringLiteral("worker");
        r.version = QStringLiteral("3");
        r.startMs = 1'700'000'000'000;
        r.initDurationMs = 120.5;
        r.durationMs = 10.25;
        r.cold = true;
        r.status = InvocationStatus::Error;
        r.errorType = QStringLiteral("ValueError");
        r.errorMessage = QStringLiteral("bad order");
        r.traceId = QStringLiteral("1-5759e988-bd862e3fe1be46a994272793");
        r.spanId = QStringLiteral("53995c3f42cd8ad8");
        r.parentSpanId = QStringLiteral("1234567890abcdef");
        const QJsonObject span = firstSpan(OtlpExporter::encode({r}));
        QCOMPARE(span.value(QStringLiteral("traceId")).toString(), QStringLiteral("5759e988bd862e3fe1be46a994272793"));
        QCOMPARE(span.value(QStringLiteral("spanId")).toString(), r.spanId);
        QCOMPARE(span.value(QStringLiteral("parentSpanId")).toString(), r.parentSpanId);
        QCOMPARE(span.value(QStringLiteral("name")).toString(), QStringLiteral("worker"));
        QCOMPARE(span.value(QStringLiteral("startTimeUnixNano")).toString(), QStringLiteral("1700000000000000000"));
        QCOMPARE(span.value(QStringLiteral("endTimeUnixNano")).toString(), QStringLiteral("1700000000130750000")); // init + duration
        QCOMPARE(span.value(QStringLiteral("status")).toObject().value(QStringLiteral("code")).toInt(), 2);
        QCOMPARE(span.value(QStringLiteral("status")).toObject().value(QStringLiteral("message")).toString(), QStringLiteral("ValueError: bad order"));
        QCOMPARE(attributeOf(span, QStringLiteral("faas.invocation_id")), r.requestId);
        QCOMPARE(attributeOf(span, QStringLiteral("faas.coldstart")), QStringLiteral("{\"boolValue\":true}"));
        // A record without a usable trace is left out.
        InvocationRecord bare = r;
        bare.traceId = QStringLiteral("not-a-root");
        QVERIFY(firstSpan(OtlpExporter::encode({bare})).isEmpty());
        QCOMPARE(OtlpExporter::tracesUrl(QUrl(QStringLiteral("http://c:4318/"))).toString(), QStringLiteral("http://c:4318/v1/traces"));
        QCOMPARE(OtlpExporter::tracesUrl(QUrl(QStringLiteral("http://c:4318/v1/traces"))).toString(), QStringLiteral("http://c:4318/v1/traces"));
    }

    void aServiceExportsTracedInvocations()
    {
        // The collector: Funcdesk's own HTTP server, keeping what it is sent.
        HttpServer collector;
        QList<HttpRequest> received;
        collector.setHandler([&received](HttpRequest &&request, HttpResponder responder) {
            received.append(request);
            WireResponse r;
            r.status = 200;
            r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
            r.body = QByteArrayLiteral("{}");
            responder.respond(r);
        });
        QVERIFY(collector.listen(QHostAddress::LocalHost, 0).ok());

        QTemporaryDir dir;
        ServiceOptions options;
        options.api.port = 0;
        options.otlpEndpoint = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(collector.serverPort()));
        auto service = Service::start(DataDir{dir.path()}, options);
        QVERIFY(service.ok());
        SourceFiles files;
        files.insert(QStringLiteral("app.py"), SourceFile(QByteArrayLiteral("def handler(event, context):\n    return event\n")));
        files.insert(QStringLiteral("function.json"), SourceFile(QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\"}")));
        QVERIFY(VersionStore(DataDir{dir.path()}).create(QStringLiteral("worker"), Runtime::Python3, files).ok());
        QSignalSpy changed(service->get(), &Service::functionChanged);
        (*service)->refreshFunction(QStringLiteral("worker"));
        QVERIFY(changed.wait(10000));

        apitest::Client client(QStringLiteral("http://") + (*service)->apiAddress());
        // Untraced: nothing goes out. Called from another span: its span goes out.
        QCOMPARE(client.call("POST", QStringLiteral("/2015-03-31/functions/worker/invocations"), "{}").status, 200);
        QCOMPARE(client.call("POST", QStringLiteral("/2015-03-31/functions/worker/invocations"), "{}",
                             {{"X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=1234567890abcdef;Sampled=1"}})
                     .status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 10000);
        QCOMPARE(received.first().method, QByteArray("POST"));
        QCOMPARE(received.first().path, QByteArray("/v1/traces"));
        QCOMPARE(received.first().header("content-type"), QByteArray("application/json"));
        const QJsonObject span = firstSpan(received.first().body);
        QCOMPARE(span.value(QStringLiteral("traceId")).toString(), QStringLiteral("5759e988bd862e3fe1be46a994272793"));
        QCOMPARE(span.value(QStringLiteral("parentSpanId")).toString(), QStringLiteral("1234567890abcdef"));
        QCOMPARE(span.value(QStringLiteral("name")).toString(), QStringLiteral("worker"));
        QTest::qWait(1500); // a second flush would have sent the untraced one too: nothing more came
        QCOMPARE(received.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestOtlpExport)
#include "tst_otlpexport.moc"
