#include "admin_wms.hpp"

#include "http_json.hpp"

#include <chrono>
#include <ctime>

namespace upstream_sim {
namespace {

std::string now_rfc3339() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

void register_wms_admin(httplib::Server& server, const WmsTargets& targets) {
  server.Post("/admin/wms/records", with_body([targets](const httplib::Request& req, httplib::Response& res) {
                const auto body = parse_json(req.body);
                if (!body || !body->is_object() || !body->contains("type") || !(*body)["type"].is_string() ||
                    !body->contains("records") || !(*body)["records"].is_array()) {
                  send_error(res, 400, "expected {\"type\": T, \"records\": [...]}");
                  return;
                }
                try {
                  const auto records = (*body)["records"].get<std::vector<nlohmann::json>>();
                  const std::size_t count =
                      targets.data.upsert((*body)["type"].get<std::string>(), records, now_rfc3339());
                  send_json(res, 200, nlohmann::json{{"upserted", count}});
                } catch (const WmsDataError& e) {
                  send_error(res, 422, e.what());
                }
              }));
  server.Get("/admin/wms/requests", [targets](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, targets.requests.to_json());
  });
  server.Post("/admin/wms/clear-requests", with_body([targets](const httplib::Request&, httplib::Response& res) {
                targets.requests.clear();
                send_json(res, 200, nlohmann::json{{"cleared", true}});
              }));
  server.Get("/admin/wms/cancellations", [targets](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, targets.disposals.to_json());
  });
}

}  // namespace upstream_sim
