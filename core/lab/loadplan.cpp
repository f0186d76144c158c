#include "lab/loadplan.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <random>

namespace funcdesk::lab {

namespace {

// Request n is due once the cumulative integral exceeds n by more than this: without it,
// rounding in a sum of step areas (100/s * 2/3 s + ...) could add one request at the very
// end of the run.
constexpr double kCountEpsilon = 1e-9;

Error invalid(const QString &message)
{
    return makeError(errc::InvalidParameterValue, message);
}

Result<double> checkRate(double r, const QString &what)
{
    if (!std::isfinite(r) || r < 0)
        return invalid(what + QStringLiteral(" must be a number of requests per second, zero or more."));
    if (r > kMaxRate)
        return invalid(what + QStringLiteral(" must be at most ") + QString::number(kMaxRate)
                       + QStringLiteral(" requests per second."));
    return r;
}

Result<double> parseRate(const QString &text, const QString &what)
{
    bool ok = false;
    const double r = text.trimmed().toDouble(&ok);
    if (!ok)
        return invalid(what + QStringLiteral(" must be a number of requests per second, not \"") + text
                       + QStringLiteral("\"."));
    return checkRate(r, what);
}

Result<double> parseSeconds(const QString &text, bool allowZero)
{
    static const QRegularExpression re(QStringLiteral("^(\\d+(?:\\.\\d+)?)(ms|s|m|h)?$"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch())
        return invalid(QStringLiteral("\"") + text
                       + QStringLiteral("\" is not a duration (examples: 500ms, 30s, 2m, 1h, 90)."));
    const QString unit = m.captured(2);
    const double value = m.captured(1).toDouble();
    // ms divides rather than multiplying by 0.001, which is not exact in binary: 1500ms is 1.5.
    const double seconds = unit == QLatin1String("ms") ? value / 1000
        : unit == QLatin1String("m")                   ? value * 60
        : unit == QLatin1String("h")                   ? value * 3600
                                                       : value;
    if (seconds <= 0 && !allowZero)
        return invalid(QStringLiteral("The duration must be longer than zero."));
    if (seconds > kMaxDurationSeconds)
        return invalid(QStringLiteral("The duration must be at most 24 hours."));
    return seconds;
}

struct Segment
{
    double t0, t1; // seconds
    double r0, r1; // rate at t0 and at t1, linear in between
};

QList<Segment> segments(const LoadShape &s, double d)
{
    QList<Segment> out;
    auto add = [&](double t0, double t1, double r0, double r1) {
        t0 = std::clamp(t0, 0.0, d);
        t1 = std::clamp(t1, 0.0, d);
        if (t1 > t0)
            out.append({t0, t1, r0, r1});
    };
    switch (s.kind) {
    case LoadShape::Constant:
    case LoadShape::Poisson:
        add(0, d, s.rate, s.rate);
        break;
    case LoadShape::Ramp:
        add(0, d, s.fromRate, s.toRate);
        break;
    case LoadShape::Steps: {
        const qsizetype k = s.stepRates.size();
        for (qsizetype i = 0; i < k; ++i)
            add(d * double(i) / double(k), d * double(i + 1) / double(k), s.stepRates.at(i), s.stepRates.at(i));
        break;
    }
    case LoadShape::Spike: {
        const double end = s.spikeStartSeconds + s.spikeLengthSeconds;
        add(0, s.spikeStartSeconds, s.baseRate, s.baseRate);
        add(s.spikeStartSeconds, end, s.spikeRate, s.spikeRate);
        add(end, d, s.baseRate, s.baseRate);
        break;
    }
    }
    return out;
}

double area(const Segment &g)
{
    return (g.r0 + g.r1) / 2 * (g.t1 - g.t0);
}

// Seconds after g.t0 at which the segment's integral reaches c (0 <= c <= area(g)):
// solves r0*x + (r1 - r0) / (2L) * x^2 = c in the cancellation-free form 2c / (r0 + sqrt(...)).
double timeToReach(const Segment &g, double c)
{
    const double len = g.t1 - g.t0;
    if (c <= 0)
        return 0;
    if (g.r1 == g.r0)
        return std::min(len, c / g.r0);
    const double a = (g.r1 - g.r0) / (2 * len);
    const double disc = std::max(0.0, g.r0 * g.r0 + 4 * a * c);
    const double denom = g.r0 + std::sqrt(disc);
    return denom > 0 ? std::min(len, 2 * c / denom) : len;
}

QString num(double v)
{
    return QString::number(v, 'g', 10);
}

} // namespace

Result<double> parseDuration(const QString &text)
{
    return parseSeconds(text, false);
}

Result<LoadShape> parseLoadShape(const QString &spec, double rate)
{
    const QString s = spec.trimmed();
    const qsizetype colon = s.indexOf(QLatin1Char(':'));
    const QString kind = (colon < 0 ? s : s.left(colon)).trimmed().toLower();
    const QString arg = colon < 0 ? QString() : s.mid(colon + 1).trimmed();
    const bool hasArg = colon >= 0;
    LoadShape shape;

    if (kind.isEmpty() || kind == QLatin1String("constant") || kind == QLatin1String("poisson")) {
        shape.kind = kind == QLatin1String("poisson") ? LoadShape::Poisson : LoadShape::Constant;
        if (kind.isEmpty() && hasArg)
            return invalid(QStringLiteral("\"") + spec + QStringLiteral("\" names no shape."));
        // Their own ":N", else --rate; above zero either way.
        const Result<double> r = hasArg ? parseRate(arg, QStringLiteral("The rate")) : checkRate(rate, QStringLiteral("The rate"));
        if (r && *r <= 0)
            return invalid(QStringLiteral("This shape needs a rate above zero (--rate, or constant:N / poisson:N)."));
        if (r)
            shape.rate = *r;
        return r ? Result<LoadShape>(shape) : Result<LoadShape>(r.error());
    }
    if (kind == QLatin1String("ramp")) {
        const QStringList ends = arg.split(QStringLiteral(".."));
        if (ends.size() != 2)
            return invalid(QStringLiteral("A ramp is written ramp:FROM..TO, e.g. ramp:0..500."));
        const Result<double> from = parseRate(ends.at(0), QStringLiteral("The ramp's start"));
        const Result<double> to = parseRate(ends.at(1), QStringLiteral("The ramp's end"));
        if (!from || !to)
            return from ? to.error() : from.error();
        if (*from == 0 && *to == 0)
            return invalid(QStringLiteral("A ramp from 0 to 0 sends nothing."));
        shape.kind = LoadShape::Ramp;
        shape.fromRate = *from;
        shape.toRate = *to;
        return shape;
    }
    if (kind == QLatin1String("steps")) {
        if (arg.isEmpty())
            return invalid(QStringLiteral("Steps are written steps:R1,R2,..., e.g. steps:100,200,400."));
        shape.kind = LoadShape::Steps;
        bool any = false;
        for (const QString &part : arg.split(QLatin1Char(','))) {
            const Result<double> r = parseRate(part, QStringLiteral("Each step"));
            if (!r)
                return r.error();
            any = any || *r > 0;
            shape.stepRates.append(*r);
        }
        if (!any)
            return invalid(QStringLiteral("Every step is 0: nothing would be sent."));
        return shape;
    }
    if (kind == QLatin1String("spike")) {
        // BASE..PEAK@START+LENGTH, or PEAK@START+LENGTH on top of --rate.
        const QString usage = QStringLiteral("A spike is written spike:BASE..PEAK@START+LENGTH, e.g. spike:50..500@10s+5s.");
        const QStringList rateAndTime = arg.split(QLatin1Char('@'));
        if (rateAndTime.size() != 2)
            return invalid(usage);
        const QStringList rates = rateAndTime.at(0).split(QStringLiteral(".."));
        const QStringList times = rateAndTime.at(1).split(QLatin1Char('+'));
        if (rates.size() > 2 || times.size() != 2)
            return invalid(usage);
        const Result<double> base = rates.size() == 2 ? parseRate(rates.at(0), QStringLiteral("The spike's base"))
                                                      : checkRate(rate, QStringLiteral("The rate"));
        if (!base)
            return base.error();
        const Result<double> peak = parseRate(rates.last(), QStringLiteral("The spike's peak"));
        const Result<double> start = parseSeconds(times.at(0), true);
        const Result<double> length = parseSeconds(times.at(1), false);
        for (const Result<double> *r : {&peak, &start, &length}) {
            if (!*r)
                return r->error();
        }
        if (*base == 0 && *peak == 0)
            return invalid(QStringLiteral("A spike from 0 to 0 sends nothing."));
        shape.kind = LoadShape::Spike;
        shape.baseRate = *base;
        shape.spikeRate = *peak;
        shape.spikeStartSeconds = *start;
        shape.spikeLengthSeconds = *length;
        return shape;
    }
    return invalid(QStringLiteral("Unknown load shape \"") + kind
                   + QStringLiteral("\" (constant, ramp:A..B, steps:A,B,..., spike:BASE..PEAK@START+LENGTH, poisson)."));
}

double rateAt(const LoadShape &shape, double t, double durationSeconds)
{
    for (const Segment &g : segments(shape, durationSeconds)) {
        if (t >= g.t0 && t < g.t1)
            return g.r0 + (g.r1 - g.r0) * (t - g.t0) / (g.t1 - g.t0);
    }
    return 0;
}

double expectedRequests(const LoadShape &shape, double durationSeconds)
{
    double total = 0;
    for (const Segment &g : segments(shape, durationSeconds))
        total += area(g);
    return total;
}

Status validateShape(const LoadShape &shape, double durationSeconds)
{
    if (!std::isfinite(durationSeconds) || durationSeconds <= 0)
        return invalid(QStringLiteral("The duration must be longer than zero."));
    if (shape.kind == LoadShape::Spike && shape.spikeStartSeconds >= durationSeconds)
        return invalid(QStringLiteral("The spike starts at ") + num(shape.spikeStartSeconds)
                       + QStringLiteral(" s, after the run's end (") + num(durationSeconds) + QStringLiteral(" s)."));
    const double n = expectedRequests(shape, durationSeconds);
    if (!(n > 0)) // a hand-built shape with no (or a negative) rate
        return invalid(QStringLiteral("The plan sends nothing: every rate is 0."));
    if (n > double(kMaxPlannedRequests))
        return invalid(QStringLiteral("The plan has ") + QString::number(qint64(n))
                       + QStringLiteral(" requests; the limit is ") + QString::number(kMaxPlannedRequests)
                       + QStringLiteral("."));
    return {};
}

QList<qint64> intendedSendTimesUs(const LoadShape &shape, double durationSeconds, quint64 seed)
{
    QList<qint64> out;
    if (!(durationSeconds > 0))
        return out;
    const qint64 endUs = qint64(std::ceil(durationSeconds * 1e6));
    if (shape.kind == LoadShape::Poisson) {
        if (!(shape.rate > 0))
            return out;
        // mt19937_64's output is fixed by the standard; the distributions are not, so the
        // exponential gap is computed here to give the same times on every platform.
        std::mt19937_64 rng(seed);
        double t = 0;
        for (;;) {
            const double u = double(rng() >> 11) * 0x1.0p-53; // [0, 1)
            t += -std::log1p(-u) / shape.rate;
            const qint64 us = qRound64(t * 1e6);
            if (t >= durationSeconds || us >= endUs || out.size() >= kMaxPlannedRequests)
                break;
            out.append(us);
        }
        return out;
    }
    out.reserve(qsizetype(std::min(expectedRequests(shape, durationSeconds) + 1, double(kMaxPlannedRequests))));
    double before = 0; // the integral up to the current segment's start
    qint64 n = 0;
    for (const Segment &g : segments(shape, durationSeconds)) {
        const double after = before + area(g);
        for (; double(n) < after - kCountEpsilon && out.size() < kMaxPlannedRequests; ++n) {
            const qint64 us = qRound64((g.t0 + timeToReach(g, double(n) - before)) * 1e6);
            out.append(std::min(us, endUs - 1));
        }
        before = after;
    }
    return out;
}

} // namespace funcdesk::lab
