#pragma once
// Prepared statements for the catalog (private). Every failure becomes an outpost::Error with
// SQLite's own message and extended result code. The outbox has its own copy of this small
// layer on purpose: the two modules share no private headers (each is its own library on the
// ground floor), and neither needs more than these few calls.

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "outpost/common/expected.hpp"

namespace outpost::catalog::detail {

Error sqlite_error(sqlite3* db, int code, std::string_view doing);

// Runs SQL with no results (may hold several statements).
Expected<void> exec(sqlite3* db, const char* sql, std::string_view doing);

// A statement borrowed from Statements: reset and unbound when it goes out of scope, so no read
// snapshot stays open and no binding leaks into the next use.
class Statement {
public:
    Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
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
    sqlite3* db_;
    sqlite3_stmt* statement_;
};

// Statements kept for the connection's life: intake looks materials up for every item of every
// order, and parsing the same SQL each time would be most of the cost. Not thread-safe (the
// catalog's mutex guards it).
class Statements {
public:
    explicit Statements(sqlite3* db) : db_(db) {}
    ~Statements();
    Statements(const Statements&) = delete;
    Statements& operator=(const Statements&) = delete;

    Expected<Statement> get(const std::string& sql);

private:
    sqlite3* db_;
    std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() succeeded.
class Transaction {
public:
    static Expected<Transaction> begin(sqlite3* db, std::string_view doing);
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    Expected<void> commit();

private:
    explicit Transaction(sqlite3* db) : db_(db) {}
    sqlite3* db_;
    bool open_ = true;
};

}  // namespace outpost::catalog::detail
