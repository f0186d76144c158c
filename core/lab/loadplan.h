#pragma once
// An open-loop load schedule: the shape of the request rate over a run, and the intended
// send time of every request. Plain value types and pure functions: parse and plan on any
// thread (LoadRunner plans on its pacer thread), copy freely.
//
// Shape syntax (the CLI's --shape; rates are requests per second):
//   constant               the --rate for the whole run (also the empty spec)
//   constant:200           200/s, overriding --rate
//   ramp:0..500            linear from 0/s to 500/s over the run's duration
//   steps:100,200,400      equal-length steps: the duration split in three
//   spike:50..500@10s+5s   50/s, except 500/s from 10 s into the run for 5 s
//   spike:500@10s+5s       the same with the --rate as the base
//   poisson                exponential gaps with mean 1/--rate (seeded: reproducible)
//   poisson:200            the same at 200/s
// The times after @ and + take parseDuration()'s units (500ms, 10s, 2m, 1h, bare seconds).
//
// Send times (intendedSendTimesUs): for every shape but poisson, request n (from 0) is
// due when the integral of rate(t) from 0 reaches n. So the first request goes at t = 0,
// a constant r over d seconds sends ceil(r * d) requests, r * d exactly when that is a
// whole number, evenly spaced 1/r apart, and a ramp is denser where its rate is higher.
// Poisson arrivals are a Poisson process: the first comes one random gap after t = 0.

#include "common/result.h"

#include <QList>
#include <QString>

namespace funcdesk::lab {

// Bounds that keep a typo from planning (and holding in memory) billions of requests.
inline constexpr double kMaxRate = 100'000; // requests per second
inline constexpr qint64 kMaxPlannedRequests = 10'000'000;
// A run longer than a day is not an experiment, and LoadRunner's timers count in int ms.
inline constexpr double kMaxDurationSeconds = 24 * 3600;

struct LoadShape
{
    enum Kind { Constant,
                Ramp,
                Steps,
                Spike,
                Poisson };
    Kind kind = Constant;

    double rate = 0;         // Constant, Poisson
    double fromRate = 0;     // Ramp: the rate at t = 0 ...
    double toRate = 0;       //       ... and at the end of the run
    QList<double> stepRates; // Steps: one rate per equal-length step
    double baseRate = 0;     // Spike: the rate outside the spike
    double spikeRate = 0;    //        the rate during it
    double spikeStartSeconds = 0;
    double spikeLengthSeconds = 0;
};

// Parses a shape spec (syntax above); `rate` is the --rate, used by the forms without
// their own. Errors are errc::InvalidParameterValue with a message naming the problem.
Result<LoadShape> parseLoadShape(const QString &spec, double rate);

// "30s", "2m", "500ms", "1h", "1.5s", "90" (seconds). Above 0, at most kMaxDurationSeconds.
Result<double> parseDuration(const QString &text);

// The shape's rate at `t` seconds into a run of `durationSeconds` (0 outside the run).
// Poisson answers its mean rate.
double rateAt(const LoadShape &shape, double t, double durationSeconds);

// The number of requests the shape means over the run (the integral of its rate), before
// rounding; Poisson answers its mean, rate * duration.
double expectedRequests(const LoadShape &shape, double durationSeconds);

// Checks what only the duration decides: the duration is positive, a spike starts within
// the run, and the plan sends something but no more than kMaxPlannedRequests.
Status validateShape(const LoadShape &shape, double durationSeconds);

// Every request's intended send time, in microseconds from the start, non-decreasing and
// all below durationSeconds, at most kMaxPlannedRequests of them. `seed` drives Poisson
// only: the same seed, the same times.
QList<qint64> intendedSendTimesUs(const LoadShape &shape, double durationSeconds, quint64 seed = 1);

} // namespace funcdesk::lab
