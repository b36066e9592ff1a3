#include "smartseller_admin.hpp"

#include "http_json.hpp"

#include <string>

namespace upstream_sim {
namespace {

using Request = httplib::Request;
using Response = httplib::Response;

bool non_negative_integer(const nlohmann::json& object, const char* member) {
  return object.is_object() && object.contains(member) && object[member].is_number_integer() &&
         object[member].get<std::int64_t>() >= 0;
}

}  // namespace

void register_smartseller_admin(httplib::Server& server, SmartSellerStore& store, SmartSellerKey& key) {
  server.Get("/admin/smartseller/stock", [&store](const Request& req, Response& res) {
    std::optional<std::int64_t> variation;
    if (req.has_param("variation_id")) {
      try {
        variation = std::stoll(req.get_param_value("variation_id"));
      } catch (const std::exception&) {
        send_error(res, 400, "variation_id must be an integer");
        return;
      }
    }
    nlohmann::json levels = nlohmann::json::array();
    for (const StockLevel& level : store.stock(variation)) {
      levels.push_back({{"variation_id", level.variation_id},
                        {"warehouse_id", level.warehouse_id},
                        {"stock", level.stock}});
    }
    send_json(res, 200, nlohmann::json{{"stock", levels}});
  });

  server.Post("/admin/smartseller/stock", with_body([&store](const Request& req, Response& res) {
    const auto body = parse_json(req.body);
    const auto stock = body && body->is_object() ? body->find("stock") : nlohmann::json::const_iterator();
    if (!body || !body->is_object() || stock == body->end() || !stock->is_array()) {
      send_error(res, 400, R"(expected {"stock": [{"variation_id", "warehouse_id", "stock"}]})");
      return;
    }
    std::vector<StockLevel> levels;
    for (const auto& entry : *stock) {
      if (!non_negative_integer(entry, "variation_id") || !non_negative_integer(entry, "warehouse_id") ||
          !non_negative_integer(entry, "stock")) {
        send_error(res, 422, "each entry needs non-negative integers variation_id, warehouse_id, stock");
        return;
      }
      levels.push_back({entry["variation_id"].get<std::int64_t>(), entry["warehouse_id"].get<std::int64_t>(),
                        entry["stock"].get<std::int64_t>()});
    }
    store.set_stock(levels);
    send_json(res, 200, nlohmann::json{{"set", levels.size()}});
  }));

  server.Get("/admin/smartseller/requests", [&store](const Request&, Response& res) {
    nlohmann::json list = nlohmann::json::array();
    for (const AppliedRequest& request : store.requests()) {
      list.push_back({{"seq", request.seq},
                      {"endpoint", request.endpoint},
                      {"idempotency_key", request.idempotency_key},
                      {"device_id", request.device_id},
                      {"body", request.body},
                      {"applied_at_ms", request.applied_at_ms}});
    }
    send_json(res, 200, nlohmann::json{{"requests", list}});
  });

  server.Post("/admin/smartseller/api-key", with_body([&key](const Request& req, Response& res) {
    const auto body = parse_json(req.body);
    const std::string api_key =
        body && body->is_object() && body->contains("api_key") && (*body)["api_key"].is_string()
            ? (*body)["api_key"].get<std::string>()
            : std::string();
    if (api_key.empty()) {
      send_error(res, 400, R"(expected {"api_key": "<non-empty string>"})");
      return;
    }
    key.replace(api_key);
    send_json(res, 200, nlohmann::json{{"replaced", true}});  // never echo a key
  }));
}

}  // namespace upstream_sim
