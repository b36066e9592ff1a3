// The orders area's memory (SMILE Order API): the orders tests seed through the admin API, the
// status changes and picked batches the API applied, and the idempotency keys it has seen, in
// their own SQLite file (the --db file's name plus "-orders", or memory), so the DIN store's
// locking and schema are untouched. Every method is one short transaction under one mutex.
#pragma once

#include "store.hpp"
#include "validation.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace upstream_sim {

// One status change (PUT /orders/{id}/{action}) or batch of picked stocks
// (POST /orders/{id}/order-item-stocks, action "order-item-stocks"), already validated.
struct OrderRequest {
  std::string idempotency_key;
  std::int64_t order_id = 0;
  std::string action;
  std::string updated_at;          // status changes only
  std::int64_t updated_at_ms = 0;  // parsed, to compare across offsets
  nlohmann::json body;             // as sent (compared canonically to recognise a replay)
  std::string device_id;
};

enum class OrderApplyOutcome {
  applied,        // new key: the order changed
  duplicate,      // known key, same request: nothing applied again; the original answer
  conflict,       // known key, another request
  unknown_order,  // no such order
  refused,        // out of order for the order's state (or unknown items): nothing changed
};

struct OrderApplyResult {
  OrderApplyOutcome outcome = OrderApplyOutcome::refused;
  nlohmann::json response;  // applied / duplicate: the answer's body
  std::string message;      // refused / conflict
  FieldErrors errors;       // refused
  bool in_order = true;     // applied status change: updated_at not before the previous one's
};

class OrderStore {
 public:
  // db_path: the simulator's --db; ":memory:" stays in memory. Throws StoreError.
  explicit OrderStore(const std::string& db_path);
  ~OrderStore();
  OrderStore(const OrderStore&) = delete;
  OrderStore& operator=(const OrderStore&) = delete;

  // Creates or replaces an order (admin seeding): {"id", "key_ssl", "status", "updated_at",
  // "items": [{"id", "material_code", "qty", ...}]}, validated by the caller.
  void put_order(const nlohmann::json& order, std::int64_t now);

  OrderApplyResult apply(const OrderRequest& request, std::int64_t now);

  // The order as the API shows it, or nullopt.
  std::optional<nlohmann::json> order(std::int64_t id);
  std::optional<nlohmann::json> order_by_key_ssl(const std::string& key_ssl);
  // Orders by id, optionally only those in `status`; `offset`/`limit` page through them.
  std::vector<nlohmann::json> orders(const std::optional<std::string>& status, std::int64_t offset,
                                     std::int64_t limit);
  std::int64_t count_orders(const std::optional<std::string>& status);
  // What was applied to an order, in arrival order (admin API).
  nlohmann::json history(std::int64_t id);

 private:
  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

// The file OrderStore keeps beside the --db file.
std::string order_db_path(const std::string& db_path);

}  // namespace upstream_sim
