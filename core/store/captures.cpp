#include "store/captures.h"

#include "store/sqlite.h"

#include <QSet>

#include <limits>

namespace funcdesk::store {

namespace {

constexpr const char *kSelect = "SELECT request_id, function, version, alias, trigger, start_ms, status, duration_ms, "
                                "error_type, request, response, response_kept FROM captures ";

Capture fromRow(const Statement &s)
{
    Capture c;
    c.requestId = s.text(0);
    c.function = s.text(1);
    c.version = s.text(2);
    c.alias = s.text(3);
    c.trigger = triggerFromName(s.text(4));
    c.startMs = s.int64(5);
    c.status = statusFromName(s.text(6));
    c.durationMs = s.real(7);
    c.errorType = s.text(8);
    c.request = s.blob(9);
    if (c.request.isNull())
        c.request = QByteArray(""); // an empty payload was captured
    c.responseKept = s.int64(11) != 0;
    c.response = c.responseKept ? s.blob(10) : QByteArray();
    if (c.responseKept && c.response.isNull())
        c.response = QByteArray("");
    return c;
}

Result<QList<Capture>> collect(Statement &stmt)
{
    QList<Capture> out;
    for (;;) {
        auto row = stmt.step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        out.append(fromRow(stmt));
    }
    return out;
}

} // namespace

bool shouldCapture(const CaptureOptions &options, const InvocationRecord &record, const QByteArray &request)
{
    return options.enabled && options.perFunction > 0 && record.trigger != TriggerKind::Replay
        && record.status != InvocationStatus::Throttled && request.size() <= options.maxBytes;
}

bool CaptureRate::admit(const CaptureOptions &options, const QString &function, qint64 startMs)
{
    if (options.perSecond <= 0)
        return true;
    Window &w = m_windows[function];
    const qint64 second = startMs / 1000;
    if (w.second != second) {
        w.second = second;
        w.taken = 0;
    }
    if (w.taken >= options.perSecond)
        return false;
    ++w.taken;
    return true;
}

Capture makeCapture(const CaptureOptions &options, const InvocationRecord &record, const QByteArray &request,
                    const QByteArray &response)
{
    Capture c;
    c.requestId = record.requestId;
    c.function = record.function;
    c.version = record.version;
    c.alias = record.alias;
    c.trigger = record.trigger;
    c.startMs = record.startMs;
    c.status = record.status;
    c.durationMs = record.durationMs;
    c.errorType = record.errorType;
    c.request = request;
    c.responseKept = response.size() <= options.maxBytes;
    if (c.responseKept)
        c.response = response;
    return c;
}

CaptureWriter::CaptureWriter(CaptureOptions options) : m_options(options) {}
CaptureWriter::~CaptureWriter() = default;
CaptureWriter::CaptureWriter(CaptureWriter &&) noexcept = default;
CaptureWriter &CaptureWriter::operator=(CaptureWriter &&) noexcept = default;

Status CaptureWriter::fitRing(Connection &conn, const QString &function)
{
    // The ring's size changed since these rows were written: keep the newest perFunction
    // and move each to the slot its seq maps to now (distinct, as their seqs are
    // consecutive). Slots go through negatives so no two rows share one midway.
    const qint64 n = m_options.perFunction;
    const char *steps[] = {
        "DELETE FROM captures WHERE function = ?1 AND seq <= (SELECT max(seq) FROM captures WHERE function = ?1) - ?2",
        "UPDATE captures SET slot = -1 - (seq % ?2) WHERE function = ?1",
        "UPDATE captures SET slot = -1 - slot WHERE function = ?1 AND ?2 > 0",
    };
    for (const char *sql : steps) {
        auto stmt = conn.prepare(sql);
        if (!stmt)
            return stmt.error();
        stmt->bind(1, function).bind(2, n);
        if (auto s = stmt->run(); !s)
            return s;
    }
    return {};
}

Result<qint64> CaptureWriter::nextSeq(Connection &conn, const QString &function)
{
    if (auto it = m_next.constFind(function); it != m_next.cend())
        return *it;
    // First capture of this function since start: continue after its newest row.
    auto stmt = conn.prepare("SELECT max(seq), sum(slot != seq % ?2) FROM captures WHERE function = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, function).bind(2, qint64(m_options.perFunction));
    auto row = stmt->step();
    if (!row)
        return row.error();
    const bool any = *row && !stmt->isNull(0);
    const qint64 next = any ? stmt->int64(0) + 1 : 0;
    const bool misplaced = any && stmt->int64(1) > 0;
    stmt->reset();
    if (misplaced) {
        if (Status s = fitRing(conn, function); !s)
            return s.error();
    }
    m_next.insert(function, next);
    return next;
}

Status CaptureWriter::write(Connection &conn, std::vector<Capture> &batch)
{
    if (batch.empty())
        return {};
    if (!m_insert) {
        auto stmt = conn.prepare(
        "INSERT OR REPLACE INTO captures(function, slot, request_id, version, alias, trigger, start_ms, status, "
        "duration_ms, error_type, request, response, response_kept, seq) "
            "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)");
        if (!stmt)
            return stmt.error();
        m_insert = std::make_unique<Statement>(std::move(*stmt));
    }
    Statement &insert = *m_insert;
    for (const Capture &c : batch) {
        auto seq = nextSeq(conn, c.function);
        if (!seq)
            return seq.error();
        insert.bind(1, c.function).bind(2, *seq % m_options.perFunction).bind(3, c.requestId).bind(4, c.version);
        insert.bind(5, c.alias.isEmpty() ? QString() : c.alias).bind(6, triggerName(c.trigger)).bind(7, c.startMs);
        insert.bind(8, statusName(c.status)).bind(9, c.durationMs);
        insert.bind(10, c.errorType.isEmpty() ? QString() : c.errorType);
        insert.bindBorrowed(11, c.request);
        if (c.responseKept)
            insert.bindBorrowed(12, c.response);
        else
            insert.bindNull(12);
        insert.bind(13, qint64(c.responseKept ? 1 : 0)).bind(14, *seq);
        if (auto s = insert.run(); !s)
            return s;
        m_next.insert(c.function, *seq + 1);
    }
    return {};
}

Result<QList<Capture>> captures(Connection &conn, const QString &function, qint64 fromMs, qint64 toMs, int limit)
{
    auto stmt = conn.prepare(QByteArray(kSelect)
                             + "WHERE function = ?1 AND start_ms BETWEEN ?2 AND ?3 ORDER BY seq LIMIT ?4");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, function).bind(2, fromMs).bind(3, toMs).bind(4, qint64(limit));
    return collect(*stmt);
}

Result<QList<Capture>> capturesById(Connection &conn, const QString &function, const QStringList &requestIds)
{
    auto all = captures(conn, function, 0, std::numeric_limits<qint64>::max());
    if (!all)
        return all.error();
    const QSet<QString> wanted(requestIds.cbegin(), requestIds.cend());
    QList<Capture> out;
    for (Capture &c : *all) {
        if (wanted.contains(c.requestId))
            out.append(std::move(c));
    }
    return out;
}

Result<int> captureCount(Connection &conn, const QString &function)
{
    auto stmt = conn.prepare("SELECT count(*) FROM captures WHERE function = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, function);
    auto row = stmt->step();
    if (!row)
        return row.error();
    return int(stmt->int64(0));
}

} // namespace funcdesk::store
