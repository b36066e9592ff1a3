#include "din_api.hpp"

#include "bearer.hpp"
#include "http_json.hpp"
#include "secrets.hpp"
#include "smile_login.hpp"
#include "unix_time.hpp"
#include "validation.hpp"

#include <cctype>
#include <chrono>
#include <optional>
#include <string_view>

namespace upstream_sim {
namespace {


nlohmann::json picking_resource(std::int64_t picking_id, const std::string& key_ssl) {
  return nlohmann::json{{"status", "success"},
                        {"data", {{"picking_id", picking_id}, {"key_ssl", key_ssl}}}};
}

void login(const httplib::Request& req, httplib::Response& res, Store& store, Stats& stats,
           const DinSettings& settings, const TokenTtl& token_ttl) {
  const auto body = parse_json(req.body);
  if (!body) {
    stats.on_login(false);
    send_error(res, 400, "malformed JSON");
    return;
  }
  if (const FieldErrors errors = validate_login(*body); !errors.empty()) {
    stats.on_login(false);
    send_validation_error(res, errors);
    return;
  }
  const auto& username = (*body)["username"].get_ref<const std::string&>();
  const auto& password = (*body)["password"].get_ref<const std::string&>();
  // Both compared every time, so the answer's timing does not tell which one was wrong.
  const bool user_ok = constant_time_equal(username, settings.username);
  const bool password_ok = constant_time_equal(password, settings.password);
  if (!user_ok || !password_ok) {
    stats.on_login(false);
    send_error(res, 401, "invalid credentials");
    return;
  }

  issue_login_token(res, store, stats, username, token_ttl);
}

void post_picking(const httplib::Request& req, httplib::Response& res, Store& store,
                  Stats& stats) {
  const std::int64_t now = unix_now();

  // Authentication first: an unauthenticated caller learns nothing about its request.
  const auto token = parse_bearer(req.get_header_value("Authorization"));
  if (!token) {
    res.set_header("WWW-Authenticate", "Bearer");
    send_error(res, 401, "missing bearer token");
    return;
  }
  if (!store.token_valid(sha256_hex(*token), now)) {
    res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    send_error(res, 401, "invalid or expired token");
    return;
  }

  const auto found_key = idempotency_key(req, res);
  if (!found_key) return;
  const std::string& key = *found_key;

  const auto body = object_body(req, res);
  if (!body) return;
  if (const FieldErrors errors = validate_picking(*body); !errors.empty()) {
    send_validation_error(res, errors);
    return;
  }

  const auto& picked_at = (*body)["picked_at"].get_ref<const std::string&>();
  const NewPicking picking{
      key,
      (*body)["key_ssl"].get<std::string>(),
      (*body)["picking_no"].get<std::string>(),
      picked_at,
      parse_rfc3339_ms(picked_at).value_or(0),  // validated above
      req.get_header_value("X-Device-Id"),
      canonical_json(*body),
  };
  const PutResult result = store.put_picking(picking, now);
  switch (result.outcome) {
    case PutOutcome::created:
      stats.on_accepted(result.in_order);
      send_json(res, 201, picking_resource(result.picking_id, result.key_ssl));
      return;
    case PutOutcome::duplicate:
      // The contract's "already delivered": the original resource, not applied a second time.
      stats.on_duplicate();
      send_json(res, 409, picking_resource(result.picking_id, result.key_ssl));
      return;
    case PutOutcome::conflict:
      send_validation_error(
          res,
          FieldErrors{{"Idempotency-Key",
                       {"was already used for a different picking (picking_id " +
                        std::to_string(result.picking_id) + ")"}}},
          "idempotency key reused with a different body");
      return;
  }
}

}  // namespace

void register_din_api(httplib::Server& server, const ApiGate& gate, Store& store, Stats& stats,
                      const DinSettings& settings, const TokenTtl& token_ttl) {
  const httplib::Server::Handler login_handler =
      [&store, &stats, settings, &token_ttl](const httplib::Request& req,
                                             httplib::Response& res) {
        login(req, res, store, stats, settings, token_ttl);
      };
  const httplib::Server::Handler picking_handler =
      [&store, &stats](const httplib::Request& req, httplib::Response& res) {
        post_picking(req, res, store, stats);
      };
  server.Post("/ifp/login", with_body(gate.guard(login_handler)));
  server.Post("/ssl/ifp/picking/order", with_body(gate.guard(picking_handler)));
}

}  // namespace upstream_sim
