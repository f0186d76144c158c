#pragma once
// Thin RAII layer over the sqlite3 C API: every handle has an owner.
//
// Threading: one Connection per thread. A Connection and the Statements prepared on it
// belong to the thread that opened it and must not be used from another thread (SQLite
// is built thread-safe, but sharing a connection serialises everything and mixes up
// sqlite3_errmsg). Use threadConnection() to get the calling thread's connection.
//
// Errors are values: every failing call returns an Error whose message carries
// sqlite3_errmsg() captured on the spot, with type "StoreError" (or "StoreBusy" when the
// database is locked, "StoreCorrupt" when the file is not a usable SQLite database).

#include "common/result.h"

#include <QList>

#include <QByteArray>
#include <QString>

#include <array>
#include <memory>

struct sqlite3;
struct sqlite3_stmt;

namespace funcdesk::store {

struct OpenOptions
{
    bool readOnly = false;    // query_only: the connection refuses to write
    bool create = true;       // create the file if missing (ignored when readOnly)
    int busyTimeoutMs = 5000; // how long to wait for another writer before StoreBusy
    bool migrate = true;      // bring the schema to the latest version (write connections)
    int cacheSizeKb = 0;      // page cache; 0: SQLite's default (2 MB)
};

class Statement;

class Connection
{
public:
    Connection() = default;
    Connection(Connection &&other) noexcept;
    Connection &operator=(Connection &&other) noexcept;
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;
    ~Connection();

    // Opens (and for write connections, migrates) the database at `path` with WAL,
    // synchronous=NORMAL, busy_timeout and foreign keys on. A file that is not an SQLite
    // database gives a StoreCorrupt error and is left untouched.
    static Result<Connection> open(const QString &path, const OpenOptions &options = {});

    bool isOpen() const { return m_db != nullptr; }
    sqlite3 *handle() const { return m_db; }
    QString path() const { return m_path; }

    // Runs one or more statements without results.
    Status exec(const char *sql);
    // A transaction's control statements, each prepared once per connection: parsing
    // them again for every transaction took 2-3 % of the store writer's CPU.
    enum class Control { Begin,
                         BeginImmediate,
                         Commit,
                         Rollback };
    Status run(Control statement);
    Result<Statement> prepare(const char *sql);
    Result<Statement> prepare(const QByteArray &sql);

    // Convenience: first column of the first row as an integer (0 when no row).
    Result<qint64> queryInt(const char *sql);
    Result<QString> queryText(const char *sql);

    qint64 lastInsertRowId() const;
    int changes() const;

    // An Error from the connection's current error state, with `what` as context.
    Error lastError(const QString &what) const;

private:
    explicit Connection(sqlite3 *db, QString path) : m_db(db), m_path(std::move(path)) {}
    void close();

    sqlite3 *m_db = nullptr;
    QString m_path;
    std::array<sqlite3_stmt *, 4> m_control{}; // by Control, prepared on first use
};

// A prepared statement. Bind indexes are 1-based, column indexes 0-based (as in SQLite).
class Statement
{
public:
    Statement() = default;
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    ~Statement();

    Statement &bind(int index, qint64 value);
    Statement &bind(int index, int value) { return bind(index, qint64(value)); }
    Statement &bind(int index, double value);
    Statement &bind(int index, const QString &value);    // null QString binds NULL
    Statement &bind(int index, const QByteArray &value); // as BLOB; null QByteArray binds NULL
    // As BLOB without a copy: `value` must stay valid and unchanged until reset() (or
    // run(), which resets).
    Statement &bindBorrowed(int index, QByteArrayView value);
    Statement &bindNull(int index);

    // Steps once: true when a row is available, false when done.
    Result<bool> step();
    // Steps to completion, ignoring rows; then resets.
    Status run();
    void reset(); // resets and clears bindings

    qint64 int64(int column) const;
    double real(int column) const;
    QString text(int column) const;
    QByteArray blob(int column) const;
    bool isNull(int column) const;

    sqlite3_stmt *handle() const { return m_stmt; }

private:
    friend class Connection;
    Statement(sqlite3_stmt *stmt, sqlite3 *db) : m_stmt(stmt), m_db(db) {}

    sqlite3_stmt *m_stmt = nullptr;
    sqlite3 *m_db = nullptr;
};

// BEGIN on construction (IMMEDIATE for writers: takes the write lock up front so a
// busy database fails at begin(), not halfway through); rolls back in the destructor
// unless commit() succeeded.
class Transaction
{
public:
    static Result<Transaction> begin(Connection &conn, bool immediate = true);
    Transaction(Transaction &&other) noexcept;
    Transaction &operator=(Transaction &&) = delete;
    Transaction(const Transaction &) = delete;
    ~Transaction();

    Status commit();

private:
    explicit Transaction(Connection *conn) : m_conn(conn) {}
    Connection *m_conn = nullptr;
};

// The calling thread's connection to `path`, opened on first use with `options` and
// closed when the thread ends. Returns an error (and does not cache) if opening fails.
Result<Connection *> threadConnection(const QString &path, const OpenOptions &options = {});

// Every remaining row of `stmt`, each turned into a T by `fromRow(const Statement &)`.
template<typename T, typename FromRow>
Result<QList<T>> collectRows(Statement &stmt, FromRow fromRow)
{
    QList<T> out;
    for (;;) {
        auto row = stmt.step();
        if (!row)
            return row.error();
        if (!*row)
            return out;
        out.append(fromRow(stmt));
    }
}

// Whether the linked SQLite has FTS5.
bool hasFts5();

} // namespace funcdesk::store
