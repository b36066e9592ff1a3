#include "admin_api.hpp"

#include "admin_faults.hpp"
#include "http_json.hpp"
#include "secrets.hpp"

#include <optional>
#include <string>

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

}  // namespace

void register_admin_api(httplib::Server& server, const AdminTargets& targets) {
  install_json_error_handlers(server);

  server.Get("/admin/stats", [targets](const Request&, Response& res) {
    send_json(res, 200, targets.stats.to_json(targets.faults.up()));
  });

  server.Get("/admin/timeline", [targets](const Request&, Response& res) {
    send_json(res, 200, targets.timeline.to_json());
  });

  server.Get("/admin/accepted", [targets](const Request& req, Response& res) {
    send_json(res, 200, accepted_json(targets.store, req));
  });

  server.Post("/admin/reset-stats", with_body([targets](const Request&, Response& res) {
    targets.stats.reset();
    targets.timeline.reset();
    send_json(res, 200, nlohmann::json{{"reset", true}});
  }));

  server.Post("/admin/forget-pickings", with_body([targets](const Request&, Response& res) {
    send_json(res, 200, nlohmann::json{{"forgotten", targets.store.forget_pickings()}});
  }));

  // Test mode only (--expose-tokens): the bearer tokens handed out so far, in the clear.
  server.Get("/admin/issued-tokens", [](const Request&, Response& res) {
    if (!keeping_issued_tokens()) {
      send_error(res, 404, "issued tokens are kept only with --expose-tokens");
      return;
    }
    send_json(res, 200, nlohmann::json{{"tokens", issued_tokens()}});
  });

  register_fault_admin(server, targets);

  // Unknown POST paths get their 404 without httplib first waiting for a body (see with_body).
  server.Post(".*", with_body([](const Request&, Response& res) {
                send_error(res, 404, "not found");
              }));
}

}  // namespace upstream_sim
