// SQLite for the simulator's stores (pickings, orders, partners, SmartSeller stock): every
// failure throws StoreError naming the store, the step and SQLite's message. One copy for all
// four stores; the agent's own layer (core/sqlite) is not used here, so that the simulator stays
// an independent reading of the contract (CMakeLists.txt).
#pragma once

#include "store.hpp"  // StoreError

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace upstream_sim {

// Throws StoreError("<store>: <what>: <SQLite's message>").
[[noreturn]] void sqlite_fail(sqlite3* db, std::string_view store, std::string_view what);

// Opens (creating) a store's file, or ":memory:". Files are in WAL mode with synchronous=NORMAL:
// that survives a killed process (what tests do to a simulator); only a power cut could cost the
// last transactions, which a test tool can afford. A connection waits up to 5 s for another's
// write (the DIN and SmartSeller stores share a file). Throws StoreError naming path and store.
sqlite3* open_store(const std::string& path, std::string_view store);

// Runs SQL with no results (may hold several statements).
void exec(sqlite3* db, std::string_view store, const char* sql);

// Values are copied by SQLite (SQLITE_TRANSIENT): a temporary argument may end before the step.
// Not named bind(): with a std::string argument, argument-dependent lookup also finds std::bind,
// which wins for a temporary and silently binds nothing.
void bind_value(sqlite3* db, std::string_view store, sqlite3_stmt* statement, int index,
                const std::string& value);
void bind_value(sqlite3* db, std::string_view store, sqlite3_stmt* statement, int index,
                std::int64_t value);
// SQLITE_ROW -> true, SQLITE_DONE -> false, anything else throws.
bool step(sqlite3* db, std::string_view store, sqlite3_stmt* statement);
std::string column_text(sqlite3_stmt* statement, int column);

struct Finalize {
  void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, Finalize>;
Statement prepare(sqlite3* db, std::string_view store, const char* sql);

// A prepared statement with its connection, for short binding and stepping code. bind(index, v)
// binds parameter `index`; bind(v) binds the one after the last bound, for long inserts.
class Query {
 public:
  Query(sqlite3* db, std::string_view store, const char* sql)
      : db_(db), store_(store), statement_(prepare(db, store, sql)) {}
  Query& bind(int index, const std::string& value);
  Query& bind(int index, std::int64_t value);
  Query& bind(int index, const std::optional<std::string>& value);  // nullopt: NULL
  Query& bind_null(int index);
  Query& bind(const std::string& value) { return bind(index_ + 1, value); }
  Query& bind(std::int64_t value) { return bind(index_ + 1, value); }
  Query& bind_null() { return bind_null(index_ + 1); }
  // true: a row is there to read; false: done.
  bool step() { return upstream_sim::step(db_, store_, statement_.get()); }
  std::string text(int column) const { return column_text(statement_.get(), column); }
  std::optional<std::string> optional_text(int column) const;
  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_.get(), column); }
  // Done reading: a statement left open at COMMIT would pin a read snapshot.
  void reset() { sqlite3_reset(statement_.get()); }

 private:
  sqlite3* db_;
  std::string_view store_;
  Statement statement_;
  int index_ = 0;  // the last parameter bound
};

// BEGIN IMMEDIATE; rolled back unless committed, so an exception half-way leaves nothing behind.
class Transaction {
 public:
  Transaction(sqlite3* db, std::string_view store) : db_(db), store_(store) { exec(db_, store_, "BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    exec(db_, store_, "COMMIT");
    done_ = true;
  }

 private:
  sqlite3* db_;
  std::string_view store_;
  bool done_ = false;
};

}  // namespace upstream_sim
