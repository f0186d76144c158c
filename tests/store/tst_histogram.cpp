// The rollup duration histogram: percentiles within 2 % of exact on several
// distributions, lossless blob round trip, merging, malformed blobs.
#include "store/histogram.h"

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace funcdesk::store;

namespace {

enum class Dist { Uniform,
                  Exponential,
                  LogNormal,
                  Bimodal,
                  Constant,
                  SubMillisecond,
                  Pareto };

std::vector<double> sample(Dist d, int n, unsigned seed)
{
    std::mt19937_64 rng(seed);
    std::vector<double> v;
    v.reserve(size_t(n));
    std::uniform_real_distribution<double> uni(1, 3000);
    std::exponential_distribution<double> expo(1.0 / 40);
    std::lognormal_distribution<double> logn(3.0, 1.2);
    std::normal_distribution<double> fast(2.0, 0.3), slow(800, 90);
    std::bernoulli_distribution coin(0.1);
    std::uniform_real_distribution<double> sub(0.02, 0.9);
    std::uniform_real_distribution<double> u01(0, 1);
    for (int i = 0; i < n; ++i) {
        switch (d) {
        case Dist::Uniform:
            v.push_back(uni(rng));
            break;
        case Dist::Exponential:
            v.push_back(expo(rng));
            break;
        case Dist::LogNormal:
            v.push_back(logn(rng));
            break;
        case Dist::Bimodal:
            v.push_back(std::max(0.01, coin(rng) ? slow(rng) : fast(rng)));
            break;
        case Dist::Constant:
            v.push_back(12.5);
            break;
        case Dist::SubMillisecond:
            v.push_back(sub(rng));
            break;
        case Dist::Pareto:
            v.push_back(5.0 / std::pow(1 - u01(rng), 1 / 1.5));
            break;
        }
    }
    return v;
}

double exactPercentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    const auto rank = std::max<size_t>(1, size_t(std::ceil(p / 100.0 * double(v.size()))));
    return v[rank - 1];
}

} // namespace

Q_DECLARE_METATYPE(Dist)

class TestHistogram : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void percentilesWithin2Percent_data()
    {
        QTest::addColumn<Dist>("dist");
        QTest::addColumn<int>("n");
        QTest::newRow("uniform") << Dist::Uniform << 20000;
        QTest::newRow("exponential") << Dist::Exponential << 20000;
        QTest::newRow("lognormal") << Dist::LogNormal << 50000;
        QTest::newRow("bimodal") << Dist::Bimodal << 20000;
        QTest::newRow("constant") << Dist::Constant << 1000;
        QTest::newRow("sub-millisecond") << Dist::SubMillisecond << 20000;
        QTest::newRow("pareto tail") << Dist::Pareto << 20000;
        QTest::newRow("few samples") << Dist::LogNormal << 7;
    }
    void percentilesWithin2Percent()
    {
        QFETCH(Dist, dist);
        QFETCH(int, n);
        const std::vector<double> values = sample(dist, n, 42);
        // Split over many histograms stored as blobs and merged back, like a range query.
        std::vector<QByteArray> blobs(17);
        std::vector<DurationHistogram> parts(blobs.size());
        for (size_t i = 0; i < values.size(); ++i)
            parts[i % parts.size()].add(values[i]);
        for (size_t i = 0; i < parts.size(); ++i)
            blobs[i] = parts[i].encode();
        DurationHistogram merged;
        for (const QByteArray &b : blobs)
            QVERIFY(merged.mergeBlob(b));
        QCOMPARE(merged.count(), quint64(n));
        merged.setBounds(-1, *std::max_element(values.begin(), values.end()));
        for (double p : {50.0, 90.0, 99.0, 99.9}) {
            const double exact = exactPercentile(values, p);
            const double approx = merged.percentile(p);
            const double rel = std::abs(approx - exact) / exact;
            QVERIFY2(rel <= 0.02, qPrintable(QStringLiteral("p%1 exact %2 approx %3 (%4 %)").arg(p).arg(exact).arg(approx).arg(rel * 100)));
        }
    }

    void bucketsAreContiguousAndNarrow()
    {
        for (int b = 1; b < DurationHistogram::kBuckets - 1; ++b) {
            const double lo = DurationHistogram::bucketLow(b);
            const double hi = DurationHistogram::bucketHigh(b);
            QVERIFY(hi / lo <= 1.0101);
            QCOMPARE(DurationHistogram::bucketOf(lo * 1.000001), b);
        }
        QCOMPARE(DurationHistogram::bucketOf(0), 0);
        QCOMPARE(DurationHistogram::bucketOf(DurationHistogram::kMinMs * 0.999), 0);
        QCOMPARE(DurationHistogram::bucketOf(-5), 0);
        QCOMPARE(DurationHistogram::bucketOf(std::nan("")), 0);
        QCOMPARE(DurationHistogram::bucketOf(1e12), DurationHistogram::kBuckets - 1);
        QVERIFY(DurationHistogram::bucketHigh(DurationHistogram::kBuckets - 2) > 900'000); // a 15 min timeout fits
    }

    // A value's bucket is the one whose reported bounds hold it, exactly at the bounds
    // too: [low, high).
    void everyValueLandsInTheBucketWhoseBoundsHoldIt()
    {
        for (int b = 1; b < DurationHistogram::kBuckets; ++b) {
            const double lo = DurationHistogram::bucketLow(b);
            QCOMPARE(DurationHistogram::bucketOf(lo), b);
            QCOMPARE(DurationHistogram::bucketOf(std::nextafter(lo, 0.0)), b - 1);
        }
        QRandomGenerator rng(7);
        for (int i = 0; i < 200'000; ++i) {
            const double ms = std::exp(rng.generateDouble() * std::log(2e6 / 1e-4)) * 1e-4; // 0.1 us .. 2e6 ms
            const int b = DurationHistogram::bucketOf(ms);
            if (b == 0) {
                QVERIFY2(ms < DurationHistogram::kMinMs, qPrintable(QString::number(ms, 'g', 17)));
            } else {
                QVERIFY2(DurationHistogram::bucketLow(b) <= ms, qPrintable(QString::number(ms, 'g', 17)));
                if (b < DurationHistogram::kBuckets - 1)
                    QVERIFY2(ms < DurationHistogram::bucketHigh(b), qPrintable(QString::number(ms, 'g', 17)));
            }
        }
    }

    void blobRoundTripIsLossless()
    {
        DurationHistogram h;
        for (double v : sample(Dist::LogNormal, 5000, 7))
            h.add(v);
        h.add(0, 3);
        DurationHistogram back;
        QVERIFY(back.mergeBlob(h.encode()));
        QCOMPARE(back.count(), h.count());
        QCOMPARE(back.encode(), h.encode());
        QVERIFY(DurationHistogram().encode().isEmpty());
    }

    void malformedBlobMergesNothing_data()
    {
        QTest::addColumn<QByteArray>("blob");
        QTest::newRow("truncated varint") << QByteArray("\x05\x80", 2);
        QTest::newRow("bucket out of range") << QByteArray("\xff\x7f\x01", 3);
        QTest::newRow("missing count") << QByteArray("\x05", 1);
    }
    void malformedBlobMergesNothing()
    {
        QFETCH(QByteArray, blob);
        DurationHistogram h;
        h.add(3);
        QVERIFY(!h.mergeBlob(blob));
        QCOMPARE(h.count(), quint64(1));
    }

    void emptyHistogramPercentileIsZero() { QCOMPARE(DurationHistogram().percentile(99), 0.0); }
};

QTEST_GUILESS_MAIN(TestHistogram)
#include "tst_histogram.moc"
