#include "order_store.hpp"

#include "http_json.hpp"
#include "order_machine.hpp"
#include "sqlite_query.hpp"

#include <sqlite3.h>

#include <memory>

namespace upstream_sim {
namespace {

constexpr std::string_view kStore = "orders store";

// The request as compared on a replay: what was asked of which order, not how it was spelt.
std::string request_fingerprint(const OrderRequest& request) {
  return canonical_json(nlohmann::json{
      {"order_id", request.order_id}, {"action", request.action}, {"body", request.body}});
}

nlohmann::json order_json(Query& row) {
  return nlohmann::json{{"id", row.integer(0)},
                        {"key_ssl", row.text(1)},
                        {"status", row.text(2)},
                        {"updated_at", row.text(3)},
                        {"items", nlohmann::json::parse(row.text(4))}};
}

constexpr const char* order_columns = "id, key_ssl, status, updated_at, items";

// Checks picked batches against the order's items and adds them to each item's "stocks";
// returns the errors (nothing is changed when there are any).
FieldErrors add_item_stocks(nlohmann::json& items, const nlohmann::json& posted,
                            std::int64_t order_id) {
  FieldErrors errors;
  for (std::size_t i = 0; i < posted.size(); ++i) {
    const auto item_id = posted[i]["order_item_id"].get<std::int64_t>();
    nlohmann::json* target = nullptr;
    for (auto& item : items) {
      if (item.value("id", std::int64_t{0}) == item_id) target = &item;
    }
    if (target == nullptr) {
      errors["items." + std::to_string(i) + ".order_item_id"].push_back(
          "is not an item of order " + std::to_string(order_id));
      continue;
    }
    nlohmann::json& stocks = (*target)["stocks"];
    if (!stocks.is_array()) stocks = nlohmann::json::array();
    for (const auto& stock : posted[i]["stocks"]) stocks.push_back(stock);
  }
  return errors;
}

}  // namespace

std::string order_db_path(const std::string& db_path) {
  return db_path == ":memory:" ? db_path : db_path + "-orders";
}

OrderStore::OrderStore(const std::string& db_path) {
  const std::string path = order_db_path(db_path);
  db_ = open_store(path, kStore);
  try {
    // Its own file, its own schema; IF NOT EXISTS makes a restart on the same file a no-op.
    exec(db_, kStore, R"sql(
      CREATE TABLE IF NOT EXISTS orders (
        id             INTEGER PRIMARY KEY,
        key_ssl        TEXT NOT NULL UNIQUE,
        status         TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        last_change_ms INTEGER,
        items          TEXT NOT NULL,
        modified_at    INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS orders_by_status ON orders (status, id);
      CREATE TABLE IF NOT EXISTS order_requests (
        idempotency_key TEXT PRIMARY KEY,
        seq             INTEGER NOT NULL UNIQUE,
        order_id        INTEGER NOT NULL,
        action          TEXT NOT NULL,
        fingerprint     TEXT NOT NULL,
        from_status     TEXT NOT NULL,
        to_status       TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        in_order        INTEGER NOT NULL,
        device_id       TEXT NOT NULL,
        body            TEXT NOT NULL,
        response        TEXT NOT NULL,
        accepted_at     INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS order_requests_by_order ON order_requests (order_id, seq);
    )sql");
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

OrderStore::~OrderStore() { sqlite3_close(db_); }

void OrderStore::put_order(const nlohmann::json& order, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_, kStore);
  Query(db_, kStore, "DELETE FROM orders WHERE key_ssl = ? AND id <> ?")
      .bind(order["key_ssl"].get<std::string>())
      .bind(order["id"].get<std::int64_t>())
      .step();
  Query(db_, kStore, R"sql(
    INSERT INTO orders (id, key_ssl, status, updated_at, last_change_ms, items, modified_at)
    VALUES (?, ?, ?, ?, NULL, ?, ?)
    ON CONFLICT (id) DO UPDATE SET key_ssl = excluded.key_ssl, status = excluded.status,
      updated_at = excluded.updated_at, last_change_ms = NULL, items = excluded.items,
      modified_at = excluded.modified_at)sql")
      .bind(order["id"].get<std::int64_t>())
      .bind(order["key_ssl"].get<std::string>())
      .bind(order["status"].get<std::string>())
      .bind(order["updated_at"].get<std::string>())
      .bind(canonical_json(order["items"]))
      .bind(now)
      .step();
  tx.commit();
}

OrderApplyResult OrderStore::apply(const OrderRequest& request, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_, kStore);
  const std::string fingerprint = request_fingerprint(request);

  Query known(db_, kStore, "SELECT fingerprint, response FROM order_requests WHERE idempotency_key = ?");
  known.bind(request.idempotency_key);
  if (known.step()) {
    OrderApplyResult result;
    if (known.text(0) == fingerprint) {
      result.outcome = OrderApplyOutcome::duplicate;
      result.response = nlohmann::json::parse(known.text(1));
    } else {
      result.outcome = OrderApplyOutcome::conflict;
      result.message = "idempotency key reused with a different request";
    }
    return result;
  }
  known.reset();

  Query current(db_, kStore, "SELECT status, last_change_ms, items, key_ssl FROM orders WHERE id = ?");
  current.bind(request.order_id);
  if (!current.step()) {
    OrderApplyResult result;
    result.outcome = OrderApplyOutcome::unknown_order;
    result.message = "order " + std::to_string(request.order_id) + " not found";
    return result;
  }
  const std::string from = current.text(0);
  const std::int64_t last_change_ms = current.integer(1);
  nlohmann::json items = nlohmann::json::parse(current.text(2));
  const std::string key_ssl = current.text(3);
  current.reset();

  OrderApplyResult result;
  std::string to = from;
  std::string updated_at = request.updated_at;
  if (request.action == "order-item-stocks") {
    if (!order_takes_item_stocks(from)) {
      result.outcome = OrderApplyOutcome::refused;
      result.message = "order " + std::to_string(request.order_id) +
                       " takes picked batches only while confirmed or allocated (it is " + from + ")";
      result.errors["order_id"].push_back(result.message);
      return result;
    }
    result.errors = add_item_stocks(items, request.body["items"], request.order_id);
    if (!result.errors.empty()) {
      result.outcome = OrderApplyOutcome::refused;
      result.message = "unknown order items";
      return result;
    }
    result.response = nlohmann::json{
        {"status", "success"},
        {"data", {{"order_id", request.order_id}, {"items", request.body["items"]}}}};
  } else {
    const auto next = next_order_status(request.action, from);
    if (!next) {
      result.outcome = OrderApplyOutcome::refused;
      result.message = "cannot " + request.action + " order " + std::to_string(request.order_id) +
                       ": it is " + from + " (" + request.action + " applies to an order that is " +
                       order_action_sources(request.action) + ")";
      result.errors["status"].push_back(result.message);
      return result;
    }
    to = *next;
    // last_change_ms is 0 before the first change (NULL reads as 0): any time is in order then.
    result.in_order = last_change_ms == 0 || request.updated_at_ms >= last_change_ms;
    result.response = nlohmann::json{
        {"status", "success"},
        {"data",
         {{"id", request.order_id}, {"key_ssl", key_ssl}, {"status", to}, {"updated_at", updated_at}}}};
  }

  Query next_seq(db_, kStore, "SELECT COALESCE(MAX(seq), 0) + 1 FROM order_requests");
  next_seq.step();
  const std::int64_t seq = next_seq.integer(0);
  next_seq.reset();

  if (request.action == "order-item-stocks") {
    Query(db_, kStore, "UPDATE orders SET items = ?, modified_at = ? WHERE id = ?")
        .bind(canonical_json(items))
        .bind(now)
        .bind(request.order_id)
        .step();
  } else {
    Query(db_, kStore,
          "UPDATE orders SET status = ?, updated_at = ?, last_change_ms = MAX(COALESCE(last_change_ms, 0), ?), "
          "modified_at = ? WHERE id = ?")
        .bind(to)
        .bind(updated_at)
        .bind(request.updated_at_ms)
        .bind(now)
        .bind(request.order_id)
        .step();
  }
  Query(db_, kStore, R"sql(
    INSERT INTO order_requests (idempotency_key, seq, order_id, action, fingerprint, from_status,
                                to_status, updated_at, in_order, device_id, body, response,
                                accepted_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql")
      .bind(request.idempotency_key)
      .bind(seq)
      .bind(request.order_id)
      .bind(request.action)
      .bind(fingerprint)
      .bind(from)
      .bind(to)
      .bind(updated_at)
      .bind(std::int64_t{result.in_order ? 1 : 0})
      .bind(request.device_id)
      .bind(canonical_json(request.body))
      .bind(canonical_json(result.response))
      .bind(now)
      .step();
  tx.commit();
  result.outcome = OrderApplyOutcome::applied;
  return result;
}

std::optional<nlohmann::json> OrderStore::order(std::int64_t id) {
  std::lock_guard lock(mutex_);
  const std::string sql = std::string("SELECT ") + order_columns + " FROM orders WHERE id = ?";
  Query query(db_, kStore, sql.c_str());
  query.bind(id);
  if (!query.step()) return std::nullopt;
  return order_json(query);
}

std::optional<nlohmann::json> OrderStore::order_by_key_ssl(const std::string& key_ssl) {
  std::lock_guard lock(mutex_);
  const std::string sql = std::string("SELECT ") + order_columns + " FROM orders WHERE key_ssl = ?";
  Query query(db_, kStore, sql.c_str());
  query.bind(key_ssl);
  if (!query.step()) return std::nullopt;
  return order_json(query);
}

std::vector<nlohmann::json> OrderStore::orders(const std::optional<std::string>& status,
                                               std::int64_t offset, std::int64_t limit) {
  std::lock_guard lock(mutex_);
  const std::string sql = std::string("SELECT ") + order_columns +
                          " FROM orders WHERE ?1 IS NULL OR status = ?1 ORDER BY id LIMIT ?2 OFFSET ?3";
  Query query(db_, kStore, sql.c_str());
  if (status) {
    query.bind(*status);
  } else {
    query.bind_null();
  }
  query.bind(limit).bind(offset);
  std::vector<nlohmann::json> rows;
  while (query.step()) rows.push_back(order_json(query));
  return rows;
}

std::int64_t OrderStore::count_orders(const std::optional<std::string>& status) {
  std::lock_guard lock(mutex_);
  Query query(db_, kStore, "SELECT COUNT(*) FROM orders WHERE ?1 IS NULL OR status = ?1");
  if (status) {
    query.bind(*status);
  } else {
    query.bind_null();
  }
  query.step();
  return query.integer(0);
}

nlohmann::json OrderStore::history(std::int64_t id) {
  std::lock_guard lock(mutex_);
  Query query(db_, kStore, R"sql(
    SELECT seq, idempotency_key, action, from_status, to_status, updated_at, in_order, device_id,
           body, accepted_at
    FROM order_requests WHERE order_id = ? ORDER BY seq)sql");
  query.bind(id);
  nlohmann::json changes = nlohmann::json::array();
  while (query.step()) {
    changes.push_back({{"seq", query.integer(0)},
                       {"idempotency_key", query.text(1)},
                       {"action", query.text(2)},
                       {"from", query.text(3)},
                       {"to", query.text(4)},
                       {"updated_at", query.text(5)},
                       {"in_order", query.integer(6) != 0},
                       {"device_id", query.text(7)},
                       {"body", nlohmann::json::parse(query.text(8))},
                       {"accepted_at", query.integer(9)}});
  }
  return changes;
}

}  // namespace upstream_sim
