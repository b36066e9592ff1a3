#include "outpost/connectors/din_connector.hpp"

#include <nlohmann/json.hpp>

#include <utility>

#include "outpost/config/upstream_options.hpp"
#include "outpost/connectors/responses.hpp"
#include "delivery_request.hpp"
#include "password_login.hpp"

namespace outpost::connectors {

Expected<DinSettings> din_settings(const config::UpstreamConfig& upstream, const std::string& source_path,
                                   const std::string& device_id) {
    config::UpstreamOptions options(upstream, source_path);
    DinSettings settings;
    settings.base_url = upstream.base_url;
    settings.device_id = device_id;
    detail::read_password_login(options, settings);
    if (auto ok = options.finish(); !ok) return ok.error();
    return settings;
}

DinConnector::DinConnector(DinSettings settings)
    : settings_(std::move(settings)), session_([this](transport::HttpClient& http) {
          return perform_json_login(http, detail::password_json_login("DIN login", settings_.base_url + "/ifp/login", settings_));
      }) {}

void DinConnector::before_drain(transport::HttpClient& http, std::int64_t backlog) {
    session_.before_drain(http, backlog);
}

DeliveryResult DinConnector::deliver(transport::HttpClient& http, const outbox::Operation& operation) {
    const auto now = std::chrono::system_clock::now();
    auto answer = session_.send_with_token(http, [&](const std::string& token) {
        return http.perform(detail::delivery_request("POST", settings_.base_url + "/ssl/ifp/picking/order",
                                                     operation.payload, token, operation.idempotency_key,
                                                     settings_.device_id));
    });
    if (auto* failure = std::get_if<DeliveryResult>(&answer)) return *failure;
    return result_from_response(std::get<transport::Response>(answer), "DIN", now);
}

}  // namespace outpost::connectors
