// funcdesk_screenshots OUTDIR [WIDTHxHEIGHT] [light|dark] [extra]: drives the real application
// offscreen on a scratch data dir (real functions, real invocations) and grabs every page
// into OUTDIR, at 1280x800 in the light theme unless told otherwise (a second size and the
// dark theme are for checking the layout; the packaged PNGs are 1280x800, light). "extra"
// also grabs states the packaged set leaves out (the Functions mode before a selection).
// packaging/screenshots.sh runs it; README and the AppStream metainfo use the PNGs.
#include "settings/settings.h"
#include "ui/dialogs/loaddialog.h"
#include "ui/dialogs/powertuningdialog.h"
#include "ui/dialogs/replaydialog.h"
#include "ui/mainwindow.h"
#include "ui/pages/learnpage.h"
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
#include <QJsonDocument>
#include <QJsonObject>
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

    // Real traffic: a few rounds across the functions, some concurrent, so charts, logs,
    // environments and cost have something true to show.
    int pending = 0;
    for (int round = 0; round < 40; ++round) {
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

    // The load generator after an open-loop ramp on hello.
    {
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
    {
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
    {
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
        learn->selectScenario(id);
        bool finished = false;
        const auto connection = QObject::connect(learn, &LearnPage::scenarioFinished, &window, [&finished] { finished = true; });
        learn->runSelected();
        waitFor([&] { return finished; }, 180000);
        QObject::disconnect(connection);
        grab(QStringLiteral("learn-") + id);
    }
    return 0;
}
