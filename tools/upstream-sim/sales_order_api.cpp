#include "sales_order_api.hpp"

#include "bearer.hpp"
#include "http_json.hpp"
#include "secrets.hpp"
#include "unix_time.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace upstream_sim {
namespace {

// An expired token may still be refreshed for this long (the seed: renew an expired token
// without the client secret); after that the partner logs in again.
constexpr std::int64_t refresh_grace_seconds = std::int64_t{7} * 24 * 3600;

bool is_non_empty_string(const nlohmann::json& object, const char* field) {
  const auto found = object.find(field);
  return found != object.end() && found->is_string() && !found->get_ref<const std::string&>().empty();
}

// The seed's body: four required strings, an optional purchase_order_no (string or null), and
// products, a non-empty list of {product_code, quantity}. Quantity: a positive integer (the
// seed's example is 10; 1.5, "10" and 0 are refused).
FieldErrors validate_sales_order(const nlohmann::json& body) {
  FieldErrors errors;
  for (const char* field : {"customer_code", "site_code", "sales_name", "address"}) {
    if (!body.contains(field)) {
      errors[field].emplace_back("is required");
    } else if (!is_non_empty_string(body, field)) {
      errors[field].emplace_back("must be a non-empty string");
    }
  }
  if (const auto po = body.find("purchase_order_no");
      po != body.end() && !po->is_string() && !po->is_null()) {
    errors["purchase_order_no"].emplace_back("must be a string or null");
  }
  const auto products = body.find("products");
  if (products == body.end()) {
    errors["products"].emplace_back("is required");
  } else if (!products->is_array() || products->empty()) {
    errors["products"].emplace_back("must be a non-empty array");
  } else {
    for (std::size_t i = 0; i < products->size(); ++i) {
      const nlohmann::json& product = (*products)[i];
      const std::string where = "products." + std::to_string(i);
      if (!product.is_object()) {
        errors[where].emplace_back("must be an object");
        continue;
      }
      if (!is_non_empty_string(product, "product_code")) {
        errors[where + ".product_code"].emplace_back("is required, a non-empty string");
      }
      const auto quantity = product.find("quantity");
      const bool positive_integer =
          quantity != product.end() &&
          ((quantity->is_number_unsigned() && quantity->get<std::uint64_t>() > 0) ||
           (quantity->is_number_integer() && quantity->get<std::int64_t>() > 0));
      if (!positive_integer) errors[where + ".quantity"].emplace_back("must be a positive integer");
    }
  }
  return errors;
}

std::optional<std::int64_t> unix_seconds(const std::string& text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return std::stoll(text);
}

nlohmann::json order_resource(const SalesOrderPut& put) {
  return nlohmann::json{
      {"message", "Sales order created successfully"},
      {"data", {{"code", put.code}, {"status", "DRAFT"}, {"created_at", put.created_at}}}};
}

void refuse(httplib::Response& res, const std::string& message) {
  res.set_header("WWW-Authenticate", "Bearer");
  send_error(res, 401, message);
}

}  // namespace

void add_sales_order_options(CLI::App& app, SalesOrderOptions& options) {
  app.add_option("--sales-client-id", options.client_id, "Sales Order API partner client_id")
      ->capture_default_str();
  // No capture_default_str: --help never shows a secret.
  app.add_option("--sales-client-secret", options.client_secret,
                 "Sales Order API client_secret (default: the seed's example)");
  app.add_option("--sales-public-key", options.public_key_file,
                 "The partner's registered RSA public key (PEM) for X-SIGNATURE; without it every "
                 "sales order is refused")
      ->check(CLI::ExistingFile);
  app.add_option("--sales-max-skew", options.max_skew_seconds,
                 "Largest accepted difference between X-TIMESTAMP and our clock, in seconds")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{86400}))
      ->capture_default_str();
  app.add_option("--sales-clock-offset", options.clock_offset_seconds,
                 "Run the Sales Order API's clock this many seconds ahead (negative: behind), to "
                 "play a device whose clock is off")
      ->check(CLI::Range(std::int64_t{-86400 * 365}, std::int64_t{86400 * 365}))
      ->capture_default_str();
}

SalesOrderApi::SalesOrderApi(const SalesOrderOptions& options, PartnerStore& store, Stats& stats,
                             const TokenTtl& token_ttl)
    : options_(options), store_(store), stats_(stats), token_ttl_(token_ttl) {
  if (!options_.public_key_file.empty()) public_key_ = RsaPublicKey::load(options_.public_key_file);
}

void SalesOrderApi::issue_token(httplib::Response& res, const std::string& client_id) {
  const std::int64_t now = unix_now();
  const std::int64_t expires_at = now + token_ttl_.seconds();
  const nlohmann::json claims{{"iss", "upstream-sim"},   {"sub", client_id},
                              {"client_id", client_id},  {"iat", now},
                              {"exp", expires_at},       {"jti", random_token().substr(0, 16)},
                              {"gen", generation_.load()}};
  const std::string token = jwt_.issue(claims);
  note_issued_token(token);
  send_json(res, 200, nlohmann::json{{"token", token}, {"expired_at", expires_at}});
}

std::optional<nlohmann::json> SalesOrderApi::token_claims(const std::string& token,
                                                          bool allow_expired) const {
  auto claims = jwt_.verify(token);
  if (!claims) return std::nullopt;
  const auto generation = claims->find("gen");
  const auto expiry = claims->find("exp");
  const auto client = claims->find("client_id");
  if (generation == claims->end() || !generation->is_number_integer() ||
      generation->get<std::int64_t>() != generation_.load() || expiry == claims->end() ||
      !expiry->is_number_integer() || client == claims->end() || !client->is_string()) {
    return std::nullopt;
  }
  const std::int64_t now = unix_now();
  const std::int64_t exp = expiry->get<std::int64_t>();
  if (allow_expired ? exp + refresh_grace_seconds <= now : exp <= now) return std::nullopt;
  return claims;
}

void SalesOrderApi::login(const httplib::Request& req, httplib::Response& res) {
  const auto body = parse_json(req.body);
  if (!body || !body->is_object()) {
    stats_.on_login(false);
    ++counters_.login_failures;
    send_error(res, 400, "request body must be a JSON object");
    return;
  }
  FieldErrors errors;
  for (const char* field : {"client_id", "client_secret"}) {
    if (!body->contains(field) || !(*body)[field].is_string()) errors[field].emplace_back("is required, a string");
  }
  if (!errors.empty()) {
    stats_.on_login(false);
    ++counters_.login_failures;
    send_validation_error(res, errors);
    return;
  }
  const auto& client_id = (*body)["client_id"].get_ref<const std::string&>();
  // Both compared every time: the timing does not tell which one was wrong.
  const bool id_ok = constant_time_equal(client_id, options_.client_id);
  const bool secret_ok =
      constant_time_equal((*body)["client_secret"].get_ref<const std::string&>(), options_.client_secret);
  if (!id_ok || !secret_ok) {
    stats_.on_login(false);
    ++counters_.login_failures;
    send_error(res, 401, "invalid client credentials");
    return;
  }
  stats_.on_login(true);
  ++counters_.logins;
  issue_token(res, client_id);
}

void SalesOrderApi::refresh(const httplib::Request& req, httplib::Response& res) {
  const auto body = parse_json(req.body);
  if (!body || !body->is_object() || !body->contains("token") || !(*body)["token"].is_string()) {
    ++counters_.refresh_failures;
    send_validation_error(res, FieldErrors{{"token", {"is required, a string"}}});
    return;
  }
  const auto claims = token_claims((*body)["token"].get<std::string>(), /*allow_expired=*/true);
  if (!claims) {
    ++counters_.refresh_failures;
    refuse(res, "invalid or revoked token");
    return;
  }
  ++counters_.refreshes;
  issue_token(res, (*claims)["client_id"].get<std::string>());
}

void SalesOrderApi::create(const httplib::Request& req, httplib::Response& res) {
  // The two authentication layers first: a caller that fails them learns nothing else.
  const auto token = parse_bearer(req.get_header_value("Authorization"));
  const auto claims = token ? token_claims(*token, /*allow_expired=*/false) : std::nullopt;
  if (!claims) {
    ++counters_.token_refusals;
    refuse(res, token ? "invalid or expired token" : "missing bearer token");
    return;
  }
  const std::string client_id = req.get_header_value("X-CLIENT-ID");
  if (client_id != (*claims)["client_id"].get<std::string>()) {
    ++counters_.client_mismatches;
    refuse(res, client_id.empty() ? "missing X-CLIENT-ID header"
                                  : "X-CLIENT-ID does not match the token's client_id");
    return;
  }
  const std::string timestamp_text = req.get_header_value("X-TIMESTAMP");
  const auto timestamp = unix_seconds(timestamp_text);
  const std::int64_t our_time = unix_now() + options_.clock_offset_seconds;
  if (!timestamp) {
    ++counters_.stale_timestamps;
    refuse(res, "X-TIMESTAMP must be the current time in unix seconds");
    return;
  }
  if (std::llabs(*timestamp - our_time) > options_.max_skew_seconds) {
    ++counters_.stale_timestamps;
    refuse(res, "X-TIMESTAMP is " + std::to_string(*timestamp - our_time) +
                    " s off the server's clock (at most " +
                    std::to_string(options_.max_skew_seconds) + " s allowed)");
    return;
  }
  const std::string signature = req.get_header_value("X-SIGNATURE");
  if (!public_key_ || !public_key_->verify(client_id + "|" + timestamp_text, signature)) {
    ++counters_.bad_signatures;
    refuse(res, !public_key_ ? "no public key is registered for this client"
           : signature.empty() ? "missing X-SIGNATURE header"
                               : "X-SIGNATURE does not verify with the registered public key");
    return;
  }

  const auto found_key = idempotency_key(req, res);
  if (!found_key) return;
  const std::string& key = *found_key;
  const auto body = object_body(req, res);
  if (!body) return;
  if (const FieldErrors errors = validate_sales_order(*body); !errors.empty()) {
    send_validation_error(res, errors);
    return;
  }
  NewSalesOrder order{key, client_id, (*body)["customer_code"].get<std::string>(), std::nullopt,
                      req.get_header_value("X-Device-Id"), canonical_json(*body)};
  if (const auto po = body->find("purchase_order_no"); po != body->end() && po->is_string()) {
    order.purchase_order_no = po->get<std::string>();
  }
  const SalesOrderPut put = store_.put_sales_order(order, unix_now());
  switch (put.outcome) {
    case PartnerOutcome::applied:
      ++counters_.accepted;
      stats_.on_accepted(true);
      send_json(res, 201, order_resource(put));
      return;
    case PartnerOutcome::duplicate:
      ++counters_.duplicates;
      stats_.on_duplicate();
      send_json(res, 409, order_resource(put));
      return;
    case PartnerOutcome::conflict:
    case PartnerOutcome::failed:
      send_validation_error(
          res, FieldErrors{{"Idempotency-Key", {"was already used for sales order " + put.code}}},
          "idempotency key reused with a different body");
      return;
  }
}

nlohmann::json SalesOrderApi::admin_json() {
  nlohmann::json orders = nlohmann::json::array();
  for (const SalesOrderRow& row : store_.sales_orders()) {
    orders.push_back({{"seq", row.seq},
                      {"code", row.code},
                      {"idempotency_key", row.idempotency_key},
                      {"client_id", row.client_id},
                      {"customer_code", row.customer_code},
                      {"purchase_order_no", row.purchase_order_no ? nlohmann::json(*row.purchase_order_no)
                                                                  : nlohmann::json()},
                      {"device_id", row.device_id},
                      {"created_at", row.created_at},
                      {"body", row.body}});
  }
  const Counters& c = counters_;
  return nlohmann::json{{"orders", orders},
                        {"counters",
                         {{"logins", c.logins.load()},
                          {"login_failures", c.login_failures.load()},
                          {"refreshes", c.refreshes.load()},
                          {"refresh_failures", c.refresh_failures.load()},
                          {"accepted", c.accepted.load()},
                          {"duplicates", c.duplicates.load()},
                          {"token_refusals", c.token_refusals.load()},
                          {"client_mismatches", c.client_mismatches.load()},
                          {"stale_timestamps", c.stale_timestamps.load()},
                          {"bad_signatures", c.bad_signatures.load()}}}};
}

void SalesOrderApi::register_routes(httplib::Server& server, const ApiGate& gate) {
  const auto route = [&](const char* path, void (SalesOrderApi::*handler)(const httplib::Request&,
                                                                          httplib::Response&)) {
    server.Post(std::string(prefix) + path,
                with_body(gate.guard([this, handler](const httplib::Request& req,
                                                     httplib::Response& res) {
                  (this->*handler)(req, res);
                })));
  };
  route("/api/v1/auth/login", &SalesOrderApi::login);
  route("/api/v1/auth/refresh", &SalesOrderApi::refresh);
  route("/api/v1/sales-orders", &SalesOrderApi::create);
}

void SalesOrderApi::register_admin(httplib::Server& admin) {
  admin.Get("/admin/sales-orders", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, admin_json());
  });
  admin.Post("/admin/sales-order/revoke-tokens",
             with_body([this](const httplib::Request&, httplib::Response& res) {
               ++generation_;
               std::fprintf(stderr, "upstream-sim: admin: sales order tokens revoked\n");
               send_json(res, 200, nlohmann::json{{"revoked", true}});
             }));
}

}  // namespace upstream_sim
