#include "orders_api.hpp"

#include "http_json.hpp"
#include "order_validation.hpp"
#include "smile_login.hpp"
#include "unix_time.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace upstream_sim {
namespace {

constexpr std::int64_t default_page_size = 100;
constexpr std::int64_t max_page_size = 500;


void answer(httplib::Response& res, const OrderApplyResult& result, int created_status, Stats& stats) {
  switch (result.outcome) {
    case OrderApplyOutcome::applied:
      stats.on_accepted(result.in_order);
      send_json(res, created_status, result.response);
      return;
    case OrderApplyOutcome::duplicate:
      // The contract's "already delivered": the original answer, not applied a second time.
      stats.on_duplicate();
      send_json(res, 409, result.response);
      return;
    case OrderApplyOutcome::conflict:
      send_validation_error(
          res, FieldErrors{{"Idempotency-Key", {"was already used for a different request"}}},
          result.message);
      return;
    case OrderApplyOutcome::unknown_order:
      send_error(res, 404, result.message);
      return;
    case OrderApplyOutcome::refused:
      send_validation_error(res, result.errors, result.message);
      return;
  }
}

// The checks every order write goes through: the token, an Idempotency-Key, a JSON object body
// that `validate` accepts. The request they establish, or nullopt with the refusal already sent.
std::optional<OrderRequest> checked_order_request(const httplib::Request& req, httplib::Response& res,
                                                  Store& store,
                                                  FieldErrors (*validate)(const nlohmann::json&)) {
  if (!require_bearer_token(req, res, store)) return std::nullopt;
  const auto key = idempotency_key(req, res);
  if (!key) return std::nullopt;
  const auto body = object_body(req, res);
  if (!body) return std::nullopt;
  if (const FieldErrors errors = validate(*body); !errors.empty()) {
    send_validation_error(res, errors);
    return std::nullopt;
  }
  OrderRequest request;
  request.idempotency_key = *key;
  request.order_id = std::stoll(req.matches[1].str());
  request.body = *body;
  request.device_id = req.get_header_value("X-Device-Id");
  return request;
}

void put_status(const httplib::Request& req, httplib::Response& res, Store& store,
                OrderStore& orders, Stats& stats) {
  auto request = checked_order_request(req, res, store, validate_order_status_body);
  if (!request) return;
  request->action = req.matches[2].str();
  request->updated_at = request->body["updated_at"].get<std::string>();
  request->updated_at_ms = parse_rfc3339_ms(request->updated_at).value_or(0);  // validated above
  answer(res, orders.apply(*request, unix_now()), 200, stats);
}

void post_item_stocks(const httplib::Request& req, httplib::Response& res, Store& store,
                      OrderStore& orders, Stats& stats) {
  auto request = checked_order_request(req, res, store, validate_order_item_stocks);
  if (!request) return;
  request->action = "order-item-stocks";
  answer(res, orders.apply(*request, unix_now()), 201, stats);
}

void get_integration(const httplib::Request& req, httplib::Response& res, Store& store,
                     OrderStore& orders) {
  if (!require_bearer_token(req, res, store)) return;
  const std::string key_ssl = req.matches[1].str();
  const auto order = orders.order_by_key_ssl(key_ssl);
  if (!order) {
    send_error(res, 404, "no order with key_ssl " + key_ssl);
    return;
  }
  send_json(res, 200, nlohmann::json{{"status", "success"}, {"data", *order}});
}

// A positive integer query parameter, its fallback when absent, nullopt (with the error noted)
// when malformed or out of range.
std::optional<std::int64_t> page_param(const httplib::Request& req, const char* name,
                                       std::int64_t fallback, std::int64_t max, FieldErrors& errors) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  std::int64_t value = 0;
  bool ok = !text.empty() && text.size() <= 9;
  for (const char c : text) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) value = value * 10 + (c - '0');
  }
  if (!ok || value < 1 || value > max) {
    errors[name].push_back("must be an integer from 1 to " + std::to_string(max));
    return std::nullopt;
  }
  return value;
}

void get_orders(const httplib::Request& req, httplib::Response& res, Store& store,
                OrderStore& orders) {
  if (!require_bearer_token(req, res, store)) return;
  FieldErrors errors;
  const auto page = page_param(req, "page", 1, 1'000'000, errors);
  const auto paginate = page_param(req, "paginate", default_page_size, max_page_size, errors);
  if (!errors.empty()) {
    send_validation_error(res, errors);
    return;
  }
  std::optional<std::string> status;
  if (req.has_param("status")) status = req.get_param_value("status");
  const std::int64_t total = orders.count_orders(status);
  nlohmann::json data = nlohmann::json::array();
  for (auto& order : orders.orders(status, (*page - 1) * *paginate, *paginate)) {
    data.push_back(std::move(order));
  }
  send_json(res, 200,
            nlohmann::json{{"status", "success"},
                           {"data", data},
                           {"meta",
                            {{"page", *page},
                             {"paginate", *paginate},
                             {"total_page", (total + *paginate - 1) / *paginate},
                             {"total_item", total}}}});
}

}  // namespace

void register_orders_api(httplib::Server& server, const ApiGate& gate, Store& store,
                         OrderStore& orders, Stats& stats) {
  const httplib::Server::Handler status_handler = [&store, &orders, &stats](
                                                      const httplib::Request& req,
                                                      httplib::Response& res) {
    put_status(req, res, store, orders, stats);
  };
  const httplib::Server::Handler stocks_handler = [&store, &orders, &stats](
                                                      const httplib::Request& req,
                                                      httplib::Response& res) {
    post_item_stocks(req, res, store, orders, stats);
  };
  const httplib::Server::Handler integration_handler =
      [&store, &orders](const httplib::Request& req, httplib::Response& res) {
        get_integration(req, res, store, orders);
      };
  const httplib::Server::Handler list_handler =
      [&store, &orders](const httplib::Request& req, httplib::Response& res) {
        get_orders(req, res, store, orders);
      };
  // Order ids up to 18 digits always fit an int64 (std::stoll above cannot throw).
  server.Put(R"(/orders/(\d{1,18})/(confirms|pendings|allocates|ships|fulfilled|validate|cancel))",
             with_body(gate.guard(status_handler)));
  server.Post(R"(/orders/(\d{1,18})/order-item-stocks)", with_body(gate.guard(stocks_handler)));
  server.Get(R"(/v2/order/([^/]+)/integration)", gate.guard(integration_handler));
  server.Get("/v2/orders", gate.guard(list_handler));
}

}  // namespace upstream_sim
