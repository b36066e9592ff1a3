#include "smartseller_store.hpp"

#include "http_json.hpp"
#include "sqlite_query.hpp"
#include "unix_time.hpp"

#include <sqlite3.h>

#include <chrono>
#include <memory>

namespace upstream_sim {
namespace {

constexpr std::string_view kStore = "smartseller store";

}  // namespace

SmartSellerStore::SmartSellerStore(const std::string& path) {
  db_ = open_store(path, kStore);
  try {
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
  upstream_sim::exec(db_, kStore, sql);
}

ApplyResult SmartSellerStore::apply(const SmartSellerRequest& request, const Planner& plan) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_, kStore);

  {
    Statement known = prepare(
        db_, kStore, "SELECT seq, endpoint, body, response FROM smartseller_requests WHERE idempotency_key = ?");
    bind_value(db_, kStore, known.get(), 1, request.idempotency_key);
    if (step(db_, kStore, known.get())) {
      ApplyResult result{ApplyOutcome::conflict, {}, {}, sqlite3_column_int64(known.get(), 0)};
      if (column_text(known.get(), 1) == request.endpoint && column_text(known.get(), 2) == request.body) {
        result.outcome = ApplyOutcome::duplicate;
        result.response = nlohmann::json::parse(column_text(known.get(), 3));
      }
      return result;
    }
  }

  Statement next = prepare(db_, kStore, "SELECT COALESCE(MAX(seq), 0) + 1 FROM smartseller_requests");
  step(db_, kStore, next.get());
  const std::int64_t seq = sqlite3_column_int64(next.get(), 0);
  next.reset();

  Statement read = prepare(
      db_, kStore, "SELECT stock FROM smartseller_stock WHERE variation_id = ? AND warehouse_id = ?");
  const auto level = [&](std::int64_t variation, std::int64_t warehouse) -> std::int64_t {
    sqlite3_reset(read.get());
    bind_value(db_, kStore, read.get(), 1, variation);
    bind_value(db_, kStore, read.get(), 2, warehouse);
    const std::int64_t stock = step(db_, kStore, read.get()) ? sqlite3_column_int64(read.get(), 0) : 0;
    // A statement left open at COMMIT would pin a read snapshot (and the WAL).
    sqlite3_reset(read.get());
    return stock;
  };
  Statement sum = prepare(db_, kStore, "SELECT COALESCE(SUM(stock), 0) FROM smartseller_stock WHERE variation_id = ?");
  const auto total = [&](std::int64_t variation) -> std::int64_t {
    sqlite3_reset(sum.get());
    bind_value(db_, kStore, sum.get(), 1, variation);
    step(db_, kStore, sum.get());
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

  Statement write = prepare(db_, kStore, R"sql(
    INSERT INTO smartseller_stock (variation_id, warehouse_id, stock) VALUES (?, ?, ?)
    ON CONFLICT (variation_id, warehouse_id) DO UPDATE SET stock = excluded.stock)sql");
  for (const auto& [key, stock] : decided.levels) {
    sqlite3_reset(write.get());
    bind_value(db_, kStore, write.get(), 1, key.first);
    bind_value(db_, kStore, write.get(), 2, key.second);
    bind_value(db_, kStore, write.get(), 3, stock);
    step(db_, kStore, write.get());
  }
  Statement insert = prepare(db_, kStore, R"sql(
    INSERT INTO smartseller_requests (seq, idempotency_key, endpoint, device_id, body, response,
                                      applied_at_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?))sql");
  bind_value(db_, kStore, insert.get(), 1, seq);
  bind_value(db_, kStore, insert.get(), 2, request.idempotency_key);
  bind_value(db_, kStore, insert.get(), 3, request.endpoint);
  bind_value(db_, kStore, insert.get(), 4, request.device_id);
  bind_value(db_, kStore, insert.get(), 5, request.body);
  bind_value(db_, kStore, insert.get(), 6, canonical_json(decided.response));
  bind_value(db_, kStore, insert.get(), 7, unix_now_ms());
  step(db_, kStore, insert.get());
  write.reset();
  insert.reset();
  tx.commit();
  return ApplyResult{ApplyOutcome::applied, std::move(decided.response), {}, seq};
}

std::vector<StockLevel> SmartSellerStore::stock(std::optional<std::int64_t> variation_id) {
  std::lock_guard lock(mutex_);
  Statement query = prepare(db_, kStore, R"sql(
    SELECT variation_id, warehouse_id, stock FROM smartseller_stock
    WHERE ?1 IS NULL OR variation_id = ?1 ORDER BY variation_id, warehouse_id)sql");
  if (variation_id) bind_value(db_, kStore, query.get(), 1, *variation_id);
  std::vector<StockLevel> rows;
  while (step(db_, kStore, query.get())) {
    rows.push_back(StockLevel{sqlite3_column_int64(query.get(), 0),
                              sqlite3_column_int64(query.get(), 1),
                              sqlite3_column_int64(query.get(), 2)});
  }
  return rows;
}

void SmartSellerStore::set_stock(const std::vector<StockLevel>& levels) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_, kStore);
  {
    Statement write = prepare(db_, kStore, R"sql(
      INSERT INTO smartseller_stock (variation_id, warehouse_id, stock) VALUES (?, ?, ?)
      ON CONFLICT (variation_id, warehouse_id) DO UPDATE SET stock = excluded.stock)sql");
    for (const StockLevel& level : levels) {
      sqlite3_reset(write.get());
      bind_value(db_, kStore, write.get(), 1, level.variation_id);
      bind_value(db_, kStore, write.get(), 2, level.warehouse_id);
      bind_value(db_, kStore, write.get(), 3, level.stock);
      step(db_, kStore, write.get());
    }
  }
  tx.commit();
}

std::vector<AppliedRequest> SmartSellerStore::requests() {
  std::lock_guard lock(mutex_);
  Statement query = prepare(db_, kStore, R"sql(
    SELECT seq, endpoint, idempotency_key, device_id, body, applied_at_ms
    FROM smartseller_requests ORDER BY seq)sql");
  std::vector<AppliedRequest> rows;
  while (step(db_, kStore, query.get())) {
    rows.push_back(AppliedRequest{sqlite3_column_int64(query.get(), 0), column_text(query.get(), 1),
                                  column_text(query.get(), 2), column_text(query.get(), 3),
                                  nlohmann::json::parse(column_text(query.get(), 4)),
                                  sqlite3_column_int64(query.get(), 5)});
  }
  return rows;
}

}  // namespace upstream_sim
