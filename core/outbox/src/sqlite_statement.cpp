#include "sqlite_statement.hpp"

#include <utility>

namespace outpost::outbox::detail {

Error sqlite_error(sqlite3* db, int code, std::string_view doing) {
    std::string message{doing};
    message += ": ";
    message += (db != nullptr) ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    if ((code & 0xFF) == SQLITE_FULL) message += " (the disk holding the outbox is full)";
    return make_error("outbox", std::move(message), code);
}

Error not_open(std::string_view doing) {
    return make_error("outbox", std::string(doing) +
                                    ": the outbox is not open (no fresh file could be started after a quarantine; "
                                    "see the log)",
                      SQLITE_CANTOPEN);
}

Expected<void> exec(sqlite3* db, const char* sql, std::string_view doing) {
    if (db == nullptr) return not_open(doing);
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db, sqlite3_extended_errcode(db), doing);
    return {};
}

Expected<Statement> Statement::prepare(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db, rc, "preparing a statement");
    return Statement{db, statement};
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), statement_(std::exchange(other.statement_, nullptr)), owned_(other.owned_) {}

Statement::~Statement() {
    if (statement_ == nullptr) return;
    if (owned_) {
        sqlite3_finalize(statement_);
    } else {
        // Back to the cache: no read snapshot left open, no stale bindings.
        sqlite3_reset(statement_);
        sqlite3_clear_bindings(statement_);
    }
}

StatementCache::~StatementCache() {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
}

Expected<Statement> StatementCache::get(const std::string& sql) {
    if (db_ == nullptr) return not_open("preparing a statement");
    auto found = statements_.find(sql);
    if (found == statements_.end()) {
        sqlite3_stmt* statement = nullptr;
        const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                          &statement, nullptr);
        if (rc != SQLITE_OK) return sqlite_error(db_, rc, "preparing a statement");
        found = statements_.emplace(sql, statement).first;
    }
    return Statement::borrowed(db_, found->second);
}

void Statement::bind(int index, std::int64_t value) { sqlite3_bind_int64(statement_, index, value); }

void Statement::bind(int index, std::string_view text) {
    sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void Statement::bind_null(int index) { sqlite3_bind_null(statement_, index); }

Expected<bool> Statement::step(std::string_view doing) {
    const int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return sqlite_error(db_, sqlite3_extended_errcode(db_), doing);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(statement_, index); }

std::string Statement::column_text(int index) const {
    const auto* text = sqlite3_column_text(statement_, index);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(statement_, index)));
}

bool Statement::column_is_null(int index) const {
    return sqlite3_column_type(statement_, index) == SQLITE_NULL;
}

}  // namespace outpost::outbox::detail
