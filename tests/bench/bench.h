#pragma once
// Benchmark registry: each bench_<unit>.cpp registers functions with FUNCDESK_BENCHMARK.
// A benchmark reports figures (name -> value, unit); bench_main prints a table and
// writes them all to bench-results.json. Figures are medians of repeated runs unless a
// name says otherwise (p99, max, ...).

#include <QFile>
#include <QString>

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

namespace funcdesk::bench {

struct Figure
{
    QString name;
    double value = 0;
    QString unit;
    QString budget; // human text, e.g. "<= 50 us"; empty when none
};

class Reporter
{
public:
    void add(QString name, double value, QString unit, QString budget = {})
    {
        figures.push_back(Figure{std::move(name), value, std::move(unit), std::move(budget)});
    }
    std::vector<Figure> figures;
};

using BenchFn = std::function<void(Reporter &)>;

struct Registration
{
    QString name;
    BenchFn fn;
};

std::vector<Registration> &registry();

struct Registrar
{
    Registrar(const char *name, BenchFn fn) { registry().push_back({QString::fromLatin1(name), std::move(fn)}); }
};

// This process's resident set size (VmRSS), in MB.
inline double residentMb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return 0;
}

inline double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const size_t idx = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * double(v.size())));
    return v[idx];
}

inline double nowUs()
{
    using namespace std::chrono;
    return duration<double, std::micro>(steady_clock::now().time_since_epoch()).count();
}

} // namespace funcdesk::bench

#define FUNCDESK_BENCH_CAT2(a, b) a##b
#define FUNCDESK_BENCH_CAT(a, b) FUNCDESK_BENCH_CAT2(a, b)
#define FUNCDESK_BENCHMARK(name)                                                                                               \
    static void FUNCDESK_BENCH_CAT(bench_fn_, __LINE__)(funcdesk::bench::Reporter &);                                          \
    static funcdesk::bench::Registrar FUNCDESK_BENCH_CAT(bench_reg_, __LINE__)(name, FUNCDESK_BENCH_CAT(bench_fn_, __LINE__)); \
    static void FUNCDESK_BENCH_CAT(bench_fn_, __LINE__)(funcdesk::bench::Reporter & reporter)
