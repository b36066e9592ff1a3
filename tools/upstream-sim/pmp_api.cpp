#include "pmp_api.hpp"

#include "bearer.hpp"
#include "http_json.hpp"
#include "secrets.hpp"
#include "unix_time.hpp"
#include "validation.hpp"

#include <chrono>
#include <cstdio>

namespace upstream_sim {
namespace {


void send_pmp(httplib::Response& res, int status, const char* outcome, const std::string& message,
              const nlohmann::json& data) {
  send_json(res, status, nlohmann::json{{"status", outcome}, {"message", message}, {"data", data}});
}

// kode_order and status non-empty strings; json_data a string that holds JSON (the seed's
// "json_data": "{\"key\": \"value\"}"): an object sent as is is the client's mistake.
FieldErrors validate_order(const nlohmann::json& body) {
  FieldErrors errors;
  for (const char* field : {"kode_order", "status"}) {
    const auto found = body.find(field);
    if (found == body.end() || !found->is_string() || found->get_ref<const std::string&>().empty()) {
      errors[field].emplace_back("is required, a non-empty string");
    }
  }
  const auto data = body.find("json_data");
  if (data == body.end()) {
    errors["json_data"].emplace_back("is required");
  } else if (!data->is_string()) {
    errors["json_data"].emplace_back("must be a string holding JSON");
  } else if (!parse_json(data->get<std::string>())) {
    errors["json_data"].emplace_back("is not valid JSON");
  }
  return errors;
}

std::optional<std::string> optional_string(const nlohmann::json& body, const char* field,
                                           FieldErrors& errors) {
  const auto found = body.find(field);
  if (found == body.end() || found->is_null()) return std::nullopt;
  if (!found->is_string()) {
    errors[field].emplace_back("must be a string");
    return std::nullopt;
  }
  if (found->get_ref<const std::string&>().empty()) return std::nullopt;
  return found->get<std::string>();
}

}  // namespace

void add_pmp_options(CLI::App& app, PmpOptions& options) {
  app.add_option("--pmp-email", options.email, "PMP Smart login email")->capture_default_str();
  // No capture_default_str: --help never shows a password.
  app.add_option("--pmp-password", options.password, "PMP Smart login password (default: pmp-password)");
}

PmpApi::PmpApi(const PmpOptions& options, PartnerStore& store, Stats& stats,
               const TokenTtl& token_ttl)
    : options_(options), store_(store), stats_(stats), token_ttl_(token_ttl) {}

void PmpApi::login(const httplib::Request& req, httplib::Response& res) {
  const auto body = parse_json(req.body);
  if (!body || !body->is_object()) {
    stats_.on_login(false);
    ++login_failures_;
    send_error(res, 400, "request body must be a JSON object");
    return;
  }
  FieldErrors errors;
  for (const char* field : {"email", "password"}) {
    if (!body->contains(field) || !(*body)[field].is_string()) errors[field].emplace_back("is required, a string");
  }
  if (!errors.empty()) {
    stats_.on_login(false);
    ++login_failures_;
    send_validation_error(res, errors);
    return;
  }
  const auto& email = (*body)["email"].get_ref<const std::string&>();
  const bool email_ok = constant_time_equal(email, options_.email);
  const bool password_ok =
      constant_time_equal((*body)["password"].get_ref<const std::string&>(), options_.password);
  if (!email_ok || !password_ok) {
    stats_.on_login(false);
    ++login_failures_;
    send_error(res, 401, "Email atau password salah");
    return;
  }
  const std::string token = random_token();
  note_issued_token(token);
  const std::int64_t now = unix_now();
  store_.add_pmp_token(sha256_hex(token), email, now, now + token_ttl_.seconds());
  stats_.on_login(true);
  ++logins_;
  send_pmp(res, 200, "success", "Submit Login berhasil", {{"api_token", token}, {"email", email}});
}

bool PmpApi::authenticated(const httplib::Request& req, httplib::Response& res) {
  const auto token = parse_bearer(req.get_header_value("Authorization"));
  if (token && store_.pmp_token_valid(sha256_hex(*token), unix_now())) return true;
  res.set_header("WWW-Authenticate", "Bearer");
  send_error(res, 401, token ? "Unauthenticated." : "missing bearer token");
  return false;
}

void PmpApi::logout(const httplib::Request& req, httplib::Response& res) {
  if (!authenticated(req, res)) return;
  store_.revoke_pmp_token(sha256_hex(*parse_bearer(req.get_header_value("Authorization"))));
  ++logouts_;
  send_pmp(res, 200, "success", "Logout berhasil", nlohmann::json::array());
}

void PmpApi::order(const httplib::Request& req, httplib::Response& res, PmpAction action) {
  if (!authenticated(req, res)) return;
  const auto found_key = idempotency_key(req, res);
  if (!found_key) return;
  const std::string& key = *found_key;
  const auto body = object_body(req, res);
  if (!body) return;
  if (const FieldErrors errors = validate_order(*body); !errors.empty()) {
    send_validation_error(res, errors);
    return;
  }
  const PmpRequest request{action,
                           key,
                           (*body)["kode_order"].get<std::string>(),
                           (*body)["json_data"].get<std::string>(),
                           (*body)["status"].get<std::string>(),
                           req.get_header_value("X-Device-Id"),
                           canonical_json(*body)};
  const PmpPut put = store_.apply_pmp(request, unix_now());
  const bool insert = action == PmpAction::insert;
  switch (put.outcome) {
    case PartnerOutcome::applied:
      ++(insert ? inserts_ : updates_);
      stats_.on_accepted(true);
      send_pmp(res, 200, "success", insert ? "JSON order berhasil disimpan" : "JSON order berhasil diperbarui",
               put.data);
      return;
    case PartnerOutcome::duplicate:
      ++duplicates_;
      stats_.on_duplicate();
      send_pmp(res, 409, "success", "JSON order sudah diterima dengan Idempotency-Key ini", put.data);
      return;
    case PartnerOutcome::conflict:
      send_validation_error(res, FieldErrors{{"Idempotency-Key", {"was already used for another request"}}},
                            "idempotency key reused with a different body");
      return;
    case PartnerOutcome::failed:
      ++refused_;
      send_pmp(res, 200, "failed", put.message, nullptr);
      return;
  }
}

void PmpApi::filter(const httplib::Request& req, httplib::Response& res) {
  if (!authenticated(req, res)) return;
  nlohmann::json body = nlohmann::json::object();
  if (!req.body.empty()) {
    const auto parsed = parse_json(req.body);
    if (!parsed || !parsed->is_object()) {
      send_error(res, 400, "request body must be a JSON object");
      return;
    }
    body = *parsed;
  }
  FieldErrors errors;
  PmpFilter filter{optional_string(body, "search", errors), optional_string(body, "kode_order", errors),
                   optional_string(body, "status", errors), optional_string(body, "start_date", errors),
                   optional_string(body, "end_date", errors)};
  for (const auto& [field, value] : {std::pair{"start_date", filter.start_date}, std::pair{"end_date", filter.end_date}}) {
    if (value && !parse_calendar_date(*value)) errors[field].emplace_back("must be a date as YYYY-MM-DD");
  }
  // status_order: the seed lists it without saying what it filters; accepted and ignored.
  if (!errors.empty()) {
    send_validation_error(res, errors);
    return;
  }
  send_pmp(res, 200, "success", "Data JSON order berhasil diambil", store_.pmp_orders(filter));
}

void PmpApi::register_routes(httplib::Server& server, const ApiGate& gate) {
  const auto route = [&](const char* path, httplib::Server::Handler handler) {
    server.Post(std::string(prefix) + path, with_body(gate.guard(std::move(handler))));
  };
  route("/api/v1/auth/login", [this](const auto& req, auto& res) { login(req, res); });
  route("/api/v1/auth/logout", [this](const auto& req, auto& res) { logout(req, res); });
  route("/api/v1/json/order", [this](const auto& req, auto& res) { order(req, res, PmpAction::insert); });
  route("/api/v1/json/order/update",
        [this](const auto& req, auto& res) { order(req, res, PmpAction::update); });
  route("/api/v1/json/order/get/filter", [this](const auto& req, auto& res) { filter(req, res); });
}

void PmpApi::register_admin(httplib::Server& admin) {
  admin.Get("/admin/pmp", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200,
              nlohmann::json{{"orders", store_.pmp_orders({})},
                             {"events", store_.pmp_events()},
                             {"active_tokens", store_.active_pmp_tokens(unix_now())},
                             {"counters",
                              {{"logins", logins_.load()},
                               {"login_failures", login_failures_.load()},
                               {"logouts", logouts_.load()},
                               {"inserts", inserts_.load()},
                               {"updates", updates_.load()},
                               {"refused", refused_.load()},
                               {"duplicates", duplicates_.load()}}}});
  });
  admin.Post("/admin/pmp/expire-tokens", with_body([this](const httplib::Request&, httplib::Response& res) {
               const std::int64_t revoked = store_.revoke_all_pmp_tokens();
               std::fprintf(stderr, "upstream-sim: admin: PMP tokens expired\n");
               send_json(res, 200, nlohmann::json{{"revoked", revoked}});
             }));
}

}  // namespace upstream_sim
