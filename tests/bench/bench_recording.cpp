// Recording cost (budget: throughput with recording >= 95 % of without).
// The same no-op python3 function is driven with 4 invocations in flight, in short
// rounds, alternately with the store's writer as the engine's record sink (every
// record and log line written to SQLite in batches, rollups included) and without.
//
// This shared 2-core machine drifts by +-15 % over seconds, so 1 s rounds needed more
// pairs than a bench run can afford; 100 ms rounds (FUNCDESK_RECORDING_ROUND_MS) put
// both halves of a pair in the same weather, and the figure is the median of 200 pairs'
// ratios (FUNCDESK_RECORDING_PAIRS), each pair's order alternating.
//
// A recording round pays for everything it recorded, as in steady state: before the load
// stops it waits for the writer to commit the round's records while invocations go on
// (so that work competes with the functions, as it does when recording runs for good),
// and then the round is charged the wall time of the last, small flush.
//
// The machine's state moves the figure more than most changes do: the writer's CPU per
// record has ranged 8x from one hour to the next with the same build. Writing a new 4 KB
// file page is the largest part of that swing (fresh guest memory), so the bench also
// reports what one costs in this run, beside one overwritten in place.

#include "bench.h"

#include "engine/engine.h"
#include "store/writer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <atomic>

#include <fcntl.h>
#include <unistd.h>
#include <functional>

using namespace funcdesk;

namespace {

// CPU seconds by where they are spent.
struct Cpu
{
    double engine = 0;   // the engine's thread
    double writer = 0;   // the store's writer thread
    double rest = 0;     // the bench's other threads
    double runtimes = 0; // the function processes (children)
    double total() const { return engine + writer + rest + runtimes; }
    Cpu operator-(const Cpu &o) const
    {
        return {engine - o.engine, writer - o.writer, rest - o.rest, runtimes - o.runtimes};
    }
    Cpu &operator+=(const Cpu &o)
    {
        engine += o.engine;
        writer += o.writer;
        rest += o.rest;
        runtimes += o.runtimes;
        return *this;
    }
};

struct Round
{
    qint64 completed = 0;
    double seconds = 0;
    Cpu cpu; // this process and its children (the runtimes), until drained
};

// utime + stime of a /proc stat file's contents, in seconds; `parent` gets field 4.
double statCpuSeconds(const QByteArray &stat, QByteArray *parent = nullptr)
{
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    if (parent)
        *parent = fields[1];
    return (fields[11].toDouble() + fields[12].toDouble()) / double(::sysconf(_SC_CLK_TCK));
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// CPU time of this process's threads, by role, and of its living children.
Cpu cpuSecondsWithChildren()
{
    Cpu cpu;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QByteArray comm = readAll(tasks.filePath(tid) + QStringLiteral("/comm")).trimmed();
        const double s = statCpuSeconds(readAll(tasks.filePath(tid) + QStringLiteral("/stat")));
        (comm == "funcdesk-engine" ? cpu.engine : comm == "funcdesk-store" ? cpu.writer
                                                                           : cpu.rest) += s;
    }
    const QByteArray self = QByteArray::number(qint64(::getpid()));
    const QDir proc(QStringLiteral("/proc"));
    for (const QString &pid : proc.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (!pid.front().isDigit())
            continue;
        QByteArray parent;
        const double s = statCpuSeconds(readAll(proc.filePath(pid) + QStringLiteral("/stat")), &parent);
        if (parent == self)
            cpu.runtimes += s;
    }
    return cpu;
}

// Keeps `inFlight` invocations going for `seconds`; `beforeStop` runs while they still do.
Round runFor(engine::Engine &engine, const QString &function, int inFlight, double seconds,
             const std::function<void()> &beforeStop = {})
{
    std::atomic<bool> running{true};
    std::atomic<qint64> completed{0};
    std::atomic<int> outstanding{0};
    std::function<void()> launch = [&] {
        engine::InvokeRequest r;
        r.function = function;
        r.payload = QByteArrayLiteral("{}");
        r.trigger = TriggerKind::LoadGenerator;
        ++outstanding;
        engine.invoke(r, [&](engine::InvokeResult) {
            ++completed;
            if (running.load())
                launch();
            --outstanding;
        });
    };
    const Cpu cpu0 = cpuSecondsWithChildren(); // reads /proc: outside the timed window
    const double t0 = bench::nowUs();
    for (int i = 0; i < inFlight; ++i)
        launch();
    QThread::usleep(static_cast<unsigned long>(seconds * 1e6));
    if (beforeStop)
        beforeStop();
    running = false;
    const qint64 done = completed.load();
    const double elapsed = (bench::nowUs() - t0) / 1e6;
    while (outstanding.load() > 0)
        QThread::usleep(1000);
    return {done, elapsed, cpuSecondsWithChildren() - cpu0};
}

// Microseconds per 4 KB pwrite(): into pages new to the file, then over the same pages
// again (in the page cache by then), as a database's checkpoint and its WAL write them.
std::pair<double, double> pageWriteUs(const QString &path)
{
    constexpr int kPages = 1024;
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return {0, 0};
    char page[4096];
    std::fill(std::begin(page), std::end(page), 'x');
    double us[2] = {};
    for (double &pass : us) {
        const double t0 = bench::nowUs();
        for (int i = 0; i < kPages; ++i) {
            if (::pwrite(fd, page, sizeof page, off_t(i) * off_t(sizeof page)) != ssize_t(sizeof page))
                break;
        }
        pass = (bench::nowUs() - t0) / kPages;
    }
    ::close(fd);
    QFile::remove(path);
    return {us[0], us[1]};
}

} // namespace

FUNCDESK_BENCHMARK("recording")
{
    QTemporaryDir dir;
    const QString code = dir.filePath(QStringLiteral("code"));
    QDir().mkpath(code);
    QFile f(code + QStringLiteral("/lambda_function.py"));
    if (!f.open(QIODevice::WriteOnly))
        return;
    f.write("def lambda_handler(event, context):\n    return None\n");
    f.close();

    engine::EngineOptions eo;
    eo.runDir = dir.filePath(QStringLiteral("run"));
    engine::Engine engine(eo);
    FunctionConfig config;
    config.name = QStringLiteral("noop");
    config.codeDir = code;
    if (!engine.registerFunction(config).ok())
        return;

    store::WriterOptions wo;
    wo.databasePath = dir.filePath(QStringLiteral("funcdesk.db"));
    auto writer = store::Writer::start(wo);
    if (!writer.ok())
        return;
    store::Writer *w = writer->get();

    const int roundMs = qEnvironmentVariableIntValue("FUNCDESK_RECORDING_ROUND_MS") > 0
        ? qEnvironmentVariableIntValue("FUNCDESK_RECORDING_ROUND_MS")
        : 100;
    const double roundSeconds = roundMs / 1000.0;
    const auto [freshPageUs, cachedPageUs] = pageWriteUs(dir.filePath(QStringLiteral("pages")));
    runFor(engine, config.name, 4, 1.0); // warm up environments and the interpreter
    // CPU per invocation, summed over all rounds of each kind: on a saturated machine the
    // throughput ratio is its inverse, and it does not swing with the machine's noise.
    Cpu cpuWithout, cpuWith;
    qint64 doneWithout = 0, doneWith = 0;
    auto without1 = [&] {
        const Round r = runFor(engine, config.name, 4, roundSeconds);
        cpuWithout += r.cpu;
        doneWithout += r.completed;
        return double(r.completed) / r.seconds;
    };
    auto with1 = [&] {
        engine.setRecordSink(w); // as the Service records
        const Round r = runFor(engine, config.name, 4, roundSeconds, [w] { (void)w->flush(); });
        engine.setRecordSink(nullptr);
        const Cpu c0 = cpuSecondsWithChildren();
        const double f0 = bench::nowUs();
        (void)w->flush();                                        // what finished during the flush above and the drain
        const double flushSeconds = (bench::nowUs() - f0) / 1e6; // before the /proc scan below (~1 ms)
        cpuWith += r.cpu;
        cpuWith += cpuSecondsWithChildren() - c0;
        doneWith += r.completed;
        return double(r.completed) / (r.seconds + flushSeconds);
    };
    const int pairs = std::max(1, qEnvironmentVariableIntValue("FUNCDESK_RECORDING_PAIRS") > 0 ? qEnvironmentVariableIntValue("FUNCDESK_RECORDING_PAIRS") : 200);
    std::vector<double> with, without, ratios;
    const QByteArray only = qgetenv("FUNCDESK_RECORDING_ONLY");
    for (int pair = 0; pair < pairs; ++pair) {
        if (only == "with") {
            with.push_back(with1());
            continue;
        }
        if (only == "without") {
            without.push_back(without1());
            continue;
        }
        if (pair % 2 == 0) {
            without.push_back(without1());
            with.push_back(with1());
        } else {
            with.push_back(with1());
            without.push_back(without1());
        }
        ratios.push_back(with.back() / without.back());
    }
    (void)w->flush();
    const store::WriterStats ws = w->stats();
    const double withMedian = bench::percentile(with, 50);
    const double withoutMedian = bench::percentile(without, 50);
    reporter.add(QStringLiteral("recording.throughput_without"), withoutMedian, QStringLiteral("inv/s"));
    reporter.add(QStringLiteral("recording.throughput_with"), withMedian, QStringLiteral("inv/s"));
    // The median of the pairs' ratios shrugs off the machine drifting between rounds.
    reporter.add(QStringLiteral("recording.ratio_percent"), 100.0 * bench::percentile(ratios, 50), QStringLiteral("%"),
                 QStringLiteral(">= 95 %"));
    reporter.add(QStringLiteral("recording.cpu_ratio_percent"),
                 doneWith > 0 && cpuWith.total() > 0
                     ? 100.0 * (cpuWithout.total() / double(doneWithout)) / (cpuWith.total() / double(doneWith))
                     : 0,
                 QStringLiteral("%"), QStringLiteral("(CPU per invocation without / with)"));
    // Where the extra CPU per invocation goes, in microseconds: the writer's own work, the
    // engine thread's hand-over, and what the functions' processes and the rest pay for
    // sharing the cores with it.
    if (doneWith > 0 && doneWithout > 0) {
        const auto perInvocationUs = [](double seconds, qint64 done) { return seconds * 1e6 / double(done); };
        const std::pair<const char *, double Cpu::*> parts[] = {
            {"engine", &Cpu::engine}, {"writer", &Cpu::writer}, {"runtimes", &Cpu::runtimes}, {"rest", &Cpu::rest}};
        for (const auto &[name, member] : parts) {
            reporter.add(QStringLiteral("recording.extra_cpu_us_%1").arg(QLatin1String(name)),
                         perInvocationUs(cpuWith.*member, doneWith) - perInvocationUs(cpuWithout.*member, doneWithout),
                         QStringLiteral("us"), QStringLiteral("(per invocation, with - without)"));
        }
    }
    reporter.add(QStringLiteral("recording.ratio_p25_percent"), 100.0 * bench::percentile(ratios, 25), QStringLiteral("%"));
    reporter.add(QStringLiteral("recording.ratio_p75_percent"), 100.0 * bench::percentile(ratios, 75), QStringLiteral("%"));
    reporter.add(QStringLiteral("recording.records_committed"), double(ws.committedRecords), QStringLiteral("rows"));
    // What the ratio comes from: on 2 busy cores every microsecond the writer thread
    // spends is taken from the functions.
    // On disk: the database and its WAL, per recorded invocation (blocks, rollups, tops).
    const qint64 dbBytes = QFileInfo(wo.databasePath).size() + QFileInfo(wo.databasePath + QStringLiteral("-wal")).size();
    if (ws.committedRecords > 0)
        reporter.add(QStringLiteral("recording.disk_bytes_per_record"), double(dbBytes) / double(ws.committedRecords),
                     QStringLiteral("B"));
    reporter.add(QStringLiteral("recording.machine_new_page_write_us"), freshPageUs, QStringLiteral("us"),
                 QStringLiteral("(this run's machine: a 4 KB page new to a file)"));
    reporter.add(QStringLiteral("recording.machine_cached_page_write_us"), cachedPageUs, QStringLiteral("us"),
                 QStringLiteral("(the same page overwritten)"));
    reporter.add(QStringLiteral("recording.writer_cpu_per_record_us"),
                 ws.committedRecords > 0 ? double(ws.writeCpuUs) / double(ws.committedRecords) : 0, QStringLiteral("us"));
}
