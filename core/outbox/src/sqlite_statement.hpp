#pragma once
// The outbox's use of the shared SQLite layer (core/sqlite): errors name the outbox, and every
// call after the connection could not be reopened (integrity.cpp: db is null) says so.

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "outpost/common/expected.hpp"
#include "outpost/sqlite/statement.hpp"

namespace outpost::outbox::detail {

inline constexpr std::string_view kOwner = "outbox";

using sqlite::Statement;

Error sqlite_error(sqlite3* db, int code, std::string_view doing);

// The error of every call after the connection could not be reopened (integrity.cpp).
Error not_open(std::string_view doing);

// Runs SQL with no results (may hold several statements).
Expected<void> exec(sqlite3* db, const char* sql, std::string_view doing);

// A statement of its own, finalized when it goes out of scope.
Expected<Statement> prepare(sqlite3* db, std::string_view sql);

// The shared cache of prepared statements, refusing with not_open() when there is no connection.
class StatementCache {
public:
    explicit StatementCache(sqlite3* db) : db_(db), cache_(db, kOwner) {}
    Expected<Statement> get(const std::string& sql);

private:
    sqlite3* db_;
    sqlite::StatementCache cache_;
};

}  // namespace outpost::outbox::detail
