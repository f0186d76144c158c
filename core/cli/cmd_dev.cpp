// funcdesk dev NAME --dir PATH: edit in your own editor. The folder is deployed as NAME's
// $LATEST now and again each time saves in it settle (a git commit each, with the build
// step), through the running engine's API when one holds the data dir, else directly. A
// deploy that fails (a broken build, a bad function.json) is reported and the function
// keeps running its last good code; watching goes on. Runs until SIGINT / SIGTERM.

#include "cli/cli.h"
#include "cli/commandline.h"
#include "cli/commands.h"
#include "cli/dataaccess.h"
#include "cli/deploydir.h"
#include "cli/signalwatcher.h"
#include "versioning/build.h"
#include "versioning/folderwatch.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace funcdesk::cli {

namespace {

QString clock() { return QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")); }

} // namespace

int runDev(const QStringList &args)
{
    CommandLine cl(QStringLiteral("dev"),
                   QStringLiteral("Link a function to a folder and deploy it whenever saved changes settle\n"
                                  "(with the build step), until interrupted. A failed deploy keeps the last\n"
                                  "good version running."));
    cl.addPositional(QStringLiteral("name"), QStringLiteral("Function name (created on the first deploy)."), QStringLiteral("NAME"));
    cl.addOption(QCommandLineOption(QStringLiteral("dir"), QStringLiteral("The folder to watch (default: the current folder)."),
                                    QStringLiteral("PATH")));
    cl.addOption(QCommandLineOption(QStringLiteral("debounce"), QStringLiteral("Quiet time after a save before deploying, in ms (default 300)."),
                                    QStringLiteral("MS")));
    if (auto exit = cl.parse(args, 1, 1))
        return *exit;
    const QString name = cl.positional().at(0);
    const QFileInfo dir(cl.isSet(QStringLiteral("dir")) ? cl.value(QStringLiteral("dir")) : QStringLiteral("."));
    if (!dir.isDir())
        return cl.usageError(QStringLiteral("not a folder: ") + dir.filePath());
    bool ok = true;
    const int debounce = cl.isSet(QStringLiteral("debounce")) ? cl.value(QStringLiteral("debounce")).toInt(&ok) : 300;
    if (!ok || debounce < 0)
        return cl.usageError(QStringLiteral("--debounce: a number of milliseconds"));

    const bool json = cl.json();
    auto deployOnce = [&]() {
        // The data dir is opened per deploy: a `funcdesk serve` started or stopped meanwhile
        // is taken into account, and the lock is not held between deploys.
        auto access = openDataAccess(cl);
        if (!access) {
            printErr(QStringLiteral("funcdesk: ") + access.error().toString());
            return;
        }
        DeployRequest request{name, dir.absoluteFilePath(), QStringLiteral("Saved in %1").arg(dir.absoluteFilePath()), {}};
        if (!json)
            request.progress = [](const QString &, const QString &line) { printOut(QStringLiteral("build: ") + line); };
        Result<DeployOutcome> outcome = access->viaApi ? deployViaApi(ApiClient(cl.endpoint(), cl.token()), request) : deployDirect(access->dir, request);
        if (json) {
            QJsonObject o{{QStringLiteral("FunctionName"), name}, {QStringLiteral("Time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}};
            if (outcome) {
                o.insert(QStringLiteral("Changed"), outcome->changed);
                o.insert(QStringLiteral("CommitId"), outcome->commitId);
            } else {
                o.insert(QStringLiteral("ErrorType"), outcome.error().type);
                o.insert(QStringLiteral("ErrorMessage"), outcome.error().message);
            }
            printOut(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
            return;
        }
        if (!outcome) {
            printErr(QStringLiteral("%1 deploy failed, %2 keeps running its last good version:\n%3")
                         .arg(clock(), name, outcome.error().message));
            return;
        }
        if (!outcome->changed) {
            printOut(QStringLiteral("%1 nothing to deploy").arg(clock()));
            return;
        }
        QString built;
        if (auto b = build::lastBuild(access->dir, name); b && b->outcome != build::Outcome::None)
            built = QStringLiteral(" (build: %1 in %2 ms)").arg(build::outcomeName(b->outcome)).arg(b->durationMs);
        printOut(QStringLiteral("%1 deployed %2%3").arg(clock(), name, built));
    };

    SignalWatcher stopper;
    QEventLoop loop;
    QObject::connect(&stopper, &SignalWatcher::terminationRequested, &loop, [&loop](int) { loop.quit(); });
    FolderWatch watch(dir.absoluteFilePath(), debounce);
    QObject::connect(&watch, &FolderWatch::settled, &loop, deployOnce);
    if (!json)
        printOut(QStringLiteral("Watching %1 for %2 (Ctrl+C to stop)").arg(dir.absoluteFilePath(), name));
    deployOnce();
    loop.exec();
    return ExitOk;
}

} // namespace funcdesk::cli
