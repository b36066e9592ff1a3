#include "sqlite_statement.hpp"

namespace outpost::outbox::detail {

Error sqlite_error(sqlite3* db, int code, std::string_view doing) { return sqlite::error(db, code, doing, kOwner); }

Error not_open(std::string_view doing) {
    return make_error("outbox", std::string(doing) +
                                    ": the outbox is not open (no fresh file could be started after a quarantine; "
                                    "see the log)",
                      SQLITE_CANTOPEN);
}

Expected<void> exec(sqlite3* db, const char* sql, std::string_view doing) {
    if (db == nullptr) return not_open(doing);
    return sqlite::exec(db, sql, doing, kOwner);
}

Expected<Statement> prepare(sqlite3* db, std::string_view sql) { return Statement::prepare(db, sql, kOwner); }

Expected<Statement> StatementCache::get(const std::string& sql) {
    if (db_ == nullptr) return not_open("preparing a statement");
    return cache_.get(sql);
}

}  // namespace outpost::outbox::detail
