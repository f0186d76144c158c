#include "store/histogram.h"

#include <algorithm>
#include <cmath>

namespace funcdesk::store {

namespace {

const double kLogGrowth = std::log(DurationHistogram::kGrowth);

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
    const int i = 1 + int(std::floor(std::log(ms / kMinMs) / kLogGrowth));
    return std::min(i, kBuckets - 1);
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
