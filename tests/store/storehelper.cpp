// A child process for the store tests.
//   funcdesk_store_helper lock <data dir>
//       takes the data dir lock, prints "locked <pid>" (or "error <message>") and holds
//       the lock until stdin closes.
//   funcdesk_store_helper crashwriter <db path> <records per batch>
//       writes batches through a Writer forever; after each committed batch prints
//       "committed <batch>" (the batch number is the records' version). Meant to be
//       SIGKILLed mid-write.
#include "store/datadirlock.h"
#include "store/writer.h"

#include <QCoreApplication>
#include <QDateTime>

#include <cstdio>
#include <unistd.h>

using namespace funcdesk;
using namespace funcdesk::store;

namespace {

int lockMode(const QString &root)
{
    auto lock = DataDirLock::acquire(DataDir{root});
    if (!lock) {
        std::printf("error %s\n", qPrintable(lock.error().toString()));
        std::fflush(stdout);
        return 1;
    }
    std::printf("locked %lld\n", static_cast<long long>(::getpid()));
    std::fflush(stdout);
    char buf[64];
    while (::read(STDIN_FILENO, buf, sizeof buf) > 0) {
    }
    return 0;
}

int crashWriterMode(const QString &dbPath, int perBatch)
{
    WriterOptions options;
    options.databasePath = dbPath;
    options.pruning = false;
    auto writer = Writer::start(options);
    if (!writer) {
        std::printf("error %s\n", qPrintable(writer.error().toString()));
        std::fflush(stdout);
        return 1;
    }
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch();
    for (int batch = 1;; ++batch) {
        for (int i = 0; i < perBatch; ++i) {
            InvocationRecord r;
            r.requestId = QStringLiteral("b%1-%2").arg(batch).arg(i);
            r.function = QStringLiteral("crash");
            r.version = QString::number(batch);
            r.startMs = t0 + batch * 10 + i % 10;
            r.durationMs = 1 + i % 50;
            r.memorySizeMb = 128;
            (*writer)->enqueue(std::move(r));
            (*writer)->enqueue(LogLine{t0 + batch, QStringLiteral("b%1-%2").arg(batch).arg(i), QStringLiteral("crash"),
                                       QStringLiteral("env"), QStringLiteral("line of batch %1").arg(batch)});
        }
        if (auto s = (*writer)->flush(); !s) {
            std::printf("error %s\n", qPrintable(s.error().toString()));
            std::fflush(stdout);
            return 1;
        }
        std::printf("committed %d\n", batch);
        std::fflush(stdout);
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() >= 3 && args[1] == QLatin1String("lock"))
        return lockMode(args[2]);
    if (args.size() >= 4 && args[1] == QLatin1String("crashwriter"))
        return crashWriterMode(args[2], args[3].toInt());
    std::fprintf(stderr, "usage: %s lock <dir> | crashwriter <db> <per batch>\n", argv[0]);
    return 2;
}
