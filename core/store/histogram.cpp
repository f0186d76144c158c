#include "store/histogram.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace funcdesk::store {

namespace {

// Bucket lower bounds, exactly as bucketLow() computes them, and log2 of the mantissa
// at 256 points: bucketOf() estimates a bucket from the double's exponent and top
// mantissa bits, then settles it against the bounds. Every bucket is then [low, high)
// by the same arithmetic that reports it, and no log() is taken per record.
struct BucketTable
{
    std::array<double, DurationHistogram::kBuckets> low{};
    std::array<double, 256> log2Mantissa{}; // log2(1 + k/256): a lower bound for its bin
    double bucketsPerOctave = 1 / std::log2(DurationHistogram::kGrowth);

    BucketTable()
    {
        for (int b = 1; b < DurationHistogram::kBuckets; ++b)
            low[size_t(b)] = DurationHistogram::bucketLow(b);
        for (int k = 0; k < 256; ++k)
            log2Mantissa[size_t(k)] = std::log2(1.0 + k / 256.0);
    }
};

const BucketTable &bucketTable()
{
    static const BucketTable table;
    return table;
}

void putVarint(QByteArray &out, quint64 v)
{
    while (v >= 0x80) {
        out.append(char((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.append(char(v));
}

bool getVarint(const char *&p, const char *end, quint64 &v)
{
    v = 0;
    for (int shift = 0; p < end && shift < 64; shift += 7) {
        const auto byte = quint8(*p++);
        v |= quint64(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return true;
    }
    return false;
}

} // namespace

int DurationHistogram::bucketOf(double ms)
{
    if (!(ms >= kMinMs)) // also catches NaN
        return 0;
    const BucketTable &t = bucketTable();
    if (ms >= t.low[kBuckets - 1])
        return kBuckets - 1;
    // ms / kMinMs is in [1, ~1e9): a normal double, whose log2 is its exponent plus the
    // log2 of its mantissa, here from a table within 0.4 buckets.
    const auto bits = std::bit_cast<std::uint64_t>(ms / kMinMs);
    const int exponent = int((bits >> 52) & 0x7ff) - 1023;
    const double log2 = exponent + t.log2Mantissa[size_t((bits >> 44) & 0xff)];
    int b = std::clamp(1 + int(log2 * t.bucketsPerOctave), 1, kBuckets - 1);
    while (b > 1 && ms < t.low[size_t(b)])
        --b;
    while (b < kBuckets - 1 && ms >= t.low[size_t(b + 1)])
        ++b;
    return b;
}

double DurationHistogram::bucketLow(int bucket)
{
    return bucket <= 0 ? 0.0 : kMinMs * std::pow(kGrowth, bucket - 1);
}

double DurationHistogram::bucketHigh(int bucket)
{
    return kMinMs * std::pow(kGrowth, std::max(bucket, 0));
}

double DurationHistogram::representative(int bucket)
{
    if (bucket <= 0)
        return kMinMs / 2;
    return kMinMs * std::pow(kGrowth, bucket - 0.5);
}

void DurationHistogram::ensure()
{
    if (m_counts.empty())
        m_counts.assign(kBuckets, 0);
}

void DurationHistogram::add(double ms, quint64 n)
{
    if (n == 0)
        return;
    addToBucket(bucketOf(ms), ms, n);
}

void DurationHistogram::addToBucket(int bucket, double ms, quint64 n)
{
    if (n == 0)
        return;
    ensure();
    m_counts[size_t(bucket)] += n;
    m_count += n;
    m_min = m_min < 0 ? ms : std::min(m_min, ms);
    m_max = std::max(m_max, ms);
}

void DurationHistogram::merge(const DurationHistogram &other)
{
    if (other.m_count == 0)
        return;
    ensure();
    for (size_t i = 0; i < other.m_counts.size(); ++i)
        m_counts[i] += other.m_counts[i];
    m_count += other.m_count;
    if (other.m_min >= 0)
        m_min = m_min < 0 ? other.m_min : std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
}

bool DurationHistogram::mergeBlob(const QByteArray &blob)
{
    // Decode into a scratch list first so a malformed blob merges nothing.
    std::vector<std::pair<int, quint64>> entries;
    const char *p = blob.constData();
    const char *end = p + blob.size();
    quint64 bucket = 0;
    bool first = true;
    while (p < end) {
        quint64 delta = 0;
        quint64 n = 0;
        if (!getVarint(p, end, delta) || !getVarint(p, end, n))
            return false;
        bucket = first ? delta : bucket + delta;
        first = false;
        if (bucket >= quint64(kBuckets))
            return false;
        entries.emplace_back(int(bucket), n);
    }
    if (entries.empty())
        return true;
    ensure();
    for (const auto &[b, n] : entries) {
        m_counts[size_t(b)] += n;
        m_count += n;
    }
    return true;
}

QByteArray DurationHistogram::encode() const
{
    QByteArray out;
    int prev = 0;
    for (size_t i = 0; i < m_counts.size(); ++i) {
        if (m_counts[i] == 0)
            continue;
        putVarint(out, quint64(int(i) - prev));
        putVarint(out, m_counts[i]);
        prev = int(i);
    }
    return out;
}

double DurationHistogram::percentile(double p) const
{
    if (m_count == 0)
        return 0;
    const auto rank = std::max<quint64>(1, quint64(std::ceil(p / 100.0 * double(m_count))));
    quint64 seen = 0;
    for (size_t i = 0; i < m_counts.size(); ++i) {
        seen += m_counts[i];
        if (seen >= rank) {
            double v = representative(int(i));
            if (m_min >= 0)
                v = std::max(v, m_min);
            if (m_max >= 0)
                v = std::min(v, m_max);
            return v;
        }
    }
    return m_max >= 0 ? m_max : representative(kBuckets - 1);
}

void DurationHistogram::setBounds(double minMs, double maxMs)
{
    m_min = minMs;
    m_max = maxMs;
}

void DurationHistogram::clear()
{
    m_counts.clear();
    m_count = 0;
    m_min = m_max = -1;
}

} // namespace funcdesk::store
