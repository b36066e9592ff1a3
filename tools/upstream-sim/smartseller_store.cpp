#include "smartseller_store.hpp"

#include "http_json.hpp"

#include <sqlite3.h>

#include <chrono>
#include <memory>

namespace upstream_sim {
namespace {

struct StatementDeleter {
  void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw StoreError("smartseller store: " + what + ": " +
                   (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

Statement prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) fail(db, "prepare");
  return Statement(raw);
}

// SQLITE_TRANSIENT: the strings bound here may not outlive the statement's step. Not named
// bind(): with a std::string argument, argument-dependent lookup also finds std::bind, which
// wins for a temporary and silently binds nothing.
void bind_value(sqlite3* db, sqlite3_stmt* statement, int index, const std::string& value) {
  if (sqlite3_bind_text(statement, index, value.data(), static_cast<int>(value.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    fail(db, "bind");
  }
}

void bind_value(sqlite3* db, sqlite3_stmt* statement, int index, std::int64_t value) {
  if (sqlite3_bind_int64(statement, index, value) != SQLITE_OK) fail(db, "bind");
}

bool step(sqlite3* db, sqlite3_stmt* statement) {
  const int rc = sqlite3_step(statement);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db, "step");
}

std::string column_text(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
}

class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {
    if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
      fail(db_, "begin");
    }
  }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) fail(db_, "commit");
    done_ = true;
  }

 private:
  sqlite3* db_;
  bool done_ = false;
};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SmartSellerStore::SmartSellerStore(const std::string& path) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open --db " + path + " (smartseller): " + message);
  }
  try {
    // The DIN store holds another connection to the same file: wait for its short writes.
    sqlite3_busy_timeout(db_, 5000);
    exec(R"sql(
      CREATE TABLE IF NOT EXISTS smartseller_requests (
        seq             INTEGER PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        endpoint        TEXT NOT NULL,
        device_id       TEXT NOT NULL,
        body            TEXT NOT NULL,
        response        TEXT NOT NULL,
        applied_at_ms   INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS smartseller_stock (
        variation_id INTEGER NOT NULL,
        warehouse_id INTEGER NOT NULL,
        stock        INTEGER NOT NULL,
        PRIMARY KEY (variation_id, warehouse_id)
      );
    )sql");
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

SmartSellerStore::~SmartSellerStore() { sqlite3_close(db_); }

void SmartSellerStore::exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(db_, sql);
}

ApplyResult SmartSellerStore::apply(const SmartSellerRequest& request, const Planner& plan) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);

  {
    Statement known = prepare(
        db_, "SELECT seq, endpoint, body, response FROM smartseller_requests WHERE idempotency_key = ?");
    bind_value(db_, known.get(), 1, request.idempotency_key);
    if (step(db_, known.get())) {
      ApplyResult result{ApplyOutcome::conflict, {}, {}, sqlite3_column_int64(known.get(), 0)};
      if (column_text(known.get(), 1) == request.endpoint && column_text(known.get(), 2) == request.body) {
        result.outcome = ApplyOutcome::duplicate;
        result.response = nlohmann::json::parse(column_text(known.get(), 3));
      }
      return result;
    }
  }

  Statement next = prepare(db_, "SELECT COALESCE(MAX(seq), 0) + 1 FROM smartseller_requests");
  step(db_, next.get());
  const std::int64_t seq = sqlite3_column_int64(next.get(), 0);
  next.reset();

  Statement read = prepare(
      db_, "SELECT stock FROM smartseller_stock WHERE variation_id = ? AND warehouse_id = ?");
  const auto level = [&](std::int64_t variation, std::int64_t warehouse) -> std::int64_t {
    sqlite3_reset(read.get());
    bind_value(db_, read.get(), 1, variation);
    bind_value(db_, read.get(), 2, warehouse);
    const std::int64_t stock = step(db_, read.get()) ? sqlite3_column_int64(read.get(), 0) : 0;
    // A statement left open at COMMIT would pin a read snapshot (and the WAL).
    sqlite3_reset(read.get());
    return stock;
  };
  Statement sum = prepare(db_, "SELECT COALESCE(SUM(stock), 0) FROM smartseller_stock WHERE variation_id = ?");
  const auto total = [&](std::int64_t variation) -> std::int64_t {
    sqlite3_reset(sum.get());
    bind_value(db_, sum.get(), 1, variation);
    step(db_, sum.get());
    const std::int64_t stock = sqlite3_column_int64(sum.get(), 0);
    sqlite3_reset(sum.get());
    return stock;
  };
  StockPlan decided = plan(StockView{level, total}, seq);
  read.reset();
  sum.reset();
  if (!decided.refusal.empty()) {
    return ApplyResult{ApplyOutcome::refused, {}, decided.refusal, 0};
  }

  Statement write = prepare(db_, R"sql(
    INSERT INTO smartseller_stock (variation_id, warehouse_id, stock) VALUES (?, ?, ?)
    ON CONFLICT (variation_id, warehouse_id) DO UPDATE SET stock = excluded.stock)sql");
  for (const auto& [key, stock] : decided.levels) {
    sqlite3_reset(write.get());
    bind_value(db_, write.get(), 1, key.first);
    bind_value(db_, write.get(), 2, key.second);
    bind_value(db_, write.get(), 3, stock);
    step(db_, write.get());
  }
  Statement insert = prepare(db_, R"sql(
    INSERT INTO smartseller_requests (seq, idempotency_key, endpoint, device_id, body, response,
                                      applied_at_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?))sql");
  bind_value(db_, insert.get(), 1, seq);
  bind_value(db_, insert.get(), 2, request.idempotency_key);
  bind_value(db_, insert.get(), 3, request.endpoint);
  bind_value(db_, insert.get(), 4, request.device_id);
  bind_value(db_, insert.get(), 5, request.body);
  bind_value(db_, insert.get(), 6, canonical_json(decided.response));
  bind_value(db_, insert.get(), 7, now_ms());
  step(db_, insert.get());
  write.reset();
  insert.reset();
  tx.commit();
  return ApplyResult{ApplyOutcome::applied, std::move(decided.response), {}, seq};
}

std::vector<StockLevel> SmartSellerStore::stock(std::optional<std::int64_t> variation_id) {
  std::lock_guard lock(mutex_);
  Statement query = prepare(db_, R"sql(
    SELECT variation_id, warehouse_id, stock FROM smartseller_stock
    WHERE ?1 IS NULL OR variation_id = ?1 ORDER BY variation_id, warehouse_id)sql");
  if (variation_id) bind_value(db_, query.get(), 1, *variation_id);
  std::vector<StockLevel> rows;
  while (step(db_, query.get())) {
    rows.push_back(StockLevel{sqlite3_column_int64(query.get(), 0),
                              sqlite3_column_int64(query.get(), 1),
                              sqlite3_column_int64(query.get(), 2)});
  }
  return rows;
}

void SmartSellerStore::set_stock(const std::vector<StockLevel>& levels) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  {
    Statement write = prepare(db_, R"sql(
      INSERT INTO smartseller_stock (variation_id, warehouse_id, stock) VALUES (?, ?, ?)
      ON CONFLICT (variation_id, warehouse_id) DO UPDATE SET stock = excluded.stock)sql");
    for (const StockLevel& level : levels) {
      sqlite3_reset(write.get());
      bind_value(db_, write.get(), 1, level.variation_id);
      bind_value(db_, write.get(), 2, level.warehouse_id);
      bind_value(db_, write.get(), 3, level.stock);
      step(db_, write.get());
    }
  }
  tx.commit();
}

std::vector<AppliedRequest> SmartSellerStore::requests() {
  std::lock_guard lock(mutex_);
  Statement query = prepare(db_, R"sql(
    SELECT seq, endpoint, idempotency_key, device_id, body, applied_at_ms
    FROM smartseller_requests ORDER BY seq)sql");
  std::vector<AppliedRequest> rows;
  while (step(db_, query.get())) {
    rows.push_back(AppliedRequest{sqlite3_column_int64(query.get(), 0), column_text(query.get(), 1),
                                  column_text(query.get(), 2), column_text(query.get(), 3),
                                  nlohmann::json::parse(column_text(query.get(), 4)),
                                  sqlite3_column_int64(query.get(), 5)});
  }
  return rows;
}

}  // namespace upstream_sim
