// Lambda layers through the API: boto3 publishes, lists, attaches, orders and deletes them
// (tests/api/data/layers_boto3.py), and real python3 functions import from them; under
// bubblewrap the merged layers are at /opt, read-only.

#include "apitestkit.h"

#include "engine/sandbox.h"
#include "versioning/codezip.h"
#include "versioning/folderwatch.h"
#include "versioning/layerstore.h"

#include <QFileInfo>
#include <QJsonArray>

using namespace funcdesk;

namespace {

QString pythonMinor()
{
    QProcess p;
    p.start(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import sys;print('%d.%d'%sys.version_info[:2])")});
    p.waitForFinished(20000);
    return QString::fromLatin1(p.readAllStandardOutput().trimmed());
}

bool hasBoto3()
{
    QProcess probe;
    probe.start(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import boto3")});
    probe.waitForFinished(20000);
    return probe.exitCode() == 0;
}

} // namespace

class TestLayers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boto3PublishesAttachesAndOrdersLayers()
    {
        if (!hasBoto3())
            QSKIP("boto3 is not installed (Debian: apt install python3-boto3)");
        apitest::Stack stack;
        QVERIFY(stack.start());
        QProcess sdk;
        sdk.setProcessChannelMode(QProcess::MergedChannels);
        sdk.start(QStringLiteral("python3"), {QStringLiteral(FUNCDESK_SOURCE_DIR "/tests/api/data/layers_boto3.py"),
                                              stack.server->baseUrl(), pythonMinor()});
        QTRY_COMPARE_WITH_TIMEOUT(sdk.state(), QProcess::NotRunning, 240000); // the server needs this thread's loop
        const QByteArray out = sdk.readAll();
        QVERIFY2(sdk.exitCode() == 0 && out.contains("ALL OK"), out.constData());

        // Durable: the layers are in the data dir, read back by a new store.
        const LayerStore again(DataDir{stack.dir.path()});
        QCOMPARE(again.versions(QStringLiteral("shared-b")).size(), 2);
        QVERIFY(again.version(QStringLiteral("shared-a"), 1, true).ok()); // deleted, kept for its user
        QVERIFY(!again.version(QStringLiteral("shared-a"), 1).ok());
    }

    void exampleFunctionUsesTheExampleLayer()
    {
        // resources/examples: the greeting layer, then the function that names it (as the
        // app seeds them into a new data dir).
        apitest::Stack stack;
        QVERIFY(stack.start());
        auto layerFiles = FolderWatch::readFolder(QStringLiteral(FUNCDESK_SOURCE_DIR "/resources/examples/_layers/greeting"), false);
        QVERIFY(layerFiles.ok());
        auto zip = codezip::zipFiles(*layerFiles);
        QVERIFY(zip.ok());
        auto layer = LayerStore(DataDir{stack.dir.path()}).publish(LayerPublish{QStringLiteral("greeting"), *zip, {}, {}, {}, {}});
        QVERIFY(layer.ok());
        QCOMPARE(layer->version, 1);
        auto files = FolderWatch::readFolder(QStringLiteral(FUNCDESK_SOURCE_DIR "/resources/examples/python3-layer"));
        QVERIFY(files.ok());
        auto created = stack.store->create(QStringLiteral("python3-layer"), Runtime::Python3, *files);
        QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.error().message));
        QVERIFY(stack.catalog->refresh(QStringLiteral("python3-layer")).ok());
        const apitest::Reply r = stack.client->call("POST", QStringLiteral("/2015-03-31/functions/python3-layer/invocations"),
                                                    "{\"name\": \"Ada\"}");
        QVERIFY2(r.status == 200, r.body.constData());
        QCOMPARE(r.json().value(QStringLiteral("message")).toString(), QStringLiteral("Hello, Ada, from the greeting layer!"));
    }

    void sandboxedFunctionSeesItsLayersAtOpt()
    {
        if (engine::sandboxLauncher().isEmpty())
            QSKIP(qPrintable(QStringLiteral("no sandbox here: ") + engine::sandboxUnavailableReason()));
        apitest::Stack stack;
        stack.sandbox = true;
        QVERIFY(stack.start());
        LayerPublish p;
        p.name = QStringLiteral("opt-layer");
        p.zip = apitest::makeZip({{QStringLiteral("python/optmod.py"), QByteArrayLiteral("WHERE = __file__\n")},
                                  {QStringLiteral("nodejs/node_modules/optnode/index.js"), QByteArrayLiteral("module.exports = __filename;\n")}});
        auto layer = LayerStore(DataDir{stack.dir.path()}).publish(p);
        QVERIFY2(layer.ok(), qPrintable(layer.ok() ? QString() : layer.error().message));

        const QByteArray app = QByteArrayLiteral(
            "import optmod, os\n"
            "def handler(event, context):\n"
            "    try:\n"
            "        open('/opt/python/new.txt', 'w')\n"
            "        writable = True\n"
            "    except OSError:\n"
            "        writable = False\n"
            "    return {'where': optmod.WHERE, 'writable': writable, 'path': os.environ['PATH']}\n");
        const QJsonObject body{{QStringLiteral("FunctionName"), QStringLiteral("optpy")},
                               {QStringLiteral("Runtime"), QStringLiteral("python3.12")},
                               {QStringLiteral("Handler"), QStringLiteral("app.handler")},
                               {QStringLiteral("Layers"), QJsonArray{layer->versionArn()}},
                               {QStringLiteral("Code"), QJsonObject{{QStringLiteral("ZipFile"), QString::fromLatin1(apitest::makeZip({{QStringLiteral("app.py"), app}}).toBase64())}}}};
        apitest::Reply created = stack.client->call("POST", QStringLiteral("/2015-03-31/functions"), QJsonDocument(body).toJson());
        QVERIFY2(created.status == 201, created.body.constData());
        apitest::Reply r = stack.client->call("POST", QStringLiteral("/2015-03-31/functions/optpy/invocations"), "{}");
        QVERIFY2(r.status == 200, r.body.constData());
        QCOMPARE(r.json().value(QStringLiteral("where")).toString(), QStringLiteral("/opt/python/optmod.py"));
        QCOMPARE(r.json().value(QStringLiteral("writable")).toBool(), false);
        QVERIFY2(r.json().value(QStringLiteral("path")).toString().endsWith(QLatin1String(":/opt/bin")), r.body.constData());

        const QByteArray js = QByteArrayLiteral("exports.handler = async () => ({ where: require('optnode') });\n");
        QJsonObject nodeBody = body;
        nodeBody.insert(QStringLiteral("FunctionName"), QStringLiteral("optnode"));
        nodeBody.insert(QStringLiteral("Runtime"), QStringLiteral("nodejs20.x"));
        nodeBody.insert(QStringLiteral("Handler"), QStringLiteral("index.handler"));
        nodeBody.insert(QStringLiteral("Code"), QJsonObject{{QStringLiteral("ZipFile"), QString::fromLatin1(apitest::makeZip({{QStringLiteral("index.js"), js}}).toBase64())}});
        created = stack.client->call("POST", QStringLiteral("/2015-03-31/functions"), QJsonDocument(nodeBody).toJson());
        QVERIFY2(created.status == 201, created.body.constData());
        r = stack.client->call("POST", QStringLiteral("/2015-03-31/functions/optnode/invocations"), "{}");
        QVERIFY2(r.status == 200, r.body.constData());
        QCOMPARE(r.json().value(QStringLiteral("where")).toString(), QStringLiteral("/opt/nodejs/node_modules/optnode/index.js"));
    }
};

QTEST_GUILESS_MAIN(TestLayers)
#include "tst_layers.moc"
