// HTTP API benchmarks: warm invoke latency over one keep-alive connection (p50/p99) and
// throughput with 16 connections (wrk, 2 threads, ~10 s) for no-op python3 and nodejs
// handlers, through the full Service (engine, recording, API thread); and a soak at
// that load (FUNCDESK_SOAK_MINUTES per runtime, default 2) to show it stays flat.
#include "bench.h"
#include "wrk.h"

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
    const QByteArray request = QByteArrayLiteral("POST /2015-03-31/functions/noop/invocations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                 "Content-Type: application/json\r\nContent-Length: 2\r\n")
        + "Authorization: " + bench::kSigV4 + "\r\n\r\n{}";

    if (record) {
        // Latency: one keep-alive connection, warm environment.
        RawClient client(port);
        std::vector<double> samples;
        for (int i = 0; i < 300 && client.ok(); ++i)
            client.roundTrip(request);
        for (int i = 0; i < 3000 && client.ok(); ++i) {
            const double t0 = bench::nowUs();
            if (client.roundTrip(request) != 200)
                break;
            samples.push_back(bench::nowUs() - t0);
        }
        reporter.add(QStringLiteral("api.%1.http_p50_us").arg(label), bench::percentile(samples, 50), QStringLiteral("us"),
                     QStringLiteral("<= 150 us"));
        reporter.add(QStringLiteral("api.%1.http_p99_us").arg(label), bench::percentile(samples, 99), QStringLiteral("us"));
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
