#include "store/sqlite.h"

#include "store/migrations.h"

#include <sqlite3.h>

#include <QFileInfo>

#include <map>

namespace funcdesk::store {

namespace {

QString errorType(int code)
{
    switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return errc::StoreBusy;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return errc::StoreCorrupt;
    default:
        return errc::StoreError;
    }
}

Error errorFrom(sqlite3 *db, int code, const QString &what)
{
    const QString msg = db ? QString::fromUtf8(sqlite3_errmsg(db)) : QString::fromUtf8(sqlite3_errstr(code));
    return makeError(errorType(code), what + QStringLiteral(": ") + msg);
}

} // namespace

// ---- Connection -------------------------------------------------------------------

Connection::Connection(Connection &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)),
      m_control(std::exchange(other.m_control, {}))
{
}

Connection &Connection::operator=(Connection &&other) noexcept
{
    if (this != &other) {
        close();
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
        m_control = std::exchange(other.m_control, {});
    }
    return *this;
}

Connection::~Connection() { close(); }

void Connection::close()
{
    for (sqlite3_stmt *&stmt : m_control)
        sqlite3_finalize(std::exchange(stmt, nullptr));
    if (m_db) {
        // close_v2: safe even if a Statement outlives us by mistake.
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

Result<Connection> Connection::open(const QString &path, const OpenOptions &options)
{
    const QString where = QStringLiteral("opening %1").arg(path);
    // Connections are per thread (NOMUTEX); SQLite's global allocation statistics would
    // take a process-wide mutex on every allocation of every connection. Must precede
    // the library's initialisation, i.e. the first open.
    static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    Q_UNUSED(configured);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (options.create && !options.readOnly)
        flags |= SQLITE_OPEN_CREATE;
    sqlite3 *raw = nullptr;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &raw, flags, nullptr);
    Connection conn(raw, path); // owns raw even on failure
    if (rc != SQLITE_OK)
        return errorFrom(raw, rc, where);
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, options.busyTimeoutMs);

    // Every failure below names the file.
    auto fail = [&where](Error e) {
        e.message = where + QStringLiteral(": ") + e.message;
        return e;
    };
    // Touch the header before anything that could write: a foreign or damaged file fails
    // here (SQLITE_NOTADB) and is never modified.
    if (auto probe = conn.queryInt("SELECT count(*) FROM sqlite_schema"); !probe)
        return fail(probe.error());
    if (!options.readOnly) {
        if (auto mode = conn.queryText("PRAGMA journal_mode=WAL"); !mode)
            return fail(mode.error());
    }
    if (auto s = conn.exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"); !s)
        return fail(s.error());
    if (options.cacheSizeKb > 0) {
        const QByteArray pragma = "PRAGMA cache_size=-" + QByteArray::number(options.cacheSizeKb);
        if (auto s = conn.exec(pragma.constData()); !s)
            return fail(s.error());
    }
    if (options.readOnly) {
        if (auto s = conn.exec("PRAGMA query_only=ON"); !s)
            return fail(s.error());
    } else if (options.migrate) {
        if (auto s = migrate(conn); !s)
            return fail(s.error());
    }
    return conn;
}

Status Connection::exec(const char *sql)
{
    char *err = nullptr;
    const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        const QString msg = err ? QString::fromUtf8(err) : QString::fromUtf8(sqlite3_errstr(rc));
        sqlite3_free(err);
        return makeError(errorType(rc), QStringLiteral("%1: %2").arg(QString::fromUtf8(sql).left(80), msg));
    }
    return {};
}

Status Connection::run(Control statement)
{
    static constexpr const char *kSql[] = {"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};
    const auto which = size_t(statement);
    sqlite3_stmt *&stmt = m_control[which];
    if (!stmt) {
        const int rc = sqlite3_prepare_v3(m_db, kSql[which], -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(std::exchange(stmt, nullptr));
            return errorFrom(m_db, rc, QLatin1String(kSql[which]));
        }
    }
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return errorFrom(m_db, rc, QLatin1String(kSql[which]));
    return {};
}

Result<Statement> Connection::prepare(const char *sql)
{
    sqlite3_stmt *stmt = nullptr;
    const int rc = sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return errorFrom(m_db, rc, QStringLiteral("preparing \"%1\"").arg(QString::fromUtf8(sql).left(80)));
    }
    return Statement(stmt, m_db);
}

Result<Statement> Connection::prepare(const QByteArray &sql) { return prepare(sql.constData()); }

Result<qint64> Connection::queryInt(const char *sql)
{
    auto stmt = prepare(sql);
    if (!stmt)
        return stmt.error();
    auto row = stmt->step();
    if (!row)
        return row.error();
    return *row ? stmt->int64(0) : qint64(0);
}

Result<QString> Connection::queryText(const char *sql)
{
    auto stmt = prepare(sql);
    if (!stmt)
        return stmt.error();
    auto row = stmt->step();
    if (!row)
        return row.error();
    return *row ? stmt->text(0) : QString();
}

qint64 Connection::lastInsertRowId() const { return sqlite3_last_insert_rowid(m_db); }
int Connection::changes() const { return sqlite3_changes(m_db); }

Error Connection::lastError(const QString &what) const
{
    return errorFrom(m_db, m_db ? sqlite3_extended_errcode(m_db) : SQLITE_MISUSE, what);
}

// ---- Statement --------------------------------------------------------------------

Statement::Statement(Statement &&other) noexcept
    : m_stmt(std::exchange(other.m_stmt, nullptr)), m_db(std::exchange(other.m_db, nullptr))
{
}

Statement &Statement::operator=(Statement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_db = std::exchange(other.m_db, nullptr);
    }
    return *this;
}

Statement::~Statement() { sqlite3_finalize(m_stmt); }

Statement &Statement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

Statement &Statement::bind(int index, double value)
{
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}

Statement &Statement::bind(int index, const QString &value)
{
    if (value.isNull())
        return bindNull(index);
    const QByteArray utf8 = value.toUtf8();
    sqlite3_bind_text(m_stmt, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bind(int index, const QByteArray &value)
{
    if (value.isNull())
        return bindNull(index);
    sqlite3_bind_blob(m_stmt, index, value.constData(), int(value.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bindBorrowed(int index, QByteArrayView value)
{
    // An empty view still binds an empty blob, not NULL (SQLite binds NULL for a null pointer).
    static const char empty = 0;
    sqlite3_bind_blob(m_stmt, index, value.data() ? value.data() : &empty, int(value.size()), SQLITE_STATIC);
    return *this;
}

Statement &Statement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

Result<bool> Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    Error e = errorFrom(m_db, rc, QStringLiteral("running \"%1\"").arg(QString::fromUtf8(sqlite3_sql(m_stmt)).left(80)));
    sqlite3_reset(m_stmt);
    return e;
}

Status Statement::run()
{
    for (;;) {
        auto row = step();
        if (!row)
            return row.error();
        if (!*row)
            break;
    }
    reset();
    return {};
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

qint64 Statement::int64(int column) const { return sqlite3_column_int64(m_stmt, column); }
double Statement::real(int column) const { return sqlite3_column_double(m_stmt, column); }
bool Statement::isNull(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

QString Statement::text(int column) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    if (!p)
        return {};
    return QString::fromUtf8(p, sqlite3_column_bytes(m_stmt, column));
}

QByteArray Statement::blob(int column) const
{
    const void *p = sqlite3_column_blob(m_stmt, column);
    if (!p)
        return {};
    return QByteArray(static_cast<const char *>(p), sqlite3_column_bytes(m_stmt, column));
}

// ---- Transaction ------------------------------------------------------------------

Result<Transaction> Transaction::begin(Connection &conn, bool immediate)
{
    if (auto s = conn.run(immediate ? Connection::Control::BeginImmediate : Connection::Control::Begin); !s)
        return s.error();
    return Transaction(&conn);
}

Transaction::Transaction(Transaction &&other) noexcept : m_conn(std::exchange(other.m_conn, nullptr)) {}

Transaction::~Transaction()
{
    if (m_conn && sqlite3_get_autocommit(m_conn->handle()) == 0)
        m_conn->run(Connection::Control::Rollback).ok();
}

Status Transaction::commit()
{
    if (!m_conn)
        return makeError(errc::StoreError, QStringLiteral("commit: transaction already finished"));
    Status s = m_conn->run(Connection::Control::Commit);
    if (s)
        m_conn = nullptr;
    return s;
}

// ---- per-thread connections ----------------------------------------------------------

Result<Connection *> threadConnection(const QString &path, const OpenOptions &options)
{
    thread_local std::map<QString, Connection> connections;
    const QString key = QFileInfo(path).absoluteFilePath() + (options.readOnly ? QStringLiteral("#ro") : QString());
    auto it = connections.find(key);
    if (it != connections.end())
        return &it->second;
    auto conn = Connection::open(path, options);
    if (!conn)
        return conn.error();
    auto [inserted, _] = connections.emplace(key, std::move(*conn));
    return &inserted->second;
}

bool hasFts5() { return sqlite3_compileoption_used("ENABLE_FTS5") == 1; }

} // namespace funcdesk::store
