// funcdesk_screenshots OUTDIR [WIDTHxHEIGHT] [light|dark] [extra] [quick]: drives the real application
// offscreen on a scratch data dir (real functions, real invocations) and grabs every page
// into OUTDIR, at 1280x800 in the light theme unless told otherwise (a second size and the
// dark theme are for checking the layout; the packaged PNGs are 1280x800, light). "extra"
// also grabs states the packaged set leaves out (the Functions mode before a selection).
// packaging/screenshots.sh runs it; README and the AppStream metainfo use the PNGs.
// "alarms-only" stops after the alarm pictures (the Alarms page, a Monitor with a deploy
// and an alarm marker).
#include "settings/settings.h"
#include "ui/dialogs/loaddialog.h"
#include "ui/dialogs/powertuningdialog.h"
#include "ui/dialogs/replaydialog.h"
#include "ui/mainwindow.h"
#include "ui/pages/codepage.h"
#include "ui/pages/layerspage.h"
#include "ui/pages/alarmspage.h"
#include "ui/pages/learnpage.h"
#include "ui/widgets/buildpanel.h"
#include "ui/pages/queuespage.h"
#include "ui/models/functionlistmodel.h"
#include "ui/pages/testpage.h"
#include "ui/pages/versionspage.h"
#include "ui/studio.h"
#include "ui/theme.h"

#include <QApplication>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::ui;

namespace {

void waitFor(const std::function<bool()> &done, int timeoutMs)
{
    if (!QTest::qWaitFor(done, timeoutMs))
        qWarning("gave up waiting after %d ms: the screenshots may show less than intended", timeoutMs);
}

// Time itself, not a condition: the pages refresh on 1 s and 5 s timers, and the pictures
// should show what a person sees after a moment on the page.
void settle(int ms)
{
    QTest::qWait(ms);
}

// One call to the running engine's API, signed as an SDK would (any well-formed signature
// passes on loopback); `target` set: an SQS JSON call.
QByteArray callApi(const QString &address, const QByteArray &method, const QString &path, const QByteArray &body,
                   const QByteArray &target = {})
{
    static QNetworkAccessManager nam;
    QNetworkRequest req(QUrl(QStringLiteral("http://") + address + path));
    req.setRawHeader("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/sqs/aws4_request, "
                                      "SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    req.setHeader(QNetworkRequest::ContentTypeHeader, target.isEmpty() ? QByteArrayLiteral("application/json") : QByteArrayLiteral("application/x-amz-json-1.0"));
    if (!target.isEmpty())
        req.setRawHeader("X-Amz-Target", "AmazonSQS." + target);
    QNetworkReply *r = nam.sendCustomRequest(req, method, body);
    QEventLoop loop;
    QObject::connect(r, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    r->deleteLater();
    return r->readAll();
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString out = args.value(1, QStringLiteral("packaging/screenshots"));
    QSize size(1280, 800);
    if (const QStringList wh = args.value(2).split(QLatin1Char('x')); wh.size() == 2)
        size = QSize(wh.at(0).toInt(), wh.at(1).toInt()).expandedTo(QSize(800, 600));
    const bool dark = args.contains(QStringLiteral("dark"));
    // "quick": leaves out the long runs (load, power tuning, replay, Learn scenarios).
    const bool quick = args.contains(QStringLiteral("quick"));
    QDir().mkpath(out);
    QTemporaryDir dir;
    Settings settings(dir.filePath(QStringLiteral("settings.ini")));
    settings.setApiPort(0);
    applyTheme(app, dark ? Theme::Dark : Theme::Light);
    auto opened = Studio::open(DataDir{dir.filePath(QStringLiteral("data"))}, &settings);
    if (!opened.ok()) {
        qCritical("cannot open studio: %s", qPrintable(opened.error().toString()));
        return 1;
    }
    Studio *studio = opened->get();
    MainWindow window(studio);
    window.resize(size);
    window.show();

    struct Fn
    {
        const char *name;
        Runtime runtime;
        const char *tmpl;
    };
    const Fn functions[] = {{"hello", Runtime::Python3, "hello-world"},
                            {"orders-api", Runtime::NodeJs, "http-handler"},
                            {"flaky-worker", Runtime::Python3, "flaky"},
                            {"report-builder", Runtime::Python3, "slow-init"}};
    int created = 0;
    for (const Fn &f : functions)
        studio->createFunction(QLatin1String(f.name), f.runtime, QLatin1String(f.tmpl), &window,
                               [&created](Result<QString>) { ++created; });
    waitFor([&] { return created == int(std::size(functions)); }, 60000);
    window.refreshFunctions();
    waitFor([&] { return window.functionModel()->rowCount() == int(std::size(functions)); }, 10000);

    // Alarms before the traffic, so the monitor judges it as it comes: flaky-worker's
    // errors, hello's p99, throttles anywhere.
    int alarmsPut = 0;
    int alarmsOff = 0;
    QObject::connect(studio, &Studio::alarmStateChanged, &window, [&alarmsOff](const api::AlarmStateChange &c) {
        alarmsOff += c.to == QLatin1String("ALARM") ? 1 : 0;
    });
    {
        metrics::AlarmRule errors;
        errors.name = QStringLiteral("flaky-worker-errors");
        errors.description = QStringLiteral("More than one failure in 10 s");
        errors.metric = QStringLiteral("Errors");
        errors.function = QStringLiteral("flaky-worker");
        errors.threshold = 1;
        errors.periodSeconds = 10;
        errors.evaluationPeriods = 3;
        errors.datapointsToAlarm = 1;
        errors.treatMissingData = metrics::TreatMissingData::NotBreaching;
        metrics::AlarmRule slow;
        slow.name = QStringLiteral("hello-p99-slow");
        slow.metric = QStringLiteral("Duration");
        slow.statistic = QStringLiteral("p99");
        slow.function = QStringLiteral("hello");
        slow.threshold = 250;
        slow.periodSeconds = 60;
        metrics::AlarmRule throttles;
        throttles.name = QStringLiteral("any-throttles");
        throttles.metric = QStringLiteral("Throttles");
        throttles.threshold = 0;
        throttles.periodSeconds = 60;
        throttles.evaluationPeriods = 5;
        throttles.datapointsToAlarm = 2;
        throttles.treatMissingData = metrics::TreatMissingData::Ignore;
        for (const metrics::AlarmRule &r : {errors, slow, throttles})
            studio->putAlarm(r, &window, [&alarmsPut](Result<bool>) { ++alarmsPut; });
        waitFor([&] { return alarmsPut == 3; }, 10000);
    }

    // Real traffic: a few rounds across the functions, some concurrent, so charts, logs,
    // environments and cost have something true to show.
    int pending = 0;
    for (int round = 0; round < 40; ++round) {
        if (round == 20) { // a deploy half-way, for the charts' deploy marker
            QFile note(studio->draftDir(QStringLiteral("flaky-worker")) + QStringLiteral("/NOTES.md"));
            if (note.open(QIODevice::WriteOnly))
                note.write("Retry the upstream call once before failing.\n");
            note.close();
            bool deployed = false;
            studio->deploy(QStringLiteral("flaky-worker"), QStringLiteral("Retry the upstream call once"), &window,
                           [&deployed](Result<QString>) { deployed = true; });
            waitFor([&] { return deployed; }, 20000);
        }
        for (const Fn &f : functions) {
            if (QLatin1String(f.tmpl) == QLatin1String("slow-init") && round > 2)
                continue;
            ++pending;
            studio->invoke(QLatin1String(f.name), QStringLiteral("$LATEST"), QByteArrayLiteral("{\"name\": \"Ada\"}"),
                           TriggerKind::LoadGenerator, &window, [&pending](engine::InvokeResult) { --pending; });
        }
        waitFor([&] { return pending == 0; }, 30000);
        settle(round % 10 == 0 ? 400 : 60); // traffic spread over seconds gives the charts a shape
    }

    window.selectFunction(QStringLiteral("hello"));
    VersionsPage *versions = window.versionsPage();
    versions->publish(QStringLiteral("First release"));
    waitFor([&] { return versions->versionCount() >= 1; }, 20000);

    // Queues: orders feeds hello through a mapping (batches of 5); its dead-letter queue
    // holds two messages that failed; a backlog builds up on a queue nobody consumes.
    const QString api = studio->apiAddress();
    const QString base = QStringLiteral("http://") + api + QStringLiteral("/000000000000/");
    callApi(api, "POST", QStringLiteral("/"), R"({"QueueName":"orders-dlq"})", "CreateQueue");
    callApi(api, "POST", QStringLiteral("/"),
            R"({"QueueName":"orders","Attributes":{"VisibilityTimeout":"30","RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:orders-dlq\",\"maxReceiveCount\":\"3\"}"}})",
            "CreateQueue");
    callApi(api, "POST", QStringLiteral("/"), R"({"QueueName":"email-outbox"})", "CreateQueue");
    callApi(api, "POST", QStringLiteral("/2015-03-31/event-source-mappings/"),
            R"({"FunctionName":"hello","EventSourceArn":"arn:aws:sqs:us-east-1:000000000000:orders","BatchSize":5,"FunctionResponseTypes":["ReportBatchItemFailures"]})");
    for (const char *body : {R"({"order": 1041, "error": "card declined"})", R"({"order": 1077, "error": "address missing"})"}) {
        callApi(api, "POST", QStringLiteral("/"),
                QJsonDocument(QJsonObject{{QStringLiteral("QueueUrl"), QString(base + QStringLiteral("orders-dlq"))},
                                          {QStringLiteral("MessageBody"), QString::fromUtf8(body)}})
                    .toJson(QJsonDocument::Compact),
                "SendMessage");
    }
    window.showMode(QStringLiteral("queues"));
    for (int second = 0; second < 25; ++second) {
        for (int i = 0; i < 4 + (second % 5) * 3; ++i) {
            for (const char *queue : {"orders", "email-outbox"}) {
                if (QLatin1String(queue) == QLatin1String("email-outbox") && i % 2)
                    continue;
                callApi(api, "POST", QStringLiteral("/"),
                        QJsonDocument(QJsonObject{{QStringLiteral("QueueUrl"), QString(base + QLatin1String(queue))},
                                                  {QStringLiteral("MessageBody"), QStringLiteral("{\"order\": %1}").arg(1100 + second * 20 + i)}})
                            .toJson(QJsonDocument::Compact),
                        "SendMessage");
            }
        }
        settle(1000);
    }

    auto grab = [&](const QString &name) {
        settle(1500); // let timers refresh the charts and tables
        window.grab().save(out + QLatin1Char('/') + name + QStringLiteral(".png"));
        qInfo("wrote %s/%s.png", qPrintable(out), qPrintable(name));
    };

    // The alarms: flaky-worker's went off; its Monitor marks the deploy and the alarm.
    waitFor([&] { return alarmsOff > 0; }, 30000);
    window.selectFunction(QStringLiteral("flaky-worker"));
    window.showFunctionTab(MainWindow::FunctionTab::Monitor);
    grab(QStringLiteral("monitor-alarm"));
    window.showMode(QStringLiteral("alarms"));
    window.alarmsPage()->selectAlarm(QStringLiteral("flaky-worker-errors"));
    grab(QStringLiteral("alarms"));
    if (args.contains(QStringLiteral("alarms-only")))
        return 0;

    if (args.contains(QStringLiteral("extra"))) {
        MainWindow fresh(studio); // nothing selected yet, as at a first start
        fresh.resize(size);
        fresh.show();
        fresh.showPage(MainWindow::Page::Function);
        settle(500);
        fresh.grab().save(out + QStringLiteral("/functions-none-selected.png"));
    }
    window.showPage(MainWindow::Page::Dashboard);
    grab(QStringLiteral("dashboard"));
    window.selectFunction(QStringLiteral("hello"));
    window.showFunctionTab(MainWindow::FunctionTab::Code);
    grab(QStringLiteral("code"));
    window.showFunctionTab(MainWindow::FunctionTab::Test);
    int done = 0;
    QObject::connect(window.testPage(), &TestPage::invoked, &window, [&done] { ++done; });
    window.testPage()->setEventText(QStringLiteral("{\n  \"name\": \"Ada\"\n}\n"));
    window.testPage()->invoke();
    waitFor([&] { return done > 0; }, 20000);
    grab(QStringLiteral("test"));
    window.showFunctionTab(MainWindow::FunctionTab::Monitor);
    grab(QStringLiteral("monitor"));
    window.showFunctionTab(MainWindow::FunctionTab::Versions);
    grab(QStringLiteral("versions"));
    window.showFunctionTab(MainWindow::FunctionTab::Configuration);
    grab(QStringLiteral("configuration"));

    window.showPage(MainWindow::Page::Environments);
    grab(QStringLiteral("environments"));
    window.showPage(MainWindow::Page::Logs);
    grab(QStringLiteral("logs"));
    window.showPage(MainWindow::Page::Cost);
    grab(QStringLiteral("cost"));
    window.showMode(QStringLiteral("queues"));
    if (auto *queues = window.findChild<QueuesPage *>()) {
        queues->selectQueue(QStringLiteral("email-outbox"));
        settle(1200);
        queues->peek();
    }
    grab(QStringLiteral("queues"));

    // Traces: a function calling two others with boto3, synchronously and by event.
    {
        bool made = false;
        studio->createFunction(QStringLiteral("front-door"), Runtime::Python3, QStringLiteral("call-another"), &window,
                               [&made](Result<QString>) { made = true; });
        waitFor([&] { return made; }, 30000);
        settle(1500); // the engine registers it
        int calls = 0;
        for (const char *target : {"hello", "flaky-worker", "hello", "orders-api", "flaky-worker"}) {
            studio->invoke(QStringLiteral("front-door"), QStringLiteral("$LATEST"),
                           QByteArrayLiteral("{\"target\": \"") + target + QByteArrayLiteral("\"}"), TriggerKind::Manual, &window,
                           [&calls](engine::InvokeResult) { ++calls; });
            waitFor([&] { return calls > 0; }, 30000);
            --calls;
        }
        settle(2000); // the events run
        window.showMode(QStringLiteral("traces"));
        grab(QStringLiteral("traces"));
    }

    // Dependencies and layers: hello gets a requirements.txt (a wheel made here, installed
    // by real pip from a local folder, as with a mirror) and a layer, and is deployed from
    // the Code page, whose build panel shows pip's log; then the Layers page.
    {
        const QString wheels = dir.filePath(QStringLiteral("wheels"));
        QProcess wheel;
        wheel.start(QStringLiteral("python3"), {QStringLiteral(FUNCDESK_SOURCE_DIR "/tests/api/data/tinywheel.py"), wheels,
                                                QStringLiteral("quote_rules"), QStringLiteral("1.2.0"),
                                                QStringLiteral("RATE = 0.2\n")});
        wheel.waitForFinished(30000);
        qputenv("PIP_NO_INDEX", "1");
        qputenv("PIP_FIND_LINKS", QFile::encodeName(wheels));
        const QString layerDir = dir.filePath(QStringLiteral("layer-src"));
        QDir().mkpath(layerDir + QStringLiteral("/python"));
        QFile shared(layerDir + QStringLiteral("/python/shared_utils.py"));
        shared.open(QIODevice::WriteOnly);
        shared.write("def money(x):\n    return f'{x:.2f} EUR'\n");
        shared.close();
        window.showMode(QStringLiteral("layers"));
        auto *layersPage = window.findChild<LayersPage *>();
        int published = 0;
        QObject::connect(layersPage, &LayersPage::layersChanged, &window, [&published] { ++published; });
        layersPage->publish(QStringLiteral("shared-utils"), layerDir, QStringLiteral("Formatting helpers"));
        waitFor([&] { return published >= 1; }, 20000);
        layersPage->publish(QStringLiteral("shared-utils"), layerDir, QStringLiteral("Formatting helpers, v2"));
        waitFor([&] { return published >= 2; }, 20000);

        window.selectFunction(QStringLiteral("hello"));
        window.showFunctionTab(MainWindow::FunctionTab::Code);
        const QString draft = studio->draftDir(QStringLiteral("hello"));
        QFile req(draft + QStringLiteral("/requirements.txt"));
        req.open(QIODevice::WriteOnly);
        req.write("quote_rules==1.2.0\n");
        req.close();
        QFile manifest(draft + QStringLiteral("/function.json"));
        manifest.open(QIODevice::ReadOnly);
        QJsonObject m = QJsonDocument::fromJson(manifest.readAll()).object();
        manifest.close();
        m.insert(QStringLiteral("layers"), QJsonArray{QStringLiteral("arn:aws:lambda:us-east-1:000000000000:layer:shared-utils:2")});
        manifest.open(QIODevice::WriteOnly | QIODevice::Truncate);
        manifest.write(QJsonDocument(m).toJson());
        manifest.close();
        bool deployed = false;
        QObject::connect(window.codePage(), &CodePage::deployed, &window, [&deployed] { deployed = true; });
        window.codePage()->deploy(QStringLiteral("Add quote_rules and the shared-utils layer"));
        waitFor([&] { return deployed; }, 60000);
        waitFor([&] { return !window.codePage()->buildPanel()->isBuilding(); }, 10000);
        window.codePage()->openFile(QStringLiteral("requirements.txt"));
        window.codePage()->buildPanel()->setLogVisible(true);
        grab(QStringLiteral("code-build"));
        window.showMode(QStringLiteral("layers"));
        grab(QStringLiteral("layers"));
        // The Configuration tab reads the draft when a function is selected: select again.
        window.refreshFunctions();
        settle(500);
        window.selectFunction(QStringLiteral("orders-api"));
        window.selectFunction(QStringLiteral("hello"));
        window.showFunctionTab(MainWindow::FunctionTab::Configuration);
        grab(QStringLiteral("configuration-layers"));
    }

    // The load generator after an open-loop ramp on hello.
    if (!quick) {
        window.selectFunction(QStringLiteral("hello"));
        LoadDialog load(studio, QStringLiteral("hello"), &window);
        load.setOpenLoop(200, 4, QStringLiteral("ramp:20..200"));
        load.show();
        bool finished = false;
        QObject::connect(&load, &LoadDialog::finished, &window, [&finished] { finished = true; });
        load.start();
        waitFor([&] { return finished; }, 60000);
        settle(300);
        load.grab().save(out + QStringLiteral("/load.png"));
        qInfo("wrote %s/load.png", qPrintable(out));
    }

    // Power tuning a CPU-bound function.
    if (!quick) {
        bool made = false;
        studio->createFunction(QStringLiteral("fib"), Runtime::Python3, QStringLiteral("cpu-bound"), &window,
                               [&made](Result<QString>) { made = true; });
        waitFor([&] { return made; }, 30000);
        settle(1500); // the engine registers it
        PowerTuningDialog tuning(studio, QStringLiteral("fib"), &window);
        tuning.setMemorySizes(QStringLiteral("128,256,512,1024,1769,3008"));
        tuning.setInvocations(5);
        tuning.setPayload(QStringLiteral("{\"n\": 26}"));
        tuning.show();
        bool finished = false;
        QObject::connect(&tuning, &PowerTuningDialog::finished, &window, [&finished] { finished = true; });
        tuning.start();
        waitFor([&] { return finished; }, 180000);
        settle(300);
        tuning.grab().save(out + QStringLiteral("/power-tuning.png"));
        qInfo("wrote %s/power-tuning.png", qPrintable(out));
    }

    // Replaying flaky-worker's recorded traffic: its random failures change between runs.
    if (!quick) {
        window.selectFunction(QStringLiteral("flaky-worker"));
        ReplayDialog replay(studio, QStringLiteral("flaky-worker"), &window);
        replay.show();
        bool finished = false;
        QObject::connect(&replay, &ReplayDialog::finished, &window, [&finished] { finished = true; });
        settle(500); // qualifiers and experiments load
        replay.start();
        waitFor([&] { return finished; }, 60000);
        settle(300);
        replay.grab().save(out + QStringLiteral("/replay.png"));
        qInfo("wrote %s/replay.png", qPrintable(out));
    }

    // The Learn page after real scenario runs: a burst, then the two with curves.
    window.showMode(QStringLiteral("learn"));
    auto *learn = window.findChild<LearnPage *>();
    for (const QString &id : {QStringLiteral("burst"), QStringLiteral("crossover"), QStringLiteral("memory-speed")}) {
        if (quick)
            break;
        learn->selectScenario(id);
        bool finished = false;
        const auto connection = QObject::connect(learn, &LearnPage::scenarioFinished, &window, [&finished] { finished = true; });
        learn->runSelected();
        waitFor([&] { return finished; }, 180000);
        QObject::disconnect(connection);
        grab(QStringLiteral("learn-") + id);
    }

    // A streamed response arriving on the Test page: a node handler wrapped in
    // awslambda.streamifyResponse writes a line every 300 ms.
    {
        bool made = false;
        studio->createFunction(QStringLiteral("live-feed"), Runtime::NodeJs, QStringLiteral("hello-world"), &window,
                               [&made](Result<QString>) { made = true; });
        waitFor([&] { return made; }, 30000);
        QFile code(studio->draftDir(QStringLiteral("live-feed")) + QStringLiteral("/index.js"));
        if (code.open(QIODevice::WriteOnly | QIODevice::Truncate))
            code.write("const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n"
                       "exports.handler = awslambda.streamifyResponse(async (event, stream) => {\n"
                       "  for (let i = 1; i <= 8; ++i) {\n"
                       "    stream.write(`tick ${i}: ${new Date().toISOString()}\\n`);\n"
                       "    await sleep(300);\n"
                       "  }\n"
                       "  stream.end();\n"
                       "});\n");
        code.close();
        bool deployed = false;
        studio->deploy(QStringLiteral("live-feed"), QStringLiteral("Stream ticks"), &window, [&deployed](Result<QString>) { deployed = true; });
        waitFor([&] { return deployed; }, 30000);
        window.refreshFunctions();
        settle(1000);
        window.selectFunction(QStringLiteral("live-feed"));
        window.showFunctionTab(MainWindow::FunctionTab::Test);
        int streamed = 0;
        auto connection = QObject::connect(window.testPage(), &TestPage::invoked, &window, [&streamed] { ++streamed; });
        window.testPage()->setEventText(QStringLiteral("{}\n"));
        window.testPage()->invoke();
        QTest::qWait(1300); // mid-stream: some ticks in, more to come
        window.grab().save(out + QStringLiteral("/test-streaming.png"));
        qInfo("wrote %s/test-streaming.png", qPrintable(out));
        waitFor([&] { return streamed > 0; }, 20000);
        QObject::disconnect(connection);
    }

    // Debugging: the Test page waits for a debugger on node's inspector port and shows
    // how to attach (the session ends with the engine at exit).
    window.selectFunction(QStringLiteral("orders-api"));
    window.showFunctionTab(MainWindow::FunctionTab::Test);
    window.testPage()->setEventText(QStringLiteral("{\n  \"rawPath\": \"/orders\"\n}\n"));
    window.testPage()->debug();
    grab(QStringLiteral("test-debug"));
    return 0;
}
