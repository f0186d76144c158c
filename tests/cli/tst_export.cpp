// Export to AWS SAM and Knative: every setting of a FunctionConfig (and alias) must come
// back out of the YAML, parsed with yaml-cpp; the code zip holds the function's files.

#include "versioning/codezip.h"
#include "cli/export.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <yaml-cpp/yaml.h>
#include <zip.h>

#include <optional>

using namespace funcdesk;
using namespace funcdesk::cli;

Q_DECLARE_METATYPE(funcdesk::FunctionConfig)
Q_DECLARE_METATYPE(std::optional<funcdesk::cli::ExportAlias>)

namespace {

QString str(const YAML::Node &n) { return QString::fromStdString(n.as<std::string>()); }

FunctionConfig baseConfig(const QString &name)
{
    FunctionConfig c;
    c.name = name;
    c.version = QStringLiteral("1");
    return c;
}

} // namespace

class TestExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void configs_data()
    {
        QTest::addColumn<FunctionConfig>("config");
        QTest::addColumn<std::optional<ExportAlias>>("alias");
        QTest::addColumn<QString>("deploymentType");   // empty: no DeploymentPreference
        QTest::addColumn<QString>("autoPublishAlias"); // empty: none
        QTest::addColumn<int>("canaryPercent");        // knative share of the additional revision

        {
            FunctionConfig c = baseConfig(QStringLiteral("hello"));
            QTest::newRow("python defaults") << c << std::optional<ExportAlias>() << QString() << QString() << 0;
        }
        {
            FunctionConfig c = baseConfig(QStringLiteral("orders-api_v2"));
            c.runtime = Runtime::NodeJs;
            c.handler = QStringLiteral("index.handler");
            c.memoryMb = 512;
            c.timeoutSeconds = 30;
            c.environment = {{QStringLiteral("TABLE"), QStringLiteral("orders")},
                             {QStringLiteral("DEBUG"), QStringLiteral("true")},
                             {QStringLiteral("RETRIES"), QStringLiteral("3")},
                             {QStringLiteral("GREETING"), QStringLiteral("hello: world # not a comment")}};
            c.architecture = QStringLiteral("arm64");
            c.reservedConcurrency = 5;
            c.provisionedConcurrency = 2;
            c.description = QStringLiteral("Orders API");
            c.triggers = {Trigger{Trigger::Kind::FunctionUrl, {}, true},
                          Trigger{Trigger::Kind::Schedule, QStringLiteral("rate(5 minutes)"), true},
                          Trigger{Trigger::Kind::Schedule, QStringLiteral("cron(0 12 ? * MON-FRI *)"), false}};
            QTest::newRow("nodejs everything, alias without weight")
                << c << std::optional<ExportAlias>(ExportAlias{QStringLiteral("live"), QStringLiteral("1"), {}, 0})
                << QStringLiteral("AllAtOnce") << QStringLiteral("live") << 0;
        }
        {
            FunctionConfig c = baseConfig(QStringLiteral("worker"));
            c.runtime = Runtime::Provided;
            c.handler = QStringLiteral("function.handler");
            c.version = QStringLiteral("2");
            QTest::newRow("provided canary 10%")
                << c
                << std::optional<ExportAlias>(ExportAlias{QStringLiteral("prod"), QStringLiteral("1"), QStringLiteral("2"), 0.1})
                << QStringLiteral("Canary10Percent5Minutes") << QStringLiteral("prod") << 10;
        }
        {
            FunctionConfig c = baseConfig(QStringLiteral("split"));
            c.version = QStringLiteral("4");
            QTest::newRow("large split 50%")
                << c
                << std::optional<ExportAlias>(ExportAlias{QStringLiteral("live"), QStringLiteral("3"), QStringLiteral("4"), 0.5})
                << QStringLiteral("Linear10PercentEvery1Minute") << QStringLiteral("live") << 50;
        }
        {
            FunctionConfig c = baseConfig(QStringLiteral("warm"));
            c.provisionedConcurrency = 3;
            c.async.maximumRetryAttempts = 0;
            c.async.maximumEventAgeSeconds = 3600;
            QTest::newRow("provisioned without alias, async config")
                << c << std::optional<ExportAlias>() << QString() << QStringLiteral("live") << 0;
        }
    }

    void sam_data() { configs_data(); }
    void sam()
    {
        QFETCH(FunctionConfig, config);
        QFETCH(std::optional<ExportAlias>, alias);
        QFETCH(QString, deploymentType);
        QFETCH(QString, autoPublishAlias);

        const QByteArray yaml = samTemplate(ExportInput{config, alias, {}}, config.name + QStringLiteral(".zip"));
        const YAML::Node doc = YAML::Load(yaml.toStdString());
        QCOMPARE(str(doc["Transform"]), QStringLiteral("AWS::Serverless-2016-10-31"));
        QCOMPARE(str(doc["AWSTemplateFormatVersion"]), QStringLiteral("2010-09-09"));
        const YAML::Node fn = doc["Resources"][samLogicalId(config.name).toStdString()];
        QVERIFY(fn.IsMap());
        QCOMPARE(str(fn["Type"]), QStringLiteral("AWS::Serverless::Function"));
        QCOMPARE(str(fn["Metadata"]["FuncdeskVersion"]), config.version);
        const YAML::Node p = fn["Properties"];
        QCOMPARE(str(p["FunctionName"]), config.name);
        QCOMPARE(str(p["CodeUri"]), config.name + QStringLiteral(".zip"));
        QCOMPARE(str(p["Handler"]), config.handler);
        QCOMPARE(str(p["Runtime"]), cloudRuntime(config));
        QCOMPARE(p["MemorySize"].as<int>(), config.memoryMb);
        QCOMPARE(p["Timeout"].as<int>(), config.timeoutSeconds);
        QCOMPARE(p["Architectures"].size(), size_t(1));
        QCOMPARE(str(p["Architectures"][0]), config.architecture);
        QCOMPARE(bool(p["Description"]), !config.description.isEmpty());
        if (!config.description.isEmpty())
            QCOMPARE(str(p["Description"]), config.description);

        QCOMPARE(bool(p["Environment"]), !config.environment.isEmpty());
        for (auto it = config.environment.cbegin(); it != config.environment.cend(); ++it) {
            const YAML::Node v = p["Environment"]["Variables"][it.key().toStdString()];
            QVERIFY2(v.IsScalar(), qPrintable(it.key()));
            QCOMPARE(str(v), it.value());
            QCOMPARE(v.Tag(), std::string("!")); // quoted: a string, never a number or bool
        }
        QCOMPARE(bool(p["ReservedConcurrentExecutions"]), config.reservedConcurrency.has_value());
        if (config.reservedConcurrency)
            QCOMPARE(p["ReservedConcurrentExecutions"].as<int>(), *config.reservedConcurrency);
        QCOMPARE(bool(p["ProvisionedConcurrencyConfig"]), config.provisionedConcurrency > 0);
        if (config.provisionedConcurrency > 0)
            QCOMPARE(p["ProvisionedConcurrencyConfig"]["ProvisionedConcurrentExecutions"].as<int>(),
                     config.provisionedConcurrency);
        QCOMPARE(bool(p["AutoPublishAlias"]), !autoPublishAlias.isEmpty());
        if (!autoPublishAlias.isEmpty())
            QCOMPARE(str(p["AutoPublishAlias"]), autoPublishAlias);
        QCOMPARE(bool(p["DeploymentPreference"]), !deploymentType.isEmpty());
        if (!deploymentType.isEmpty())
            QCOMPARE(str(p["DeploymentPreference"]["Type"]), deploymentType);

        bool url = false;
        QList<Trigger> schedules;
        for (const Trigger &t : config.triggers) {
            if (t.kind == Trigger::Kind::FunctionUrl)
                url = url || t.enabled;
            else
                schedules << t;
        }
        QCOMPARE(bool(p["FunctionUrlConfig"]), url);
        if (url)
            QCOMPARE(str(p["FunctionUrlConfig"]["AuthType"]), QStringLiteral("NONE"));
        QCOMPARE(bool(p["Events"]), !schedules.isEmpty());
        for (int i = 0; i < schedules.size(); ++i) {
            const YAML::Node e = p["Events"][("Schedule" + std::to_string(i + 1))];
            QCOMPARE(str(e["Type"]), QStringLiteral("Schedule"));
            QCOMPARE(str(e["Properties"]["Schedule"]), schedules.at(i).expression);
            QCOMPARE(e["Properties"]["Enabled"].as<bool>(), schedules.at(i).enabled);
        }
        const AsyncConfig defaults;
        const bool asyncSet = config.async.maximumRetryAttempts != defaults.maximumRetryAttempts
            || config.async.maximumEventAgeSeconds != defaults.maximumEventAgeSeconds;
        QCOMPARE(bool(p["EventInvokeConfig"]), asyncSet);
        if (asyncSet) {
            QCOMPARE(p["EventInvokeConfig"]["MaximumRetryAttempts"].as<int>(), config.async.maximumRetryAttempts);
            QCOMPARE(p["EventInvokeConfig"]["MaximumEventAgeInSeconds"].as<int>(), config.async.maximumEventAgeSeconds);
        }
    }

    void knative_data() { configs_data(); }
    void knative()
    {
        QFETCH(FunctionConfig, config);
        QFETCH(std::optional<ExportAlias>, alias);
        QFETCH(int, canaryPercent);

        const YAML::Node doc = YAML::Load(knativeService(ExportInput{config, alias, {}}).toStdString());
        const QString service = knativeName(config.name);
        QCOMPARE(str(doc["apiVersion"]), QStringLiteral("serving.knative.dev/v1"));
        QCOMPARE(str(doc["kind"]), QStringLiteral("Service"));
        QCOMPARE(str(doc["metadata"]["name"]), service);
        const YAML::Node tmpl = doc["spec"]["template"];
        QCOMPARE(str(tmpl["metadata"]["name"]), service + QStringLiteral("-v") + config.version);
        QCOMPARE(tmpl["spec"]["containerConcurrency"].as<int>(), 1);
        QCOMPARE(tmpl["spec"]["timeoutSeconds"].as<int>(), config.timeoutSeconds);
        const YAML::Node container = tmpl["spec"]["containers"][0];
        QCOMPARE(str(container["image"]),
                 QStringLiteral("localhost:5000/funcdesk/") + service + QStringLiteral(":v") + config.version);
        QCOMPARE(str(container["resources"]["limits"]["memory"]), QString::number(config.memoryMb) + QStringLiteral("Mi"));

        QMap<QString, QString> env;
        for (const YAML::Node &e : container["env"])
            env.insert(str(e["name"]), str(e["value"]));
        QCOMPARE(env.value(QStringLiteral("_HANDLER")), config.handler);
        for (auto it = config.environment.cbegin(); it != config.environment.cend(); ++it)
            QCOMPARE(env.value(it.key()), it.value());
        QCOMPARE(env.size(), config.environment.size() + 1);

        QMap<QString, QString> annotations;
        if (const YAML::Node a = tmpl["metadata"]["annotations"])
            for (auto it = a.begin(); it != a.end(); ++it)
                annotations.insert(QString::fromStdString(it->first.as<std::string>()), str(it->second));
        const QString minScale = QStringLiteral("autoscaling.knative.dev/min-scale");
        const QString maxScale = QStringLiteral("autoscaling.knative.dev/max-scale");
        QCOMPARE(annotations.contains(minScale), config.provisionedConcurrency > 0);
        if (config.provisionedConcurrency > 0)
            QCOMPARE(annotations.value(minScale), QString::number(config.provisionedConcurrency));
        QCOMPARE(annotations.contains(maxScale), config.reservedConcurrency.has_value());
        if (config.reservedConcurrency)
            QCOMPARE(annotations.value(maxScale), QString::number(*config.reservedConcurrency));

        const YAML::Node traffic = doc["spec"]["traffic"];
        int total = 0;
        for (const YAML::Node &t : traffic)
            total += t["percent"].as<int>();
        QCOMPARE(total, 100);
        if (!alias) {
            QCOMPARE(traffic.size(), size_t(1));
            QVERIFY(traffic[0]["latestRevision"].as<bool>());
        } else {
            QCOMPARE(str(traffic[0]["revisionName"]), service + QStringLiteral("-v") + alias->functionVersion);
            QCOMPARE(str(traffic[0]["tag"]), alias->name);
            QCOMPARE(traffic[0]["percent"].as<int>(), 100 - canaryPercent);
            QCOMPARE(traffic.size(), size_t(canaryPercent > 0 ? 2 : 1));
            if (canaryPercent > 0) {
                QCOMPARE(str(traffic[1]["revisionName"]), service + QStringLiteral("-v") + alias->additionalVersion);
                QCOMPARE(traffic[1]["percent"].as<int>(), canaryPercent);
            }
        }
    }

    void names_data()
    {
        QTest::addColumn<QString>("function");
        QTest::addColumn<QString>("logicalId");
        QTest::addColumn<QString>("knative");
        QTest::newRow("simple") << QStringLiteral("hello") << QStringLiteral("HelloFunction") << QStringLiteral("hello");
        QTest::newRow("dash underscore") << QStringLiteral("my-func_2") << QStringLiteral("MyFunc2Function")
                                         << QStringLiteral("my-func-2");
        QTest::newRow("leading digit") << QStringLiteral("9lives") << QStringLiteral("Fn9livesFunction")
                                       << QStringLiteral("fn-9lives");
        QTest::newRow("upper case") << QStringLiteral("Orders__API") << QStringLiteral("OrdersAPIFunction")
                                    << QStringLiteral("orders-api");
    }
    void names()
    {
        QFETCH(QString, function);
        QFETCH(QString, logicalId);
        QFETCH(QString, knative);
        QCOMPARE(samLogicalId(function), logicalId);
        QCOMPARE(knativeName(function), knative);
    }

    void runtimesMapToCloudIdentifiers()
    {
        // The identifier the function was given goes to the cloud as it is; a function that
        // names only its language gets that language's newest.
        FunctionConfig c;
        c.runtime = Runtime::NodeJs;
        c.runtimeId = QStringLiteral("nodejs22.x");
        QCOMPARE(cloudRuntime(c), QStringLiteral("nodejs22.x"));
        c.runtime = Runtime::Python3;
        c.runtimeId = QStringLiteral("python3.13");
        QCOMPARE(cloudRuntime(c), QStringLiteral("python3.13"));
        c.runtimeId.clear();
        QCOMPARE(cloudRuntime(c), QStringLiteral("python3.14"));
        c.runtime = Runtime::NodeJs;
        QCOMPARE(cloudRuntime(c), QStringLiteral("nodejs24.x"));
        c.runtime = Runtime::Provided;
        QCOMPARE(cloudRuntime(c), QStringLiteral("provided.al2023"));
        QCOMPARE(exportFormatFromName(QStringLiteral("sam")), std::optional<ExportFormat>(ExportFormat::Sam));
        QCOMPARE(exportFormatFromName(QStringLiteral("knative")), std::optional<ExportFormat>(ExportFormat::Knative));
        QVERIFY(!exportFormatFromName(QStringLiteral("zip")));
    }

    void codeZipKeepsFilesAndModes()
    {
        QTemporaryDir code;
        QVERIFY(code.isValid());
        QDir root(code.path());
        QVERIFY(root.mkpath(QStringLiteral("lib/inner")));
        QVERIFY(root.mkpath(QStringLiteral(".git/objects")));
        auto write = [&root](const QString &rel, const QByteArray &data) {
            QFile f(root.filePath(rel));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(data);
        };
        write(QStringLiteral("bootstrap"), "#!/bin/sh\necho hi\n");
        write(QStringLiteral("lib/inner/util.py"), "X = 1\n");
        write(QStringLiteral(".env"), "A=1\n");
        write(QStringLiteral(".git/objects/junk"), "git");
        QVERIFY(QFile::setPermissions(root.filePath(QStringLiteral("bootstrap")),
                                      QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));

        QTemporaryDir out;
        const QString zipPath = out.filePath(QStringLiteral("code.zip"));
        auto files = codezip::writeCodeZip(code.path(), zipPath);
        QVERIFY2(files.ok(), qPrintable(files.ok() ? QString() : files.error().toString()));
        const QStringList expected{QStringLiteral(".env"), QStringLiteral("bootstrap"), QStringLiteral("lib/inner/util.py")};
        QCOMPARE(*files, expected);
        QCOMPARE(*codezip::zipEntries(zipPath), expected);

        int err = 0;
        zip_t *z = zip_open(QFile::encodeName(zipPath).constData(), ZIP_RDONLY, &err);
        QVERIFY(z);
        zip_uint8_t opsys = 0;
        zip_uint32_t attributes = 0;
        const zip_int64_t index = zip_name_locate(z, "bootstrap", 0);
        QVERIFY(index >= 0);
        QCOMPARE(zip_file_get_external_attributes(z, zip_uint64_t(index), 0, &opsys, &attributes), 0);
        zip_discard(z);
        QCOMPARE(int(opsys), int(ZIP_OPSYS_UNIX));
        QVERIFY((attributes >> 16) & 0100); // owner execute bit survives
    }

    void codeZipRefusesMissingFolder()
    {
        QTemporaryDir out;
        auto r = codezip::writeCodeZip(out.filePath(QStringLiteral("missing")), out.filePath(QStringLiteral("x.zip")));
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QStringLiteral("code directory not found")));
    }

    void exportWritesFiles_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QStringList>("files");
        QTest::newRow("sam") << QStringLiteral("sam") << QStringList{QStringLiteral("template.yaml"), QStringLiteral("fn.zip")};
        QTest::newRow("knative") << QStringLiteral("knative")
                                 << QStringList{QStringLiteral("service.yaml"), QStringLiteral("Dockerfile"), QStringLiteral("funcdesk_adapter.py"),
                                                QStringLiteral("README.md"), QStringLiteral("code")};
    }
    void exportWritesFiles()
    {
        QFETCH(QString, format);
        QFETCH(QStringList, files);
        QTemporaryDir code;
        QFile f(code.filePath(QStringLiteral("lambda_function.py")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("def lambda_handler(e, c):\n    return e\n");
        f.close();
        FunctionConfig c = baseConfig(QStringLiteral("fn"));
        c.codeDir = code.path();
        QTemporaryDir out;
        const QString outDir = out.filePath(QStringLiteral("nested/export"));
        auto written = exportFunction(ExportInput{c, std::nullopt, {}}, *exportFormatFromName(format), outDir);
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().toString()));
        QCOMPARE(written->size(), files.size());
        for (int i = 0; i < files.size(); ++i) {
            QCOMPARE(written->at(i), QDir(outDir).filePath(files.at(i)));
            QVERIFY(QFile::exists(written->at(i)));
        }
        if (format == QLatin1String("sam"))
            QCOMPARE(*codezip::zipEntries(written->at(1)), QStringList{QStringLiteral("lambda_function.py")});
        else
            QVERIFY(QFile::exists(QDir(outDir).filePath(QStringLiteral("code/lambda_function.py"))));
    }

    // The Knative export is a build context that works: its adapter, run with the local
    // interpreter (no container), serves the handler over HTTP with a function URL event
    // and maps its response as a function URL does.
    void knativeAdapterServesTheHandler_data()
    {
        QTest::addColumn<int>("runtime");
        QTest::addColumn<QString>("runtimeId");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("code");
        QTest::addColumn<QString>("interpreter");
        QTest::addColumn<QString>("baseImage");
        QTest::newRow("python3.13") << int(Runtime::Python3) << QStringLiteral("python3.13") << QStringLiteral("app.py")
                                    << QByteArray("import json\n"
                                                  "def handler(event, context):\n"
                                                  "    return {'statusCode': 201, 'headers': {'x-fn': context.function_name}, 'cookies': ['a=1'],\n"
                                                  "            'body': json.dumps({'path': event['rawPath'], 'q': event.get('queryStringParameters'),\n"
                                                  "                                'body': event.get('body'), 'method': event['requestContext']['http']['method'],\n"
                                                  "                                'version': event['version'], 'left': context.get_remaining_time_in_millis() > 0})}\n")
                                    << QStringLiteral("python3") << QStringLiteral("python:3.13-slim");
        QTest::newRow("nodejs22.x") << int(Runtime::NodeJs) << QStringLiteral("nodejs22.x") << QStringLiteral("app.js")
                                    << QByteArray("exports.handler = async (event, context) => ({ statusCode: 201, headers: { 'x-fn': context.functionName },\n"
                                                  "  cookies: ['a=1'], body: JSON.stringify({ path: event.rawPath, q: event.queryStringParameters, body: event.body,\n"
                                                  "  method: event.requestContext.http.method, version: event.version, left: context.getRemainingTimeInMillis() > 0 }) });\n")
                                    << QStringLiteral("node") << QStringLiteral("node:22-slim");
    }
    void knativeAdapterServesTheHandler()
    {
        QFETCH(int, runtime);
        QFETCH(QString, runtimeId);
        QFETCH(QString, file);
        QFETCH(QByteArray, code);
        QFETCH(QString, interpreter);
        QFETCH(QString, baseImage);
        const QString program = QStandardPaths::findExecutable(interpreter);
        if (program.isEmpty())
            QSKIP("the interpreter is not installed");
        QTemporaryDir codeDir;
        QFile f(codeDir.filePath(file));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(code);
        f.close();
        FunctionConfig c = baseConfig(QStringLiteral("shop_api"));
        c.runtime = Runtime(runtime);
        c.runtimeId = runtimeId;
        c.handler = QStringLiteral("app.handler");
        c.codeDir = codeDir.path();
        QTemporaryDir out;
        auto written = exportFunction(ExportInput{c, std::nullopt, {}}, ExportFormat::Knative, out.path());
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().toString()));
        const QDir dir(out.path());
        QFile docker(dir.filePath(QStringLiteral("Dockerfile")));
        QVERIFY(docker.open(QIODevice::ReadOnly));
        const QString dockerfile = QString::fromUtf8(docker.readAll());
        QVERIFY2(dockerfile.contains(QStringLiteral("\nFROM ") + baseImage + QLatin1Char('\n')), qPrintable(dockerfile));
        QVERIFY(dockerfile.contains(QStringLiteral("COPY code/ /var/task/")));
        QFile readme(dir.filePath(QStringLiteral("README.md")));
        QVERIFY(readme.open(QIODevice::ReadOnly));
        const QString notes = QString::fromUtf8(readme.readAll());
        const QString image = QStringLiteral("localhost:5000/funcdesk/shop-api:v1");
        const QStringList commands{QString(QStringLiteral("docker build -t ") + image + QStringLiteral(" .")),
                                   QString(QStringLiteral("docker push ") + image), QStringLiteral("kubectl apply -f service.yaml")};
        for (const QString &command : commands)
            QVERIFY2(notes.contains(command), qPrintable(command));
        QCOMPARE(str(YAML::LoadFile(dir.filePath(QStringLiteral("service.yaml")).toStdString())["spec"]["template"]["spec"]["containers"][0]["image"]), image);

        QTcpServer probe; // a free port for the adapter
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        QProcess adapter;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PORT"), QString::number(port));
        env.insert(QStringLiteral("LAMBDA_TASK_ROOT"), dir.filePath(QStringLiteral("code")));
        env.insert(QStringLiteral("_HANDLER"), c.handler);
        env.insert(QStringLiteral("AWS_LAMBDA_FUNCTION_NAME"), c.name);
        adapter.setProcessEnvironment(env);
        adapter.setWorkingDirectory(out.path());
        adapter.setProcessChannelMode(QProcess::MergedChannels);
        const QString adapterFile = runtime == int(Runtime::Python3) ? QStringLiteral("funcdesk_adapter.py") : QStringLiteral("funcdesk_adapter.js");
        adapter.start(program, {dir.filePath(adapterFile)});
        QVERIFY(adapter.waitForStarted(15000));
        QByteArray said;
        QTRY_VERIFY2_WITH_TIMEOUT((said += adapter.readAllStandardOutput()).contains("listening on") || adapter.state() != QProcess::Running,
                                  "adapter did not start", 15000);
        QVERIFY2(adapter.state() == QProcess::Running, said.constData());

        QNetworkAccessManager net;
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/orders/7?x=1&x=2").arg(port)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("text/plain"));
        QNetworkReply *reply = net.post(request, QByteArray("hello"));
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(15000));
        const QByteArray body = reply->readAll();
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 201);
        QCOMPARE(reply->rawHeader("x-fn"), QByteArray("shop_api"));
        QCOMPARE(reply->rawHeader("Set-Cookie"), QByteArray("a=1"));
        const QJsonObject o = QJsonDocument::fromJson(body).object();
        QCOMPARE(o.value(QStringLiteral("path")).toString(), QStringLiteral("/orders/7"));
        QCOMPARE(o.value(QStringLiteral("q")).toObject().value(QStringLiteral("x")).toString(), QStringLiteral("1,2"));
        QCOMPARE(o.value(QStringLiteral("body")).toString(), QStringLiteral("hello"));
        QCOMPARE(o.value(QStringLiteral("method")).toString(), QStringLiteral("POST"));
        QCOMPARE(o.value(QStringLiteral("version")).toString(), QStringLiteral("2.0"));
        QVERIFY(o.value(QStringLiteral("left")).toBool());
        delete reply;
        adapter.kill();
        adapter.waitForFinished();
    }

    void samDeclaresLayersInOrderAndShipsTheirZips()
    {
        QTemporaryDir code;
        QFile f(code.filePath(QStringLiteral("app.py")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("import shared\n");
        f.close();
        QFile layerZip(code.filePath(QStringLiteral("published.zip")));
        QVERIFY(layerZip.open(QIODevice::WriteOnly));
        layerZip.write("PK-layer-bytes");
        layerZip.close();
        ExportInput input{baseConfig(QStringLiteral("fn")), std::nullopt, {}};
        input.config.codeDir = code.path();
        input.layers = {ExportLayer{QStringLiteral("shared-libs"), 3, layerZip.fileName(), QStringLiteral("common code"),
                                    {QStringLiteral("python3.12")}, QStringLiteral("MIT")},
                        ExportLayer{QStringLiteral("tools"), 1, layerZip.fileName(), {}, {}, {}}};
        QTemporaryDir out;
        auto written = exportFunction(input, ExportFormat::Sam, out.path());
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().toString()));
        QVERIFY(written->contains(out.filePath(QStringLiteral("shared-libs-3.zip"))));
        QVERIFY(written->contains(out.filePath(QStringLiteral("tools-1.zip"))));
        QFile copied(out.filePath(QStringLiteral("shared-libs-3.zip")));
        QVERIFY(copied.open(QIODevice::ReadOnly));
        QCOMPARE(copied.readAll(), QByteArray("PK-layer-bytes"));

        const YAML::Node doc = YAML::LoadFile(QFile::encodeName(out.filePath(QStringLiteral("template.yaml"))).toStdString());
        const YAML::Node layers = doc["Resources"]["FnFunction"]["Properties"]["Layers"];
        QCOMPARE(int(layers.size()), 2);
        QCOMPARE(QString::fromStdString(layers[0].Tag()), QStringLiteral("!Ref"));
        QCOMPARE(str(layers[0]), QStringLiteral("SharedLibs3Layer"));
        QCOMPARE(str(layers[1]), QStringLiteral("Tools1Layer"));
        const YAML::Node shared = doc["Resources"]["SharedLibs3Layer"];
        QCOMPARE(str(shared["Type"]), QStringLiteral("AWS::Serverless::LayerVersion"));
        QCOMPARE(str(shared["Properties"]["LayerName"]), QStringLiteral("shared-libs"));
        QCOMPARE(str(shared["Properties"]["ContentUri"]), QStringLiteral("shared-libs-3.zip"));
        QCOMPARE(str(shared["Properties"]["Description"]), QStringLiteral("common code"));
        QCOMPARE(str(shared["Properties"]["CompatibleRuntimes"][0]), QStringLiteral("python3.12"));
        QCOMPARE(str(shared["Properties"]["LicenseInfo"]), QStringLiteral("MIT"));
        QVERIFY(!doc["Resources"]["Tools1Layer"]["Properties"]["CompatibleRuntimes"]);
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
