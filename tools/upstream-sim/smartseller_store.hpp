// SmartSeller's memory in the simulator: the stock of each variation per warehouse, and every
// request it applied under its Idempotency-Key (with the answer it gave), in SQLite. Its own
// connection and its own tables (smartseller_*) in the --db file, so the DIN store is untouched
// and a restarted simulator still knows the keys it applied and the stock they left.
#pragma once

#include "store.hpp"
#include "validation.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct sqlite3;

namespace upstream_sim {

using StockKey = std::pair<std::int64_t, std::int64_t>;  // variation_id, warehouse_id

struct StockLevel {
  std::int64_t variation_id;
  std::int64_t warehouse_id;
  std::int64_t stock;
};

// The stock as the store holds it, inside the transaction that applies a request.
struct StockView {
  std::function<std::int64_t(std::int64_t variation, std::int64_t warehouse)> level;  // 0 if never set
  std::function<std::int64_t(std::int64_t variation)> total;  // over every warehouse
};

// What an endpoint decides for a new request, given the current stock and the id it would get.
struct StockPlan {
  FieldErrors refusal;                         // non-empty: refused (400), nothing changes
  std::map<StockKey, std::int64_t> levels;     // new stock levels to write
  nlohmann::json response;                     // the success answer (status 200)
};
// `id`: the number the request will have (answers such as an opname's "id" use it).
using Planner = std::function<StockPlan(const StockView& stock, std::int64_t id)>;

struct SmartSellerRequest {
  std::string endpoint;         // e.g. "update-stock"
  std::string idempotency_key;
  std::string device_id;
  std::string body;             // canonical JSON, to recognise a replay
};

enum class ApplyOutcome {
  applied,    // new key: stock changed, answer stored
  duplicate,  // known key, same endpoint and body: the stored answer, nothing applied again
  conflict,   // known key, different endpoint or body
  refused,    // the planner refused it (insufficient stock...): nothing stored
};

struct ApplyResult {
  ApplyOutcome outcome;
  nlohmann::json response;  // applied/duplicate: the answer; refused: empty
  FieldErrors refusal;
  std::int64_t seq = 0;     // applied/duplicate/conflict: the stored request's number
};

struct AppliedRequest {
  std::int64_t seq;
  std::string endpoint;
  std::string idempotency_key;
  std::string device_id;
  nlohmann::json body;
  std::int64_t applied_at_ms;
};

class SmartSellerStore {
 public:
  // path: a file or ":memory:". Throws StoreError.
  explicit SmartSellerStore(const std::string& path);
  ~SmartSellerStore();
  SmartSellerStore(const SmartSellerStore&) = delete;
  SmartSellerStore& operator=(const SmartSellerStore&) = delete;

  // One transaction: the key looked up, the plan made against the current stock, stock and
  // request written. Throws StoreError.
  ApplyResult apply(const SmartSellerRequest& request, const Planner& plan);

  std::vector<StockLevel> stock(std::optional<std::int64_t> variation_id);
  void set_stock(const std::vector<StockLevel>& levels);
  std::vector<AppliedRequest> requests();

 private:
  void exec(const char* sql);

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

}  // namespace upstream_sim
