#pragma once
// Minimal RAII over SQLite prepared statements, private to the outbox. Every failure becomes an
// outpost::Error carrying SQLite's own message and extended result code.

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "outpost/common/expected.hpp"

namespace outpost::outbox::detail {

Error sqlite_error(sqlite3* db, int code, std::string_view doing);

// The error of every call after the connection could not be reopened (integrity.cpp).
Error not_open(std::string_view doing);

// Runs SQL with no results (may hold several statements).
Expected<void> exec(sqlite3* db, const char* sql, std::string_view doing);

class Statement {
public:
    // A statement of its own, finalized when it goes out of scope.
    static Expected<Statement> prepare(sqlite3* db, std::string_view sql);
    // A statement borrowed from a cache: reset (not finalized) when it goes out of scope.
    static Statement borrowed(sqlite3* db, sqlite3_stmt* statement) { return Statement{db, statement, false}; }
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
    Statement(sqlite3* db, sqlite3_stmt* statement, bool owned = true)
        : db_(db), statement_(statement), owned_(owned) {}
    sqlite3* db_;
    sqlite3_stmt* statement_;
    bool owned_;
};

// Prepared statements kept for the life of a connection: the outbox runs the same few SQL
// texts for every operation, and parsing them each time was a measurable part of its CPU cost
// (docs/performance.md). Not thread-safe; one borrower of a given SQL text at a time.
class StatementCache {
public:
    explicit StatementCache(sqlite3* db) : db_(db) {}
    ~StatementCache();
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;

    Expected<Statement> get(const std::string& sql);

private:
    sqlite3* db_;
    std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace outpost::outbox::detail
