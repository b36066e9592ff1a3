#include "smile_login.hpp"

#include "bearer.hpp"
#include "http_json.hpp"
#include "secrets.hpp"
#include "unix_time.hpp"

#include <cctype>
#include <chrono>
#include <optional>
#include <string_view>

namespace upstream_sim {
namespace {

FieldErrors validate_smile_login(const nlohmann::json& body) {
  FieldErrors errors;
  for (const char* field : {"email", "password"}) {
    const auto it = body.find(field);
    if (it == body.end() || it->is_null()) {
      errors[field].emplace_back("is required");
    } else if (!it->is_string()) {
      errors[field].emplace_back("must be a string");
    }
  }
  return errors;
}

void login(const httplib::Request& req, httplib::Response& res, Store& store, Stats& stats,
           const std::vector<SmileAccount>& accounts, const TokenTtl& token_ttl) {
  const auto body = parse_json(req.body);
  if (!body || !body->is_object()) {
    stats.on_login(false);
    send_error(res, 400, "malformed JSON");
    return;
  }
  if (const FieldErrors errors = validate_smile_login(*body); !errors.empty()) {
    stats.on_login(false);
    send_validation_error(res, errors);
    return;
  }
  const auto& email = (*body)["email"].get_ref<const std::string&>();
  const auto& password = (*body)["password"].get_ref<const std::string&>();
  bool known = false;
  for (const SmileAccount& account : accounts) {
    // Both compared every time, so the answer's timing does not tell which one was wrong.
    const bool email_ok = constant_time_equal(email, account.email);
    const bool password_ok = constant_time_equal(password, account.password);
    known = known || (email_ok && password_ok);
  }
  if (!known) {
    stats.on_login(false);
    send_error(res, 401, "invalid credentials");
    return;
  }
  issue_login_token(res, store, stats, "smile:" + email, token_ttl);
}

}  // namespace

void issue_login_token(httplib::Response& res, Store& store, Stats& stats, const std::string& subject,
                       const TokenTtl& token_ttl) {
  const std::string token = random_token();
  note_issued_token(token);
  const std::int64_t now = unix_now();
  const std::int64_t expires_at = now + token_ttl.seconds();
  store.add_token(sha256_hex(token), subject, now, expires_at);
  stats.on_login(true);
  send_json(res, 200,
            nlohmann::json{{"status", "success"},
                           {"data", {{"token", token}, {"expired_at", expires_at}}}});
}

bool require_bearer_token(const httplib::Request& req, httplib::Response& res, Store& store) {
  const auto token = parse_bearer(req.get_header_value("Authorization"));
  if (!token) {
    res.set_header("WWW-Authenticate", "Bearer");
    send_error(res, 401, "missing bearer token");
    return false;
  }
  if (!store.token_valid(sha256_hex(*token), unix_now())) {
    res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    send_error(res, 401, "invalid or expired token");
    return false;
  }
  return true;
}

void register_smile_login(httplib::Server& server, const ApiGate& gate, Store& store, Stats& stats,
                          std::vector<SmileAccount> accounts, const TokenTtl& token_ttl) {
  const httplib::Server::Handler handler =
      [&store, &stats, accounts = std::move(accounts), &token_ttl](const httplib::Request& req,
                                                                  httplib::Response& res) {
        login(req, res, store, stats, accounts, token_ttl);
      };
  server.Post("/auth/login", with_body(gate.guard(handler)));
}

}  // namespace upstream_sim
