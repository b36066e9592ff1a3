#include "admin_api.hpp"

#include "http_json.hpp"

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace upstream_sim {
namespace {

using Request = httplib::Request;
using Response = httplib::Response;

nlohmann::json accepted_json(Store& store, const Request& req) {
  std::optional<std::string> key_ssl;
  if (req.has_param("key_ssl")) key_ssl = req.get_param_value("key_ssl");
  nlohmann::json pickings = nlohmann::json::array();
  for (const AcceptedPicking& p : store.accepted(key_ssl)) {
    pickings.push_back({
        {"seq", p.seq},
        {"picking_id", p.picking_id},
        {"idempotency_key", p.idempotency_key},
        {"key_ssl", p.key_ssl},
        {"picking_no", p.picking_no},
        {"picked_at", p.picked_at},
        {"device_id", p.device_id},
        {"in_order", p.in_order},
        {"accepted_at", p.accepted_at},
    });
  }
  return nlohmann::json{{"pickings", pickings}};
}

// Parses {"path": "/...", "statuses": [400..599, ...]} into faults; false with a 4xx sent when
// the request is not that.
bool queue_faults(const Request& req, Response& res, Faults& faults) {
  const auto body = parse_json(req.body);
  if (!body || !body->is_object()) {
    send_error(res, 400, R"(expected {"path": "/...", "statuses": [500, ...]})");
    return false;
  }
  FieldErrors errors;
  const auto path = body->find("path");
  if (path == body->end() || !path->is_string() ||
      path->get_ref<const std::string&>().rfind('/', 0) != 0) {
    errors["path"].emplace_back("must be a string starting with /");
  }
  std::vector<int> statuses;
  const auto list = body->find("statuses");
  if (list == body->end() || !list->is_array()) {
    errors["statuses"].emplace_back("must be an array of HTTP status codes");
  } else {
    for (const auto& status : *list) {
      // Only error statuses: a fault is something the agent has to cope with.
      if (!status.is_number_integer() || status.get<std::int64_t>() < 400 ||
          status.get<std::int64_t>() > 599) {
        errors["statuses"].emplace_back("each must be an integer from 400 to 599");
        break;
      }
      statuses.push_back(status.get<int>());
    }
  }
  if (!errors.empty()) {
    send_validation_error(res, errors);
    return false;
  }
  faults.set_statuses(path->get<std::string>(), statuses);
  return true;
}

void log_admin(const char* what) { std::fprintf(stderr, "upstream-sim: admin: %s\n", what); }

}  // namespace

void register_admin_api(httplib::Server& server, Store& store, Stats& stats, Faults& faults) {
  install_json_error_handlers(server);

  server.Get("/admin/stats", [&stats, &faults](const Request&, Response& res) {
    send_json(res, 200, stats.to_json(faults.up()));
  });

  server.Get("/admin/accepted", [&store](const Request& req, Response& res) {
    send_json(res, 200, accepted_json(store, req));
  });

  server.Post("/admin/down", with_body([&faults](const Request&, Response& res) {
    faults.set_up(false);
    log_admin("upstream down");
    send_json(res, 200, nlohmann::json{{"up", false}});
  }));

  server.Post("/admin/up", with_body([&faults](const Request&, Response& res) {
    faults.set_up(true);
    log_admin("upstream up");
    send_json(res, 200, nlohmann::json{{"up", true}});
  }));

  server.Post("/admin/reset-stats", with_body([&stats](const Request&, Response& res) {
    stats.reset();
    send_json(res, 200, nlohmann::json{{"reset", true}});
  }));

  server.Post("/admin/expire-tokens", with_body([&store](const Request&, Response& res) {
    const std::int64_t revoked = store.revoke_all_tokens();
    log_admin("tokens expired");
    send_json(res, 200, nlohmann::json{{"revoked", revoked}});
  }));

  server.Get("/admin/faults", [&faults](const Request&, Response& res) {
    send_json(res, 200, nlohmann::json{{"faults", faults.pending()}});
  });

  server.Post("/admin/faults", with_body([&faults](const Request& req, Response& res) {
    if (!queue_faults(req, res, faults)) return;
    log_admin("faults queued");
    send_json(res, 200, nlohmann::json{{"faults", faults.pending()}});
  }));

  server.Delete("/admin/faults", [&faults](const Request&, Response& res) {
    faults.clear();
    log_admin("faults cleared");
    send_json(res, 200, nlohmann::json{{"faults", faults.pending()}});
  });

  // Unknown POST paths get their 404 without httplib first waiting for a body (see with_body).
  server.Post(".*", with_body([](const Request&, Response& res) {
                send_error(res, 404, "not found");
              }));
}

}  // namespace upstream_sim
