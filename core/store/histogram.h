#pragma once
// Duration histogram with log-linear buckets, mergeable and stored sparsely as a blob in
// the rollup tables, so percentiles over any range come from merged histograms and never
// from raw rows.
//
// Buckets: bucket 0 holds values below kMinMs (0.001 ms, including 0); bucket i >= 1
// holds [kMinMs * g^(i-1), kMinMs * g^i) with g = 1.01, i.e. 1 % relative width. A
// percentile is reported as the bucket's geometric midpoint (clamped to the observed
// min/max), so it is within 0.5 % of the exact sample at that rank. Values above
// ~1e6 ms land in the last bucket.
//
// Blob format: a sequence of (bucket index delta, count) pairs, both LEB128 varints,
// ascending by bucket. Plain value type; no thread affinity.

#include <QByteArray>

#include <vector>

namespace funcdesk::store {

class DurationHistogram
{
public:
    static constexpr double kMinMs = 0.001;
    static constexpr double kGrowth = 1.01;
    static constexpr int kBuckets = 2100;

    static int bucketOf(double ms);
    static double bucketLow(int bucket);  // inclusive
    static double bucketHigh(int bucket); // exclusive
    static double representative(int bucket);

    void add(double ms, quint64 n = 1);
    // add() when bucketOf(ms) is already known (one log() for several histograms).
    void addToBucket(int bucket, double ms, quint64 n = 1);
    void merge(const DurationHistogram &other);
    // Merges a stored blob; false if it is malformed (nothing is merged then).
    bool mergeBlob(const QByteArray &blob);
    static bool decode(const QByteArray &blob, DurationHistogram &out) { return out.mergeBlob(blob); }
    QByteArray encode() const;

    quint64 count() const { return m_count; }
    bool isEmpty() const { return m_count == 0; }
    // Nearest-rank percentile, p in (0, 100]. 0 when empty.
    double percentile(double p) const;
    // Optional clamp bounds (the true min/max when known), applied by percentile().
    void setBounds(double minMs, double maxMs);
    void clear();

private:
    void ensure();
    std::vector<quint64> m_counts; // dense while in memory; empty until first add
    quint64 m_count = 0;
    double m_min = -1;
    double m_max = -1;
};

} // namespace funcdesk::store
