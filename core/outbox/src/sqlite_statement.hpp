#pragma once
// Minimal RAII over SQLite prepared statements, private to the outbox. Every failure becomes an
// outpost::Error carrying SQLite's own message and extended result code.

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "outpost/common/expected.hpp"

namespace outpost::outbox::detail {

Error sqlite_error(sqlite3* db, int code, std::string_view doing);

// Runs SQL with no results (may hold several statements).
Expected<void> exec(sqlite3* db, const char* sql, std::string_view doing);

class Statement {
public:
    static Expected<Statement> prepare(sqlite3* db, std::string_view sql);
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
    Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
    sqlite3* db_;
    sqlite3_stmt* statement_;
};

}  // namespace outpost::outbox::detail
