#include "admin_orders.hpp"

#include "http_json.hpp"
#include "order_validation.hpp"
#include "unix_time.hpp"

#include <chrono>
#include <ctime>
#include <string>

namespace upstream_sim {
namespace {

std::string now_rfc3339() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

void register_orders_admin(httplib::Server& server, OrderStore& orders) {
  server.Post("/admin/orders", with_body([&orders](const httplib::Request& req,
                                                   httplib::Response& res) {
                auto order = parse_json(req.body);
                if (!order || !order->is_object()) {
                  send_error(res, 400, "body must be a JSON object (one order)");
                  return;
                }
                if (const FieldErrors errors = validate_seeded_order(*order, now_rfc3339());
                    !errors.empty()) {
                  send_validation_error(res, errors);
                  return;
                }
                orders.put_order(*order, unix_now());
                send_json(res, 201, nlohmann::json{{"order", *orders.order((*order)["id"].get<std::int64_t>())}});
              }));
  server.Get(R"(/admin/orders/(\d{1,18}))", [&orders](const httplib::Request& req,
                                                      httplib::Response& res) {
    const std::int64_t id = std::stoll(req.matches[1].str());
    const auto order = orders.order(id);
    if (!order) {
      send_error(res, 404, "order " + std::to_string(id) + " not found");
      return;
    }
    send_json(res, 200, nlohmann::json{{"order", *order}, {"changes", orders.history(id)}});
  });
}

}  // namespace upstream_sim
