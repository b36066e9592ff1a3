#pragma once
// The catalog's use of the shared SQLite layer (core/sqlite): errors name the catalog.

#include <sqlite3.h>

#include <string_view>

#include "outpost/common/expected.hpp"
#include "outpost/sqlite/statement.hpp"

namespace outpost::catalog::detail {

inline constexpr std::string_view kOwner = "catalog";

using sqlite::Statement;
using sqlite::Transaction;

inline Error sqlite_error(sqlite3* db, int code, std::string_view doing) {
    return sqlite::error(db, code, doing, kOwner);
}

// Runs SQL with no results (may hold several statements).
inline Expected<void> exec(sqlite3* db, const char* sql, std::string_view doing) {
    return sqlite::exec(db, sql, doing, kOwner);
}

// Statements kept for the connection's life: intake looks materials up for every item of every
// order. A class of its own (not an alias) so the public header can declare it. Guarded by the
// catalog's mutex.
class Statements : public sqlite::StatementCache {
public:
    explicit Statements(sqlite3* db) : sqlite::StatementCache(db, kOwner) {}
};

}  // namespace outpost::catalog::detail
