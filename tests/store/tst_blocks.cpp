// Packed invocation blocks (store/blocks.h): every field survives the round trip, bad
// blobs are refused with an error, and a request id is found whichever way it is
// stored: by its UUIDv7 time, or through invocation_request_ids when its record started
// far from that time (an async event that waited) or the id is not a UUIDv7.

#include "common/ids.h"
#include "store/blocks.h"
#include "store/queries.h"
#include "store/retention.h"
#include "store/sqlite.h"
#include "store/writer.h"
#include "tempdb.h"

#include <QDateTime>
#include <QTest>

#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

using namespace funcdesk;
using namespace funcdesk::store;

namespace {

InvocationRecord fullRecord(int i)
{
    InvocationRecord r;
    r.requestId = newRequestId();
    r.function = QStringLiteral("fn");
    r.version = i % 2 ? QStringLiteral("3") : QStringLiteral("$LATEST");
    r.alias = i % 3 ? QString() : QStringLiteral("live");
    r.environmentId = QStringLiteral("env-%1").arg(i % 4);
    r.trigger = i % 2 ? TriggerKind::FunctionUrl : TriggerKind::Async;
    r.startMs = QDateTime::currentMSecsSinceEpoch() + i;
    r.durationMs = 1.25 + i;
    r.billedDurationMs = 2 + i;
    r.initDurationMs = i % 5 == 0 ? 123.5 : 0;
    r.cold = i % 5 == 0;
    r.memorySizeMb = 1769;
    r.maxMemoryUsedMb = 61 + i % 7;
    r.status = i % 4 == 1 ? InvocationStatus::Error : InvocationStatus::Success;
    r.errorType = r.status == InvocationStatus::Error ? QStringLiteral("ValueError") : QString();
    r.errorMessage = r.status == InvocationStatus::Error ? QStringLiteral("bad value \u00e9\u4e2d %1").arg(i) : QString();
    r.requestBytes = 6 * 1024 * 1024;
    r.responseBytes = i;
    r.costUsd = 1e-7 * (i + 1);
    r.architecture = i % 2 ? QStringLiteral("arm64") : QStringLiteral("x86_64");
    r.logTruncated = i % 6 == 0;
    r.initFailed = i % 11 == 0;
    r.debugged = i % 13 == 0;
    return r;
}

// A 128 MB no-op function's record as the load generator makes them, served by one of
// four environments; the rest as each test needs.
InvocationRecord loadRecord(int i, qint64 startMs)
{
    InvocationRecord r;
    r.requestId = newRequestId();
    r.function = QStringLiteral("fn");
    r.version = QStringLiteral("$LATEST");
    r.environmentId = QStringLiteral("env-%1").arg(i % 4);
    r.trigger = TriggerKind::LoadGenerator;
    r.startMs = startMs;
    r.memorySizeMb = 128;
    r.requestBytes = 2;
    r.architecture = QStringLiteral("x86_64");
    return r;
}

// billed and cost: the writer sets them from its cost model, so only for encoded blocks.
void compareRecords(const InvocationRecord &a, const InvocationRecord &b, bool billing = true)
{
    QCOMPARE(a.requestId, b.requestId);
    QCOMPARE(a.function, b.function);
    QCOMPARE(a.version, b.version);
    QCOMPARE(a.alias, b.alias);
    QCOMPARE(a.environmentId, b.environmentId);
    QCOMPARE(a.trigger, b.trigger);
    QCOMPARE(a.startMs, b.startMs);
    QCOMPARE(a.durationMs, b.durationMs);
    if (billing)
        QCOMPARE(a.billedDurationMs, b.billedDurationMs);
    QCOMPARE(a.initDurationMs, b.initDurationMs);
    QCOMPARE(a.cold, b.cold);
    QCOMPARE(a.memorySizeMb, b.memorySizeMb);
    QCOMPARE(a.maxMemoryUsedMb, b.maxMemoryUsedMb);
    QCOMPARE(a.status, b.status);
    QCOMPARE(a.errorType, b.errorType);
    QCOMPARE(a.errorMessage, b.errorMessage);
    QCOMPARE(a.requestBytes, b.requestBytes);
    QCOMPARE(a.responseBytes, b.responseBytes);
    if (billing)
        QCOMPARE(a.costUsd, b.costUsd);
    QCOMPARE(a.architecture, b.architecture);
    QCOMPARE(a.logTruncated, b.logTruncated);
    QCOMPARE(a.initFailed, b.initFailed);
    QCOMPARE(a.debugged, b.debugged);
}

// One record as an older build wrote it, byte by byte: format 1 (76-byte records), 2
// (92: a UUID request id as 16 bytes, flag 4) or 3 (the 92 bytes, the memory column once).
// Billed time and cost as given.
QByteArray legacyBlock(quint8 format, const InvocationRecord &r, const QStringList &strings,
                       const std::array<quint16, 9> &stringIndexes, qint64 billedMs, double costUsd)
{
    QByteArray blob(1, char(format));
    auto u32 = [&](quint32 v) { blob.append(reinterpret_cast<const char *>(&v), 4); };
    u32(quint32(strings.size()));
    for (const QString &s : strings) {
        const QByteArray utf8 = s.toUtf8();
        u32(quint32(utf8.size()));
        blob.append(utf8);
    }
    u32(1);
    if (format == 3) { // the memory column (7) stored once
        u32(1u << 7);
        const qint32 memory = r.memorySizeMb;
        blob.append(reinterpret_cast<const char *>(&memory), 4);
    }
    QByteArray rec(format == 1 ? 76 : 92, '\0');
    auto put = [&](int at, auto v) { std::memcpy(rec.data() + at, &v, sizeof v); };
    put(0, r.startMs);
    put(8, r.durationMs);
    put(16, billedMs);
    put(24, r.initDurationMs);
    put(32, costUsd);
    put(40, quint32(r.requestBytes));
    put(44, quint32(r.responseBytes));
    put(48, qint32(r.memorySizeMb));
    put(52, qint32(r.maxMemoryUsedMb));
    std::memcpy(rec.data() + 56, stringIndexes.data(), 18);
    put(74, quint16((r.cold ? 1 : 0) | (r.logTruncated ? 2 : 0) | (format >= 2 ? 4 : 0) | (r.initFailed ? 8 : 0) | (r.debugged ? 16 : 0)));
    if (format >= 2)
        rec.replace(76, 16, QByteArray::fromHex(r.requestId.toLatin1().replace('-', "")));
    if (format == 3)
        rec.remove(48, 4);
    blob.append(rec);
    return blob;
}

} // namespace

class TestBlocks : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyFieldSurvivesTheRoundTrip()
    {
        std::vector<InvocationRecord> records;
        for (int i = 0; i < 40; ++i)
            records.push_back(fullRecord(i));
        std::vector<const InvocationRecord *> ptrs;
        for (const auto &r : records)
            ptrs.push_back(&r);
        auto block = BlockReader::parse(encodeBlock(ptrs), QStringLiteral("fn"), 7);
        QVERIFY2(block, qPrintable(block ? QString() : block.error().toString()));
        QCOMPARE(block->size(), 40);
        QCOMPARE(block->invocationId(3), 7 * kBlockIdSlots + 3);
        for (int i = 0; i < 40; ++i) {
            compareRecords(block->record(i), records[size_t(i)]);
            QVERIFY(block->hasRequestId(i, records[size_t(i)].requestId.toUtf8()));
            QVERIFY(!block->hasRequestId(i, records[size_t((i + 1) % 40)].requestId.toUtf8()));
        }
    }

    void badBlobsAreRefused()
    {
        const InvocationRecord r1 = fullRecord(1), r2 = fullRecord(2);
        const InvocationRecord *two[] = {&r1, &r2};
        const QByteArray good = encodeBlock(two);
        QVERIFY(BlockReader::parse(good, QStringLiteral("fn"), 1));
        // Format 3's constant-column mask follows the strings and the record count.
        QByteArray unknownColumn = good;
        qsizetype at = 1;
        quint32 strings = 0;
        std::memcpy(&strings, good.constData() + at, 4);
        at += 4;
        for (quint32 i = 0; i < strings; ++i) {
            quint32 len = 0;
            std::memcpy(&len, good.constData() + at, 4);
            at += 4 + qsizetype(len);
        }
        at += 4;
        unknownColumn[at + 3] = char(unknownColumn[at + 3] | 0x80); // bit 31: no such column
        // Format 4's narrow mask follows: the cost (column 4) has no narrow form.
        QByteArray unnarrowable = good;
        unnarrowable[at + 4] = char(unnarrowable[at + 4] | 0x10);
        const QByteArray bads[] = {QByteArray(),
                                   QByteArray(QByteArray("\x05", 1) + good.mid(1)),
                                   good.left(good.size() - 1),
                                   QByteArray(good + QByteArray(1, '\0')),
                                   good.left(9),
                                   unknownColumn,
                                   unnarrowable};
        for (const QByteArray &bad : bads) {
            auto b = BlockReader::parse(bad, QStringLiteral("fn"), 1);
            QVERIFY(!b);
            QVERIFY2(b.error().message.contains(QLatin1String("invocation block 1")), qPrintable(b.error().message));
        }
    }

    // Canonical UUIDs are stored as 16 bytes, anything else as a string: every id reads
    // back exactly as written and is found by its exact text only.
    void requestIdsReadBackExactly()
    {
        const QString ids[] = {
            newRequestId(),                                         // v7, as the engine makes them
            QStringLiteral("3f1c1c0e-1b2a-4c3d-8e4f-5a6b7c8d9e0f"), // v4
            QStringLiteral("3F1C1C0E-1B2A-4C3D-8E4F-5A6B7C8D9E0F"), // uppercase: kept as text
            QStringLiteral("3f1c1c0e-1b2a-4c3d-8e4f-5a6b7c8d9e0g"), // not hex
            QStringLiteral("3f1c1c0e1b2a-4c3d-8e4f-5a6b7c8d9e0f0"), // hyphens elsewhere
            QStringLiteral("hello-req-7"),
            QStringLiteral("r\u00e9q-\u4e2d"),
            // Not ASCII, though the low byte of U+0161 is 'a': kept as text.
            QStringLiteral("3f1c1c0e-1b2a-4c3d-8e4f-5a6b7c8d9e0\u0161"),
        };
        std::vector<InvocationRecord> records;
        for (const QString &id : ids) {
            InvocationRecord r = fullRecord(int(records.size()));
            r.requestId = id;
            records.push_back(r);
        }
        std::vector<const InvocationRecord *> ptrs;
        for (const auto &r : records)
            ptrs.push_back(&r);
        const QByteArray blob = encodeBlock(ptrs);
        auto block = BlockReader::parse(blob, QStringLiteral("fn"), 3);
        QVERIFY2(block, qPrintable(block ? QString() : block.error().toString()));
        for (int i = 0; i < block->size(); ++i) {
            QCOMPARE(block->requestId(i), ids[i]);
            QCOMPARE(block->record(i).requestId, ids[i]);
            QVERIFY(block->hasRequestId(i, ids[i].toUtf8()));
            QVERIFY(!block->hasRequestId(i, ids[i].toLower().toUtf8()) || ids[i] == ids[i].toLower());
            QVERIFY(!block->hasRequestId(i, ids[(i + 1) % block->size()].toUtf8()));
        }
        // The two canonical ids take 16 bytes each, not a 4-byte length and 36 characters.
        QVERIFY(!blob.contains(ids[0].toUtf8()));
        QVERIFY(!blob.contains(ids[1].toUtf8()));
        QVERIFY(blob.contains(ids[2].toUtf8()));
    }

    // Blocks written before request ids were stored as bytes (format 1: 76-byte records,
    // every id a string) still read.
    void formatOneBlocksStillRead()
    {
        const InvocationRecord r = fullRecord(1);
        const QStringList strings = {r.requestId, r.version, r.environmentId, QStringLiteral("url"),
                                     QStringLiteral("error"), r.errorType, r.errorMessage, r.architecture, QString()};
        // request id .. architecture; alias empty
        const QByteArray blob = legacyBlock(1, r, strings, {0, 1, 8, 2, 3, 4, 5, 6, 7}, 7, 0.25);
        auto block = BlockReader::parse(blob, QStringLiteral("fn"), 5);
        QVERIFY2(block, qPrintable(block ? QString() : block.error().toString()));
        QCOMPARE(block->size(), 1);
        InvocationRecord expected = r;
        expected.billedDurationMs = 7;
        expected.costUsd = 0.25;
        expected.alias.clear();
        compareRecords(block->record(0), expected);
        QVERIFY(block->hasRequestId(0, r.requestId.toUtf8()));
    }

    // Blocks written with a canonical UUID request id as 16 bytes (flag 4) and every
    // column at full width still read: format 2 (every column in every record, 92 bytes)
    // and format 3 (a column the records share stored once).
    void formatTwoAndThreeBlocksStillRead_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("format 2") << 2;
        QTest::newRow("format 3") << 3;
    }
    void formatTwoAndThreeBlocksStillRead()
    {
        QFETCH(int, format);
        const InvocationRecord r = fullRecord(4); // no alias, success
        const QStringList strings = {QString(), r.version, r.environmentId, triggerName(r.trigger),
                                     statusName(r.status), r.architecture};
        // request id unused (bytes); alias, errors empty
        const QByteArray blob = legacyBlock(quint8(format), r, strings, {0, 1, 0, 2, 3, 4, 0, 0, 5}, 9 + format,
                                            0.25 * format);
        auto block = BlockReader::parse(blob, QStringLiteral("fn"), 6);
        QVERIFY2(block, qPrintable(block ? QString() : block.error().toString()));
        QCOMPARE(block->size(), 1);
        InvocationRecord expected = r;
        expected.billedDurationMs = 9 + format;
        expected.costUsd = 0.25 * format;
        compareRecords(block->record(0), expected);
        QVERIFY(block->hasRequestId(0, r.requestId.toUtf8()));
        QCOMPARE(block->startMs(0), r.startMs);
        QCOMPARE(block->costUsd(0), 0.25 * format);
    }

    // Columns stored per record take their narrow form when every value fits it: a
    // no-op function's record, as the engine measures it, takes about 20 bytes. One
    // value that does not fit keeps its column wide for the block, and every value of
    // every record still reads back bit for bit.
    void narrowColumnsHoldEveryValueExactly_data()
    {
        QTest::addColumn<int>("spoiler");
        QTest::addColumn<int>("wider"); // bytes per record the spoiled column adds at least
        const char *names[] = {"none", "start 65536 ms after the first", "duration not whole nanoseconds",
                               "duration -0", "duration over 4.29 s", "billed 2^32 ms", "max memory 65536 MB",
                               "max memory negative", "response 65536 bytes", "uuid made 40 s before start",
                               "300 distinct error messages", "init not whole nanoseconds",
                               "starts at both ends of the range"};
        const int wider[] = {0, 6, 4, 4, 4, 4, 2, 2, 2, 4, 1, 4, 10};
        for (int i = 0; i < int(std::size(names)); ++i)
            QTest::newRow(names[i]) << i << wider[i];
    }
    void narrowColumnsHoldEveryValueExactly()
    {
        QFETCH(int, spoiler);
        QFETCH(int, wider);
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch();
        const auto msFromNanos = [](qint64 ns) {
            return std::chrono::duration<double, std::milli>(std::chrono::nanoseconds(ns)).count();
        };
        auto records = [&](int spoil) {
            std::vector<InvocationRecord> out;
            for (int i = 0; i < 300; ++i) {
                InvocationRecord r = loadRecord(i, t0 + i * 6);
                r.durationMs = msFromNanos(40'000 + 7919 * qint64(i));
                r.billedDurationMs = 1 + i % 2;
                r.cold = i % 100 == 0;
                r.initDurationMs = r.cold ? msFromNanos(81'234'567 + i) : 0;
                r.maxMemoryUsedMb = 40 + i % 3;
                r.responseBytes = i % 5;
                r.costUsd = 2.1e-9 * double(r.billedDurationMs);
                if (i == 299) {
                    switch (spoil) {
                    case 1:
                        r.startMs = t0 + 65536;
                        break;
                    case 2:
                        r.durationMs = 0.3 + 1e-12;
                        break;
                    case 3:
                        r.durationMs = -0.0;
                        break;
                    case 4:
                        r.durationMs = msFromNanos(4'294'967'296);
                        break;
                    case 5:
                        r.billedDurationMs = qint64(1) << 32;
                        break;
                    case 6:
                        r.maxMemoryUsedMb = 65536;
                        break;
                    case 7:
                        r.maxMemoryUsedMb = -1;
                        break;
                    case 8:
                        r.responseBytes = 65536;
                        break;
                    case 9:
                        r.startMs = t0 + 40'000;
                        r.requestId = newRequestId();
                        break;
                    default:
                        break;
                    }
                }
                if (spoil == 10) {
                    r.status = InvocationStatus::Error;
                    r.errorMessage = QStringLiteral("failure %1").arg(i);
                }
                if (spoil == 11 && i == 200)
                    r.initDurationMs = 80.000000001;
                if (spoil == 12 && (i == 0 || i == 299)) // no difference may overflow
                    r.startMs = i == 0 ? std::numeric_limits<qint64>::min() : std::numeric_limits<qint64>::max();
                out.push_back(r);
            }
            if (spoil == 9) // the last id was made 40 s before its start
                out.back().startMs = t0 + 40'000 + 1794;
            return out;
        };
        const auto encode = [](const std::vector<InvocationRecord> &rs) {
            std::vector<const InvocationRecord *> ptrs;
            for (const auto &r : rs)
                ptrs.push_back(&r);
            return encodeBlock(ptrs);
        };
        const std::vector<InvocationRecord> plain = records(0), spoiled = records(spoiler);
        const QByteArray plainBlob = encode(plain), blob = encode(spoiled);
        auto block = BlockReader::parse(blob, QStringLiteral("fn"), 4);
        QVERIFY2(block, qPrintable(block ? QString() : block.error().toString()));
        QCOMPARE(block->size(), 300);
        for (int i = 0; i < 300; ++i) {
            const InvocationRecord &r = spoiled[size_t(i)];
            const InvocationRecord back = block->record(i);
            compareRecords(back, r);
            QCOMPARE(std::signbit(back.durationMs), std::signbit(r.durationMs));
            QCOMPARE(block->startMs(i), r.startMs);
            QCOMPARE(block->durationMs(i), r.durationMs);
            QVERIFY(block->hasRequestId(i, r.requestId.toUtf8()));
            QVERIFY(!block->hasRequestId(i, spoiled[size_t((i + 1) % 300)].requestId.toUtf8()));
        }
        // Start, duration, init, max memory, response size, billed time, cost,
        // environment, flags and the 12-byte UUID: 2+4+4+2+2+4+8+1+1+12.
        QVERIFY2(plainBlob.size() < 300 * 40 + 300, qPrintable(QString::number(plainBlob.size())));
        if (spoiler == 0) // the same but for the request ids' random bits
            QCOMPARE(blob.size(), plainBlob.size());
        else if (spoiler == 10) // strings for each message, and the index column wide
            QVERIFY(blob.size() >= plainBlob.size() + 300 * wider);
        else // less the 8-byte base of narrow starts, when they went wide
            QVERIFY2(blob.size() >= plainBlob.size() + 300 * wider - 8,
                     qPrintable(QStringLiteral("%1 vs %2").arg(blob.size()).arg(plainBlob.size())));
    }

    // What every record of a block shares (a function's memory, version, billed time and
    // cost, ...) is stored once: records of a no-op function take well under half of the
    // 92 bytes. A column that differs in the last record only is still stored per record.
    void columnsTheRecordsShareAreStoredOnce()
    {
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch();
        std::vector<InvocationRecord> records;
        for (int i = 0; i < 200; ++i) {
            InvocationRecord r = loadRecord(i, t0 + i / 3);
            r.durationMs = 0.3 + i * 0.001;
            r.billedDurationMs = 1;
            r.cold = i == 50;
            r.initDurationMs = r.cold ? 80.5 : 0;
            r.maxMemoryUsedMb = 40;
            r.responseBytes = 4;
            r.costUsd = 2.1e-9;
            records.push_back(r);
        }
        for (const bool lastDiffers : {false, true}) {
            if (lastDiffers)
                records.back().memorySizeMb = 256;
            std::vector<const InvocationRecord *> ptrs;
            for (const auto &r : records)
                ptrs.push_back(&r);
            const QByteArray blob = encodeBlock(ptrs);
            auto block = BlockReader::parse(blob, QStringLiteral("fn"), 4);
            QVERIFY2(block, qPrintable(block ? QString() : block.error().toString()));
            QCOMPARE(block->size(), 200);
            for (int i = 0; i < 200; ++i) {
                compareRecords(block->record(i), records[size_t(i)]);
                QCOMPARE(block->startMs(i), records[size_t(i)].startMs);
                QCOMPARE(block->durationMs(i), records[size_t(i)].durationMs);
                QCOMPARE(block->costUsd(i), records[size_t(i)].costUsd);
                QVERIFY(block->hasRequestId(i, records[size_t(i)].requestId.toUtf8()));
            }
            // start, duration, init, environment, flags and UUID per record: 8+8+8+2+2+16.
            QVERIFY2(blob.size() < 200 * (lastDiffers ? 48 : 44) + 400, qPrintable(QString::number(blob.size())));
        }
    }

    void uuidv7TimeIsRead()
    {
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const QString id = newRequestId();
        const qint64 after = QDateTime::currentMSecsSinceEpoch();
        const auto t = requestIdTimeMs(id);
        QVERIFY(t);
        QVERIFY(*t >= before && *t <= after);
        QVERIFY(!requestIdTimeMs(QStringLiteral("3f1c1c0e-1b2a-4c3d-8e4f-5a6b7c8d9e0f"))); // v4
        QVERIFY(!requestIdTimeMs(QStringLiteral("hello-req-7")));
        QVERIFY(!requestIdTimeMs(QStringLiteral("0190ZZZZ-1b2a-7c3d-8e4f-5a6b7c8d9e0f")));
        QVERIFY(!requestIdTimeMs(QStringLiteral("0190\u0161bcd-1b2a-7c3d-8e4f-5a6b7c8d9e0f")));
        QCOMPARE(requestIdTimeMs(QStringLiteral("0190abcd-1b2a-7c3d-8e4f-5a6b7c8d9e0f")), qint64(0x0190abcd1b2a));
    }

    // The writer's encoder keeps its buffers: a small block after a large one holds only
    // its own records and strings.
    void encoderReusedForASmallerBlockHoldsOnlyItsRecords()
    {
        std::vector<InvocationRecord> many;
        for (int i = 0; i < 300; ++i) {
            many.push_back(fullRecord(i));
            many.back().requestId = QStringLiteral("text-id-%1").arg(i); // strings, not bytes
        }
        std::vector<const InvocationRecord *> ptrs;
        for (const auto &r : many)
            ptrs.push_back(&r);
        BlockEncoder encoder;
        const QByteArray large = encoder.encode(ptrs).toByteArray();
        InvocationRecord one = fullRecord(7);
        const InvocationRecord *onePtr[] = {&one};
        const QByteArray small = encoder.encode(onePtr).toByteArray();
        QCOMPARE(small, encodeBlock(onePtr));
        QVERIFY(small.size() < large.size() / 100);
        auto block = BlockReader::parse(small, QStringLiteral("fn"), 9);
        QVERIFY(block);
        QCOMPARE(block->size(), 1);
        compareRecords(block->record(0), one);
    }

    // Only records that cannot be found by their id's time take an index row; all are found.
    void requestIdsAreFoundWhicheverWayTheyAreStored()
    {
        test::TempDb db;
        std::vector<InvocationRecord> records;
        for (int i = 0; i < 3000; ++i) { // sync invocations: start right after the id is made
            InvocationRecord r = fullRecord(i);
            r.startMs = *requestIdTimeMs(r.requestId) + i % 3;
            records.push_back(r);
        }
        InvocationRecord queued = fullRecord(1); // an async event that waited ten minutes
        queued.startMs = *requestIdTimeMs(queued.requestId) + 600'000;
        InvocationRecord retry = queued; // and its retry, same id, a minute later
        retry.startMs += 60'000;
        retry.status = InvocationStatus::Success;
        InvocationRecord foreign = fullRecord(2);
        foreign.requestId = QStringLiteral("not-a-uuid");
        for (const auto &r : {queued, retry, foreign})
            records.push_back(r);
        {
            auto w = Writer::start({.databasePath = db.path(), .pruning = false});
            QVERIFY(w);
            for (const auto &r : records)
                (*w)->enqueue(r);
            QVERIFY((*w)->flush());
        }
        auto conn = Connection::open(db.path(), {.readOnly = true});
        QVERIFY(conn);
        // queued and its retry (one id, two blocks), foreign; none of the 3,000
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM invocation_request_ids"), qint64(3));
        QCOMPARE(*conn->queryInt("SELECT n FROM invocation_count"), qint64(records.size()));
        QVERIFY(*conn->queryInt("SELECT max(rows) FROM invocation_blocks") <= kBlockRows);
        QVERIFY(*conn->queryInt("SELECT max(last_start_ms - first_start_ms) FROM invocation_blocks") <= kMaxBlockSpanMs);
        for (int i = 0; i < 3000; i += 97) {
            auto found = invocationByRequestId(*conn, records[size_t(i)].requestId);
            QVERIFY(found && found->has_value());
            compareRecords(**found, records[size_t(i)], false);
        }
        auto latest = invocationByRequestId(*conn, queued.requestId);
        QVERIFY(latest && latest->has_value());
        QCOMPARE((*latest)->startMs, retry.startMs);      // the retry, the latest attempt
        auto lines = logLinesOf(*conn, queued.requestId); // both attempts framed
        QVERIFY(lines);
        QCOMPARE(lines->size(), 6);
        auto f = invocationByRequestId(*conn, foreign.requestId);
        QVERIFY(f && f->has_value());
        compareRecords(**f, foreign, false);
        auto none = invocationByRequestId(*conn, newRequestId());
        QVERIFY(none && !none->has_value());
    }

    // Age pruning counts invocations, not blocks: at a low rate every batch is a block of
    // one, and a step of N blocks could never keep up.
    void agePruningStepsByInvocations()
    {
        test::TempDb db;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 old = now - 8LL * 24 * 3600 * 1000;
        {
            auto w = Writer::start({.databasePath = db.path(), .pruning = false});
            QVERIFY(w);
            for (int i = 0; i < 60; ++i) {
                InvocationRecord r = fullRecord(i);
                r.startMs = old + i * 10'000; // 10 s apart: one block each
                (*w)->enqueue(r);
            }
            QVERIFY((*w)->flush());
        }
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM invocation_blocks"), qint64(60));
        RetentionPolicy policy;
        policy.chunkRows = 25;
        auto step = pruneStep(*conn, policy, now);
        QVERIFY(step);
        QVERIFY(step->more);
        QCOMPARE(*conn->queryInt("SELECT n FROM invocation_count"), qint64(35)); // 25 gone, not one block
        QCOMPARE(*conn->queryInt("SELECT min(first_start_ms) FROM invocation_blocks"), old + 25 * 10'000);
        QVERIFY(pruneAll(*conn, policy, now));
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM invocation_blocks"), qint64(0));
    }

    // A damaged block is skipped by readers and removed by pruning; the rest still answer.
    void aDamagedBlockHidesNothingElse()
    {
        test::TempDb db;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        std::vector<InvocationRecord> records;
        {
            auto w = Writer::start({.databasePath = db.path(), .pruning = false});
            QVERIFY(w);
            for (int i = 0; i < 2; ++i) {
                InvocationRecord r = fullRecord(i);
                r.startMs = now - 60'000 + i * 10'000; // two blocks
                records.push_back(r);
                (*w)->enqueue(r);
            }
            QVERIFY((*w)->flush());
        }
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        QVERIFY(conn->exec("UPDATE invocation_blocks SET data = x'00' WHERE id = (SELECT min(id) FROM invocation_blocks)"));
        auto recent = recentInvocations(*conn, QStringLiteral("fn"), now - 120'000, now + 1, 10);
        QVERIFY(recent);
        QCOMPARE(recent->size(), 1);
        QCOMPARE(recent->first().requestId, records[1].requestId);
        RetentionPolicy policy;
        policy.rawMaxRows = 1;
        QVERIFY(pruneAll(*conn, policy, now));
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM invocation_blocks"), qint64(1));
        QCOMPARE(*conn->queryInt("SELECT n FROM invocation_count"), qint64(1));
    }

    // Pruning a block takes its request id rows with it.
    void pruningTakesIndexRowsAlong()
    {
        test::TempDb db;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        {
            auto w = Writer::start({.databasePath = db.path(), .pruning = false});
            QVERIFY(w);
            for (int i = 0; i < 10; ++i) {
                InvocationRecord r = fullRecord(i);
                r.requestId = QStringLiteral("old-%1").arg(i);
                if (i == 9) // a lone surrogate does not survive UTF-8: its row must still go
                    r.requestId = QStringLiteral("old-") + QChar(0xD800) + QStringLiteral("-9");
                r.startMs = now - 8LL * 24 * 3600 * 1000 + i;
                (*w)->enqueue(r);
            }
            InvocationRecord fresh = fullRecord(1);
            fresh.requestId = QStringLiteral("fresh");
            (*w)->enqueue(fresh);
            QVERIFY((*w)->flush());
        }
        auto conn = Connection::open(db.path());
        QVERIFY(conn);
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM invocation_request_ids"), qint64(11));
        auto pruned = pruneAll(*conn, RetentionPolicy{}, now);
        QVERIFY(pruned);
        QCOMPARE(*conn->queryInt("SELECT count(*) FROM invocation_request_ids"), qint64(1));
        QCOMPARE(*conn->queryInt("SELECT n FROM invocation_count"), qint64(1));
        auto gone = invocationByRequestId(*conn, QStringLiteral("old-3"));
        QVERIFY(gone && !gone->has_value());
        QCOMPARE(*conn->queryText("PRAGMA integrity_check"), QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TestBlocks)
#include "tst_blocks.moc"
