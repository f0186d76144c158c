// Manifest (function.json): parsing, validation messages that name the field, round trip.
#include "versioning/manifest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace funcdesk;

namespace {
// A valid manifest with one field replaced (or removed when `value` is undefined).
QByteArray manifestWith(const QString &field, const QJsonValue &value)
{
    QJsonObject o{{QStringLiteral("runtime"), QStringLiteral("python3.12")},
                  {QStringLiteral("handler"), QStringLiteral("lambda_function.lambda_handler")},
                  {QStringLiteral("memorySize"), 256},
                  {QStringLiteral("timeout"), 10}};
    if (field.isEmpty())
        return QJsonDocument(o).toJson();
    QStringList path = field.split(QLatin1Char('.'));
    if (path.size() == 1) {
        if (value.isUndefined())
            o.remove(field);
        else
            o.insert(field, value);
    } else {
        QJsonObject inner = o.value(path[0]).toObject();
        inner.insert(path[1], value);
        o.insert(path[0], inner);
    }
    return QJsonDocument(o).toJson();
}
} // namespace

class TestManifest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesMinimalManifestWithDefaults()
    {
        const Result<FunctionConfig> c = manifest::parse(manifestWith({}, {}), QStringLiteral("fn"));
        QVERIFY2(c.ok(), qPrintable(c.ok() ? QString() : c.error().message));
        QCOMPARE(c->name, QStringLiteral("fn"));
        QCOMPARE(c->runtime, Runtime::Python3);
        QCOMPARE(c->memoryMb, 256);
        QCOMPARE(c->timeoutSeconds, 10);
        QCOMPARE(c->async.maximumRetryAttempts, 2);
        QCOMPARE(c->async.maximumEventAgeSeconds, 21600);
        QVERIFY(!c->reservedConcurrency.has_value());
        QCOMPARE(c->architecture, QStringLiteral("x86_64"));
        QVERIFY(c->triggers.isEmpty());
    }

    void parsesFullManifest()
    {
        const QByteArray json = R"json({
          "runtime": "nodejs20.x", "handler": "src/app.handler", "memorySize": 1024, "timeout": 900,
          "environment": {"STAGE": "dev", "LOG_LEVEL": "debug"},
          "reservedConcurrency": 10, "provisionedConcurrency": 2, "architecture": "arm64",
          "description": "orders",
          "async": {"maximumRetryAttempts": 0, "maximumEventAgeInSeconds": 60,
                    "destinations": {"onSuccess": "audit", "onFailure": "dlq"}},
          "triggers": {"functionUrl": true,
                       "schedules": ["rate(5 minutes)", {"expression": "cron(0 12 * * ? *)", "enabled": false}]}
        })json";
        const Result<FunctionConfig> c = manifest::parse(json, QStringLiteral("orders"));
        QVERIFY2(c.ok(), qPrintable(c.ok() ? QString() : c.error().message));
        QCOMPARE(c->runtime, Runtime::NodeJs);
        QCOMPARE(c->handler, QStringLiteral("src/app.handler"));
        QCOMPARE(c->environment.value(QStringLiteral("STAGE")), QStringLiteral("dev"));
        QCOMPARE(c->reservedConcurrency.value_or(-1), 10);
        QCOMPARE(c->provisionedConcurrency, 2);
        QCOMPARE(c->architecture, QStringLiteral("arm64"));
        QCOMPARE(c->async.onSuccess, QStringLiteral("audit"));
        QCOMPARE(c->async.onFailure, QStringLiteral("dlq"));
        QCOMPARE(c->triggers.size(), 3);
        QCOMPARE(c->triggers[0].kind, Trigger::Kind::FunctionUrl);
        QCOMPARE(c->triggers[1].expression, QStringLiteral("rate(5 minutes)"));
        QVERIFY(c->triggers[1].enabled);
        QCOMPARE(c->triggers[2].expression, QStringLiteral("cron(0 12 * * ? *)"));
        QVERIFY(!c->triggers[2].enabled);

        // Written back and read again: the same configuration.
        const Result<FunctionConfig> again = manifest::parse(manifest::serialize(*c), QStringLiteral("orders"));
        QVERIFY(again.ok());
        QCOMPARE(again->handler, c->handler);
        QCOMPARE(again->environment, c->environment);
        QCOMPARE(again->reservedConcurrency, c->reservedConcurrency);
        QCOMPARE(again->async.onFailure, c->async.onFailure);
        QCOMPARE(again->async.maximumEventAgeSeconds, 60);
        QCOMPARE(again->triggers.size(), 3);
        QVERIFY(!again->triggers[2].enabled);
        QCOMPARE(manifest::serialize(*again), manifest::serialize(*c));
    }

    void acceptsLambdaRuntimeIdentifiers_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<int>("runtime");
        QTest::newRow("python3.12") << QStringLiteral("python3.12") << int(Runtime::Python3);
        QTest::newRow("python3") << QStringLiteral("python3") << int(Runtime::Python3);
        QTest::newRow("nodejs20.x") << QStringLiteral("nodejs20.x") << int(Runtime::NodeJs);
        QTest::newRow("python3.13") << QStringLiteral("python3.13") << int(Runtime::Python3);
        QTest::newRow("nodejs22.x") << QStringLiteral("nodejs22.x") << int(Runtime::NodeJs);
        QTest::newRow("nodejs24.x") << QStringLiteral("nodejs24.x") << int(Runtime::NodeJs);
        QTest::newRow("provided.al2023") << QStringLiteral("provided.al2023") << int(Runtime::Provided);
    }
    void acceptsLambdaRuntimeIdentifiers()
    {
        QFETCH(QString, id);
        QFETCH(int, runtime);
        const Result<FunctionConfig> c = manifest::parse(manifestWith(QStringLiteral("runtime"), id), QStringLiteral("f"));
        QVERIFY(c.ok());
        QCOMPARE(int(c->runtime), runtime);
        // The identifier is kept as given, through a round trip of the manifest.
        const Result<FunctionConfig> again = manifest::parse(manifest::serialize(*c), QStringLiteral("f"));
        QVERIFY(again.ok());
        QCOMPARE(again->runtimeId, id == QLatin1String("python3") ? QString() : id);
        QCOMPARE(QJsonDocument::fromJson(manifest::serialize(*c)).object().value(QStringLiteral("runtime")).toString(), id);
    }

    void rejectsInvalidFields_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("memory too small") << QStringLiteral("memorySize") << QJsonValue(64)
                                          << QStringLiteral("memorySize: must be between 128 and 10240 MB, got 64");
        QTest::newRow("memory too large") << QStringLiteral("memorySize") << QJsonValue(20000)
                                          << QStringLiteral("memorySize: must be between 128 and 10240 MB, got 20000");
        QTest::newRow("memory not a number") << QStringLiteral("memorySize") << QJsonValue(QStringLiteral("big"))
                                             << QStringLiteral("memorySize: must be an integer, got \"big\"");
        QTest::newRow("memory fractional") << QStringLiteral("memorySize") << QJsonValue(128.5)
                                           << QStringLiteral("memorySize: must be an integer");
        QTest::newRow("timeout zero") << QStringLiteral("timeout") << QJsonValue(0)
                                      << QStringLiteral("timeout: must be between 1 and 900 seconds, got 0");
        QTest::newRow("timeout too long") << QStringLiteral("timeout") << QJsonValue(901)
                                          << QStringLiteral("timeout: must be between 1 and 900 seconds, got 901");
        QTest::newRow("unknown runtime") << QStringLiteral("runtime") << QJsonValue(QStringLiteral("ruby3.3"))
                                         << QStringLiteral("runtime: unsupported runtime \"ruby3.3\"");
        QTest::newRow("runtime missing") << QStringLiteral("runtime") << QJsonValue(QJsonValue::Undefined)
                                         << QStringLiteral("runtime: required");
        QTest::newRow("handler missing") << QStringLiteral("handler") << QJsonValue(QJsonValue::Undefined)
                                         << QStringLiteral("handler: required");
        QTest::newRow("handler parent") << QStringLiteral("handler") << QJsonValue(QStringLiteral("../x.handler"))
                                        << QStringLiteral("handler: must not leave the function directory");
        QTest::newRow("handler nested parent") << QStringLiteral("handler") << QJsonValue(QStringLiteral("src/../../x.handler"))
                                               << QStringLiteral("handler: must not leave the function directory");
        QTest::newRow("handler absolute") << QStringLiteral("handler") << QJsonValue(QStringLiteral("/etc/x.handler"))
                                          << QStringLiteral("handler: must be a relative path inside the function directory");
        QTest::newRow("handler no function") << QStringLiteral("handler") << QJsonValue(QStringLiteral("lambda_function"))
                                             << QStringLiteral("handler: must look like file.function");
        QTest::newRow("architecture") << QStringLiteral("architecture") << QJsonValue(QStringLiteral("mips"))
                                      << QStringLiteral("architecture: must be \"x86_64\" or \"arm64\", got \"mips\"");
        QTest::newRow("reserved negative") << QStringLiteral("reservedConcurrency") << QJsonValue(-1)
                                           << QStringLiteral("reservedConcurrency: must be between 0 and 1000, got -1");
        QTest::newRow("environment value") << QStringLiteral("environment.PORT") << QJsonValue(8080)
                                           << QStringLiteral("environment.PORT: must be a string, got 8080");
        QTest::newRow("environment bad key") << QStringLiteral("environment.1BAD") << QJsonValue(QStringLiteral("x"))
                                             << QStringLiteral("environment.1BAD: name must match");
        QTest::newRow("environment reserved") << QStringLiteral("environment.AWS_REGION") << QJsonValue(QStringLiteral("x"))
                                              << QStringLiteral("environment.AWS_REGION: is reserved by the runtime");
        QTest::newRow("retries") << QStringLiteral("async.maximumRetryAttempts") << QJsonValue(3)
                                 << QStringLiteral("async.maximumRetryAttempts: must be between 0 and 2, got 3");
        QTest::newRow("event age") << QStringLiteral("async.maximumEventAgeInSeconds") << QJsonValue(30)
                                   << QStringLiteral("async.maximumEventAgeInSeconds: must be between 60 and 21600 seconds, got 30");
        QTest::newRow("function url type") << QStringLiteral("triggers.functionUrl") << QJsonValue(QStringLiteral("yes"))
                                           << QStringLiteral("triggers.functionUrl: must be true or false");
        QTest::newRow("schedules type") << QStringLiteral("triggers.schedules") << QJsonValue(QStringLiteral("rate(1 minute)"))
                                        << QStringLiteral("triggers.schedules: must be an array");
        QTest::newRow("schedule syntax") << QStringLiteral("triggers.schedules") << QJsonValue(QJsonArray{QStringLiteral("every minute")})
                                         << QStringLiteral("triggers.schedules[0]: expected rate(value unit) or cron(fields)");
        QTest::newRow("rate plural") << QStringLiteral("triggers.schedules") << QJsonValue(QJsonArray{QStringLiteral("rate(5 minute)")})
                                     << QStringLiteral("triggers.schedules[0]: a rate value above 1 takes the plural unit");
        QTest::newRow("cron both days") << QStringLiteral("triggers.schedules") << QJsonValue(QJsonArray{QStringLiteral("rate(1 day)"), QStringLiteral("cron(0 12 * * * *)")})
                                        << QStringLiteral("triggers.schedules[1]: one of Day-of-month or Day-of-week must be ?");
        QTest::newRow("unknown field") << QStringLiteral("memory") << QJsonValue(512)
                                       << QStringLiteral("memory: unknown field");
    }
    void rejectsInvalidFields()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QFETCH(QString, message);
        const Result<FunctionConfig> c = manifest::parse(manifestWith(field, value), QStringLiteral("f"));
        QVERIFY(!c.ok());
        QCOMPARE(c.error().type, QStringLiteral("InvalidParameterValueException"));
        QVERIFY2(c.error().message.contains(message), qPrintable(c.error().message));
    }

    void reportsEveryProblemAtOnce()
    {
        const QByteArray json = R"({"runtime":"python3","handler":"a.b","memorySize":64,"timeout":0})";
        const Result<FunctionConfig> c = manifest::parse(json, QStringLiteral("f"));
        QVERIFY(!c.ok());
        QVERIFY(c.error().message.contains(QStringLiteral("memorySize:")));
        QVERIFY(c.error().message.contains(QStringLiteral("timeout:")));
    }

    void rejectsMalformedJson()
    {
        const Result<FunctionConfig> c = manifest::parse(QByteArrayLiteral("{\"runtime\": "), QStringLiteral("f"));
        QVERIFY(!c.ok());
        QVERIFY(c.error().message.startsWith(QStringLiteral("function.json: not valid JSON")));
    }

    // function.json is UTF-8 JSON: bytes that are not UTF-8 anywhere (names, handler,
    // values) are refused with the parser's reason and where, not read as something else.
    void rejectsNonUtf8_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<int>("offset");
        QTest::newRow("handler") << QByteArray("{\"runtime\":\"python3.12\",\"handler\":\"app.h\xff\"}") << 40;
        QTest::newRow("runtime") << QByteArray("{\"runtime\":\"python\xfe\",\"handler\":\"app.h\"}") << 18;
        QTest::newRow("description") << QByteArray("{\"runtime\":\"python3.12\",\"handler\":\"a.b\",\"description\":\"\xc3\x28\"}") << 55;
        QTest::newRow("environment value") << QByteArray("{\"runtime\":\"python3.12\",\"handler\":\"a.b\",\"environment\":{\"K\":\"\xff\"}}") << 60;
        QTest::newRow("field name") << QByteArray("{\"runtime\":\"python3.12\",\"handler\":\"a.b\",\"\xff\":1}") << 41;
    }
    void rejectsNonUtf8()
    {
        QFETCH(QByteArray, json);
        QFETCH(int, offset);
        const Result<FunctionConfig> c = manifest::parse(json, QStringLiteral("f"));
        QVERIFY(!c.ok());
        QCOMPARE(c.error().type, QStringLiteral("InvalidParameterValueException"));
        QVERIFY2(c.error().message.startsWith(QStringLiteral("function.json: not valid JSON")), qPrintable(c.error().message));
        QVERIFY2(c.error().message.contains(QStringLiteral("invalid UTF8 string")), qPrintable(c.error().message));
        QVERIFY2(c.error().message.contains(QStringLiteral("at offset %1:").arg(offset)), qPrintable(c.error().message));
    }

    void validateChecksConfigBuiltInCode()
    {
        FunctionConfig c;
        c.name = QStringLiteral("f");
        QVERIFY(manifest::validate(c).ok());
        c.memoryMb = 64;
        QVERIFY(!manifest::validate(c).ok());
        c.memoryMb = 128;
        c.handler = QStringLiteral("../../etc/passwd.x");
        const Status s = manifest::validate(c);
        QVERIFY(!s.ok());
        QVERIFY(s.error().message.startsWith(QStringLiteral("handler:")));
        c.handler = QStringLiteral("x.y");
        c.reservedConcurrency = 1;
        c.provisionedConcurrency = 2;
        QVERIFY(manifest::validate(c).error().message.contains(QStringLiteral("provisionedConcurrency: must not exceed")));
    }

    void providedRuntimeTakesAnyInsideHandler()
    {
        QVERIFY(manifest::validateHandler(QStringLiteral("function"), Runtime::Provided).ok());
        QVERIFY(!manifest::validateHandler(QStringLiteral("../function"), Runtime::Provided).ok());
        QVERIFY(!manifest::validateHandler(QStringLiteral("function"), Runtime::Python3).ok());
    }
};

QTEST_GUILESS_MAIN(TestManifest)
#include "tst_manifest.moc"
