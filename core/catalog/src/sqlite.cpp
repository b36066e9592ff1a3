#include "sqlite.hpp"

#include <utility>

namespace outpost::catalog::detail {

Error sqlite_error(sqlite3* db, int code, std::string_view doing) {
    std::string message{doing};
    message += ": ";
    message += (db != nullptr) ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    if ((code & 0xFF) == SQLITE_FULL) message += " (the disk holding the catalog is full)";
    return make_error("catalog", std::move(message), code);
}

Expected<void> exec(sqlite3* db, const char* sql, std::string_view doing) {
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db, sqlite3_extended_errcode(db), doing);
    return {};
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), statement_(std::exchange(other.statement_, nullptr)) {}

Statement::~Statement() {
    if (statement_ == nullptr) return;
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
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

bool Statement::column_is_null(int index) const { return sqlite3_column_type(statement_, index) == SQLITE_NULL; }

Statements::~Statements() {
    for (auto& [sql, statement] : cache_) sqlite3_finalize(statement);
}

Expected<Statement> Statements::get(const std::string& sql) {
    auto found = cache_.find(sql);
    if (found == cache_.end()) {
        sqlite3_stmt* statement = nullptr;
        const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                          &statement, nullptr);
        if (rc != SQLITE_OK) return sqlite_error(db_, rc, "preparing a catalog statement");
        found = cache_.emplace(sql, statement).first;
    }
    return Statement{db_, found->second};
}

Expected<Transaction> Transaction::begin(sqlite3* db, std::string_view doing) {
    if (auto begun = exec(db, "BEGIN IMMEDIATE", doing); !begun) return begun.error();
    return Transaction{db};
}

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_), open_(std::exchange(other.open_, false)) {}

Transaction::~Transaction() {
    if (open_) (void)exec(db_, "ROLLBACK", "rolling back");
}

Expected<void> Transaction::commit() {
    auto committed = exec(db_, "COMMIT", "committing to the catalog");
    if (committed) open_ = false;
    return committed;
}

}  // namespace outpost::catalog::detail
