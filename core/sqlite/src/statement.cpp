#include "outpost/sqlite/statement.hpp"

#include <utility>

namespace outpost::sqlite {

Error error(sqlite3* db, int code, std::string_view doing, std::string_view owner) {
    std::string message{doing};
    message += ": ";
    message += (db != nullptr) ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    if ((code & 0xFF) == SQLITE_FULL) message += " (the disk holding the " + std::string(owner) + " is full)";
    return make_error(std::string(owner), std::move(message), code);
}

Expected<void> exec(sqlite3* db, const char* sql, std::string_view doing, std::string_view owner) {
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return error(db, sqlite3_extended_errcode(db), doing, owner);
    return {};
}

Expected<Statement> Statement::prepare(sqlite3* db, std::string_view sql, std::string_view owner) {
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
    if (rc != SQLITE_OK) return error(db, rc, "preparing a statement", owner);
    return Statement{db, statement, owner, true};
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), statement_(std::exchange(other.statement_, nullptr)), owner_(other.owner_),
      owned_(other.owned_) {}

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

void Statement::bind(int index, std::int64_t value) { sqlite3_bind_int64(statement_, index, value); }

void Statement::bind(int index, std::string_view text) {
    sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void Statement::bind_null(int index) { sqlite3_bind_null(statement_, index); }

Expected<bool> Statement::step(std::string_view doing) {
    const int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return error(db_, sqlite3_extended_errcode(db_), doing, owner_);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(statement_, index); }

std::string Statement::column_text(int index) const {
    const auto* text = sqlite3_column_text(statement_, index);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(statement_, index)));
}

bool Statement::column_is_null(int index) const { return sqlite3_column_type(statement_, index) == SQLITE_NULL; }

StatementCache::~StatementCache() {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
}

Expected<Statement> StatementCache::get(const std::string& sql) {
    auto found = statements_.find(sql);
    if (found == statements_.end()) {
        sqlite3_stmt* statement = nullptr;
        const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                          &statement, nullptr);
        if (rc != SQLITE_OK) return error(db_, rc, "preparing a statement", owner_);
        found = statements_.emplace(sql, statement).first;
    }
    return Statement::borrowed(db_, found->second, owner_);
}

Expected<Transaction> Transaction::begin(sqlite3* db, std::string_view doing, std::string_view owner) {
    if (auto begun = exec(db, "BEGIN IMMEDIATE", doing, owner); !begun) return begun.error();
    return Transaction{db, owner};
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(other.db_), owner_(other.owner_), open_(std::exchange(other.open_, false)) {}

Transaction::~Transaction() {
    if (open_) (void)exec(db_, "ROLLBACK", "rolling back", owner_);
}

Expected<void> Transaction::commit() {
    auto committed = exec(db_, "COMMIT", "committing to the " + std::string(owner_), owner_);
    if (committed) open_ = false;
    return committed;
}

}  // namespace outpost::sqlite
