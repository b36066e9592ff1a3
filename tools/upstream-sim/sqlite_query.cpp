#include "sqlite_query.hpp"

namespace upstream_sim {

void sqlite_fail(sqlite3* db, std::string_view store, std::string_view what) {
  throw StoreError(std::string(store) + ": " + std::string(what) + ": " +
                   (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

sqlite3* open_store(const std::string& path, std::string_view store) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    const std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw StoreError("cannot open " + path + " (" + std::string(store) + "): " + message);
  }
  try {
    sqlite3_busy_timeout(db, 5000);
    if (path != ":memory:") {
      exec(db, store, "PRAGMA journal_mode=WAL");
      exec(db, store, "PRAGMA synchronous=NORMAL");
    }
  } catch (...) {
    sqlite3_close(db);
    throw;
  }
  return db;
}

void exec(sqlite3* db, std::string_view store, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) sqlite_fail(db, store, sql);
}

void bind_value(sqlite3* db, std::string_view store, sqlite3_stmt* statement, int index,
                const std::string& value) {
  if (sqlite3_bind_text(statement, index, value.data(), static_cast<int>(value.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    sqlite_fail(db, store, "bind");
  }
}

void bind_value(sqlite3* db, std::string_view store, sqlite3_stmt* statement, int index,
                std::int64_t value) {
  if (sqlite3_bind_int64(statement, index, value) != SQLITE_OK) sqlite_fail(db, store, "bind");
}

bool step(sqlite3* db, std::string_view store, sqlite3_stmt* statement) {
  const int rc = sqlite3_step(statement);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite_fail(db, store, "step");
}

std::string column_text(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
}

Statement prepare(sqlite3* db, std::string_view store, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) sqlite_fail(db, store, "prepare");
  return Statement(raw);
}

Query& Query::bind(int index, const std::string& value) {
  bind_value(db_, store_, statement_.get(), index, value);
  index_ = index;
  return *this;
}

Query& Query::bind(int index, std::int64_t value) {
  bind_value(db_, store_, statement_.get(), index, value);
  index_ = index;
  return *this;
}

Query& Query::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Query& Query::bind_null(int index) {
  if (sqlite3_bind_null(statement_.get(), index) != SQLITE_OK) sqlite_fail(db_, store_, "bind");
  index_ = index;
  return *this;
}

std::optional<std::string> Query::optional_text(int column) const {
  if (sqlite3_column_type(statement_.get(), column) == SQLITE_NULL) return std::nullopt;
  return text(column);
}

}  // namespace upstream_sim
