// HTTP API benchmarks: warm invoke latency over one keep-alive connection (p50/p99) and
// throughput with 16 connections (wrk, 2 threads, ~10 s) for no-op python3 and nodejs
// handlers, through the full Service (engine, recording, API thread); and a soak at
// that load (FUNCDESK_SOAK_MINUTES per runtime, default 2) to show it stays flat.
#include "bench.h"
#include "floor.h"
#include "wrk.h"

#include "api/httpserver.h"

#include "api/service.h"
#include "store/queries.h"
#include "store/sqlite.h"
#include "store/writer.h"
#include "versioning/versionstore.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QEventLoop>
#include <QTimer>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QTextStream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

using namespace funcdesk;

namespace {

// A blocking HTTP/1.1 keep-alive client on a raw socket: no event loop in the way.
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }
    ~RawClient()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool ok() const { return m_fd >= 0; }

    // Sends one request and reads one whole response; returns the status (0 on failure).
    int roundTrip(const QByteArray &request)
    {
        if (::send(m_fd, request.constData(), size_t(request.size()), 0) != request.size())
            return 0;
        m_buf.clear();
        char chunk[16384];
        for (;;) {
            const qsizetype end = m_buf.indexOf("\r\n\r\n");
            if (end >= 0) {
                const QByteArray head = m_buf.left(end).toLower();
                const qsizetype cl = head.indexOf("content-length: ");
                const qsizetype len = cl < 0 ? 0 : head.mid(cl + 16, head.indexOf('\r', cl) - cl - 16).toLongLong();
                if (m_buf.size() >= end + 4 + len)
                    return m_buf.mid(9, 3).toInt();
            }
            const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
            if (n <= 0)
                return 0;
            m_buf.append(chunk, qsizetype(n));
        }
    }

private:
    int m_fd = -1;
    QByteArray m_buf;
};

bool addFunction(api::Service &service, const QString &name, Runtime runtime)
{
    SourceFiles files;
    if (runtime == Runtime::Python3) {
        files.insert(QStringLiteral("app.py"), SourceFile(QByteArrayLiteral("def handler(event, context):\n    return {}\n")));
        files.insert(QStringLiteral("function.json"), SourceFile(QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\"}")));
    } else {
        files.insert(QStringLiteral("index.js"), SourceFile(QByteArrayLiteral("exports.handler = async () => ({});\n")));
        files.insert(QStringLiteral("function.json"), SourceFile(QByteArrayLiteral("{\"runtime\":\"nodejs20.x\",\"handler\":\"index.handler\"}")));
    }
    VersionStore store(service.dataDir());
    if (!store.create(name, runtime, files).ok())
        return false;
    QEventLoop loop;
    bool changed = false;
    QObject::connect(&service, &api::Service::functionChanged, &loop, [&] {
        changed = true;
        loop.quit();
    });
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    service.refreshFunction(name);
    loop.exec();
    return changed;
}

// wrk against the invoke URL; returns requests/s (0 when wrk is missing or failed).
double runWrk(const QString &scriptDir, quint16 port, double *non2xxOut, int seconds = 10)
{
    QProcess proc;
    bench::WrkOptions options;
    options.url = QStringLiteral("http://127.0.0.1:%1/2015-03-31/functions/noop/invocations").arg(port);
    options.seconds = seconds;
    if (!bench::startWrk(proc, scriptDir, options))
        return 0;
    // wrk runs in its own process; this thread only waits (the API has its own thread).
    proc.waitForFinished(seconds * 1000 + 60000);
    const bench::WrkFigures figures = bench::wrkFigures(proc);
    *non2xxOut = figures.non2xx;
    return figures.requestsPerSecond;
}

QByteArray invokeRequest()
{
    return QByteArrayLiteral("POST /2015-03-31/functions/noop/invocations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Content-Type: application/json\r\nContent-Length: 2\r\n")
        + "Authorization: " + bench::kSigV4 + "\r\n\r\n{}";
}

// p50 of `samples` keep-alive round trips of the invoke request after a warm-up.
std::vector<double> keepAliveRoundTrips(quint16 port, int samples)
{
    RawClient client(port);
    std::vector<double> out;
    const QByteArray request = invokeRequest();
    for (int i = 0; i < 300 && client.ok(); ++i)
        client.roundTrip(request);
    for (int i = 0; i < samples && client.ok(); ++i) {
        const double t0 = bench::nowUs();
        if (client.roundTrip(request) != 200)
            break;
        out.push_back(bench::nowUs() - t0);
    }
    return out;
}

// The floor under an HTTP invoke, measured in this run: the same request through
// Funcdesk's own HTTP server on its own thread, answered at once with what a no-op
// handler returns (parsing, routing to a handler, serialising, both socket wake-ups),
// plus a pipe round trip to a process on the other CPU (the runtime's two wake-ups).
struct HttpFloor
{
    double echoUs = 0;
    double pipeUs = 0;
    double total() const { return echoUs + pipeUs; }
};

HttpFloor measureHttpFloor()
{
    HttpFloor floor;
    QThread thread;
    thread.start();
    auto *server = new api::HttpServer;
    server->moveToThread(&thread);
    quint16 port = 0;
    QMetaObject::invokeMethod(
        server,
        [server, &port] {
            server->setHandler([](api::HttpRequest &&, api::HttpResponder responder) {
                api::WireResponse r;
                r.status = 200;
                r.setHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
                r.setHeader(QByteArrayLiteral("X-Amz-Executed-Version"), QByteArrayLiteral("$LATEST"));
                r.setHeader(QByteArrayLiteral("x-amzn-RequestId"), QByteArrayLiteral("00000000-0000-0000-0000-000000000000"));
                r.body = QByteArrayLiteral("{}");
                responder.respond(r);
            });
            if (server->listen(QHostAddress::LocalHost, 0).ok())
                port = server->serverPort();
        },
        Qt::BlockingQueuedConnection);
    if (port != 0)
        floor.echoUs = bench::percentile(keepAliveRoundTrips(port, 3000), 50);
    QMetaObject::invokeMethod(server, [server] { delete server; }, Qt::BlockingQueuedConnection);
    thread.quit();
    thread.wait();
    if (QThread::idealThreadCount() >= 2)
        floor.pipeUs = bench::crossCpuPipeRoundTripUs(3000);
    return floor;
}

void benchRuntime(bench::Reporter &reporter, const QString &label, Runtime runtime, bool record)
{
    QTemporaryDir dir;
    api::ServiceOptions options;
    options.api.port = 0;
    options.runSchedules = false;
    options.record = record;
    auto service = api::Service::start(DataDir{dir.path()}, options);
    if (!service.ok()) {
        QTextStream(stderr) << "bench_api: " << service.error().toString() << Qt::endl;
        return;
    }
    const QString fn = QStringLiteral("noop");
    if (!addFunction(**service, fn, runtime)) {
        QTextStream(stderr) << "bench_api: cannot create the function" << Qt::endl;
        return;
    }
    const quint16 port = (*service)->apiPort();
    if (record) {
        // Latency: one keep-alive connection, warm environment, against the floor measured
        // just before; what the kernel saw per request, on both sides of the pipe.
        const HttpFloor floor = measureHttpFloor();
        std::vector<pid_t> processes{::getpid()};
        for (pid_t child : bench::childrenOf(::getpid()))
            processes.push_back(child);
        keepAliveRoundTrips(port, 0); // a warm environment before the counters open
        const bench::KernelCounters counters(processes, pid_t(::gettid())); // not this client thread
        const double syscalls0 = counters.syscalls();
        const double switches0 = counters.contextSwitches();
        const std::vector<double> samples = keepAliveRoundTrips(port, 3000);
        const double calls = double(samples.size() + 300);
        const double p50 = bench::percentile(samples, 50);
        const QString key = QStringLiteral("api.%1.").arg(label);
        reporter.add(key + QStringLiteral("floor_http_echo_p50_us"), floor.echoUs, QStringLiteral("us"));
        reporter.add(key + QStringLiteral("floor_pipe_roundtrip_us"), floor.pipeUs, QStringLiteral("us"));
        reporter.add(key + QStringLiteral("floor_us"), floor.total(), QStringLiteral("us"), QStringLiteral("(echo + pipe)"));
        reporter.add(key + QStringLiteral("http_p50_us"), p50, QStringLiteral("us"), QStringLiteral("<= floor + 40"));
        reporter.add(key + QStringLiteral("http_p50_over_floor_us"), p50 - floor.total(), QStringLiteral("us"), QStringLiteral("<= 40"));
        reporter.add(key + QStringLiteral("http_p99_us"), bench::percentile(samples, 99), QStringLiteral("us"));
        if (syscalls0 >= 0) {
            reporter.add(key + QStringLiteral("syscalls_per_invocation"), (counters.syscalls() - syscalls0) / calls,
                         QStringLiteral("calls"), QStringLiteral("(server and runtime)"));
        }
        if (switches0 >= 0) {
            reporter.add(key + QStringLiteral("context_switches_per_invocation"), (counters.contextSwitches() - switches0) / calls,
                         QStringLiteral("switches"));
        }
    }

    // Throughput: wrk, 16 connections, 2 threads, ~10 s, POST through a Lua script.
    double non2xx = 0;
    const double rps = runWrk(dir.path(), port, &non2xx);
    if (rps <= 0)
        return;
    const QString suffix = record ? QString() : QStringLiteral("_norecord");
    reporter.add(QStringLiteral("api.%1.throughput_16%2").arg(label, suffix), rps, QStringLiteral("inv/s"),
                 runtime == Runtime::Python3 && record ? QStringLiteral(">= 10000 inv/s") : QString());
    reporter.add(QStringLiteral("api.%1.throughput_16%2_non2xx").arg(label, suffix), non2xx, QStringLiteral("responses"),
                 QStringLiteral("== 0"));
}

// Soak: wrk with 16 connections for FUNCDESK_SOAK_MINUTES (default 2) in 30 s windows,
// recording on, pruning at the row cap included once the run is long enough. The
// question is whether throughput stays flat: the last window against the first, the
// slowest window against the median, and what the server process's memory did.
void soakRuntime(bench::Reporter &reporter, const QString &label, Runtime runtime, int minutes)
{
    QTemporaryDir dir;
    api::ServiceOptions options;
    options.api.port = 0;
    options.runSchedules = false;
    auto service = api::Service::start(DataDir{dir.path()}, options);
    if (!service.ok() || !addFunction(**service, QStringLiteral("noop"), runtime))
        return;
    const quint16 port = (*service)->apiPort();
    constexpr int kWindowSeconds = 30;
    const int windows = std::max(2, minutes * 60 / kWindowSeconds);
    std::vector<double> rates;
    double failed = 0;
    const double rssBefore = bench::residentMb();
    double rssAfterFirst = 0;
    for (int i = 0; i < windows; ++i) {
        double non2xx = 0;
        const double rps = runWrk(dir.path(), port, &non2xx, kWindowSeconds);
        if (rps <= 0)
            return;
        rates.push_back(rps);
        failed += non2xx;
        if (i == 0)
            rssAfterFirst = bench::residentMb();
        QTextStream(stderr) << "soak " << label << " window " << i + 1 << "/" << windows << ": " << qRound(rps)
                            << " inv/s, rss " << qRound(bench::residentMb()) << " MB" << Qt::endl;
    }
    const QString key = QStringLiteral("soak.%1.").arg(label);
    std::vector<double> sorted = rates;
    const double median = bench::percentile(sorted, 50);
    reporter.add(key + QStringLiteral("minutes"), double(windows * kWindowSeconds) / 60.0, QStringLiteral("min"));
    reporter.add(key + QStringLiteral("first_window"), rates.front(), QStringLiteral("inv/s"));
    reporter.add(key + QStringLiteral("last_window"), rates.back(), QStringLiteral("inv/s"));
    reporter.add(key + QStringLiteral("median_window"), median, QStringLiteral("inv/s"));
    reporter.add(key + QStringLiteral("last_vs_first_percent"), 100.0 * rates.back() / rates.front(), QStringLiteral("%"),
                 QStringLiteral("flat (~100 %)"));
    reporter.add(key + QStringLiteral("slowest_vs_median_percent"),
                 100.0 * *std::min_element(rates.begin(), rates.end()) / median, QStringLiteral("%"));
    reporter.add(key + QStringLiteral("non2xx"), failed, QStringLiteral("responses"), QStringLiteral("== 0"));
    reporter.add(key + QStringLiteral("rss_growth_after_first_window_mb"), bench::residentMb() - rssAfterFirst,
                 QStringLiteral("MB"));
    reporter.add(key + QStringLiteral("rss_start_mb"), rssBefore, QStringLiteral("MB"));
    // A function error (an out-of-memory kill, say) is a 200 on the wire, as on Lambda:
    // what the store recorded says whether every invocation really succeeded.
    if ((*service)->writer() && (*service)->writer()->flush()) {
        if (auto conn = store::Connection::open(DataDir{dir.path()}.database(), {.readOnly = true})) {
            if (auto totals = store::functionTotals(*conn); totals && !totals->isEmpty()) {
                reporter.add(key + QStringLiteral("recorded_invocations"), double(totals->first().invocations),
                             QStringLiteral("inv"));
                reporter.add(key + QStringLiteral("function_errors"), double(totals->first().errors),
                             QStringLiteral("inv"), QStringLiteral("== 0"));
            }
        }
    }
}

int soakMinutes()
{
    bool ok = false;
    const int m = qEnvironmentVariableIntValue("FUNCDESK_SOAK_MINUTES", &ok);
    return ok && m > 0 ? m : 2;
}

} // namespace

FUNCDESK_BENCHMARK("soak.python3")
{
    soakRuntime(reporter, QStringLiteral("python3"), Runtime::Python3, soakMinutes());
}

FUNCDESK_BENCHMARK("soak.nodejs")
{
    soakRuntime(reporter, QStringLiteral("nodejs"), Runtime::NodeJs, soakMinutes());
}

FUNCDESK_BENCHMARK("api.python3")
{
    benchRuntime(reporter, QStringLiteral("python3"), Runtime::Python3, true);
    benchRuntime(reporter, QStringLiteral("python3"), Runtime::Python3, false); // the cost of recording, by difference
}

FUNCDESK_BENCHMARK("api.nodejs")
{
    benchRuntime(reporter, QStringLiteral("nodejs"), Runtime::NodeJs, true);
}
