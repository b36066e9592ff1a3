#pragma once
// A small RAII layer over SQLite's C API, shared by the outbox and the catalog. Every failure
// becomes an outpost::Error carrying SQLite's own message and extended result code, under the
// name of the module that owns the database ("outbox", "catalog": `owner`, always a string
// literal, since it is kept as a view).

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "outpost/common/expected.hpp"

namespace outpost::sqlite {

// "<doing>: <SQLite's message>", plus a plain-words hint when the disk is full.
Error error(sqlite3* db, int code, std::string_view doing, std::string_view owner);

// Runs SQL with no results (may hold several statements).
Expected<void> exec(sqlite3* db, const char* sql, std::string_view doing, std::string_view owner);

class Statement {
public:
    // A statement of its own, finalized when it goes out of scope.
    static Expected<Statement> prepare(sqlite3* db, std::string_view sql, std::string_view owner);
    // A statement borrowed from a StatementCache: reset and unbound (not finalized) when it goes
    // out of scope, so no read snapshot stays open and no binding leaks into the next use.
    static Statement borrowed(sqlite3* db, sqlite3_stmt* statement, std::string_view owner) {
        return Statement{db, statement, owner, false};
    }
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    void bind(int index, std::int64_t value);
    void bind(int index, std::string_view text);
    void bind_null(int index);

    // SQLITE_ROW -> true, SQLITE_DONE -> false, anything else -> Error.
    Expected<bool> step(std::string_view doing);

    [[nodiscard]] std::int64_t column_int(int index) const;
    [[nodiscard]] std::string column_text(int index) const;
    [[nodiscard]] bool column_is_null(int index) const;

private:
    Statement(sqlite3* db, sqlite3_stmt* statement, std::string_view owner, bool owned)
        : db_(db), statement_(statement), owner_(owner), owned_(owned) {}
    sqlite3* db_;
    sqlite3_stmt* statement_;
    std::string_view owner_;
    bool owned_;
};

// Prepared statements kept for the life of a connection: the outbox runs the same few SQL texts
// for every operation and intake looks materials up for every item of every order; parsing the
// SQL each time was a measurable part of the cost (docs/performance.md). Not thread-safe (the
// owner's mutex guards it); one borrower of a given SQL text at a time.
class StatementCache {
public:
    StatementCache(sqlite3* db, std::string_view owner) : db_(db), owner_(owner) {}
    ~StatementCache();
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;

    Expected<Statement> get(const std::string& sql);

private:
    sqlite3* db_;
    std::string_view owner_;
    std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() succeeded.
class Transaction {
public:
    static Expected<Transaction> begin(sqlite3* db, std::string_view doing, std::string_view owner);
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    Expected<void> commit();

private:
    Transaction(sqlite3* db, std::string_view owner) : db_(db), owner_(owner) {}
    sqlite3* db_;
    std::string_view owner_;
    bool open_ = true;
};

}  // namespace outpost::sqlite
