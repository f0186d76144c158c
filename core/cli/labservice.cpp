#include "cli/labservice.h"

#include "cli/cli.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QThread>
#include <QTimer>

#include <cstdio>
#include <unistd.h>

namespace funcdesk::cli {

Result<std::unique_ptr<api::Service>> startLabService(const CommandLine &cl)
{
    const DataDir dir = DataDir::resolve(cl.dataDir());
    api::ServiceOptions options;
    // The API listens on a free loopback port only for the functions themselves (their
    // AWS_ENDPOINT_URL_LAMBDA): a chain of functions calls through it.
    options.api.port = 0;
    options.runSchedules = false;
    auto service = api::Service::start(dir, options);
    if (!service) {
        if (service.error().type == errc::DataDirInUse)
            return makeError(service.error().type,
                             service.error().message
                                 + QStringLiteral("\nExperiments need the engine to themselves: run them from the Learn page "
                                                  "of that Funcdesk, or stop it first."));
        return service.error();
    }
    QEventLoop loop;
    bool ready = false;
    QObject::connect(service->get(), &api::Service::ready, &loop, [&](const QString &problems) {
        ready = true;
        if (!problems.isEmpty())
            printErr(QStringLiteral("funcdesk: some functions could not be registered: ") + problems);
        loop.quit();
    });
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    loop.exec();
    if (!ready)
        return makeError(errc::Service, QStringLiteral("the engine did not become ready in 60 s"));
    return std::move(*service);
}

int runOnWorker(const std::function<int()> &work)
{
    int code = ExitFailure;
    QEventLoop loop;
    QThread *worker = QThread::create([&] { code = work(); });
    QObject::connect(worker, &QThread::finished, &loop, &QEventLoop::quit);
    worker->start();
    loop.exec();
    worker->wait();
    delete worker;
    return code;
}

void progressLine(const CommandLine &cl, const QString &step)
{
    if (cl.json() || !::isatty(STDERR_FILENO))
        return;
    const QByteArray line = "  " + step.toUtf8() + "...\n";
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

} // namespace funcdesk::cli
