#include "smartseller_api.hpp"

#include "http_json.hpp"
#include "secrets.hpp"
#include "smartseller_rules.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <set>
#include <optional>
#include <string_view>

namespace upstream_sim {
namespace {

constexpr std::size_t max_idempotency_key_length = 255;
constexpr std::int64_t main_warehouse = 0;  // "Gudang Utama": every shop has it


void send_failed(httplib::Response& res, int status, const nlohmann::json& message) {
  send_json(res, status, nlohmann::json{{"response", "Failed"}, {"message", message}, {"data", nullptr}});
}

// The gate (outage, fault steps, header checks) answers in the SMILE shape; SmartSeller's
// clients read {"response": "Failed", "message": ...}. Hang-ups (status 0) have no body.
void restyle_gate_error(httplib::Response& res) {
  if (res.status < 400) return;
  const auto body = parse_json(res.body);
  if (!body || !body->is_object() || body->value("status", "") != "error") return;
  // send_json keeps the headers already set (Retry-After of a 429 or 503).
  send_failed(res, res.status, body->value("message", std::string()));
}

std::optional<std::string> bearer(const std::string& header) {
  constexpr std::string_view scheme = "bearer ";
  if (header.size() <= scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return std::nullopt;
  }
  return header.substr(scheme.size());
}

std::string warehouse_name(std::int64_t id) {
  return id == main_warehouse ? "Gudang Utama" : "Gudang " + std::to_string(id);
}

nlohmann::json warehouse_json(std::int64_t id) { return {{"id", id}, {"name", warehouse_name(id)}}; }

// "2020-10-14T07:39:32.000000Z" (iso) or "2021-11-19 11:07:50", as the seed's
// answers show dates.
std::string utc_now(bool iso) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[40];
  if (iso) {
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S.000000Z", &utc);
  } else {
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
  }
  return text;
}

// The stock a plan has computed so far, over what the store holds.
class Levels {
 public:
  explicit Levels(const StockView& stored) : stored_(stored) {}
  std::int64_t get(std::int64_t variation, std::int64_t warehouse) {
    const auto found = levels_.find({variation, warehouse});
    return found != levels_.end() ? found->second : stored_.level(variation, warehouse);
  }
  void set(std::int64_t variation, std::int64_t warehouse, std::int64_t stock) {
    levels_[{variation, warehouse}] = stock;
  }
  // Adds delta; false (and nothing changed) when the level would go below zero.
  bool add(std::int64_t variation, std::int64_t warehouse, std::int64_t delta) {
    const std::int64_t now = get(variation, warehouse);
    if (now + delta < 0) return false;
    set(variation, warehouse, now + delta);
    return true;
  }
  // The variation's total over every warehouse, with this plan's changes.
  std::int64_t total(std::int64_t variation) {
    std::int64_t total = stored_.total(variation);
    for (const auto& [key, stock] : levels_) {
      if (key.first == variation) total += stock - stored_.level(key.first, key.second);
    }
    return total;
  }
  std::map<StockKey, std::int64_t> take() { return std::move(levels_); }

 private:
  const StockView& stored_;
  std::map<StockKey, std::int64_t> levels_;
};

std::string insufficient(std::int64_t variation, std::int64_t warehouse, std::int64_t has) {
  return "Insufficient stock: variation " + std::to_string(variation) + " has " +
         std::to_string(has) + " in warehouse " + std::to_string(warehouse) + ".";
}

StockPlan plan_update(const nlohmann::json& body, const StockView& stored, const std::string& verdict) {
  StockPlan plan;
  Levels levels(stored);
  const auto variation = body["variation_id"].get<std::int64_t>();
  const bool move = body.value("move_warehouse_stock", false);
  const auto& stock = body["stock"];
  for (std::size_t i = 0; i < stock.size(); ++i) {
    const auto amount = stock[i]["amount"].get<std::int64_t>();
    const auto warehouse = stock[i]["warehouse_id"].get<std::int64_t>();
    std::string status = stock[i]["status"].get<std::string>();
    std::transform(status.begin(), status.end(), status.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    const std::int64_t delta = status == "ADD" ? amount : -amount;
    const std::string at = "stock." + std::to_string(i);
    if (move && warehouse == main_warehouse) {
      plan.refusal[at + ".warehouse_id"].push_back(
          "move_warehouse_stock moves stock between the main warehouse (0) and another one; "
          "warehouse 0 cannot be the other one.");
      continue;
    }
    // Moving takes from (or gives back to) the main warehouse: the total stays the same.
    if (move && !levels.add(variation, main_warehouse, -delta)) {
      plan.refusal[at + ".amount"].push_back(
          insufficient(variation, main_warehouse, levels.get(variation, main_warehouse)));
      continue;
    }
    if (!levels.add(variation, warehouse, delta)) {
      plan.refusal[at + ".amount"].push_back(
          insufficient(variation, warehouse, levels.get(variation, warehouse)));
    }
  }
  if (!plan.refusal.empty()) return plan;
  const std::int64_t total = levels.total(variation);
  plan.levels = levels.take();
  plan.response = {{"response", verdict},
                   {"data",
                    {{"date", utc_now(true)},
                     {"variation_id", variation},
                     {"stock", stock},
                     {"description", body["description"]},
                     {"total_stock", total}}},
                   {"shop_id", 1}};
  return plan;
}

StockPlan plan_sync(const nlohmann::json& body, std::int64_t id, const std::string& verdict) {
  StockPlan plan;
  const auto variation = body["variation_id"].get<std::int64_t>();
  const auto amount = body["amount"].get<std::int64_t>();
  plan.levels[{variation, main_warehouse}] = amount;
  char request_id[16];
  std::snprintf(request_id, sizeof request_id, "%013llx", static_cast<unsigned long long>(id));
  // The seed's example answers with strings.
  plan.response = {{"response", verdict},
                   {"data",
                    {{"variation_id", std::to_string(variation)},
                     {"amount", std::to_string(amount)},
                     {"request_id", request_id}}}};
  return plan;
}

StockPlan plan_opname(const nlohmann::json& body, std::int64_t id, const std::string& verdict) {
  StockPlan plan;
  const auto warehouse = body["warehouse_id"].get<std::int64_t>();
  for (const auto& entry : body["stock_adjustment"]) {
    plan.levels[{entry["variation_id"].get<std::int64_t>(), warehouse}] =
        entry["warehouse_stock"].get<std::int64_t>();
  }
  plan.response = {{"response", verdict},
                   {"data",
                    {{"id", id},
                     {"description", body["description"]},
                     {"variation_total", body["stock_adjustment"].size()},
                     {"progress_status", "SUCCESS"},
                     {"warehouse", warehouse_json(warehouse)}}}};
  return plan;
}

StockPlan plan_transfer(const nlohmann::json& body, const StockView& stored, std::int64_t id,
                        const std::string& verdict) {
  StockPlan plan;
  Levels levels(stored);
  const auto origin = body["origin_warehouse_id"].get<std::int64_t>();
  const auto destination = body["destination_warehouse_id"].get<std::int64_t>();
  const auto& entries = body["stock_adjustment"];
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto variation = entries[i]["variation_id"].get<std::int64_t>();
    const auto amount = entries[i]["transfer_stock"].get<std::int64_t>();
    if (!levels.add(variation, origin, -amount)) {
      plan.refusal["stock_adjustment." + std::to_string(i) + ".transfer_stock"].push_back(
          insufficient(variation, origin, levels.get(variation, origin)));
      continue;
    }
    levels.add(variation, destination, amount);
  }
  if (!plan.refusal.empty()) return plan;
  plan.levels = levels.take();
  plan.response = {{"response", verdict},
                   {"data",
                    {{"id", id},
                     {"description", body["description"]},
                     {"origin_warehouse", warehouse_json(origin)},
                     {"destination_warehouse", warehouse_json(destination)},
                     {"created_at", utc_now(false)}}}};
  return plan;
}

struct Endpoint {
  const char* name;  // as stored with each request
  FieldErrors (*validate)(const nlohmann::json&);
  // Plans a valid body against the current stock; `verdict` is "Success" or "Sukses".
  StockPlan (*plan)(const nlohmann::json& body, const StockView& stored, std::int64_t id,
                    const std::string& verdict);
  bool sukses;  // the seed shows this endpoint answering "Sukses"
};

void serve(const httplib::Request& req, httplib::Response& res, const Endpoint& endpoint,
           SmartSellerStore& store, Stats& stats, const SmartSellerKey& key) {
  // Authentication first: an unauthenticated caller learns nothing about its request.
  const auto presented = bearer(req.get_header_value("Authorization"));
  if (!presented || !key.matches(*presented)) {
    res.set_header("WWW-Authenticate", "Bearer");
    send_failed(res, 401, "Unauthorized -- Your API key is wrong.");
    return;
  }
  const std::string idempotency_key = req.get_header_value("Idempotency-Key");
  if (idempotency_key.empty() || idempotency_key.size() > max_idempotency_key_length) {
    send_failed(res, 400, "Idempotency-Key header missing or longer than 255 characters.");
    return;
  }
  const auto body = parse_json(req.body);
  if (!body || !body->is_object()) {
    send_failed(res, 400, "Bad Request -- the body must be a JSON object.");
    return;
  }
  if (const FieldErrors errors = endpoint.validate(*body); !errors.empty()) {
    send_failed(res, 400, errors);
    return;
  }
  const bool indonesian = req.get_header_value("Accept-Language").rfind("id", 0) == 0;
  const std::string verdict = endpoint.sukses || indonesian ? "Sukses" : "Success";
  const SmartSellerRequest request{endpoint.name, idempotency_key,
                                   req.get_header_value("X-Device-Id"), canonical_json(*body)};
  const ApplyResult result = store.apply(request, [&](const StockView& stock, std::int64_t id) {
    return endpoint.plan(*body, stock, id, verdict);
  });
  switch (result.outcome) {
    case ApplyOutcome::applied:
      stats.on_accepted(true);
      send_json(res, 200, result.response);
      return;
    case ApplyOutcome::duplicate:
      stats.on_duplicate();
      send_json(res, 409, result.response);
      return;
    case ApplyOutcome::conflict:
      send_failed(res, 422,
                  FieldErrors{{"Idempotency-Key",
                               {"was already used for a different request (#" +
                                std::to_string(result.seq) + ")"}}});
      return;
    case ApplyOutcome::refused:
      send_failed(res, 400, result.refusal);
      return;
  }
}

const Endpoint update_stock{"update-stock", validate_update_stock,
                            [](const nlohmann::json& body, const StockView& stored, std::int64_t,
                               const std::string& verdict) { return plan_update(body, stored, verdict); },
                            false};
const Endpoint sync_stock{"sync-stock", validate_sync_stock,
                          [](const nlohmann::json& body, const StockView&, std::int64_t id,
                             const std::string& verdict) { return plan_sync(body, id, verdict); },
                          false};
const Endpoint stock_opname{"stock-opname", validate_stock_opname,
                            [](const nlohmann::json& body, const StockView&, std::int64_t id,
                               const std::string& verdict) { return plan_opname(body, id, verdict); },
                            false};
const Endpoint stock_transfer{"stock-transfer", validate_stock_transfer, plan_transfer, true};

}  // namespace

bool SmartSellerKey::matches(const std::string& presented) const {
  std::lock_guard lock(mutex_);
  return constant_time_equal(presented, key_);
}

void SmartSellerKey::replace(std::string key) {
  std::lock_guard lock(mutex_);
  key_ = std::move(key);
}

void register_smartseller_api(httplib::Server& server, const ApiGate& gate, SmartSellerStore& store,
                              Stats& stats, const SmartSellerKey& key) {
  const auto route = [&](const Endpoint& endpoint) {
    const httplib::Server::Handler guarded =
        gate.guard([&endpoint, &store, &stats, &key](const httplib::Request& req, httplib::Response& res) {
          serve(req, res, endpoint, store, stats, key);
        });
    return with_body([guarded](const httplib::Request& req, httplib::Response& res) {
      guarded(req, res);
      restyle_gate_error(res);
    });
  };
  server.Patch("/api/open/product/update-stock", route(update_stock));
  server.Patch("/api/open/product/sync-stock", route(sync_stock));
  server.Post("/api/open/stock-opname", route(stock_opname));
  server.Post("/api/open/stock-transfer", route(stock_transfer));
}

}  // namespace upstream_sim
