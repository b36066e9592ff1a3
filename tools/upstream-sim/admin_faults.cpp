#include "admin_faults.hpp"

#include "fault_steps.hpp"
#include "http_json.hpp"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace upstream_sim {
namespace {

using Request = httplib::Request;
using Response = httplib::Response;

constexpr std::int64_t max_latency_ms = 300'000;

void log_admin(const std::string& what) {
  std::fprintf(stderr, "upstream-sim: admin: %s\n", what.c_str());
}

// Every fault in force, in the forms the POSTs take.
nlohmann::json state_json(const AdminTargets& targets) {
  nlohmann::json state = targets.faults.to_json();
  state["tls"] = {{"refuse", targets.tls.refusing()}};
  state["token_ttl_seconds"] = targets.token_ttl.seconds();
  return state;
}

// The request body as a JSON object, or nullopt with a 400 sent (usage tells what was expected).
std::optional<nlohmann::json> object_body(const Request& req, Response& res, const char* usage) {
  auto body = parse_json(req.body);
  if (!body || !body->is_object()) {
    send_error(res, 400, std::string("expected ") + usage);
    return std::nullopt;
  }
  return body;
}

// body["path"] when it is a path ("/..."), else nullopt with the error noted.
std::optional<std::string> path_field(const nlohmann::json& body, FieldErrors& errors) {
  const auto path = body.find("path");
  if (path == body.end() || !path->is_string() ||
      path->get_ref<const std::string&>().rfind('/', 0) != 0) {
    errors["path"].emplace_back("must be a string starting with /");
    return std::nullopt;
  }
  return path->get<std::string>();
}

std::optional<std::int64_t> integer_field(const nlohmann::json& body, const char* name,
                                          std::int64_t low, std::int64_t high,
                                          FieldErrors& errors) {
  const auto value = body.find(name);
  if (value == body.end() || !value->is_number_integer() || value->get<std::int64_t>() < low ||
      value->get<std::int64_t>() > high) {
    errors[name].emplace_back("must be an integer from " + std::to_string(low) + " to " +
                              std::to_string(high));
    return std::nullopt;
  }
  return value->get<std::int64_t>();
}

// {"path", "steps": [...]} or the original {"path", "statuses": [...]}; false with an answer sent
// when the request is neither.
bool queue_faults(const Request& req, Response& res, Faults& faults) {
  const auto body =
      object_body(req, res, R"({"path": "/...", "steps": [{"status": 500}, ...]})");
  if (!body) return false;
  FieldErrors errors;
  const auto path = path_field(*body, errors);
  const auto steps = body->find("steps");
  const auto statuses = body->find("statuses");
  std::vector<PlannedStep> planned;
  if ((steps == body->end()) == (statuses == body->end())) {
    errors["steps"].emplace_back("give either steps or statuses");
  } else if (steps != body->end()) {
    planned = parse_steps(*steps, errors);
  } else {
    planned = parse_statuses(*statuses, errors);
  }
  if (!errors.empty()) {
    send_validation_error(res, errors);
    return false;
  }
  log_admin("faults queued for " + *path + " (" + std::to_string(planned.size()) + " step(s))");
  faults.set_steps(*path, std::move(planned));
  return true;
}

bool set_latency(const Request& req, Response& res, Faults& faults) {
  const auto body = object_body(req, res, R"({"path": "/...", "delay_ms": 1500})");
  if (!body) return false;
  FieldErrors errors;
  const auto path = path_field(*body, errors);
  const auto delay_ms = integer_field(*body, "delay_ms", 0, max_latency_ms, errors);
  if (!errors.empty()) {
    send_validation_error(res, errors);
    return false;
  }
  log_admin("latency of " + *path + " set to " + std::to_string(*delay_ms) + " ms");
  faults.set_latency(*path, *delay_ms);
  return true;
}

// Answers itself: the state plus how many connections were dropped.
void set_tls(const Request& req, Response& res, const AdminTargets& targets) {
  const auto body = object_body(req, res, R"({"refuse": true, "drop_connections": false})");
  if (!body) return;
  FieldErrors errors;
  const auto refuse = body->find("refuse");
  if (refuse == body->end() || !refuse->is_boolean()) {
    errors["refuse"].emplace_back("must be true or false");
  }
  const auto drop = body->find("drop_connections");
  if (drop != body->end() && !drop->is_boolean()) {
    errors["drop_connections"].emplace_back("must be true or false");
  }
  if (!errors.empty()) {
    send_validation_error(res, errors);
    return;
  }
  // Refuse first, then drop: a client that reconnects at once meets the refusal.
  targets.tls.set_refusing(refuse->get<bool>());
  log_admin(refuse->get<bool>() ? "TLS handshakes refused" : "TLS handshakes accepted");
  std::size_t dropped = 0;
  if (drop != body->end() && drop->get<bool>()) dropped = targets.tls.drop_connections();
  nlohmann::json state = state_json(targets);
  state["dropped"] = dropped;
  send_json(res, 200, state);
}

bool set_token_ttl(const Request& req, Response& res, TokenTtl& token_ttl) {
  const auto body = object_body(req, res, R"({"seconds": 60})");
  if (!body) return false;
  FieldErrors errors;
  const auto seconds = integer_field(*body, "seconds", 0, TokenTtl::max_seconds, errors);
  if (!errors.empty()) {
    send_validation_error(res, errors);
    return false;
  }
  token_ttl.set_seconds(*seconds);
  log_admin("token TTL set to " + std::to_string(*seconds) + " s");
  return true;
}

}  // namespace

void register_fault_admin(httplib::Server& server, const AdminTargets& targets) {
  server.Post("/admin/down", with_body([targets](const Request&, Response& res) {
    targets.faults.set_up(false);
    log_admin("upstream down");
    send_json(res, 200, nlohmann::json{{"up", false}});
  }));

  server.Post("/admin/up", with_body([targets](const Request&, Response& res) {
    targets.faults.set_up(true);
    log_admin("upstream up");
    send_json(res, 200, nlohmann::json{{"up", true}});
  }));

  server.Get("/admin/faults", [targets](const Request&, Response& res) {
    send_json(res, 200, state_json(targets));
  });

  server.Post("/admin/faults", with_body([targets](const Request& req, Response& res) {
    if (queue_faults(req, res, targets.faults)) send_json(res, 200, state_json(targets));
  }));

  server.Delete("/admin/faults", [targets](const Request& req, Response& res) {
    if (req.has_param("path")) {
      const std::string path = req.get_param_value("path");
      targets.faults.clear(path);
      log_admin("faults cleared for " + path);
    } else {
      // Back to how the simulator started: a test's clean-up needs one call.
      targets.faults.clear();
      targets.tls.set_refusing(false);
      targets.token_ttl.reset();
      log_admin("faults cleared");
    }
    send_json(res, 200, state_json(targets));
  });

  server.Post("/admin/latency", with_body([targets](const Request& req, Response& res) {
    if (set_latency(req, res, targets.faults)) send_json(res, 200, state_json(targets));
  }));

  server.Post("/admin/tls", with_body([targets](const Request& req, Response& res) {
    set_tls(req, res, targets);
  }));

  server.Post("/admin/token-ttl", with_body([targets](const Request& req, Response& res) {
    if (set_token_ttl(req, res, targets.token_ttl)) send_json(res, 200, state_json(targets));
  }));

  server.Post("/admin/expire-tokens", with_body([targets](const Request&, Response& res) {
    const std::int64_t revoked = targets.store.revoke_all_tokens();
    log_admin("tokens expired");
    send_json(res, 200, nlohmann::json{{"revoked", revoked}});
  }));
}

}  // namespace upstream_sim
